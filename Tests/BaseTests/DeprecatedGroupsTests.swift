import Base
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumRuntime
import KisumTesting
import Testing

/// Issue 8: "The nine deprecated groups (Auth, Company Users, Company User Invitations, Company Teams, Packages,
/// Permissions, Role, Subscription, Users) answer 410 Gone with a stable code and the service that replaces
/// them, for every path of theirs in the catalog, and are in the contract as deprecated."
@Suite("Base deprecated groups")
struct DeprecatedGroupsTests {
    /// Every catalog row of the nine groups (`../shared/catalog/operations.tsv`, status `deprecated`).
    static let catalog: [(group: String, method: HTTPRequest.Method, path: String)] = [
        ("Auth", .post, "/api/auth/login"),
        ("Auth", .post, "/api/auth/register"),
        ("Auth", .post, "/api/auth/refresh"),
        ("Auth", .get, "/api/auth/me"),
        ("Company Users", .get, "/api/company-users"),
        ("Company Users", .post, "/api/company-users"),
        ("Company Users", .put, "/api/company-users/{id}"),
        ("Company Users", .delete, "/api/company-users/{id}"),
        ("Company User Invitations", .get, "/api/company-user-invitations"),
        ("Company User Invitations", .post, "/api/company-user-invitations"),
        ("Company User Invitations", .post, "/api/company-user-invitations/{id}/accept"), // the catalog names it {token}
        ("Company User Invitations", .delete, "/api/company-user-invitations/{id}"),
        ("Company Teams", .get, "/api/company-teams"),
        ("Company Teams", .post, "/api/company-teams"),
        ("Company Teams", .put, "/api/company-teams/{id}"),
        ("Company Teams", .delete, "/api/company-teams/{id}"),
        ("Packages", .get, "/api/packages"),
        ("Packages", .get, "/api/packages/{id}"),
        ("Permissions", .get, "/api/permissions"),
        ("Permissions", .get, "/api/permissions/me"),
        ("Role", .get, "/api/role"),
        ("Role", .post, "/api/role"),
        ("Role", .put, "/api/role/{id}"),
        ("Subscription", .get, "/api/subscription"),
        ("Subscription", .post, "/api/subscription"),
        ("Subscription", .post, "/api/subscription/cancel"),
        ("Users", .get, "/api/users"),
        ("Users", .get, "/api/users/{id}"),
        ("Users", .put, "/api/users/{id}"),
    ]

    @Test func everyCatalogPathAnswersGoneWithTheReplacingService() async throws {
        let harness = try await ServiceTestHarness(BaseService.self, settings: BaseSettings())
        let company = UUID()
        let member = harness.member(of: company, permissions: ["*"], modules: ["basic"])
        try await harness.run { client in
            let anonymous = APITestClient(client)
            let signedIn = APITestClient(client, token: member.token, org: company)
            for row in Self.catalog {
                let uri = row.path.replacingOccurrences(of: "{id}", with: UUID().uuidString)
                    .replacingOccurrences(of: "{token}", with: "an-old-invitation-token")
                // The same answer with or without credentials: a gone route reveals nothing and needs nothing.
                for api in [anonymous, signedIn] {
                    let response = try await api.request(row.method, uri, json: row.method == .get || row.method == .delete ? nil : ["name": "x"])
                    #expect(response.status == .gone, "\(row.method) \(uri)")
                    #expect(response.json["error"]?["code"] == "endpoint_deprecated", "\(row.method) \(uri)")
                    #expect(response.json["error"]?["info"]?["group"] == .string(row.group), "\(row.method) \(uri)")
                    #expect(response.json["error"]?["info"]?["replacedBy"] == "platform-core")
                    let replacement = response.json["error"]?["info"]?["replacement"]?.stringValue ?? ""
                    #expect(replacement.hasPrefix("/platform/api/v1/"), "\(row.method) \(uri)")
                }
            }
            // Only the catalog's methods are gone; another method on the same path is not a route at all.
            #expect(try await anonymous.request(.delete, "/api/auth/login").status == .methodNotAllowed)
            let movedTo = try await anonymous.get("/api/subscription").json["error"]?["info"]?["movedTo"]
            #expect(movedTo == "Platform Core Backend")
            #expect(try await anonymous.get("/api/users").json["error"]?["info"]?["movedTo"] == "Auth Backend")
        }
    }

    @Test func theContractMarksEveryDeprecatedOperationDeprecated() async throws {
        let runtime = try await BaseService.testRuntime(settings: BaseSettings())
        let text = runtime.contract
        for row in Self.catalog {
            let marker = "  \(row.path):"
            #expect(text.contains(marker), "\(row.path) missing from contracts/base.yaml")
        }
        let deprecatedCount = text.components(separatedBy: "deprecated: true").count - 1
        // The seven legacy /api/kisum/* aliases are deprecated too (issue 14), pointing at their canonical routes.
        let aliases = text.components(separatedBy: "\n  /api/kisum/").count - 1
        #expect(aliases == 7)
        #expect(deprecatedCount == Self.catalog.count + aliases)
    }
}

import Base
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumTesting
import PostgresNIO
import Testing

/// Issue 14: "Integrations: the list of providers (Finance, Xero, Setlist.fm, Nextcloud, AI) with each one's real
/// connection state, read from the same settings the providers use."
@Suite("Base integrations")
struct IntegrationsTests {
    static let permissions = [BasePermission.integrationsRead, BasePermission.integrationsWrite]

    static func state(_ list: TestResponse, _ provider: String) -> JSONValue? {
        list.json["items"]?.arrayValue?.first { $0["provider"]?.stringValue == provider }
    }

    @Test func nothingConfiguredIsSaidAndConnectRefuses() async throws {
        let harness = try await ServiceTestHarness(BaseService.self, settings: BaseSettings())
        try await harness.withTwoCompanies(permissions: Self.permissions, module: BasePermission.module) { t in
            let list = try await t.a.get("/api/integrations")
            #expect(list.status == .ok)
            #expect(Self.state(list, "finance")?["status"] == "not_configured")
            #expect(Self.state(list, "finance")?["configured"] == false)
            #expect(Self.state(list, "finance")?["scope"] == "company")
            #expect(Self.state(list, "xero")?["status"] == "not_configured")
            #expect(Self.state(list, "xero")?["connectedAt"] == .null)
            #expect(try await t.a.post("/api/integrations/finance/connect", [:]).errorCode == "provider_not_configured")
            #expect(try await t.a.post("/api/integrations/xero/connect", [:]).errorCode == "provider_not_configured")
            #expect(try await t.a.post("/api/integrations/telepathy/connect", [:]).status == .notFound)
            // Permissions: reading needs .read, connecting .write.
            #expect(try await t.a(permissions: []).get("/api/integrations").errorCode == "permission_denied")
            let reader = t.a(permissions: [BasePermission.integrationsRead])
            #expect(try await reader.get("/api/integrations").status == .ok)
            #expect(try await reader.post("/api/integrations/finance/connect", [:]).errorCode == "permission_denied")
            // Finance's connect body is validated by Finance's own handler.
            #expect(try await t.a.post("/api/integrations/finance/connect", ["incomeAccountId": "nope"]).status == .badRequest)
        }
    }

    @Test func financeConnectsThroughItsOwnHandlerForOneCompanyOnly() async throws {
        let finance = try await FinanceForBase.start()
        let harness = try await ServiceTestHarness(BaseService.self, settings: finance.baseSettings)
        try await harness.withTwoCompanies(permissions: Self.permissions, module: BasePermission.module) { t in
            try await finance.up {
                #expect(Self.state(try await t.a.get("/api/integrations"), "finance")?["status"] == "not_connected")
                let income = try await finance.account(t.companyA, code: "4000", type: "revenue")
                let connected = try await t.a.post("/api/integrations/finance/connect", ["incomeAccountId": .string(income.uuidString)])
                #expect(connected.status == .ok, "\(connected.text)")
                #expect(connected.json["connected"] == true)
                #expect(connected.json["connection"]?["incomeAccountId"]?.uuid == income)
                // The same connection the Finance group reports.
                #expect(try await t.a.get("/api/integrations-finance/status").json["connected"] == true)
                let list = try await t.a.get("/api/integrations")
                #expect(Self.state(list, "finance")?["status"] == "connected")
                #expect(Self.state(list, "finance")?["connectedAt"] != .null)
                // B's state is its own; A's account is not B's.
                #expect(Self.state(try await t.b.get("/api/integrations"), "finance")?["status"] == "not_connected")
                let stolen = try await t.b.post("/api/integrations/finance/connect", ["incomeAccountId": .string(income.uuidString)])
                #expect(stolen.status == .unprocessableContent)
                #expect(stolen.errorFields == ["incomeAccountId"])
            }
        }
    }

    @Test func xeroConnectStartsTheConsentAndTheListFollowsTheConnection() async throws {
        try await XeroWorld.run { w in
            let start = try await w.t.a.post("/api/integrations/xero/connect", [:])
            #expect(start.status == .ok)
            let url = try #require(start.json["authorizeUrl"]?.stringValue)
            let items = XeroWorld.items(url)
            #expect(items["code_challenge_method"] == "S256")
            #expect(Self.state(try await w.t.a.get("/api/integrations"), "xero")?["status"] == "not_connected")
            let code = await w.fake.approve(challenge: items["code_challenge"] ?? "", redirectURI: items["redirect_uri"] ?? "",
                                            tenants: [(XeroWorld.orgA1, "Kisum Live Ltd")])
            #expect(try await w.callback(code: code, state: items["state"] ?? "").status == .ok)
            let list = try await w.t.a.get("/api/integrations")
            #expect(Self.state(list, "xero")?["status"] == "connected")
            #expect(Self.state(list, "xero")?["connected"] == true)
            #expect(Self.state(try await w.t.b.get("/api/integrations"), "xero")?["status"] == "not_connected")
            let redirect = try await w.t.a.request(.post, "/api/integrations/xero/connect?redirect=true")
            #expect(redirect.status == .found)
        }
    }

    @Test func platformProvidersAreConfiguredExactlyWhenTheirSettingsAre() async throws {
        let configured = BaseSettings(nextcloud: NextcloudSettings(url: "http://127.0.0.1:9", user: "kisum", appPassword: "secret"))
        for (settings, expected) in [(BaseSettings(), false), (configured, true)] {
            let harness = try await ServiceTestHarness(BaseService.self, settings: settings)
            try await harness.withTwoCompanies(permissions: Self.permissions, module: BasePermission.module) { t in
                let list = try await t.a.get("/api/integrations")
                let nextcloud = Self.state(list, "nextcloud")
                #expect(nextcloud?["configured"] == .bool(expected))
                #expect(nextcloud?["scope"] == "platform")
                #expect(nextcloud?["status"] == (expected ? "available" : "not_configured"))
                #expect(Self.state(list, "setlistfm")?["configured"] == false)
                #expect(list.text.contains("secret") == false)
                #expect(try await t.a.post("/api/integrations/nextcloud/connect", [:]).errorCode == "configured_by_platform")
            }
        }
    }
}

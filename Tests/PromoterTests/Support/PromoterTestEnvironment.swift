import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumTesting
import Promoter

/// Every tenant permission of the Promoter module.
let allPromoterPermissions = [PromoterPermission.eventsRead, PromoterPermission.eventsWrite]

/// One test's Promoter on the shared harness: two companies with a full-permission member each.
struct PromoterClients: Sendable {
    let harness: ServiceTestHarness<PromoterService>
    let raw: any TestClientProtocol
    let companyA: UUID
    let companyB: UUID
    let a: APITestClient
    let b: APITestClient

    /// An internal caller with a valid key and no company yet (`.with(org:)` names one).
    var `internal`: APITestClient { APITestClient(raw).with(header: "X-Internal-API-Key", TestDefaults.internalKeys[0]) }

    /// A member of company A with exactly these grants.
    func a(permissions: [String], modules: [String] = [PromoterPermission.module]) -> APITestClient {
        APITestClient(raw, token: harness.member(of: companyA, permissions: permissions, modules: modules).token, org: companyA)
    }
}

/// Runs `body` against a fresh Promoter over its own migrated database.
func withPromoterApp(_ body: @escaping @Sendable (PromoterClients) async throws -> Void) async throws {
    let harness = try await ServiceTestHarness(PromoterService.self, settings: PromoterSettings())
    let companyA = UUID()
    let companyB = UUID()
    let memberA = harness.member(of: companyA, permissions: allPromoterPermissions, modules: [PromoterPermission.module])
    let memberB = harness.member(of: companyB, permissions: allPromoterPermissions, modules: [PromoterPermission.module])
    try await harness.run { client in
        try await body(PromoterClients(
            harness: harness, raw: client, companyA: companyA, companyB: companyB,
            a: APITestClient(client, token: memberA.token, org: companyA), b: APITestClient(client, token: memberB.token, org: companyB)))
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A fixed point a month ahead, so event times never depend on "now".
let eventBase: Date = {
    let day = 24 * 3600.0
    return Date(timeIntervalSince1970: ((Date().timeIntervalSince1970 / day).rounded(.down) + 30) * day)
}()

/// RFC 3339 time `hours` after `eventBase`.
func at(_ hours: Double) -> JSONValue {
    .string(RFC3339.string(from: eventBase.addingTimeInterval(hours * 3600)))
}

extension APITestClient {
    /// Creates an event starting `start` hours after `eventBase` and returns its JSON (a failure otherwise).
    @discardableResult
    func createEvent(_ title: String = "Tour stop", start: Double = 20, extra: [String: JSONValue] = [:]) async throws -> JSONValue {
        var body: [String: JSONValue] = ["title": .string(title), "startAt": at(start), "timezone": "Europe/Amsterdam"]
        body.merge(extra) { _, new in new }
        let response = try await post("/api/v1/events", .object(body))
        guard response.status == .created else { throw TestFailure("event create answered \(response.status): \(response.text)") }
        return response.json
    }

    /// The `publicEventId` of a new event.
    func createEventID(_ title: String = "Tour stop", start: Double = 20, extra: [String: JSONValue] = [:]) async throws -> String {
        guard let id = try await createEvent(title, start: start, extra: extra)["publicEventId"]?.stringValue else {
            throw TestFailure("no publicEventId")
        }
        return id
    }
}

extension TestResponse {
    /// Field names in an error's details.
    var errorFields: [String] {
        (json["error"]?["details"]?.arrayValue ?? []).compactMap { $0["field"]?.stringValue }
    }
}

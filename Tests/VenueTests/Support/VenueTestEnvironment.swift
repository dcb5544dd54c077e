import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumRuntime
import KisumTesting
@testable import Venue

/// Every tenant permission of the Venue module.
let allVenuePermissions = [
    "venue.venues.read", "venue.venues.write", "venue.spaces.read", "venue.spaces.write",
    "venue.availability.read", "venue.availability.write", "venue.bookings.read", "venue.bookings.write",
    "venue.events.read", "venue.events.write", "venue.deals.read", "venue.deals.write",
    "venue.contracts.read", "venue.contracts.write", "venue.operations.read", "venue.operations.write",
    "venue.deposits.read", "venue.deposits.write",
    "venue.reports.read", "venue.customers.read", "venue.customers.write",
]

/// One test's world on the shared harness: two companies with a full-permission member each, and
/// helpers to mint callers with other grants.
struct VenueTestEnvironment: Sendable {
    let harness: ServiceTestHarness<VenueService>
    let companyA = UUID()
    let companyB = UUID()
    let userA = UUID()
    let userB = UUID()

    init(settings: VenueSettings = VenueSettings()) async throws {
        harness = try await ServiceTestHarness(VenueService.self, settings: settings)
        harness.access.grant(user: userA, company: companyA, permissions: allVenuePermissions, modules: ["venue"])
        harness.access.grant(user: userB, company: companyB, permissions: allVenuePermissions, modules: ["venue"])
    }

    var keys: TestKeys { harness.keys }
    var runtime: ServiceRuntime<VenueSettings> { harness.runtime }
    var database: Database { harness.database }

    /// A member of `company` with exactly `permissions` and `modules`.
    func member(of company: UUID, permissions: [String], modules: [String] = ["venue"]) -> (user: UUID, token: String) {
        harness.member(of: company, permissions: permissions, modules: modules)
    }
}

/// Clients bound to one test application.
struct VenueClients: Sendable {
    let env: VenueTestEnvironment
    let raw: any TestClientProtocol

    /// Company A's full-permission member.
    var a: APITestClient { APITestClient(raw, token: env.keys.token(userID: env.userA), org: env.companyA) }
    /// Company B's full-permission member.
    var b: APITestClient { APITestClient(raw, token: env.keys.token(userID: env.userB), org: env.companyB) }
    /// An internal caller with a valid key.
    var `internal`: APITestClient { APITestClient(raw).with(header: "X-Internal-API-Key", TestDefaults.internalKeys[0]) }
    /// A member of company A with only these permissions (and the module unless `modules` says otherwise).
    func a(permissions: [String], modules: [String] = ["venue"]) -> APITestClient {
        let member = env.member(of: env.companyA, permissions: permissions, modules: modules)
        return APITestClient(raw, token: member.token, org: env.companyA)
    }
}

/// Builds the application over a fresh database and runs `body` against its router.
func withVenueApp(
    settings: VenueSettings = VenueSettings(),
    _ body: @escaping @Sendable (VenueClients) async throws -> Void
) async throws {
    let env = try await VenueTestEnvironment(settings: settings)
    try await env.harness.run { client in
        try await body(VenueClients(env: env, raw: client))
    }
}

extension APITestClient {
    /// Creates a venue and returns its JSON.
    @discardableResult
    func createVenue(_ name: String = "Paradiso", extra: [String: JSONValue] = [:]) async throws -> JSONValue {
        var body: [String: JSONValue] = ["name": .string(name), "city": "Amsterdam", "country": "Netherlands", "countryIso2": "NL"]
        body.merge(extra) { _, new in new }
        let response = try await post("/api/v1/venues", .object(body))
        guard response.status == .created else { throw TestFailure("venue create answered \(response.status): \(response.text)") }
        return response.json
    }

    /// Creates a space in `venue` and returns its JSON.
    @discardableResult
    func createSpace(venue: UUID, name: String = "Main hall", extra: [String: JSONValue] = [:]) async throws -> JSONValue {
        var body: [String: JSONValue] = ["venueId": .string(venue.uuidString), "name": .string(name), "kind": "hall", "capacity": 1500]
        body.merge(extra) { _, new in new }
        let response = try await post("/api/v1/spaces", .object(body))
        guard response.status == .created else { throw TestFailure("space create answered \(response.status): \(response.text)") }
        return response.json
    }

    /// A venue and one space in it; returns the space id.
    func makeSpace(_ name: String = "Main hall") async throws -> (venue: UUID, space: UUID) {
        let venue = try requireUUID(try await createVenue()["id"])
        let space = try requireUUID(try await createSpace(venue: venue, name: name)["id"])
        return (venue, space)
    }
}

/// The UUID in a JSON string value, or a test failure.
func requireUUID(_ value: JSONValue?, _ what: String = "id") throws -> UUID {
    guard let uuid = value?.uuid else { throw TestFailure("expected a UUID for \(what), got \(String(describing: value))") }
    return uuid
}

/// RFC 3339 time `hours` after a fixed point a month ahead (so tests never collide with "now").
func slot(_ hours: Double) -> JSONValue {
    .string(RFC3339.string(from: slotBase.addingTimeInterval(hours * 3600)))
}

/// RFC 3339 time relative to now (for expiries and past bookings).
func fromNow(seconds: Double) -> JSONValue {
    .string(RFC3339.string(from: Date().addingTimeInterval(seconds)))
}

let slotBase: Date = {
    let day = 24 * 3600.0
    return Date(timeIntervalSince1970: ((Date().timeIntervalSince1970 / day).rounded(.down) + 30) * day)
}()

extension APITestClient {
    /// Books `spaces` from `start` to `end` (hours after `slotBase`) for a Market company.
    func book(_ spaces: [UUID], _ start: Double, _ end: Double, extra: [String: JSONValue] = [:]) async throws -> TestResponse {
        var body: [String: JSONValue] = [
            "spaceIds": .array(spaces.map { .string($0.uuidString) }), "marketCompanyId": .string(UUID().uuidString),
            "startAt": slot(start), "endAt": slot(end),
        ]
        body.merge(extra) { _, new in new }
        return try await post("/api/v1/bookings", .object(body))
    }

    /// A block with the spec's `status` (hold, maintenance, blackout, manual).
    func block(_ space: UUID, _ status: String, _ start: Double, _ end: Double, extra: [String: JSONValue] = [:]) async throws -> TestResponse {
        var body: [String: JSONValue] = ["spaceId": .string(space.uuidString), "status": .string(status), "startAt": slot(start), "endAt": slot(end)]
        body.merge(extra) { _, new in new }
        return try await post("/api/v1/availability/blocks", .object(body))
    }
}

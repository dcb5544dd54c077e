import Foundation
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import KisumKernel
import KisumPersistence
import KisumServiceClient
import KisumTesting
import PostgresNIO
import Promoter
@testable import Venue

/// The real Promoter service, live on a loopback port over its own fresh database, for the tests of Venue's
/// promoter event checks: Venue reaches it over HTTP exactly as `serve` wires it (PROMOTERS_BASE_URL,
/// PROMOTERS_API_KEY), and events are seeded through Promoter's own API.
struct LivePromoter: Sendable {
    let harness: ServiceTestHarness<PromoterService>
    let port: Int

    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Venue's settings pointed at this Promoter with the internal key it accepts.
    func venueSettings(timeout: Duration = .seconds(5)) -> VenueSettings {
        VenueSettings(promoters: PromoterDirectorySettings(baseURL: baseURL, apiKey: TestDefaults.internalKeys[0], timeout: timeout))
    }

    /// A promoter event of `company`, created through `POST /api/v1/events` by a member with every Promoter
    /// permission; its publicEventId is returned in lower case (the spelling Venue stores).
    @discardableResult
    func event(of company: UUID, legacyId: String? = nil, title: String = "Tour stop") async throws -> String {
        let member = harness.member(of: company, permissions: [PromoterPermission.eventsRead, PromoterPermission.eventsWrite],
                                    modules: [PromoterPermission.module])
        var body: [String: JSONValue] = ["title": .string(title), "startAt": "2031-05-01T20:00:00Z", "timezone": "Europe/Amsterdam"]
        if let legacyId { body["legacyId"] = .string(legacyId) }
        let client = ServiceClient(name: "promoter-seed", baseURL: baseURL, internalAPIKey: nil, retry: .none)
        let response = try await client.send("POST", "/api/v1/events", body: Array(try JSONEncoder().encode(JSONValue.object(body))),
                                             orgID: company.uuidString.lowercased(),
                                             headers: [("Authorization", "Bearer \(member.token)")])
        guard response.status == 201 else { throw TestFailure("promoter event create answered \(response.status): \(response.bodyText)") }
        let created = try JSONDecoder().decode(PromoterEventIdentity.self, from: Data(response.body))
        return created.publicEventId.uuidString.lowercased()
    }

    /// A fresh legacy (Mongo ObjectId) id in upper case, so tests also show ids are read in any case.
    static func newLegacyID() -> String {
        String(UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(24))
    }
}

/// Starts a real Promoter for `body` and stops it afterwards.
@discardableResult
func withLivePromoter<Value: Sendable>(_ body: (LivePromoter) async throws -> Value) async throws -> Value {
    let harness = try await ServiceTestHarness(PromoterService.self, settings: PromoterSettings())
    return try await harness.live { port async throws in try await body(LivePromoter(harness: harness, port: port)) }
}

/// Venue (on its router, over a fresh database) checking promoter events against a live Promoter.
func withVenueAndPromoter(_ body: @escaping @Sendable (VenueClients, LivePromoter) async throws -> Void) async throws {
    try await withLivePromoter { promoter async throws in
        try await withVenueApp(settings: promoter.venueSettings()) { clients in try await body(clients, promoter) }
    }
}

extension VenueClients {
    /// Rows company A holds in `table` (`venue_events` or `bookings`): what "nothing was written" is checked with.
    func rows(_ table: String) async throws -> Int {
        let query: PostgresQuery = table == "bookings"
            ? "SELECT count(*) FROM bookings WHERE company_id = \(env.companyA)"
            : "SELECT count(*) FROM venue_events WHERE company_id = \(env.companyA)"
        return try await env.database.query(query).count()
    }

    /// Puts `promoterEventID` on a booking as it is, unchecked: a booking stored before strict validation.
    func storeUncheckedPromoterEvent(_ promoterEventID: String, onBooking booking: UUID) async throws {
        try await env.database.query("UPDATE bookings SET promoter_event_id = \(promoterEventID) WHERE id = \(booking)")
    }
}

/// A loopback port that accepts connections (the kernel completes them into the listen backlog) and never
/// answers: what a hung Promoter looks like to Venue, without standing in for Promoter's behaviour.
func withSilentPort<Value: Sendable>(_ body: (_ port: Int) async throws -> Value) async throws -> Value {
    #if canImport(Glibc)
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    #else
    let fd = socket(AF_INET, SOCK_STREAM, 0)
    #endif
    guard fd >= 0 else { throw TestFailure("socket() failed") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
    }
    guard bound, listen(fd, 16) == 0 else { throw TestFailure("cannot listen on a loopback port") }
    return try await body(Int(UInt16(bigEndian: address.sin_port)))
}

import Finance
import Foundation
import KisumKernel
import KisumRuntime
import KisumServiceClient
import KisumTesting
import PlatformCore
import PlatformCoreAPI
import Promoter
import Testing
import Venue

/// Platform Core, Promoter, Venue and Finance as four live servers wired the way `serve` wires them: a
/// workspace signed up at Platform Core creates its promoter event at Promoter, books it at Venue (which
/// checks the event at Promoter), takes a deposit that reaches Finance, and reads the event's money back.
/// Then Promoter goes down and Venue refuses what it cannot check, writing nothing.
@Suite("System: an event's identity and money across Platform Core, Promoter, Venue and Finance", .timeLimit(.minutes(10)))
struct EventAcrossServicesTests {
    @Test func promoterIdentityDepositAndFinanceStatusEndToEnd() async throws {
        try await LiveCore.withSignedUpOwner(email: "owner@melkweg.example", company: "Melkweg") { live in
            let (verifier, resolver, workspace, token, storage) = (live.verifier, live.resolver, live.workspace, live.token, live.storage)

            let promoter = try await ServiceTestHarness(PromoterService.self, settings: PromoterSettings(), accessResolver: resolver,
                                                        verifier: verifier)
            let finance = try await ServiceTestHarness(FinanceService.self, settings: FinanceSettings())
            let promoterPort = try await promoter.live { port in port }
            let financePort = try await finance.live { port in port }
            let key = TestDefaults.internalKeys[0]
            let venue = try await ServiceTestHarness(VenueService.self, settings: VenueSettings(
                storageDirectory: storage,
                promoters: CalleeSettings(baseURL: "http://127.0.0.1:\(promoterPort)", apiKey: key, timeout: .seconds(10)),
                finance: CalleeSettings(baseURL: "http://127.0.0.1:\(financePort)", apiKey: key, timeout: .seconds(10))),
                accessResolver: resolver, verifier: verifier)

            try await finance.live(port: financePort) { _ in
                try await venue.live { venuePort in
                    let api = Caller(baseURL: "http://127.0.0.1:\(venuePort)").with(token: token, org: workspace)
                    let space = try await Self.space(api)
                    func bookings() async throws -> Int? { try await api.call("GET", "/api/v1/bookings").json["total"]?.int }

                    let eventID = try await promoter.live(port: promoterPort) { _ in
                        let atPromoter = Caller(baseURL: "http://127.0.0.1:\(promoterPort)").with(token: token, org: workspace)
                        let created = try await atPromoter.call("POST", "/api/v1/events", [
                            "title": "Album release", "startAt": "2031-05-01T20:00:00Z", "timezone": "Europe/Amsterdam",
                        ])
                        #expect(created.status == 201, "\(created.json)")
                        let promoterEvent = try #require(created.json["publicEventId"]?.stringValue)

                        // Venue checks the promoter event at Promoter before it books.
                        let unknown = try await api.call("POST", "/api/v1/bookings", Self.booking(space, promoterEvent: UUID().uuidString))
                        #expect(unknown.errorCode == "unknown_promoter_event")
                        #expect(try await bookings() == 0)
                        let booked = try await api.call("POST", "/api/v1/bookings", Self.booking(space, promoterEvent: promoterEvent.uppercased()))
                        #expect(booked.status == 201, "\(booked.json)")
                        let bookingID = try #require(booked.json["id"]?.stringValue)
                        let confirmed = try await api.call("PATCH", "/api/v1/bookings/\(bookingID)", ["status": "confirmed"])
                        #expect(confirmed.json["promoterEventId"] == .string(promoterEvent))
                        return try #require(confirmed.json["eventId"]?.stringValue)
                    }

                    // A deposit reaches Finance through the outbox; the event's finance status reads it back.
                    let deposit = try await api.call("POST", "/api/v1/deposits", [
                        "eventId": .string(eventID), "payerName": "Mojo Concerts", "amountMinor": 250_000, "currency": "EUR",
                    ])
                    #expect(deposit.status == 201)
                    let depositID = try #require(deposit.json["id"]?.stringValue)
                    let deadline = ContinuousClock.now + .seconds(60)
                    while ContinuousClock.now < deadline,
                          try await api.call("GET", "/api/v1/deposits/\(depositID)").json["financeSyncStatus"] != "synced" {
                        try await Task.sleep(for: .milliseconds(100))
                    }
                    let status = try await api.call("GET", "/api/v1/events/\(eventID)/finance-status").json
                    #expect(status["financeLinked"] == true)
                    #expect(status["rows"]?[0]?["invoicedMinor"] == 250_000)
                    #expect(status["rows"]?[0]?["outstandingMinor"] == 250_000)

                    // Promoter is down: a booking naming a promoter event is refused, and nothing is written.
                    let before = try await bookings()
                    let down = try await api.call("POST", "/api/v1/bookings", Self.booking(space, promoterEvent: UUID().uuidString, hour: 30))
                    #expect(down.status == 503)
                    #expect(down.errorCode == "promoter_unavailable")
                    #expect(try await bookings() == before)
                }
            }
        }
    }

    static func space(_ api: Caller) async throws -> String {
        let venue = try await api.call("POST", "/api/v1/venues", ["name": "Melkweg", "city": "Amsterdam"])
        let venueID = try #require(venue.json["id"]?.stringValue)
        let space = try await api.call("POST", "/api/v1/spaces", ["venueId": .string(venueID), "name": "Max", "kind": "hall", "capacity": 1500])
        return try #require(space.json["id"]?.stringValue)
    }

    static func booking(_ space: String, promoterEvent: String, hour: Double = 20) -> JSONValue {
        let start = Date(timeIntervalSince1970: 1_943_000_000 + hour * 3600)
        return ["spaceIds": [.string(space)], "marketCompanyId": .uuid(UUID()), "promoterEventId": .string(promoterEvent),
                "startAt": .string(RFC3339.string(from: start)), "endAt": .string(RFC3339.string(from: start.addingTimeInterval(4 * 3600)))]
    }
}

import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumTesting
import Testing
@testable import Venue

/// Issue 7: every promoterEventId Venue stores is resolved through the real Promoter service first, and the
/// canonical publicEventId is what is stored.
@Suite("Promoter event validation")
struct PromoterValidationTests {
    @Test func eventCreateAndLinkStoreTheCanonicalID() async throws {
        try await withVenueAndPromoter { clients, promoter in
            let api = clients.a
            let company = clients.env.companyA
            let byUUID = try await promoter.event(of: company)
            let legacy = LivePromoter.newLegacyID()
            let byLegacy = try await promoter.event(of: company, legacyId: legacy)

            let first = try await api.post("/api/v1/events", ["promoterEventId": .string(byUUID.uppercased())])
            #expect(first.status == .created)
            #expect(first.json["promoterEventId"] == .string(byUUID), "stored as the lower-case publicEventId")
            let second = try await api.post("/api/v1/events", ["promoterEventId": .string(legacy)])
            #expect(second.status == .created)
            #expect(second.json["promoterEventId"] == .string(byLegacy), "a legacy id is stored as its publicEventId")
            // The legacy id and its UUID name the same venue event.
            let again = try await api.post("/api/v1/events", ["promoterEventId": .string(byLegacy)])
            #expect(again.errorCode == "promoter_event_already_linked")
            #expect(again.json["error"]?["info"]?["eventId"] == second.json["id"])

            let legacyToLink = LivePromoter.newLegacyID().lowercased()
            let linkedByLegacy = try await promoter.event(of: company, legacyId: legacyToLink)
            let linkedByUUID = try await promoter.event(of: company)
            for (given, stored) in [(legacyToLink, linkedByLegacy), (linkedByUUID.uppercased(), linkedByUUID)] {
                let placeholder = try requireUUID(try await api.post("/api/v1/events", ["placeholder": true, "placeholderPromoterName": "P"]).json["id"])
                let linked = try await api.post("/api/v1/events/\(placeholder)/link-promoter", ["promoterEventId": .string(given)])
                #expect(linked.status == .ok)
                #expect(linked.json["promoterEventId"] == .string(stored))
            }
            #expect(try await clients.rows("venue_events") == 4)
        }
    }

    @Test func bookingCreateAndConfirmStoreTheCanonicalID() async throws {
        try await withVenueAndPromoter { clients, promoter in
            let api = clients.a
            let company = clients.env.companyA
            let (venue, hall) = try await api.makeSpace("Hall")
            let room = try requireUUID(try await api.createSpace(venue: venue, name: "Room")["id"])
            let legacy = LivePromoter.newLegacyID()
            let canonical = try await promoter.event(of: company, legacyId: legacy)

            let byLegacy = try await api.book([hall], 10, 12, extra: ["promoterEventId": .string(legacy)])
            #expect(byLegacy.status == .created)
            #expect(byLegacy.json["promoterEventId"] == .string(canonical))
            let byUUID = try await api.book([room], 10, 12, extra: ["promoterEventId": .string(canonical.uppercased())])
            #expect(byUUID.json["promoterEventId"] == .string(canonical))

            let confirmed = try await api.patch("/api/v1/bookings/\(try requireUUID(byLegacy.json["id"]))", ["status": "confirmed"])
            #expect(confirmed.status == .ok)
            let eventID = try requireUUID(confirmed.json["eventId"])
            #expect(try await api.get("/api/v1/events/\(eventID)").json["promoterEventId"] == .string(canonical))
            let other = try await api.patch("/api/v1/bookings/\(try requireUUID(byUUID.json["id"]))", ["status": "confirmed"])
            #expect(other.json["eventId"]?.uuid == eventID, "legacy id and UUID are one venue event")

            // A booking stored before strict validation, still holding a legacy id (lower case, as it was stored):
            // confirming resolves it, and booking and venue event both end up with the canonical id.
            let oldLegacy = LivePromoter.newLegacyID()
            let oldCanonical = try await promoter.event(of: company, legacyId: oldLegacy)
            let old = try requireUUID(try await api.book([hall], 20, 22).json["id"])
            try await clients.storeUncheckedPromoterEvent(oldLegacy.lowercased(), onBooking: old)
            let oldConfirmed = try await api.patch("/api/v1/bookings/\(old)", ["status": "confirmed"])
            #expect(oldConfirmed.status == .ok)
            #expect(oldConfirmed.json["promoterEventId"] == .string(oldCanonical))
            let oldEvent = try requireUUID(oldConfirmed.json["eventId"])
            #expect(try await api.get("/api/v1/events/\(oldEvent)").json["promoterEventId"] == .string(oldCanonical))
            #expect(try await api.get("/api/v1/bookings/\(old)").json["promoterEventId"] == .string(oldCanonical))
        }
    }

    @Test func unknownOrForeignIDsAre422AndWriteNothing() async throws {
        try await withVenueAndPromoter { clients, promoter in
            let api = clients.a
            let (_, space) = try await api.makeSpace()
            let placeholder = try requireUUID(try await api.post("/api/v1/events", ["placeholder": true, "placeholderPromoterName": "P"]).json["id"])
            let theirs = try await promoter.event(of: clients.env.companyB)
            let theirLegacy = LivePromoter.newLegacyID()
            try await promoter.event(of: clients.env.companyB, legacyId: theirLegacy)
            let (events, bookings) = (try await clients.rows("venue_events"), try await clients.rows("bookings"))

            let refusals: [String] = [UUID().uuidString, LivePromoter.newLegacyID(), theirs, theirLegacy, "123", "not-an-id"]
            for id in refusals {
                let answers = [
                    try await api.post("/api/v1/events", ["promoterEventId": .string(id)]),
                    try await api.post("/api/v1/events/\(placeholder)/link-promoter", ["promoterEventId": .string(id)]),
                    try await api.book([space], 1, 2, extra: ["promoterEventId": .string(id)]),
                ]
                for answer in answers {
                    #expect(answer.status == .unprocessableContent, "\(id)")
                    #expect(answer.errorCode == "unknown_promoter_event", "\(id)")
                    #expect(answer.errorFields == ["promoterEventId"], "\(id)")
                }
            }
            #expect(try await clients.rows("venue_events") == events)
            #expect(try await clients.rows("bookings") == bookings)
            #expect(try await api.get("/api/v1/events/\(placeholder)").json["isPlaceholder"] == true)

            // A stored id Promoter does not know (written before strict validation) cannot be confirmed.
            let booking = try requireUUID(try await api.book([space], 5, 6).json["id"])
            let unknown = UUID().uuidString.lowercased()
            try await clients.storeUncheckedPromoterEvent(unknown, onBooking: booking)
            let refused = try await api.patch("/api/v1/bookings/\(booking)", ["status": "confirmed"])
            #expect(refused.errorCode == "unknown_promoter_event")
            #expect(try await api.get("/api/v1/bookings/\(booking)").json["status"] == "tentative")
            #expect(try await clients.rows("venue_events") == events)
        }
    }

    @Test func promoterStoppedOrUnreachableIs503AndWritesNothing() async throws {
        // Venue outlives the Promoter it was pointed at: checked while Promoter runs, then after it stopped.
        let (env, known, booking) = try await withLivePromoter { promoter async throws in
            let env = try await VenueTestEnvironment(settings: promoter.venueSettings())
            let known = try await promoter.event(of: env.companyA)
            let booking = try await env.harness.run { client in
                let clients = VenueClients(env: env, raw: client)
                #expect(try await clients.a.post("/api/v1/events", ["promoterEventId": .string(known)]).status == .created)
                let (_, space) = try await clients.a.makeSpace()
                let booking = try requireUUID(try await clients.a.book([space], 1, 2, extra: ["promoterEventId": .string(known)]).json["id"])
                return (booking, space)
            }
            return (env, known, booking)
        }
        try await env.harness.run { client in
            let clients = VenueClients(env: env, raw: client)
            try await Self.expectUnavailable(clients, known: known, space: booking.1, booking: booking.0, code: "promoter_unavailable")
        }

        // Nothing listens on port 1: refused at once.
        let unreachable = VenueSettings(promoters: PromoterDirectorySettings(baseURL: "http://127.0.0.1:1", apiKey: TestDefaults.internalKeys[0]))
        try await withVenueApp(settings: unreachable) { clients in
            let (_, space) = try await clients.a.makeSpace()
            let booking = try requireUUID(try await clients.a.book([space], 1, 2).json["id"])
            try await clients.storeUncheckedPromoterEvent(known, onBooking: booking)
            try await Self.expectUnavailable(clients, known: known, space: space, booking: booking, code: "promoter_unavailable")
        }
    }

    @Test func aPromoterThatDoesNotAnswerTimesOutAs503() async throws {
        try await withSilentPort { port async throws in
            let silent = PromoterDirectorySettings(baseURL: "http://127.0.0.1:\(port)", apiKey: TestDefaults.internalKeys[0], timeout: .seconds(1))
            try await withVenueApp(settings: VenueSettings(promoters: silent)) { clients in
                let (events, started) = (try await clients.rows("venue_events"), ContinuousClock.now)
                let answer = try await clients.a.post("/api/v1/events", ["promoterEventId": .string(UUID().uuidString)])
                #expect(answer.status == .serviceUnavailable)
                #expect(answer.errorCode == "promoter_unavailable")
                // A silent peer never answers: the request ends because the configured timeout applies. The bound
                // is generous so a loaded CI machine scheduling the curl threads late does not fail it.
                #expect(ContinuousClock.now - started < .seconds(20), "one attempt, bounded by the configured timeout")
                #expect(try await clients.rows("venue_events") == events)
            }
        }
    }

    @Test func notConfiguredFailsClosedAndPlaceholdersStillWork() async throws {
        try await withVenueApp { clients in
            let api = clients.a
            let (_, space) = try await api.makeSpace()
            let booking = try requireUUID(try await api.book([space], 1, 2).json["id"])
            let known = UUID().uuidString.lowercased()
            try await clients.storeUncheckedPromoterEvent(known, onBooking: booking)
            try await Self.expectUnavailable(clients, known: known, space: space, booking: booking, code: "provider_not_configured")

            // Without a promoterEventId nothing asks Promoter: placeholders and their bookings work as before.
            let placeholder = try await api.post("/api/v1/events", ["placeholder": true, "placeholderPromoterName": "Indie Nights"])
            #expect(placeholder.status == .created)
            let plain = try requireUUID(try await api.book([space], 10, 12).json["id"])
            let confirmed = try await api.patch("/api/v1/bookings/\(plain)", ["status": "confirmed"])
            #expect(confirmed.status == .ok)
            let shadow = try requireUUID(confirmed.json["eventId"])
            #expect(try await api.get("/api/v1/events/\(shadow)").json["isPlaceholder"] == true)
        }
    }

    /// Each of the four paths answers 503 `code` for a well-formed id and leaves every row as it was.
    /// `booking` is a tentative booking holding `known`.
    static func expectUnavailable(_ clients: VenueClients, known: String, space: UUID, booking: UUID, code: String) async throws {
        let api = clients.a
        let placeholder = try requireUUID(try await api.post("/api/v1/events", ["placeholder": true, "placeholderPromoterName": "P"]).json["id"])
        let (events, bookings) = (try await clients.rows("venue_events"), try await clients.rows("bookings"))
        let answers = [
            try await api.post("/api/v1/events", ["promoterEventId": .string(known)]),
            try await api.post("/api/v1/events/\(placeholder)/link-promoter", ["promoterEventId": .string(known)]),
            try await api.book([space], 30, 32, extra: ["promoterEventId": .string(known)]),
            try await api.patch("/api/v1/bookings/\(booking)", ["status": "confirmed"]),
        ]
        for answer in answers {
            #expect(answer.status == .serviceUnavailable)
            #expect(answer.errorCode == code)
            #expect(!answer.text.contains(TestDefaults.internalKeys[0]), "the key never reaches an answer")
        }
        #expect(try await clients.rows("venue_events") == events)
        #expect(try await clients.rows("bookings") == bookings)
        #expect(try await api.get("/api/v1/bookings/\(booking)").json["status"] == "tentative")
        #expect(try await api.get("/api/v1/events/\(placeholder)").json["isPlaceholder"] == true)
    }
}

import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumTesting
import Testing
@testable import Venue

/// Issue 13, item 13. Spec, Bookings PATCH: "on confirm, SyncBookingEvent resolves the linked venue_events row
/// in this order — eventId (explicit link) → promoterEventId (upsert on (company_id, promoter_event_id)) →
/// placeholder shadow keyed on booking_id."
@Suite("Bookings: SyncBookingEvent resolves in the spec's order")
struct SyncBookingEventTests {
    @Test("Spec: \"eventId (explicit link) → promoterEventId (upsert on (company_id, promoter_event_id)) → placeholder shadow keyed on booking_id\"")
    func eachStepWinsOverTheNext() async throws {
        try await withVenueAndPromoter { clients, promoter in
            let api = clients.a
            let (venue, hall) = try await api.makeSpace("Hall")
            let room = try requireUUID(try await api.createSpace(venue: venue, name: "Room")["id"])
            let cellar = try requireUUID(try await api.createSpace(venue: venue, name: "Cellar")["id"])
            let promoterEvent = try await promoter.event(of: clients.env.companyA, title: "Headline")

            // 1. An explicit eventId wins over the booking's promoterEventId: nothing is upserted for it.
            let explicit = try requireUUID(try await api.post("/api/v1/events", ["placeholder": true, "placeholderPromoterName": "Off-platform"])
                .json["id"])
            let first = try requireUUID(try await api.book([hall], 10, 12, extra: [
                "eventId": .string(explicit.uuidString), "promoterEventId": .string(promoterEvent),
            ]).json["id"])
            #expect(try await api.patch("/api/v1/bookings/\(first)", ["status": "confirmed"]).json["eventId"]?.uuid == explicit)
            #expect(try await api.get("/api/v1/events?promoterEventId=\(promoterEvent)").json["total"] == 0)

            // 2. Without eventId, promoterEventId is upserted, even when a placeholder already points at the booking.
            let second = try requireUUID(try await api.book([room], 10, 12, extra: ["promoterEventId": .string(promoterEvent)]).json["id"])
            let shadowFirst = try requireUUID(try await api.post("/api/v1/events", [
                "placeholder": true, "placeholderPromoterName": "Guess", "bookingId": .string(second.uuidString),
            ]).json["id"])
            let upserted = try requireUUID(try await api.patch("/api/v1/bookings/\(second)", ["status": "confirmed"]).json["eventId"])
            #expect(upserted != shadowFirst)
            let event = try await api.get("/api/v1/events/\(upserted)").json
            #expect(event["promoterEventId"] == .string(promoterEvent))
            #expect(event["isPlaceholder"] == false)

            // 3. With neither, the placeholder shadow keyed on the booking: the one already there, else a new one.
            let third = try requireUUID(try await api.book([cellar], 10, 12).json["id"])
            let existingShadow = try requireUUID(try await api.post("/api/v1/events", [
                "placeholder": true, "placeholderPromoterName": "Local band", "bookingId": .string(third.uuidString),
            ]).json["id"])
            #expect(try await api.patch("/api/v1/bookings/\(third)", ["status": "confirmed"]).json["eventId"]?.uuid == existingShadow)
            let fourth = try requireUUID(try await api.book([hall], 20, 22).json["id"])
            let newShadow = try requireUUID(try await api.patch("/api/v1/bookings/\(fourth)", ["status": "confirmed"]).json["eventId"])
            let shadow = try await api.get("/api/v1/events/\(newShadow)").json
            #expect(shadow["isPlaceholder"] == true)
            #expect(shadow["bookingId"]?.uuid == fourth)
        }
    }

    /// The one step the spec's list does not spell out, documented in the contract under updateBooking.
    @Test("Spec: \"the booking ↔ event link uses canonical promoter event identity whenever available; placeholder events are last-resort fallbacks\"")
    func aCanonicalEventOfTheBookingIsUsedBeforeAPlaceholder() async throws {
        try await withVenueAndPromoter { clients, promoter in
            let api = clients.a
            let (_, space) = try await api.makeSpace()
            let booking = try requireUUID(try await api.book([space], 10, 12).json["id"])
            let canonical = try requireUUID(try await api.post("/api/v1/events", [
                "promoterEventId": .string(try await promoter.event(of: clients.env.companyA)), "bookingId": .string(booking.uuidString),
            ]).json["id"])
            let confirmed = try await api.patch("/api/v1/bookings/\(booking)", ["status": "confirmed"])
            #expect(confirmed.json["eventId"]?.uuid == canonical, "no placeholder while a canonical event of the booking exists")
            #expect(try await api.get("/api/v1/events?bookingId=\(booking)&placeholder=only").json["total"] == 0)
            #expect(try await api.get("/api/v1/bookings/\(booking)").json["eventId"]?.uuid == canonical, "back-linked")
        }
    }
}

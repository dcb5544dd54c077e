import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumTesting
import Testing
@testable import Venue

@Suite("Bookings")
struct BookingsTests {
    @Test func manyConcurrentBookingsForTheSameSpaceAndTimeExactlyOneSucceeds() async throws {
        try await withVenueApp { clients in
            let api = clients.a
            let (_, space) = try await api.makeSpace()
            let responses = try await withThrowingTaskGroup(of: (HTTPResponse.Status, String?).self) { group in
                for _ in 0..<16 {
                    group.addTask {
                        let response = try await api.book([space], 20, 23)
                        return (response.status, response.errorCode)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(responses.filter { $0.0 == .created }.count == 1, "\(responses)")
            #expect(responses.filter { $0.0 == .conflict && $0.1 == "space_conflict" }.count == 15, "\(responses)")
            #expect(try await api.get("/api/v1/bookings?spaceId=\(space)").json["total"] == 1)
        }
    }

    @Test func bookingsOnDifferentSpacesAtTheSameTimeBothSucceed() async throws {
        try await withVenueApp { clients in
            let api = clients.a
            let (venue, hall) = try await api.makeSpace("Hall")
            let room = try requireUUID(try await api.createSpace(venue: venue, name: "Room")["id"])
            async let first = api.book([hall], 20, 23)
            async let second = api.book([room], 20, 23)
            let (a, b) = try await (first, second)
            #expect(a.status == .created)
            #expect(b.status == .created)
            // A multi-space booking overlapping one of them is refused as a whole, naming the booking in the way.
            let both = try await api.book([hall, room], 22, 24)
            #expect(both.status == .conflict)
            #expect(both.json["error"]?["info"]?["conflict"]?["type"] == "booking")
            #expect(try await api.get("/api/v1/bookings").json["total"] == 2)
        }
    }

    @Test func createGetListAndFilters() async throws {
        try await withVenueAndPromoter { clients, promoter in
            let api = clients.a
            let (venue, hall) = try await api.makeSpace("Hall")
            let room = try requireUUID(try await api.createSpace(venue: venue, name: "Room")["id"])
            let other = try await api.makeSpace("Elsewhere")
            let party = UUID()
            let promoterEvent = try await promoter.event(of: clients.env.companyA).uppercased()
            let created = try await api.book([hall, room], 10, 14, extra: [
                "marketCompanyId": .string(party.uuidString), "marketPersonId": .string(UUID().uuidString),
                "title": "Album release", "status": "hold", "promoterEventId": .string(promoterEvent),
            ])
            #expect(created.status == .created)
            let id = try requireUUID(created.json["id"])
            #expect(created.json["status"] == "hold")
            #expect(Set(created.json["spaceIds"]?.arrayValue?.compactMap(\.uuid) ?? []) == [hall, room])
            #expect(created.json["promoterEventId"]?.stringValue == promoterEvent.lowercased())
            #expect(try await api.book([other.space], 10, 14, extra: ["marketCompanyId": nil, "marketPersonId": .string(UUID().uuidString)]).status == .created)
            #expect(try await api.book([hall], 30, 32).status == .created)

            let fetched = try await api.get("/api/v1/bookings/\(id)")
            #expect(fetched.json["title"] == "Album release")
            #expect(fetched.json["spaceIds"]?.arrayValue?.count == 2)

            let list = try await api.get("/api/v1/bookings?limit=2")
            #expect(list.json["total"] == 3)
            #expect(list.json["items"]?.arrayValue?.allSatisfy { !($0["spaceIds"]?.arrayValue?.isEmpty ?? true) } == true)
            #expect(try await api.get("/api/v1/bookings?spaceId=\(hall)").json["total"] == 2)
            #expect(try await api.get("/api/v1/bookings?venueId=\(venue)").json["total"] == 2)
            #expect(try await api.get("/api/v1/bookings?status=hold").json["total"] == 1)
            #expect(try await api.get("/api/v1/bookings?marketCompanyId=\(party)").json["total"] == 1)
            #expect(try await api.get("/api/v1/bookings?promoterEventId=\(promoterEvent)").json["total"] == 1)
            #expect(try await api.get("/api/v1/bookings?fromAt=\(slot(13).stringValue!)&toAt=\(slot(31).stringValue!)").json["total"] == 3)
            #expect(try await api.get("/api/v1/bookings?fromAt=\(slot(14).stringValue!)&toAt=\(slot(30).stringValue!)").json["total"] == 0,
                    "half-open ranges: ending at 14:00 and starting at 30:00 are outside [14, 30)")
        }
    }

    @Test func statusTransitionsAndRelease() async throws {
        try await withVenueApp { clients in
            let api = clients.a
            let (_, space) = try await api.makeSpace()
            let id = try requireUUID(try await api.book([space], 10, 12).json["id"])
            let pending = try await api.patch("/api/v1/bookings/\(id)", ["status": "pending", "statusReason": "awaiting contract"])
            #expect(pending.json["status"] == "pending")
            #expect(pending.json["statusReason"] == "awaiting contract")
            let back = try await api.patch("/api/v1/bookings/\(id)", ["status": "tentative"])
            #expect(back.status == .conflict)
            #expect(back.errorCode == "invalid_transition")
            #expect(back.json["error"]?["info"]?["from"] == "pending")
            #expect(try await api.patch("/api/v1/bookings/\(id)", ["status": "confirmed"]).json["status"] == "confirmed")
            let early = try await api.patch("/api/v1/bookings/\(id)", ["status": "completed"])
            #expect(early.errorCode == "invalid_transition", "cannot complete before it ends")
            let cancelled = try await api.patch("/api/v1/bookings/\(id)", ["status": "cancelled", "statusReason": "artist ill"])
            #expect(cancelled.json["status"] == "cancelled")
            #expect(cancelled.json["cancelledAt"]?.isNull == false)
            let reopen = try await api.patch("/api/v1/bookings/\(id)", ["status": "confirmed"])
            #expect(reopen.errorCode == "invalid_transition")
            #expect(reopen.json["error"]?["message"]?.stringValue?.contains("final") == true)
            // The cancelled booking released the space.
            #expect(try await api.book([space], 10, 12).status == .created)

            // A finished booking can be completed.
            let past = try await api.post("/api/v1/bookings", [
                "spaceIds": [.string(space.uuidString)], "marketPersonId": .string(UUID().uuidString),
                "startAt": fromNow(seconds: -7200), "endAt": fromNow(seconds: -3600),
            ])
            let pastID = try requireUUID(past.json["id"])
            #expect(try await api.patch("/api/v1/bookings/\(pastID)", ["status": "confirmed"]).status == .ok)
            #expect(try await api.patch("/api/v1/bookings/\(pastID)", ["status": "completed"]).json["status"] == "completed")
            #expect(try await api.patch("/api/v1/bookings/\(pastID)", ["notes": "paid in full"]).json["notes"] == "paid in full")
        }
    }

    @Test func confirmWithoutEventCreatesOnePlaceholderIdempotently() async throws {
        try await withVenueApp { clients in
            let api = clients.a
            let (_, space) = try await api.makeSpace()
            let id = try requireUUID(try await api.book([space], 10, 12, extra: ["title": "Private party"]).json["id"])
            let confirmed = try await api.patch("/api/v1/bookings/\(id)", ["status": "confirmed"])
            let eventID = try requireUUID(confirmed.json["eventId"], "eventId back-linked")
            #expect(try await api.get("/api/v1/bookings/\(id)").json["eventId"]?.uuid == eventID)
            let event = try await api.get("/api/v1/events/\(eventID)")
            #expect(event.json["isPlaceholder"] == true)
            #expect(event.json["bookingId"]?.uuid == id)
            #expect(event.json["title"] == "Private party")
            #expect(event.json["spaceIds"]?[0]?.uuid == space)
            // Confirming again changes nothing.
            let again = try await api.patch("/api/v1/bookings/\(id)", ["status": "confirmed"])
            #expect(again.json["eventId"]?.uuid == eventID)
            #expect(try await api.get("/api/v1/events?bookingId=\(id)").json["total"] == 1)
        }
    }

    @Test func confirmWithPromoterEventUpsertsOneSharedEvent() async throws {
        try await withVenueAndPromoter { clients, promoter in
            let api = clients.a
            let (venue, hall) = try await api.makeSpace("Hall")
            let room = try requireUUID(try await api.createSpace(venue: venue, name: "Room")["id"])
            let promoterEvent = "65a1b2c3d4e5f6a7b8c9d0e1"
            let canonical = try await promoter.event(of: clients.env.companyA, legacyId: promoterEvent)
            let first = try requireUUID(try await api.book([hall], 10, 12, extra: ["promoterEventId": .string(promoterEvent)]).json["id"])
            let second = try requireUUID(try await api.book([room], 10, 12, extra: ["promoterEventId": .string(promoterEvent.uppercased())]).json["id"])
            let a = try await api.patch("/api/v1/bookings/\(first)", ["status": "confirmed"])
            let b = try await api.patch("/api/v1/bookings/\(second)", ["status": "confirmed"])
            let eventID = try requireUUID(a.json["eventId"])
            #expect(b.json["eventId"]?.uuid == eventID, "the same promoter event is one venue event")
            let event = try await api.get("/api/v1/events/\(eventID)").json
            #expect(event["isPlaceholder"] == false)
            #expect(event["promoterEventId"] == .string(canonical), "the legacy id is stored as its publicEventId")
            #expect(event["bookingId"]?.uuid == first, "the first booking stays the event's origin")
            #expect(try await api.get("/api/v1/events").json["total"] == 1)
        }
    }

    @Test func confirmWithExplicitEventKeepsIt() async throws {
        try await withVenueApp { clients in
            let api = clients.a
            let (_, space) = try await api.makeSpace()
            let event = try await api.post("/api/v1/events", ["placeholder": true, "placeholderPromoterName": "Off-platform Inc"])
            let eventID = try requireUUID(event.json["id"])
            let booking = try requireUUID(try await api.book([space], 10, 12, extra: ["eventId": .string(eventID.uuidString)]).json["id"])
            let confirmed = try await api.patch("/api/v1/bookings/\(booking)", ["status": "confirmed"])
            #expect(confirmed.json["eventId"]?.uuid == eventID)
            #expect(try await api.get("/api/v1/events").json["total"] == 1, "no placeholder shadow when an event is linked")
        }
    }

    @Test func validationErrors() async throws {
        try await withVenueApp { clients in
            let api = clients.a
            let (venue, space) = try await api.makeSpace()
            let empty = try await api.post("/api/v1/bookings", ["spaceIds": [], "promoterEventId": "nope", "status": "confirmed"])
            #expect(empty.status == .unprocessableContent)
            // The promoter event is checked once the body is valid (it may need Promoter), so it is reported alone.
            #expect(Set(empty.errorFields) == ["spaceIds", "marketCompanyId", "startAt", "endAt", "status"])
            let nope = try await api.book([space], 1, 2, extra: ["promoterEventId": "nope"])
            #expect(nope.status == .unprocessableContent)
            #expect(nope.errorCode == "unknown_promoter_event")
            #expect(nope.errorFields == ["promoterEventId"])
            #expect(try await api.book([space], 12, 10).errorFields == ["endAt"])
            #expect(try await api.book([space, space], 1, 2).errorFields == ["spaceIds"])
            #expect(try await api.book([space], 1, 2, extra: ["marketCompanyId": nil]).errorFields == ["marketCompanyId"])
            #expect(try await api.book([UUID()], 1, 2).errorFields == ["spaceIds"])
            let inactive = try requireUUID(try await api.createSpace(venue: venue, name: "Closed", extra: ["status": "inactive"])["id"])
            let refused = try await api.book([inactive], 1, 2)
            #expect(refused.errorFields == ["spaceIds"])
            #expect(refused.json["error"]?["details"]?[0]?["code"] == "inactive")
            #expect(try await api.book([space], 1, 2, extra: ["eventId": .string(UUID().uuidString)]).errorFields == ["eventId"])
            let malformed = try await api.request(.post, "/api/v1/bookings", rawBody: "[1,2")
            #expect(malformed.status == .badRequest)

            let id = try requireUUID(try await api.book([space], 1, 2).json["id"])
            let immutable = try await api.patch("/api/v1/bookings/\(id)", ["spaceIds": [], "startAt": slot(3), "status": "bogus"])
            #expect(Set(immutable.errorFields) == ["spaceIds", "startAt", "status"])
            #expect(try await api.patch("/api/v1/bookings/\(id)", ["status": nil]).errorFields == ["status"])
            #expect(try await api.get("/api/v1/bookings?status=lost").errorCode == "invalid_query")
        }
    }

    @Test func permissionsModuleAndOtherCompanies() async throws {
        try await withVenueAndPromoter { clients, promoter in
            let (_, space) = try await clients.a.makeSpace()
            let id = try requireUUID(try await clients.a.book([space], 1, 2).json["id"])
            let reader = clients.a(permissions: ["venue.bookings.read"])
            #expect(try await reader.get("/api/v1/bookings").status == .ok)
            #expect(try await reader.get("/api/v1/bookings/\(id)").status == .ok)
            #expect(try await reader.book([space], 3, 4).errorCode == "permission_denied")
            #expect(try await reader.patch("/api/v1/bookings/\(id)", ["status": "cancelled"]).errorCode == "permission_denied")
            #expect(try await clients.a(permissions: ["venue.spaces.read"]).get("/api/v1/bookings").errorCode == "permission_denied")
            #expect(try await clients.a(permissions: allVenuePermissions, modules: []).book([space], 3, 4).errorCode == "module_disabled")

            #expect(try await clients.b.get("/api/v1/bookings/\(id)").status == .notFound)
            #expect(try await clients.b.patch("/api/v1/bookings/\(id)", ["status": "cancelled"]).status == .notFound)
            #expect(try await clients.b.get("/api/v1/bookings").json["total"] == 0)
            #expect(try await clients.b.book([space], 5, 6).errorFields == ["spaceIds"], "A's space is not bookable by B")
            let theirPromoterEvent = try await promoter.event(of: clients.env.companyB)
            let theirEvent = try requireUUID(try await clients.b.post("/api/v1/events", ["promoterEventId": .string(theirPromoterEvent)]).json["id"])
            #expect(try await clients.a.book([space], 5, 6, extra: ["eventId": .string(theirEvent.uuidString)]).errorFields == ["eventId"])
        }
    }
}

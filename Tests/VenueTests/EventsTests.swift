import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumTesting
import Testing
@testable import Venue

@Suite("Events")
struct EventsTests {
    @Test func createRequiresExactlyOneIdentity() async throws {
        try await withVenueAndPromoter { clients, promoter in
            let api = clients.a
            let promoterEvent = try await promoter.event(of: clients.env.companyA)
            let linked = try await api.post("/api/v1/events", ["promoterEventId": .string(promoterEvent), "title": "Tour stop",
                                                               "startAt": slot(10), "endAt": slot(14), "payload": ["doors": "19:00"]])
            #expect(linked.status == .created)
            #expect(linked.json["isPlaceholder"] == false)
            #expect(linked.json["promoterEventId"] == .string(promoterEvent))
            #expect(linked.json["status"] == "draft")
            #expect(linked.json["payload"]?["doors"] == "19:00")

            let placeholder = try await api.post("/api/v1/events", ["placeholder": true, "placeholderPromoterName": "Indie Nights",
                                                                    "placeholderPromoterEmail": "hi@indie.example"])
            #expect(placeholder.status == .created)
            #expect(placeholder.json["isPlaceholder"] == true)
            #expect(placeholder.json["promoterEventId"] == .null)

            let both = try await api.post("/api/v1/events", ["promoterEventId": .string(UUID().uuidString), "placeholder": true,
                                                             "placeholderPromoterName": "X"])
            #expect(both.status == .unprocessableContent)
            #expect(both.errorFields.contains("promoterEventId"))
            let neither = try await api.post("/api/v1/events", ["title": "Nothing"])
            #expect(neither.errorFields == ["promoterEventId"])
            let nameless = try await api.post("/api/v1/events", ["placeholder": true])
            #expect(nameless.errorFields == ["placeholderPromoterName"])
            let stray = try await api.post("/api/v1/events", ["promoterEventId": .string(UUID().uuidString), "placeholderNotes": "x"])
            #expect(stray.errorFields == ["placeholderNotes"])
            let badID = try await api.post("/api/v1/events", ["promoterEventId": "123"])
            #expect(badID.errorFields == ["promoterEventId"])
            #expect(badID.errorCode == "unknown_promoter_event")
            let badBody = try await api.post("/api/v1/events", ["promoterEventId": .string(UUID().uuidString), "status": "party",
                                                                "endAt": slot(1), "payload": [1, 2], "spaceIds": .array([.string(UUID().uuidString)])])
            #expect(Set(badBody.errorFields) == ["status", "startAt", "payload"])
            let foreignSpace = try await api.post("/api/v1/events", ["promoterEventId": .string(try await promoter.event(of: clients.env.companyA)),
                                                                     "spaceIds": .array([.string(UUID().uuidString)])])
            #expect(foreignSpace.errorFields == ["spaceIds"])
            #expect(try await api.request(.post, "/api/v1/events", rawBody: "{oops}").status == .badRequest)

            let duplicate = try await api.post("/api/v1/events", ["promoterEventId": .string(promoterEvent.uppercased())])
            #expect(duplicate.status == .conflict)
            #expect(duplicate.errorCode == "promoter_event_already_linked")
            #expect(duplicate.json["error"]?["info"]?["eventId"] == linked.json["id"])
            // A promoter event belongs to one company: another company cannot reference it, while its own promoter
            // event is linked there even though company A linked one first (uniqueness is per company).
            #expect(try await clients.b.post("/api/v1/events", ["promoterEventId": .string(promoterEvent)]).errorCode == "unknown_promoter_event")
            #expect(try await clients.b.post("/api/v1/events", ["promoterEventId": .string(try await promoter.event(of: clients.env.companyB))])
                .status == .created)
        }
    }

    @Test func listFilters() async throws {
        try await withVenueAndPromoter { clients, promoter in
            let api = clients.a
            let (venue, space) = try await api.makeSpace()
            let booking = try requireUUID(try await api.book([space], 40, 42).json["id"])
            try await api.post("/api/v1/events", ["promoterEventId": .string(try await promoter.event(of: clients.env.companyA)), "status": "scheduled",
                                                  "startAt": slot(10), "endAt": slot(12), "spaceIds": .array([.string(space.uuidString)])])
            try await api.post("/api/v1/events", ["placeholder": true, "placeholderPromoterName": "P", "startAt": slot(20),
                                                  "bookingId": .string(booking.uuidString)])
            let promoterEvent = try await promoter.event(of: clients.env.companyA)
            try await api.post("/api/v1/events", ["promoterEventId": .string(promoterEvent)])

            #expect(try await api.get("/api/v1/events").json["total"] == 3)
            #expect(try await api.get("/api/v1/events?limit=2&page=2").json["items"]?.arrayValue?.count == 1)
            #expect(try await api.get("/api/v1/events?status=scheduled").json["total"] == 1)
            #expect(try await api.get("/api/v1/events?placeholder=only").json["total"] == 1)
            #expect(try await api.get("/api/v1/events?placeholder=exclude").json["total"] == 2)
            #expect(try await api.get("/api/v1/events?bookingId=\(booking)").json["total"] == 1)
            #expect(try await api.get("/api/v1/events?promoterEventId=\(promoterEvent)").json["total"] == 1)
            #expect(try await api.get("/api/v1/events?venueId=\(venue)").json["total"] == 2, "by space and by booking")
            #expect(try await api.get("/api/v1/events?fromAt=\(slot(11).stringValue!)&toAt=\(slot(21).stringValue!)").json["total"] == 2)
            #expect(try await api.get("/api/v1/events?fromAt=\(slot(13).stringValue!)").json["total"] == 1)
            #expect(try await api.get("/api/v1/events?placeholder=maybe").errorCode == "invalid_query")
        }
    }

    @Test func patchOnlyTheListedFields() async throws {
        try await withVenueAndPromoter { clients, promoter in
            let api = clients.a
            let (_, space) = try await api.makeSpace()
            let promoterEvent = try await promoter.event(of: clients.env.companyA)
            let linked = try requireUUID(try await api.post("/api/v1/events", ["promoterEventId": .string(promoterEvent)]).json["id"])
            let placeholder = try requireUUID(try await api.post("/api/v1/events", ["placeholder": true, "placeholderPromoterName": "P"]).json["id"])

            let patched = try await api.patch("/api/v1/events/\(linked)", [
                "title": "Renamed", "description": "Late show", "eventType": "concert", "status": "scheduled",
                "startAt": slot(1), "endAt": slot(3), "spaceIds": .array([.string(space.uuidString)]), "payload": ["a": 1],
                "businessUnitId": .string(UUID().uuidString),
            ])
            #expect(patched.status == .ok)
            #expect(patched.json["title"] == "Renamed")
            #expect(patched.json["eventType"] == "concert")
            #expect(patched.json["spaceIds"]?[0]?.uuid == space)
            #expect(try await api.patch("/api/v1/events/\(linked)", ["description": nil]).json["description"] == .null)
            #expect(try await api.patch("/api/v1/events/\(linked)", ["title": "Kept"]).json["payload"] == ["a": 1])

            let onLinked = try await api.patch("/api/v1/events/\(linked)", ["placeholderPromoterName": "X"])
            #expect(onLinked.status == .unprocessableContent)
            #expect(onLinked.json["error"]?["details"]?[0]?["code"] == "only_for_placeholders")
            let onPlaceholder = try await api.patch("/api/v1/events/\(placeholder)", ["placeholderPromoterName": "Promoter B",
                                                                                       "placeholderNotes": "call back"])
            #expect(onPlaceholder.json["placeholderPromoterName"] == "Promoter B")

            let linkage = try await api.patch("/api/v1/events/\(placeholder)", ["promoterEventId": .string(UUID().uuidString),
                                                                                "isPlaceholder": false])
            #expect(Set(linkage.errorFields) == ["promoterEventId", "isPlaceholder"])
            #expect(try await api.get("/api/v1/events/\(placeholder)").json["isPlaceholder"] == true, "unchanged")
            #expect(try await api.patch("/api/v1/events/\(linked)", ["startAt": nil]).errorFields == ["endAt"],
                    "an end without a start breaks the stored rule")
            #expect(try await api.patch("/api/v1/events/\(linked)", ["bookingId": .string(UUID().uuidString)]).errorFields == ["bookingId"])
            #expect(try await api.patch("/api/v1/events/\(linked)", ["spaceIds": .array([.string(UUID().uuidString)])]).errorFields == ["spaceIds"])
            #expect(try await api.patch("/api/v1/events/\(linked)", ["status": nil]).errorFields == ["status"])
        }
    }

    @Test func linkPromoterPromotesAPlaceholder() async throws {
        try await withVenueAndPromoter { clients, promoter in
            let api = clients.a
            let placeholder = try requireUUID(try await api.post("/api/v1/events", ["placeholder": true, "placeholderPromoterName": "P"]).json["id"])
            let taken = try await promoter.event(of: clients.env.companyA)
            let other = try requireUUID(try await api.post("/api/v1/events", ["promoterEventId": .string(taken)]).json["id"])

            let clash = try await api.post("/api/v1/events/\(placeholder)/link-promoter", ["promoterEventId": .string(taken)])
            #expect(clash.status == .conflict)
            #expect(clash.errorCode == "promoter_event_already_linked")
            #expect(clash.json["error"]?["info"]?["eventId"]?.uuid == other)

            let fresh = "65a1b2c3d4e5f6a7b8c9d0e1"
            let freshCanonical = try await promoter.event(of: clients.env.companyA, legacyId: fresh)
            let promoted = try await api.post("/api/v1/events/\(placeholder)/link-promoter", ["promoterEventId": .string(fresh)])
            #expect(promoted.status == .ok)
            #expect(promoted.json["isPlaceholder"] == false)
            #expect(promoted.json["promoterEventId"] == .string(freshCanonical), "the legacy id is stored as its publicEventId")
            #expect(promoted.json["placeholderPromoterName"] == "P", "the placeholder context is kept as history")

            let again = try await api.post("/api/v1/events/\(placeholder)/link-promoter", ["promoterEventId": .string(UUID().uuidString)])
            #expect(again.errorCode == "not_placeholder")
            #expect(try await api.post("/api/v1/events/\(other)/link-promoter", ["promoterEventId": .string(UUID().uuidString)]).errorCode == "not_placeholder")
            let second = try requireUUID(try await api.post("/api/v1/events", ["placeholder": true, "placeholderPromoterName": "Q"]).json["id"])
            let malformed = try await api.post("/api/v1/events/\(second)/link-promoter", ["promoterEventId": "x"])
            #expect(malformed.errorFields == ["promoterEventId"])
            #expect(malformed.errorCode == "unknown_promoter_event")
            #expect(try await api.post("/api/v1/events/\(placeholder)/link-promoter", [:]).errorFields == ["promoterEventId"])
            #expect(try await api.post("/api/v1/events/\(UUID())/link-promoter", ["promoterEventId": .string(UUID().uuidString)]).status == .notFound)
        }
    }

    @Test func permissionsModuleAndOtherCompanies() async throws {
        try await withVenueApp { clients in
            let id = try requireUUID(try await clients.a.post("/api/v1/events", ["placeholder": true, "placeholderPromoterName": "P"]).json["id"])
            let reader = clients.a(permissions: ["venue.events.read"])
            #expect(try await reader.get("/api/v1/events").status == .ok)
            #expect(try await reader.get("/api/v1/events/\(id)").status == .ok)
            #expect(try await reader.post("/api/v1/events", ["placeholder": true, "placeholderPromoterName": "P"]).errorCode == "permission_denied")
            #expect(try await reader.patch("/api/v1/events/\(id)", ["title": "x"]).errorCode == "permission_denied")
            #expect(try await reader.post("/api/v1/events/\(id)/link-promoter", ["promoterEventId": .string(UUID().uuidString)]).errorCode == "permission_denied")
            #expect(try await clients.a(permissions: ["venue.bookings.read"]).get("/api/v1/events").errorCode == "permission_denied")
            #expect(try await clients.a(permissions: allVenuePermissions, modules: []).get("/api/v1/events").errorCode == "module_disabled")

            #expect(try await clients.b.get("/api/v1/events/\(id)").status == .notFound)
            #expect(try await clients.b.patch("/api/v1/events/\(id)", ["title": "x"]).status == .notFound)
            #expect(try await clients.b.post("/api/v1/events/\(id)/link-promoter", ["promoterEventId": .string(UUID().uuidString)]).status == .notFound)
            #expect(try await clients.b.get("/api/v1/events").json["total"] == 0)
        }
    }
}

import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumTesting
import Promoter
import Testing

@Suite("Promoter events")
struct EventsTests {
    @Test func createGetAndTheResponseShape() async throws {
        try await withPromoterApp { clients in
            let venue = UUID()
            let created = try await clients.a.post("/api/v1/events", [
                "title": "Album release", "startAt": at(20), "endAt": at(23), "timezone": "Europe/Amsterdam",
                "venueId": .string(venue.uuidString), "venueName": "Paradiso", "legacyId": "5F2B9C1D3E4A5B6C7D8E9F00",
            ])
            #expect(created.status == .created)
            let event = created.json
            #expect(event["status"] == "draft", "draft unless told otherwise")
            #expect(event["legacyId"] == "5f2b9c1d3e4a5b6c7d8e9f00", "stored in lower case")
            #expect(event["companyId"]?.uuid == clients.companyA)
            #expect(event["venueId"]?.uuid == venue)
            #expect(event["endAt"] == at(23))
            #expect(event["timezone"] == "Europe/Amsterdam")
            let id = try #require(event["publicEventId"]?.stringValue)
            #expect(id == id.lowercased())

            let fetched = try await clients.a.get("/api/v1/events/\(id.uppercased())")
            #expect(fetched.status == .ok)
            #expect(fetched.json == event)

            // Every key is present; empty ones are null.
            let bare = try await clients.a.createEvent("Bare")
            let keys = ["publicEventId", "companyId", "legacyId", "title", "startAt", "endAt", "timezone", "venueId", "venueName",
                        "status", "createdAt", "updatedAt"]
            #expect(Set(bare.objectValue?.keys.map { $0 } ?? []) == Set(keys))
            for key in ["legacyId", "endAt", "venueId", "venueName"] { #expect(bare[key] == .null, "\(key)") }
            // Optional fields sent as null are left out.
            let nulls = try await clients.a.post("/api/v1/events", ["title": "Nulls", "startAt": at(1), "timezone": "UTC", "endAt": nil,
                                                                  "venueId": nil, "status": nil, "legacyId": nil])
            #expect(nulls.status == .created)
            #expect(nulls.json["status"] == "draft")
        }
    }

    @Test func listFiltersPagesAndOrders() async throws {
        try await withPromoterApp { clients in
            let api = clients.a
            let venue = UUID()
            let late = try await api.createEventID("Late show", start: 30)
            let early = try await api.createEventID("Early show", start: 10, extra: ["endAt": at(12), "venueId": .string(venue.uuidString)])
            let mid = try await api.createEventID("Matinee 100%", start: 20, extra: ["status": "announced", "venueId": .string(venue.uuidString)])
            try await clients.b.createEvent("Other company", start: 20)

            let all = try await api.get("/api/v1/events")
            #expect(all.status == .ok)
            #expect(all.json["total"] == 3, "only the caller's company")
            let order = all.json["items"]?.arrayValue?.compactMap { $0["publicEventId"]?.stringValue }
            #expect(order == [early, mid, late], "ordered by startAt")

            #expect(try await api.get("/api/v1/events?status=announced").json["items"]?[0]?["publicEventId"] == .string(mid))
            #expect(try await api.get("/api/v1/events?venueId=\(venue)").json["total"] == 2)
            #expect(try await api.get("/api/v1/events?q=SHOW").json["total"] == 2, "title search ignores case")
            #expect(try await api.get("/api/v1/events?q=100%25").json["total"] == 1, "% is literal")
            #expect(try await api.get("/api/v1/events?q=0%25").json["total"] == 1)

            // Overlap: early runs 10–12, mid and late are instants at 20 and 30.
            func window(_ from: Double?, _ to: Double?) async throws -> [String] {
                var query: [String] = []
                if let from, let text = at(from).stringValue { query.append("fromAt=\(text)") }
                if let to, let text = at(to).stringValue { query.append("toAt=\(text)") }
                let response = try await api.get("/api/v1/events?" + query.joined(separator: "&").replacingOccurrences(of: "+", with: "%2B"))
                #expect(response.status == .ok, "\(response.text)")
                return response.json["items"]?.arrayValue?.compactMap { $0["publicEventId"]?.stringValue } ?? []
            }
            #expect(try await window(11, 21) == [early, mid])
            #expect(try await window(12, 40) == [mid, late], "an event ending at fromAt does not overlap")
            #expect(try await window(nil, 20) == [early], "one starting at toAt does not either")
            #expect(try await window(21, nil) == [late])

            let page = try await api.get("/api/v1/events?limit=2&page=2")
            #expect(page.json["total"] == 3)
            #expect(page.json["page"] == 2)
            #expect(page.json["items"]?.arrayValue?.count == 1)

            let bad = try await api.get("/api/v1/events?status=open&venueId=x&fromAt=yesterday&limit=0")
            #expect(bad.status == .badRequest)
            #expect(bad.errorCode == "invalid_query")
            #expect(Set(bad.errorFields) == ["status", "venueId", "fromAt", "limit"])
        }
    }

    @Test func validationAndMalformedBodies() async throws {
        try await withPromoterApp { clients in
            let api = clients.a
            let empty = try await api.post("/api/v1/events", [:])
            #expect(empty.status == .unprocessableContent)
            #expect(Set(empty.errorFields) == ["title", "startAt", "timezone"])

            let wrong = try await api.post("/api/v1/events", [
                "title": .string(String(repeating: "x", count: 201)), "startAt": at(10), "endAt": at(9), "timezone": "Mars/Olympus_Mons",
                "venueName": "  ", "status": "sold_out", "legacyId": "5f2b9c1d3e4a5b6c7d8e9f0g",
            ])
            #expect(wrong.status == .unprocessableContent)
            #expect(wrong.errorCode == "validation_failed")
            #expect(Set(wrong.errorFields) == ["title", "endAt", "timezone", "venueName", "status", "legacyId"])
            let equal = try await api.post("/api/v1/events", ["title": "x", "startAt": at(10), "endAt": at(10), "timezone": "UTC"])
            #expect(equal.errorFields == ["endAt"], "endAt must be strictly after startAt")
            for timezone in ["", "../../etc/passwd", String(repeating: "A", count: 101), "Europe/Amsterdam\n"] {
                let response = try await api.post("/api/v1/events", ["title": "x", "startAt": at(1), "timezone": .string(timezone)])
                #expect(response.status == .unprocessableContent, "\(timezone)")
                #expect(response.errorFields == ["timezone"])
            }
            // A Unicode title of 200 code points is fine (lengths count code points, as JSON Schema does).
            #expect(try await api.post("/api/v1/events", ["title": .string(String(repeating: "é", count: 200)), "startAt": at(1),
                                                          "timezone": "UTC"]).status == .created)

            // Malformed JSON or wrong types → 400 invalid_body; dates past year 9999 are not dates here.
            let raw = try await api.request(.post, "/api/v1/events", rawBody: "{\"title\": ")
            #expect(raw.status == .badRequest)
            #expect(raw.errorCode == "invalid_body")
            for body: JSONValue in [["title": 5, "startAt": at(1), "timezone": "UTC"],
                                    ["title": "x", "startAt": "tomorrow", "timezone": "UTC"],
                                    ["title": "x", "startAt": "20000-01-01T00:00:00Z", "timezone": "UTC"],
                                    ["title": "x", "startAt": at(1), "timezone": "UTC", "venueId": "paradiso"],
                                    ["title": "x", "startAt": at(1), "timezone": "UTC", "legacyId": 12]] {
                let response = try await api.post("/api/v1/events", body)
                #expect(response.status == .badRequest, "\(body)")
                #expect(response.errorCode == "invalid_body")
            }
            #expect(try await api.post("/api/v1/events", ["title": "x", "startAt": "0001-01-01T00:00:00Z", "timezone": "UTC"]).status == .created)
        }
    }

    @Test func legacyIdsAreUniqueAcrossCompanies() async throws {
        try await withPromoterApp { clients in
            try await clients.a.createEvent(extra: ["legacyId": "64b7f0c2a1b2c3d4e5f60718"])
            for api in [clients.a, clients.b] {
                let again = try await api.post("/api/v1/events", ["title": "Copy", "startAt": at(1), "timezone": "UTC",
                                                                  "legacyId": "64B7F0C2A1B2C3D4E5F60718"])
                #expect(again.status == .conflict, "the same id in another case, in any company")
                #expect(again.errorCode == "legacy_id_taken")
            }
        }
    }

    @Test func patchUpdatesClearsAndChecksAgainstTheStoredRow() async throws {
        try await withPromoterApp { clients in
            let api = clients.a
            let id = try await api.createEventID(extra: ["endAt": at(23), "venueId": .string(UUID().uuidString), "venueName": "Paradiso"])
            let patched = try await api.patch("/api/v1/events/\(id)", ["title": "Renamed", "timezone": "America/New_York",
                                                                       "venueId": nil, "venueName": nil])
            #expect(patched.status == .ok)
            #expect(patched.json["title"] == "Renamed")
            #expect(patched.json["timezone"] == "America/New_York")
            #expect(patched.json["venueId"] == .null)
            #expect(patched.json["venueName"] == .null)
            #expect(patched.json["endAt"] == at(23), "absent fields stay")

            // A start after the stored end is refused by the table's check, on endAt.
            let late = try await api.patch("/api/v1/events/\(id)", ["startAt": at(24)])
            #expect(late.status == .unprocessableContent)
            #expect(late.errorFields == ["endAt"])
            let moved = try await api.patch("/api/v1/events/\(id)", ["startAt": at(24), "endAt": nil])
            #expect(moved.status == .ok)
            #expect(moved.json["startAt"] == at(24))
            #expect(moved.json["endAt"] == .null)

            let refused = try await api.patch("/api/v1/events/\(id)", ["title": nil, "startAt": nil, "timezone": "Nowhere/City",
                                                                       "status": nil, "legacyId": "64b7f0c2a1b2c3d4e5f60718"])
            #expect(refused.status == .unprocessableContent)
            #expect(Set(refused.errorFields) == ["title", "startAt", "timezone", "status", "legacyId"])
            #expect(try await api.patch("/api/v1/events/\(id)", ["startAt": 5]).status == .badRequest)
            #expect(try await api.request(.patch, "/api/v1/events/\(id)", rawBody: "[").errorCode == "invalid_body")
            #expect(try await api.patch("/api/v1/events/\(id)", [:]).status == .ok, "an empty patch changes nothing")
        }
    }

    @Test func statusMachine() async throws {
        try await withPromoterApp { clients in
            let api = clients.a
            let id = try await api.createEventID()
            let skip = try await api.patch("/api/v1/events/\(id)", ["status": "on_sale"])
            #expect(skip.status == .conflict, "draft cannot jump to on_sale")
            #expect(skip.errorCode == "invalid_status_transition")
            #expect(skip.json["error"]?["info"]?["allowed"] == ["announced", "cancelled"])
            for status in ["announced", "announced", "on_sale", "completed"] {
                let step = try await api.patch("/api/v1/events/\(id)", ["status": .string(status)])
                #expect(step.status == .ok, "→ \(status): \(step.text)")
                #expect(step.json["status"] == .string(status))
            }
            for status in ["on_sale", "cancelled", "draft"] {
                #expect(try await api.patch("/api/v1/events/\(id)", ["status": .string(status)]).errorCode == "invalid_status_transition",
                        "completed is final")
            }
            let cancelCompleted = try await api.post("/api/v1/events/\(id)/cancel")
            #expect(cancelCompleted.status == .conflict)
            #expect(cancelCompleted.errorCode == "invalid_status_transition")

            let other = try await api.createEventID(extra: ["status": "on_sale"])
            let cancelled = try await api.post("/api/v1/events/\(other)/cancel")
            #expect(cancelled.status == .ok)
            #expect(cancelled.json["status"] == "cancelled")
            let again = try await api.post("/api/v1/events/\(other)/cancel")
            #expect(again.status == .ok, "cancelling twice is the same as once")
            #expect(again.json["updatedAt"] == cancelled.json["updatedAt"], "and changes nothing")
            #expect(try await api.patch("/api/v1/events/\(other)", ["status": "on_sale"]).errorCode == "invalid_status_transition")
            #expect(try await api.patch("/api/v1/events/\(other)", ["status": "cancelled"]).status == .ok, "the same status is no change")
            let viaPatch = try await api.createEventID(extra: ["status": "announced"])
            #expect(try await api.patch("/api/v1/events/\(viaPatch)", ["status": "cancelled"]).json["status"] == "cancelled")
        }
    }

    @Test func permissionsModuleAndOtherCompanies() async throws {
        try await withPromoterApp { clients in
            let id = try await clients.a.createEventID()
            let reader = clients.a(permissions: [PromoterPermission.eventsRead])
            #expect(try await reader.get("/api/v1/events/\(id)").status == .ok)
            for denied in [try await reader.post("/api/v1/events", ["title": "x", "startAt": at(1), "timezone": "UTC"]),
                           try await reader.patch("/api/v1/events/\(id)", ["title": "x"]),
                           try await reader.post("/api/v1/events/\(id)/cancel")] {
                #expect(denied.status == .forbidden)
                #expect(denied.errorCode == "permission_denied")
            }
            let nobody = clients.a(permissions: [])
            #expect(try await nobody.get("/api/v1/events").status == .forbidden)
            #expect(try await nobody.get("/api/v1/events/\(id)").status == .forbidden)
            let moduleOff = clients.a(permissions: allPromoterPermissions, modules: [])
            #expect(try await moduleOff.get("/api/v1/events").errorCode == "module_disabled")
            #expect(try await clients.a.with(token: nil).get("/api/v1/events").status == .unauthorized)
            #expect(try await clients.a.with(org: nil).get("/api/v1/events").errorCode == "tenant_required")

            // Another company's event does not exist for company B; neither do malformed ids.
            for path in ["/api/v1/events/\(id)", "/api/v1/events/\(UUID())", "/api/v1/events/64b7f0c2a1b2c3d4e5f60718"] {
                #expect(try await clients.b.get(path).status == .notFound, "\(path)")
            }
            #expect(try await clients.b.patch("/api/v1/events/\(id)", ["title": "Stolen"]).status == .notFound)
            #expect(try await clients.b.post("/api/v1/events/\(id)/cancel").status == .notFound)
            #expect(try await clients.a.get("/api/v1/events/\(id)").json["title"] == "Tour stop", "untouched")
        }
    }
}

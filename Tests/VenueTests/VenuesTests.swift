import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumTesting
import Testing
@testable import Venue

@Suite("Venues")
struct VenuesTests {
    @Test func createGetListUpdateAndSoftDelete() async throws {
        try await withVenueApp { clients in
            let api = clients.a
            let created = try await api.createVenue("Paradiso", extra: [
                "capacity": 1500, "timezone": "Europe/Amsterdam", "contactEmail": "booking@paradiso.nl",
                "operatingHours": ["friday": [["open": "19:00", "close": "04:00"]], "notes": "Late nights"],
                "restrictions": ["minimumAge": 18, "curfew": "23:00", "rules": ["No glass"]],
                "technicalSpecs": ["stageWidthM": 12, "powerAmps": 400, "equipment": ["L-Acoustics K2"]],
            ])
            let id = try requireUUID(created["id"])
            #expect(created["status"] == "active")
            #expect(created["claimable"] == false)
            #expect(created["companyId"]?.uuid == clients.env.companyA)
            #expect((created["venueId"]?.int ?? 0) >= 1_000_000, "native venues get numeric ids from 1,000,000 up")
            #expect(created["operatingHours"]?["friday"]?[0]?["close"] == "04:00")
            #expect(created["restrictions"]?["minimumAge"] == 18)

            let fetched = try await api.get("/api/v1/venues/\(id)")
            #expect(fetched.status == .ok)
            #expect(fetched.json["name"] == "Paradiso")

            try await api.createVenue("Melkweg", extra: ["city": "Amsterdam", "status": "inactive"])
            try await api.createVenue("Doornroosje", extra: ["city": "Nijmegen"])
            let all = try await api.get("/api/v1/venues?limit=2")
            #expect(all.json["total"] == 3)
            #expect(all.json["items"]?.arrayValue?.count == 2)
            #expect(all.json["page"] == 1 && all.json["limit"] == 2)
            let page2 = try await api.get("/api/v1/venues?limit=2&page=2")
            #expect(page2.json["items"]?.arrayValue?.count == 1)
            #expect(try await api.get("/api/v1/venues?city=amsterdam").json["total"] == 2)
            #expect(try await api.get("/api/v1/venues?status=inactive").json["total"] == 1)
            #expect(try await api.get("/api/v1/venues?q=para").json["items"]?[0]?["name"] == "Paradiso")

            let patched = try await api.patch("/api/v1/venues/\(id)", [
                "name": "Paradiso Noord", "city": nil, "capacity": 1200, "restrictions": ["minimumAge": 21],
            ])
            #expect(patched.status == .ok)
            #expect(patched.json["name"] == "Paradiso Noord")
            #expect(patched.json["city"] == .null, "null clears the city; the venue has none now")
            #expect(patched.json["capacity"] == 1200)
            #expect(patched.json["restrictions"] == ["minimumAge": 21])
            #expect(patched.json["contactEmail"] == "booking@paradiso.nl", "absent fields stay")
            #expect(patched.json["operatingHours"]?["notes"] == "Late nights")

            let deleted = try await api.delete("/api/v1/venues/\(id)")
            #expect(deleted.status == .noContent)
            #expect(try await api.get("/api/v1/venues/\(id)").status == .notFound)
            #expect(try await api.delete("/api/v1/venues/\(id)").status == .notFound)
            #expect(try await api.get("/api/v1/venues").json["total"] == 2)
        }
    }

    @Test func validationErrorsNameTheFields() async throws {
        try await withVenueApp { clients in
            let api = clients.a
            let missing = try await api.post("/api/v1/venues", ["city": "Utrecht"])
            #expect(missing.status == .unprocessableContent)
            #expect(missing.errorCode == "validation_failed")
            #expect(missing.errorFields == ["name"])

            let bad = try await api.post("/api/v1/venues", [
                "name": "X", "countryIso2": "nl", "capacity": -1, "timezone": "Mars/Base", "website": "ftp://x",
                "operatingHours": ["monday": [["open": "25:00", "close": "02:00"]], "someday": []],
                "restrictions": ["minimumAge": 150, "dressCode": "none"],
                "technicalSpecs": ["powerAmps": 1.5],
            ])
            #expect(bad.status == .unprocessableContent)
            let fields = Set(bad.errorFields)
            for field in ["countryIso2", "capacity", "timezone", "website", "operatingHours.monday[0].open",
                          "operatingHours.someday", "restrictions.minimumAge", "restrictions.dressCode", "technicalSpecs.powerAmps"] {
                #expect(fields.contains(field), "expected an issue for \(field), got \(fields)")
            }

            let adminOnly = try await api.post("/api/v1/venues", ["name": "X", "claimable": true, "status": "sleeping"])
            #expect(Set(adminOnly.errorFields) == ["claimable", "status"])

            let unknownType = try await api.post("/api/v1/venues", ["name": "X", "venueTypeId": 999])
            #expect(unknownType.status == .unprocessableContent)
            #expect(unknownType.errorFields == ["venueTypeId"])

            let malformed = try await api.request(.post, "/api/v1/venues", rawBody: "{\"name\": ")
            #expect(malformed.status == .badRequest)
            #expect(malformed.errorCode == "invalid_body")
            let wrongType = try await api.post("/api/v1/venues", ["name": 5])
            #expect(wrongType.status == .badRequest)

            let venue = try requireUUID(try await api.createVenue()["id"])
            let nullName = try await api.patch("/api/v1/venues/\(venue)", ["name": nil])
            #expect(nullName.status == .unprocessableContent)
            #expect(nullName.errorFields == ["name"])
            let badHours = try await api.patch("/api/v1/venues/\(venue)", ["operatingHours": ["friday": [["open": "10:00", "close": "10:00"]]]])
            #expect(badHours.errorFields == ["operatingHours.friday[0].close"])
            // Lengths count code points, as the contract's maxLength does: 600 "é" written as e + U+0301 are
            // 600 characters to Swift's String.count but 1200 to JSON Schema (the limit is 1000).
            let combining = String(repeating: "e\u{301}", count: 600)
            let longNotes = try await api.patch("/api/v1/venues/\(venue)", ["operatingHours": ["notes": .string(combining)]])
            #expect(longNotes.errorFields == ["operatingHours.notes"])

            let badQuery = try await api.get("/api/v1/venues?status=bogus&limit=0")
            #expect(badQuery.status == .badRequest)
            #expect(badQuery.errorCode == "invalid_query")
        }
    }

    @Test func permissionsModuleAndAuthentication() async throws {
        try await withVenueApp { clients in
            let venue = try requireUUID(try await clients.a.createVenue()["id"])
            let reader = clients.a(permissions: ["venue.venues.read"])
            #expect(try await reader.get("/api/v1/venues").status == .ok)
            #expect(try await reader.get("/api/v1/venues/\(venue)").status == .ok)
            let denied = try await reader.post("/api/v1/venues", ["name": "X"])
            #expect(denied.status == .forbidden)
            #expect(denied.errorCode == "permission_denied")
            #expect(try await reader.patch("/api/v1/venues/\(venue)", ["name": "Y"]).errorCode == "permission_denied")
            #expect(try await reader.delete("/api/v1/venues/\(venue)").errorCode == "permission_denied")

            let nobody = clients.a(permissions: ["venue.spaces.read"])
            #expect(try await nobody.get("/api/v1/venues").errorCode == "permission_denied")

            let moduleOff = clients.a(permissions: allVenuePermissions, modules: ["finance"])
            let gated = try await moduleOff.get("/api/v1/venues")
            #expect(gated.status == .forbidden)
            #expect(gated.errorCode == "module_disabled")

            #expect(try await clients.a.with(token: nil).get("/api/v1/venues").status == .unauthorized)
            #expect(try await clients.a.with(org: nil).get("/api/v1/venues").errorCode == "tenant_required")
            #expect(try await clients.a.with(org: UUID()).get("/api/v1/venues").errorCode == "not_a_member")
        }
    }

    @Test func anotherCompanysVenueIsNotFound() async throws {
        try await withVenueApp { clients in
            let theirs = try requireUUID(try await clients.b.createVenue("Theirs")["id"])
            try await clients.a.createVenue("Ours")
            #expect(try await clients.a.get("/api/v1/venues/\(theirs)").status == .notFound)
            #expect(try await clients.a.patch("/api/v1/venues/\(theirs)", ["name": "Mine now"]).status == .notFound)
            #expect(try await clients.a.delete("/api/v1/venues/\(theirs)").status == .notFound)
            let list = try await clients.a.get("/api/v1/venues")
            #expect(list.json["total"] == 1)
            #expect(list.json["items"]?[0]?["name"] == "Ours")
            #expect(try await clients.b.get("/api/v1/venues/\(theirs)").json["name"] == "Theirs", "untouched")
            #expect(try await clients.a.get("/api/v1/venues/not-a-uuid").status == .notFound)
        }
    }
}

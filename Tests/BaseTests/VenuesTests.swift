import Base
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumServiceClient
import KisumTesting
import Testing

/// Issue 9, Venues: "Venues in Base read Venue-owned inventory through Venue's `/internal/venues` routes (Venue stays
/// the truth; Base keeps only its own links and notes); Venue down → 503 on those reads." Venue is answered in-process
/// here (`FakeVenue`); `SystemTests/BaseVenuesAcrossServicesTests` runs the same reads against a live Venue.
@Suite("Base venues: links, search, contacts, documents")
struct VenuesTests {
    @Test func aCompanyLinksVenuesAndItsListMergesVenuesCurrentDataInOneCall() async throws {
        try await withVenues { t, venue in
            let paradiso = venue.add("Paradiso")
            let melkweg = venue.add("Melkweg", capacity: 1200)
            let created = try await t.link(paradiso, ["notes": "Great sound", "tags": ["club", " Club ", "amsterdam"], "rating": 5])
            #expect(created.status == .created)
            #expect(created.json["link"]?["venueName"] == "Paradiso")
            #expect(created.json["link"]?["tags"] == ["club", "amsterdam"], "trimmed, repeats dropped in any case")
            #expect(created.json["venue"]?["capacity"] == 1500)
            #expect(try await t.link(melkweg, ["rating": 3, "tags": ["club"]]).status == .created)
            let again = try await t.link(paradiso)
            #expect(again.status == .conflict)
            #expect(again.errorCode == "venue_already_linked")
            let unknown = try await t.link(UUID())
            #expect(unknown.status == .unprocessableContent)
            #expect(unknown.errorFields == ["venueId"])

            let before = venue.calls("/internal/venues/batch")
            let list = try await t.a.get("/api/venues?sort=name")
            #expect(list.status == .ok)
            #expect(list.json["total"] == 2)
            #expect(list.json["items"]?[0]?["link"]?["venueName"] == "Melkweg")
            #expect(list.json["items"]?[0]?["venue"]?["capacity"] == 1200)
            #expect(venue.calls("/internal/venues/batch") == before + 1, "one batch call for the whole page, not one per row")
            #expect(try await t.a.get("/api/venues?sort=rating").json["items"]?[0]?["link"]?["rating"] == 5)
            #expect(try await t.a.get("/api/venues?minRating=4").json["total"] == 1)
            #expect(try await t.a.get("/api/venues?tag=amsterdam").json["total"] == 1)
            #expect(try await t.a.get("/api/venues?q=melk").json["items"]?[0]?["link"]?["venueId"]?.uuid == melkweg)
            #expect(try await t.a.get("/api/venues?limit=1&page=2").json["items"]?.arrayValue?.count == 1)
            #expect(try await t.b.get("/api/venues").json["total"] == 0, "another company's links are not listed")

            let detail = try await t.a.get("/api/venues/\(paradiso)")
            #expect(detail.json["venue"]?["name"] == "Paradiso")
            #expect(detail.json["link"]?["notes"] == "Great sound")
            // The inventory is shared, the link is not: B sees the venue without A's notes.
            let theirs = try await t.b.get("/api/venues/\(paradiso)")
            #expect(theirs.status == .ok)
            #expect(theirs.json["link"] == .null)
            #expect(try await t.a.get("/api/venues/\(UUID())").errorCode == "venue_not_found")

            let replaced = try await t.a.put("/api/venues/\(paradiso)", ["rating": 4])
            #expect(replaced.status == .ok)
            #expect(replaced.json["link"]?["notes"] == .null, "a PUT replaces: notes left out are cleared")
            #expect(replaced.json["link"]?["tags"] == [])
            #expect(replaced.json["venue"]?["name"] == "Paradiso")
            #expect(try await t.b.put("/api/venues/\(paradiso)", ["rating": 1]).errorCode == "venue_not_linked")
            #expect(try await t.b.delete("/api/venues/\(paradiso)").status == .notFound)
            #expect(try await t.a.delete("/api/venues/\(paradiso)").status == .noContent)
            #expect(try await t.a.delete("/api/venues/\(paradiso)").errorCode == "venue_not_linked")
            #expect(try await t.a.get("/api/venues/\(paradiso)").json["link"] == .null)
        }
    }

    @Test func bodiesAndQueriesAreValidated() async throws {
        try await withVenues { t, venue in
            let id = venue.add("Tivoli")
            let bad = try await t.a.post("/api/venues", [
                "venueId": .string(id.uuidString), "rating": 6, "notes": .string(String(repeating: "n", count: 5001)),
                "tags": .array(Array(repeating: "t", count: 21)),
            ])
            #expect(bad.status == .unprocessableContent)
            #expect(Set(bad.errorFields) == ["rating", "notes", "tags"])
            #expect(try await t.a.post("/api/venues", ["notes": "x"]).errorFields == ["venueId"])
            #expect(try await t.a.post("/api/venues", ["venueId": "x", "tags": ["  "]]).status == .badRequest)
            #expect(try await t.a.request(.post, "/api/venues", rawBody: "{").status == .badRequest)
            #expect(try await t.link(id).status == .created)
            #expect(try await t.a.put("/api/venues/\(id)", ["tags": ["  "]]).errorFields == ["tags"])
            let query = try await t.a.get("/api/venues?minRating=9&sort=size&limit=0")
            #expect(query.status == .badRequest)
            #expect(Set(query.errorFields) == ["minRating", "sort", "limit"])
            #expect(try await t.a.get("/api/venues/search?status=gone").status == .badRequest)
            let nearby = try await t.a.get("/api/venues/nearby?lat=91&radiusKm=0")
            #expect(nearby.status == .badRequest)
            #expect(Set(nearby.errorFields) == ["lat", "lng", "radiusKm"])
            #expect(try await t.a.get("/api/venues/nearby?lat=&lng=4").errorFields == ["lat"], "a typed parameter sent empty is refused")
            #expect(try await t.a.get("/api/venues/not-a-uuid").status == .notFound)
        }
    }

    @Test func searchNearbyAndTypesReadVenuesInventoryAndMarkTheCompanysLinks() async throws {
        try await withVenues { t, venue in
            let paradiso = venue.add("Paradiso")
            venue.add("Doornroosje", city: "Nijmegen", latitude: nil, longitude: nil)
            #expect(try await t.link(paradiso).status == .created)
            let search = try await t.a.get("/api/venues/search?q=para")
            #expect(search.status == .ok)
            #expect(search.json["total"] == 1)
            #expect(search.json["items"]?[0]?["linked"] == true)
            #expect(search.json["items"]?[0]?["distanceKm"] == .null)
            #expect(try await t.b.get("/api/venues/search?q=para").json["items"]?[0]?["linked"] == false)
            #expect(try await t.a.get("/api/venues/search?city=nijmegen").json["items"]?[0]?["linked"] == false)
            let nearby = try await t.a.get("/api/venues/nearby?lat=52.37&lng=4.89&radiusKm=5")
            #expect(nearby.json["total"] == 1, "venues without coordinates are not near anything")
            #expect(nearby.json["items"]?[0]?["distanceKm"] == 1.25)
            let types = try await t.a.get("/api/venues/types")
            #expect(types.json["items"]?.arrayValue?.map { $0["name"] } == ["Club", "Theatre"])
        }
    }

    /// "Venue down → 503 on those reads": not configured, unreachable, timing out or failing.
    @Test func venueUnavailableIs503AndBaseOwnEditsStillWork() async throws {
        try await withVenues(settings: BaseSettings()) { t, _ in
            let id = UUID()
            for path in ["/api/venues", "/api/venues/search", "/api/venues/types", "/api/venues/nearby?lat=1&lng=1", "/api/venues/\(id)",
                         "/api/venues/\(id)/stats", "/api/venues/\(id)/availability", "/api/venues/\(id)/inquiry"] {
                let response = try await t.a.get(path)
                #expect(response.status == .serviceUnavailable, "\(path)")
                #expect(response.errorCode == "venue_unavailable", "\(path)")
            }
            #expect(try await t.link(id).errorCode == "venue_unavailable")
        }
        for mode in [FakeVenue.Mode.unreachable, .timeout, .failing] {
            try await withVenues { t, venue in
                let id = venue.add("Paradiso")
                #expect(try await t.link(id).status == .created)
                venue.mode = mode
                #expect(try await t.a.get("/api/venues").errorCode == "venue_unavailable")
                #expect(try await t.a.get("/api/venues/\(id)").status == .serviceUnavailable)
                #expect(try await t.a.get("/api/venues/search?q=x").status == .serviceUnavailable)
                // The company's own data does not need Venue.
                let edited = try await t.a.put("/api/venues/\(id)", ["notes": "still here"])
                #expect(edited.status == .ok)
                #expect(edited.json["venue"] == .null)
                #expect(try await t.a.post("/api/venues/\(id)/contacts", ["name": "Booker"]).status == .created)
                #expect(try await t.a.get("/api/venues/\(id)/events").status == .ok)
            }
        }
    }

    @Test func everyRouteNeedsItsPermission() async throws {
        try await withVenues { t, venue in
            let id = venue.add("Paradiso")
            #expect(try await t.link(id).status == .created)
            let contact = UUID()
            let none = t.a(permissions: [BasePermission.artistsRead])
            let reader = t.a(permissions: [BasePermission.venuesRead])
            let reads = ["/api/venues", "/api/venues/search", "/api/venues/types", "/api/venues/nearby?lat=1&lng=1", "/api/venues/\(id)",
                         "/api/venues/\(id)/events", "/api/venues/\(id)/inquiry", "/api/venues/\(id)/availability",
                         "/api/venues/\(id)/contacts", "/api/venues/\(id)/documents", "/api/venues/\(id)/stats"]
            for path in reads {
                #expect(try await none.get(path).status == .forbidden, "\(path)")
                #expect(try await reader.get(path).status == .ok, "\(path)")
            }
            let writes: [(HTTPRequest.Method, String, JSONValue?)] = [
                (.post, "/api/venues", ["venueId": .string(id.uuidString)]), (.put, "/api/venues/\(id)", [:]), (.delete, "/api/venues/\(id)", nil),
                (.post, "/api/venues/\(id)/inquiry", ["startsOn": "2027-01-01", "message": "hi"]),
                (.post, "/api/venues/\(id)/contacts", ["name": "X"]), (.put, "/api/venues/\(id)/contacts/\(contact)", ["name": "X"]),
                (.delete, "/api/venues/\(id)/contacts/\(contact)", nil), (.post, "/api/venues/\(id)/documents", nil),
            ]
            for (method, path, body) in writes {
                let response = try await reader.request(method, path, json: body)
                #expect(response.status == .forbidden, "\(method) \(path)")
            }
            let event = try await t.insertEvent(company: t.companyA, name: "Night", date: "2027-03-01")
            let venuesOnly = t.a(permissions: [BasePermission.venuesRead, BasePermission.venuesWrite])
            #expect(try await venuesOnly.get("/api/events/\(event)/venue").status == .forbidden)
            #expect(try await t.a(permissions: [BasePermission.eventsRead]).put("/api/events/\(event)/venue",
                                                                                 ["venueId": .string(id.uuidString)]).status == .forbidden)
        }
    }
}

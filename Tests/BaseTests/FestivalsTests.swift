import Base
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumTesting
import PostgresNIO
import Testing

/// Issue 9: "Festivals (6, lineup)"; "Every list has filters, sorting and paging; … another company's ids answer 404."
@Suite("Base festivals")
struct FestivalsTests {
    @Test func createWithEventsReplaceListAndDelete() async throws {
        try await withOps { t in
            let api = t.a
            let day1 = try await t.insertOpsEvent("Fest day 1", on: "2027-08-14")
            let day2 = try await t.insertOpsEvent("Fest day 2", on: "2027-08-15")
            let created = try await api.post("/api/festivals", [
                "name": " Lowlands ", "edition": "2027", "year": 2027, "startsOn": "2027-08-14", "endsOn": "2027-08-16", "city": "Biddinghuizen",
                "currency": "EUR", "eventIds": [.string(day2.uuidString), .string(day1.uuidString), .string(day1.uuidString)],
            ])
            #expect(created.status == .created)
            #expect(created.json["name"] == "Lowlands")
            #expect(created.json["status"] == "planning")
            #expect(created.json["eventIds"]?.arrayValue?.map(\.uuid) == [day1, day2])
            #expect(created.json["venueId"] == .null)
            let id = try #require(created.json["id"]?.uuid)
            let other = try await api.opsCreated("/api/festivals", ["name": "Pinkpop", "startsOn": "2027-06-18", "endsOn": "2027-06-20",
                                                                  "currency": "EUR", "year": 2027])

            #expect(try await api.get("/api/festivals").json["items"]?.arrayValue?.map { $0["id"]?.uuid } == [other, id])
            #expect(try await api.get("/api/festivals?sort=-startsOn").json["items"]?[0]?["id"]?.uuid == id)
            #expect(try await api.get("/api/festivals?sort=name&limit=1&page=2").json["items"]?[0]?["id"]?.uuid == other)
            #expect(try await api.get("/api/festivals?from=2027-07-01").json["total"] == 1)
            #expect(try await api.get("/api/festivals?q=pink").json["items"]?[0]?["id"]?.uuid == other)
            #expect(try await api.get("/api/festivals?city=biddinghuizen&year=2027").json["total"] == 1)

            // Left out, eventIds keeps the events; sent, it is the whole set.
            let kept = try await api.put("/api/festivals/\(id)", ["name": "Lowlands", "startsOn": "2027-08-14", "endsOn": "2027-08-16",
                                                                  "currency": "EUR", "status": "announced", "version": 1])
            #expect(kept.status == .ok)
            #expect(kept.json["eventIds"]?.arrayValue?.count == 2)
            #expect(kept.json["edition"] == .null)
            #expect(kept.json["version"] == 2)
            let narrowed = try await api.request(.put, "/api/festivals/\(id)", json: [
                "name": "Lowlands", "startsOn": "2027-08-14", "endsOn": "2027-08-16", "currency": "EUR", "eventIds": [.string(day1.uuidString)],
            ], headers: [.ifMatch: "\"2\""])
            #expect(narrowed.json["eventIds"]?.arrayValue?.map(\.uuid) == [day1])
            #expect(narrowed.json["status"] == "announced")
            let stale = try await api.put("/api/festivals/\(id)", ["name": "L", "startsOn": "2027-08-14", "endsOn": "2027-08-16",
                                                                   "currency": "EUR", "version": 2])
            #expect(stale.errorCode == "version_conflict")
            // Moving the days so an event would fall outside them is refused, and nothing changes.
            let stranded = try await api.put("/api/festivals/\(id)", ["name": "L", "startsOn": "2027-08-15", "endsOn": "2027-08-16",
                                                                      "currency": "EUR", "version": 3])
            #expect(stranded.status == .unprocessableContent)
            #expect(stranded.errorFields == ["startsOn"])
            #expect(try await api.get("/api/festivals/\(id)").json["version"] == 3)

            #expect(try await api.delete("/api/festivals/\(id)").status == .noContent)
            #expect(try await api.get("/api/festivals/\(id)").status == .notFound)
            let kept1 = try await t.opsDatabase.query("SELECT count(*) FROM events WHERE company_id = \(t.companyA) AND id = \(day1)").count()
            #expect(kept1 == 1)
        }
    }

    @Test func lineupListsTheArtistsByDayAndBillingOrder() async throws {
        try await withOps { t in
            let api = t.a
            let headliner = try await api.makeOpsArtist("Headliner")
            let support = try await api.makeOpsArtist("Support Act")
            let dj = try await api.makeOpsArtist("Closing DJ")
            let sunday = try await t.insertOpsEvent("Sunday", on: "2027-08-15")
            let saturday = try await t.insertOpsEvent("Saturday", on: "2027-08-14")
            let cancelled = try await t.insertOpsEvent("Rained off", on: "2027-08-14", status: "cancelled")
            try await t.addOpsBill(event: saturday, artist: support, order: 2, role: "support")
            try await t.addOpsBill(event: saturday, artist: headliner, order: 1)
            try await t.addOpsBill(event: sunday, artist: dj, order: 1, role: "dj")
            try await t.addOpsBill(event: cancelled, artist: dj, order: 1, role: "dj")
            let festival = try await api.opsCreated("/api/festivals", [
                "name": "Weekender", "startsOn": "2027-08-14", "endsOn": "2027-08-15", "currency": "EUR",
                "eventIds": [.string(sunday.uuidString), .string(saturday.uuidString), .string(cancelled.uuidString)],
            ])
            let lineup = try await api.get("/api/festivals/\(festival)/lineup")
            #expect(lineup.status == .ok)
            #expect(lineup.json["festivalName"] == "Weekender")
            let days = lineup.json["days"]?.arrayValue ?? []
            #expect(days.map { $0["date"] } == ["2027-08-14", "2027-08-15"])
            #expect(days.first?["artists"]?.arrayValue?.map { $0["artistName"] } == ["Headliner", "Support Act"])
            #expect(days.first?["artists"]?[1]?["role"] == "support")
            #expect(days.first?["artists"]?[0]?["setTime"] == .null)
            #expect(days.last?["artists"]?.arrayValue?.map { $0["artistId"]?.uuid } == [dj])

            let empty = try await api.opsCreated("/api/festivals", ["name": "Empty", "startsOn": "2027-09-01", "endsOn": "2027-09-01", "currency": "EUR"])
            #expect(try await api.get("/api/festivals/\(empty)/lineup").json["days"] == [])
            #expect(try await t.b.get("/api/festivals/\(festival)/lineup").status == .notFound)
        }
    }

    @Test func validationMalformedPermissionAndOtherCompany() async throws {
        try await withOps { t in
            let api = t.a
            let invalid = try await api.post("/api/festivals", ["name": "", "year": 1800, "startsOn": "2027-08-10", "endsOn": "2027-08-01",
                                                                 "currency": "XYZ", "status": "sold_out"])
            #expect(invalid.status == .unprocessableContent)
            #expect(Set(invalid.errorFields) == ["name", "year", "endsOn", "currency", "status"])
            #expect(Set(try await api.post("/api/festivals", [:]).errorFields) == ["name", "startsOn", "endsOn", "currency"])
            let theirs = try await t.insertOpsEvent("Theirs", on: "2027-08-14", company: t.companyB)
            func body(_ extra: [String: JSONValue] = [:]) -> JSONValue {
                .object(["name": "F", "startsOn": "2027-08-14", "endsOn": "2027-08-14", "currency": "EUR"].merging(extra) { $1 })
            }
            let base = body()
            #expect(try await api.post("/api/festivals", body(["eventIds": [.string(theirs.uuidString)]])).errorFields == ["eventIds"])
            let late = try await t.insertOpsEvent("Late", on: "2027-09-30")
            let refused = try await api.post("/api/festivals", body(["eventIds": [.string(late.uuidString)]]))
            #expect(refused.errorFields == ["eventIds"])
            #expect(try await api.get("/api/festivals").json["total"] == 0)
            #expect(try await api.request(.post, "/api/festivals", rawBody: "{\"eventIds\": [\"x\"]}").status == .badRequest)
            #expect(try await api.get("/api/festivals?year=abc").status == .badRequest)
            #expect(try await api.get("/api/festivals?sort=size").status == .badRequest)

            let id = try await api.opsCreated("/api/festivals", base)
            #expect(try await api.put("/api/festivals/\(id)", base).errorFields == ["version"])
            let reader = t.a(permissions: [BasePermission.festivalsRead])
            #expect(try await reader.get("/api/festivals/\(id)").status == .ok)
            #expect(try await reader.post("/api/festivals", base).status == .forbidden)
            #expect(try await reader.delete("/api/festivals/\(id)").status == .forbidden)
            #expect(try await t.a(permissions: [BasePermission.eventsRead]).get("/api/festivals").status == .forbidden)

            let versioned = body(["version": 1])
            #expect(try await t.b.get("/api/festivals/\(id)").status == .notFound)
            #expect(try await t.b.put("/api/festivals/\(id)", versioned).status == .notFound)
            #expect(try await t.b.delete("/api/festivals/\(id)").status == .notFound)
            #expect(try await t.b.get("/api/festivals").json["total"] == 0)
        }
    }
}

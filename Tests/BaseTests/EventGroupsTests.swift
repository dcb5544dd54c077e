import Base
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumTesting
import PostgresNIO
import Testing

/// Issue 9: "Event Group (10: tours and series with financial roll-up)"; "concurrent edits use a version number
/// (`If-Match` or a `version` field) and the loser gets 409"; "Every list has filters, sorting and paging; …
/// another company's ids answer 404."
@Suite("Base event groups")
struct EventGroupsTests {
    @Test func createReadListSearchReplaceAndDelete() async throws {
        try await withOps { t in
            let api = t.a
            let artist = try await api.makeOpsArtist("Tour Band")
            let created = try await api.post("/api/event-group", [
                "name": " Winter Tour 2027 ", "kind": "tour", "artistId": .string(artist.uuidString), "startsOn": "2027-01-10",
                "endsOn": "2027-02-20", "currency": "EUR", "notes": "EU leg",
            ])
            #expect(created.status == .created)
            #expect(created.json["name"] == "Winter Tour 2027")
            #expect(created.json["status"] == "planning")
            #expect(created.json["artistName"] == "Tour Band")
            #expect(created.json["version"] == 1)
            #expect(created.json["eventCount"] == 0)
            #expect(created.headers[.eTag] == "\"1\"")
            let id = try #require(created.json["id"]?.uuid)
            let series = try await api.opsCreated("/api/event-group", ["name": "Jazz Series", "kind": "series", "currency": "GBP"])
            #expect(try await api.get("/api/event-group/\(series)").json["startsOn"] == .null)

            #expect(try await api.get("/api/event-group").json["total"] == 2)
            #expect(try await api.get("/api/event-group?kind=series").json["items"]?[0]?["id"]?.uuid == series)
            #expect(try await api.get("/api/event-group?q=winter").json["total"] == 1)
            #expect(try await api.get("/api/event-group?from=2027-03-01").json["items"]?.arrayValue?.count == 1)
            #expect(try await api.get("/api/event-group?sort=-name").json["items"]?[0]?["name"] == "Winter Tour 2027")
            #expect(try await api.get("/api/event-group?sort=name&limit=1&page=2").json["items"]?[0]?["name"] == "Winter Tour 2027")
            #expect(try await api.get("/api/event-group/search?q=Wintr").json["items"]?[0]?["id"]?.uuid == id)
            #expect(try await api.get("/api/event-group/search?q=Jazz").json["total"] == 1)

            let replaced = try await api.put("/api/event-group/\(id)", [
                "name": "Winter Tour", "status": "confirmed", "currency": "EUR", "startsOn": "2027-01-10", "version": 1,
            ])
            #expect(replaced.status == .ok)
            #expect(replaced.json["version"] == 2)
            #expect(replaced.json["kind"] == "tour")
            #expect(replaced.json["artistId"] == .null)
            #expect(replaced.json["status"] == "confirmed")
            // The loser of a concurrent edit gets 409, by body version or If-Match.
            let stale = try await api.put("/api/event-group/\(id)", ["name": "X", "currency": "EUR", "version": 1])
            #expect(stale.status == .conflict)
            #expect(stale.errorCode == "version_conflict")
            let byHeader = try await api.request(.put, "/api/event-group/\(id)", json: ["name": "Winter Tour II", "currency": "EUR"],
                                                 headers: [.ifMatch: "\"2\""])
            #expect(byHeader.status == .ok)
            #expect(byHeader.json["version"] == 3)
            #expect(try await api.request(.put, "/api/event-group/\(id)", json: ["name": "Y", "currency": "EUR"],
                                          headers: [.ifMatch: "\"2\""]).errorCode == "version_conflict")

            #expect(try await api.delete("/api/event-group/\(series)").status == .noContent)
            #expect(try await api.get("/api/event-group/\(series)").status == .notFound)
            #expect(try await api.delete("/api/event-group/\(series)").status == .notFound)
        }
    }

    /// "concurrent edits use a version number … and the loser gets 409, never a silent overwrite."
    @Test func concurrentReplacesWithOneVersionHaveExactlyOneWinner() async throws {
        try await withOps { t in
            let api = t.a
            let id = try await api.opsCreated("/api/event-group", ["name": "Contested", "currency": "EUR"])
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for n in 0..<12 {
                    group.addTask {
                        try await api.put("/api/event-group/\(id)", ["name": .string("Edit \(n)"), "currency": "EUR", "version": 1]).status
                    }
                }
                var statuses: [HTTPResponse.Status] = []
                for try await status in group { statuses.append(status) }
                return statuses
            }
            #expect(statuses.filter { $0 == .ok }.count == 1)
            #expect(statuses.filter { $0 == .conflict }.count == 11)
            #expect(try await api.get("/api/event-group/\(id)").json["version"] == 2)
        }
    }

    @Test func validationMalformedPermissionAndOtherCompany() async throws {
        try await withOps { t in
            let api = t.a
            let invalid = try await api.post("/api/event-group", [
                "name": " ", "kind": "world", "currency": "eur", "startsOn": "2027-02-30", "notes": .string(String(repeating: "n", count: 5001)),
            ])
            #expect(invalid.status == .unprocessableContent)
            #expect(Set(invalid.errorFields) == ["name", "kind", "currency", "startsOn", "notes"])
            let order = try await api.post("/api/event-group", ["name": "A", "currency": "EUR", "startsOn": "2027-02-10", "endsOn": "2027-02-01"])
            #expect(order.errorFields == ["endsOn"])
            #expect(try await api.post("/api/event-group", ["name": "A", "currency": "EUR", "artistId": .string(UUID().uuidString)])
                .errorFields == ["artistId"])
            #expect(try await api.request(.post, "/api/event-group", rawBody: "{\"name\":").status == .badRequest)
            #expect(try await api.get("/api/event-group?sort=size").status == .badRequest)
            #expect(try await api.get("/api/event-group?artistId=").status == .badRequest)
            #expect(try await api.get("/api/event-group/search").status == .badRequest)
            #expect(try await api.get("/api/event-group/search?q=").status == .badRequest)
            #expect(try await api.get("/api/event-group/search?q=%20%20").json["total"] == 0)
            #expect(try await api.get("/api/event-group/not-a-uuid").status == .notFound)

            let id = try await api.opsCreated("/api/event-group", ["name": "Mine", "currency": "EUR"])
            #expect(try await api.put("/api/event-group/\(id)", ["name": "Mine", "currency": "EUR"]).errorFields == ["version"])
            #expect(try await api.request(.put, "/api/event-group/\(id)", json: ["name": "M", "currency": "EUR"],
                                          headers: [.ifMatch: "soon"]).status == .badRequest)
            #expect(try await api.request(.put, "/api/event-group/\(id)", json: ["name": "M", "currency": "EUR", "version": 1],
                                          headers: [.ifMatch: "\"2\""]).errorFields == ["version"])

            let reader = t.a(permissions: [BasePermission.eventsRead])
            #expect(try await reader.get("/api/event-group/\(id)").status == .ok)
            #expect(try await reader.post("/api/event-group", ["name": "No", "currency": "EUR"]).status == .forbidden)
            #expect(try await reader.delete("/api/event-group/\(id)").status == .forbidden)
            #expect(try await t.a(permissions: [BasePermission.tasksRead]).get("/api/event-group").status == .forbidden)

            let b = t.b
            #expect(try await b.get("/api/event-group/\(id)").status == .notFound)
            #expect(try await b.put("/api/event-group/\(id)", ["name": "B", "currency": "EUR", "version": 1]).status == .notFound)
            #expect(try await b.delete("/api/event-group/\(id)").status == .notFound)
            #expect(try await b.get("/api/event-group/\(id)/events").status == .notFound)
            #expect(try await b.get("/api/event-group/\(id)/summary").status == .notFound)
            #expect(try await b.get("/api/event-group").json["total"] == 0)
            #expect(try await b.get("/api/event-group/search?q=Mine").json["total"] == 0)
        }
    }

    @Test func eventsJoinAndLeaveAGroupAndDeletingTheGroupKeepsThem() async throws {
        try await withOps { t in
            let api = t.a
            let group = try await api.opsCreated("/api/event-group", ["name": "Spring Run", "currency": "EUR"])
            let other = try await api.opsCreated("/api/event-group", ["name": "Other", "currency": "EUR"])
            let second = try await t.insertOpsEvent("Berlin", on: "2027-04-02", city: "Berlin")
            let first = try await t.insertOpsEvent("Paris", on: "2027-04-01", city: "Paris")
            let theirs = try await t.insertOpsEvent("Theirs", on: "2027-04-03", company: t.companyB)

            let added = try await api.post("/api/event-group/\(group)/events", ["eventId": .string(second.uuidString)])
            #expect(added.status == .created)
            #expect(added.json["name"] == "Berlin")
            #expect(try await api.post("/api/event-group/\(group)/events", ["eventId": .string(first.uuidString)]).status == .created)
            let listed = try await api.get("/api/event-group/\(group)/events")
            #expect(listed.json["items"]?.arrayValue?.map { $0["id"]?.uuid } == [first, second])
            #expect(try await api.get("/api/event-group/\(group)").json["eventCount"] == 2)

            // Another company's event, an unknown event, or a group not ours: 404.
            #expect(try await api.post("/api/event-group/\(group)/events", ["eventId": .string(theirs.uuidString)]).status == .notFound)
            #expect(try await t.b.post("/api/event-group/\(group)/events", ["eventId": .string(theirs.uuidString)]).status == .notFound)
            #expect(try await api.post("/api/event-group/\(group)/events", [:]).errorFields == ["eventId"])
            #expect(try await api.delete("/api/event-group/\(group)/events/\(theirs)").status == .notFound)

            // Adding to another group moves the event.
            #expect(try await api.post("/api/event-group/\(other)/events", ["eventId": .string(second.uuidString)]).status == .created)
            #expect(try await api.get("/api/event-group/\(group)/events").json["total"] == 1)
            #expect(try await api.delete("/api/event-group/\(other)/events/\(second)").status == .noContent)
            #expect(try await api.delete("/api/event-group/\(other)/events/\(second)").status == .notFound)
            #expect(try await api.get("/api/event-group/\(other)/events").json["total"] == 0)

            #expect(try await api.delete("/api/event-group/\(group)").status == .noContent)
            // Paris left with its group, Berlin left "other" before: both events stay, in no group.
            let left = try await t.opsDatabase.query("""
                SELECT count(*) FROM events WHERE company_id = \(t.companyA) AND event_group_id IS NULL AND id IN (\(first), \(second))
                """).count()
            #expect(left == 2)
        }
    }

    /// "tours and series with financial roll-up": by status, span, cities, capacity, and the money of accepted and
    /// converted offers, per currency (never summed across currencies).
    @Test func summaryRollsUpEventsAndOfferMoneyPerCurrency() async throws {
        try await withOps { t in
            let api = t.a
            let artist = try await api.makeOpsArtist("Roll Up")
            let group = try await api.opsCreated("/api/event-group", ["name": "Roll-up Tour", "currency": "EUR"])
            let empty = try await api.get("/api/event-group/\(group)/summary")
            #expect(empty.status == .ok)
            #expect(empty.json["eventCount"] == 0)
            #expect(empty.json["money"]?["guaranteeMinor"] == 0)
            #expect(empty.json["firstDate"] == .null)

            let paris = try await t.insertOpsEvent("Paris", on: "2027-05-01", city: "Paris", capacity: 1000)
            let lyon = try await t.insertOpsEvent("Lyon", on: "2027-05-03", status: "on_sale", city: "Lyon", capacity: 800)
            let london = try await t.insertOpsEvent("London", on: "2027-05-07", city: "London", capacity: 2000, currency: "GBP")
            let outside = try await t.insertOpsEvent("Outside", on: "2027-05-09", capacity: 99)
            for event in [paris, lyon, london] {
                #expect(try await api.post("/api/event-group/\(group)/events", ["eventId": .string(event.uuidString)]).status == .created)
            }
            _ = try await t.insertOpsOffer(artist: artist, event: paris, status: "accepted", guarantee: 500_000,
                                        potential: #"{"grossMinor": 2000000, "artistPayoutMinor": 700000, "averageTicketPriceMinor": 2000, "ticketsSold": 1000}"#)
            _ = try await t.insertOpsOffer(artist: artist, event: lyon, status: "converted", guarantee: 300_000,
                                        potential: #"{"grossMinor": 1000000, "artistPayoutMinor": 400000}"#)
            _ = try await t.insertOpsOffer(artist: artist, event: london, status: "accepted", currency: "GBP", guarantee: 250_000,
                                        potential: #"{"grossMinor": 900000}"#)
            // Not counted: a draft offer, and an accepted offer for an event outside the group.
            _ = try await t.insertOpsOffer(artist: artist, event: paris, status: "draft", guarantee: 999_999)
            _ = try await t.insertOpsOffer(artist: artist, event: outside, status: "accepted", guarantee: 777_777)

            let summary = try await api.get("/api/event-group/\(group)/summary")
            #expect(summary.status == .ok)
            let s = summary.json
            #expect(s["groupId"]?.uuid == group)
            #expect(s["eventCount"] == 3)
            #expect(s["eventsByStatus"] == [["status": "confirmed", "count": 2], ["status": "on_sale", "count": 1]])
            #expect(s["firstDate"] == "2027-05-01")
            #expect(s["lastDate"] == "2027-05-07")
            #expect(s["cities"] == ["London", "Lyon", "Paris"])
            #expect(s["totalCapacity"] == 3800)
            #expect(s["money"]?["currency"] == "EUR")
            #expect(s["money"]?["offerCount"] == 2)
            #expect(s["money"]?["guaranteeMinor"] == 800_000)
            #expect(s["money"]?["potential"] == ["grossMinor": 3_000_000, "artistPayoutMinor": 1_100_000])
            #expect(s["otherCurrencies"] == [["currency": "GBP", "offerCount": 1, "guaranteeMinor": 250_000, "potential": ["grossMinor": 900_000]]])
            // No sales recorded yet (SettlementTests checks the roll-up with sales).
            #expect(s["ticketSales"] == [])
        }
    }
}

import Base
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumTesting
import PostgresNIO
import Testing

/// Issue 9, "Tickets: capacity per allocation and tier; sales can never exceed capacity (a database check, not only
/// application code)". Allocations and their tiers: CRUD, lists, validation, permissions, tenant isolation and the
/// allocation and event capacity levels.
@Suite("Base event tickets: allocations and tiers")
struct TicketsTests {
    @Test func anAllocationWithTiersIsCreatedReadListedReplacedAndDeleted() async throws {
        try await withTickets { t in
            let event = try await t.makeEvent(t.companyA, name: "Paradiso night", capacity: 1500, currency: "EUR")
            let created = try await t.a.post("/api/event-ticket", [
                "eventId": .string(event.uuidString), "name": " GA ", "kind": "general_admission", "capacity": 1000, "status": "on_sale",
                "onSaleAt": "2027-01-01T10:00:00Z",
                "tiers": [["name": "Early bird", "priceMinor": 2500, "capacity": 200], ["name": "Regular", "priceMinor": 3500, "capacity": 700]],
            ])
            #expect(created.status == .created)
            #expect(created.json["name"] == "GA")
            #expect(created.json["currency"] == "EUR")
            #expect(created.json["eventName"] == "Paradiso night")
            #expect(created.json["tierCount"] == 2)
            #expect(created.json["tierCapacity"] == 900)
            #expect(created.json["remaining"] == 900)
            #expect(created.json["offSaleAt"] == .null)
            let id = try #require(created.json["id"]?.uuid)

            let tiers = try await t.a.get("/api/event-ticket/\(id)/tiers")
            #expect(tiers.json.arrayValue?.map { $0["name"]?.stringValue } == ["Early bird", "Regular"])
            #expect(tiers.json[0]?["currency"] == "EUR")

            let vip = try await t.a.post("/api/event-ticket", ["eventId": .string(event.uuidString), "name": "VIP", "kind": "vip", "capacity": 100])
            #expect(vip.json["status"] == "draft")
            #expect(try await t.a.get("/api/event-ticket?eventId=\(event)").json["total"] == 2)
            #expect(try await t.a.get("/api/event-ticket?kind=vip").json["items"]?[0]?["name"] == "VIP")
            #expect(try await t.a.get("/api/event-ticket?q=g&sort=-capacity").json["items"]?[0]?["name"] == "GA")
            #expect(try await t.a.get("/api/event-ticket?status=on_sale").json["total"] == 1)
            let byEvent = try await t.a.get("/api/event-ticket/event/\(event)?sort=name&limit=1&page=2")
            #expect(byEvent.json["items"]?[0]?["name"] == "VIP")
            #expect(byEvent.json["total"] == 2)
            #expect(try await t.a.get("/api/event-ticket/\(id)").json["capacity"] == 1000)

            let replaced = try await t.a.put("/api/event-ticket/\(id)", ["name": "GA floor", "capacity": 950, "status": "off_sale"])
            #expect(replaced.status == .ok)
            #expect(replaced.json["name"] == "GA floor")
            #expect(replaced.json["kind"] == "general_admission")
            #expect(replaced.json["onSaleAt"] == .null)
            #expect(replaced.json["capacity"] == 950)

            let vipID = try #require(vip.json["id"]?.uuid)
            #expect(try await t.a.delete("/api/event-ticket/\(vipID)").status == .noContent)
            #expect(try await t.a.get("/api/event-ticket/\(vipID)").status == .notFound)
            #expect(try await t.a.delete("/api/event-ticket/\(vipID)").status == .notFound)
        }
    }

    @Test func tiersAreAddedReplacedAndDeleted() async throws {
        try await withTickets { t in
            let event = try await t.makeEvent(t.companyA)
            let id = try await t.a.makeTicket(event, capacity: 500)
            let added = try await t.a.post("/api/event-ticket/\(id)/tiers", ["name": "Door", "priceMinor": 4000, "capacity": 100, "sortOrder": 2])
            #expect(added.status == .created)
            #expect(added.json["remaining"] == 100)
            let tierID = try #require(added.json["id"]?.uuid)
            let same = try await t.a.post("/api/event-ticket/\(id)/tiers", ["name": "Door", "priceMinor": 1, "capacity": 1])
            #expect(same.status == .conflict)
            #expect(same.errorCode == "tier_name_taken")
            let replaced = try await t.a.put("/api/event-ticket/\(id)/tiers/\(tierID)", ["name": "Door price", "priceMinor": 4500, "capacity": 150])
            #expect(replaced.json["priceMinor"] == 4500)
            #expect(replaced.json["sortOrder"] == 2)
            #expect(try await t.a.get("/api/event-ticket/\(id)").json["tierCapacity"] == 150)
            #expect(try await t.a.delete("/api/event-ticket/\(id)/tiers/\(tierID)").status == .noContent)
            #expect(try await t.a.get("/api/event-ticket/\(id)").json["tierCapacity"] == 0)
            #expect(try await t.a.delete("/api/event-ticket/\(id)/tiers/\(tierID)").status == .notFound)
            #expect(try await t.a.put("/api/event-ticket/\(id)/tiers/\(tierID)", ["name": "X", "priceMinor": 1, "capacity": 1]).status == .notFound)
        }
    }

    @Test func tierCapacitiesStayWithinTheAllocationAndAllocationsWithinTheEvent() async throws {
        try await withTickets { t in
            let event = try await t.makeEvent(t.companyA, capacity: 1000)
            let ga = try await t.a.makeTicket(event, capacity: 800)
            // Allocations: 800 + 201 > 1000.
            let over = try await t.a.post("/api/event-ticket", ["eventId": .string(event.uuidString), "name": "VIP", "capacity": 201])
            #expect(over.status == .conflict)
            #expect(over.errorCode == "capacity_exceeded")
            #expect(over.json["error"]?["info"]?["level"] == "event")
            #expect(over.json["error"]?["info"]?["remaining"] == 200)
            #expect(try await t.a.post("/api/event-ticket", ["eventId": .string(event.uuidString), "name": "VIP", "capacity": 200]).status == .created)
            #expect(try await t.a.put("/api/event-ticket/\(ga)", ["name": "GA", "capacity": 801]).errorCode == "capacity_exceeded")

            // Tiers: 500 + 301 > 800.
            #expect(try await t.a.post("/api/event-ticket/\(ga)/tiers", ["name": "A", "priceMinor": 1000, "capacity": 500]).status == .created)
            let tooMuch = try await t.a.post("/api/event-ticket/\(ga)/tiers", ["name": "B", "priceMinor": 1000, "capacity": 301])
            #expect(tooMuch.errorCode == "capacity_exceeded")
            #expect(tooMuch.json["error"]?["info"]?["level"] == "allocation")
            #expect(tooMuch.json["error"]?["info"]?["remaining"] == 300)
            // The allocation cannot shrink below its tiers.
            let shrink = try await t.a.put("/api/event-ticket/\(ga)", ["name": "GA", "capacity": 499])
            #expect(shrink.errorCode == "capacity_exceeded")
            #expect(shrink.json["error"]?["info"]?["level"] == "allocation")
            // Within one body, the tiers are checked before anything is written.
            let body = try await t.a.post("/api/event-ticket", [
                "eventId": .string(event.uuidString), "name": "Tiny", "capacity": 0, "tiers": [["name": "T", "priceMinor": 1, "capacity": 1]],
            ])
            #expect(body.status == .unprocessableContent)
            #expect(body.errorFields == ["tiers"])

            // An event without a capacity bounds nothing at its level.
            let open = try await t.makeEvent(t.companyA, capacity: nil)
            #expect(try await t.a.post("/api/event-ticket", ["eventId": .string(open.uuidString), "name": "Big", "capacity": 1_000_000]).status == .created)
        }
    }

    @Test func bulkCreatesEveryAllocationOrNone() async throws {
        try await withTickets { t in
            let event = try await t.makeEvent(t.companyA, capacity: 1000)
            let other = try await t.makeEvent(t.companyB)
            let good: JSONValue = [
                ["eventId": .string(event.uuidString), "name": "GA", "capacity": 600, "tiers": [["name": "Std", "priceMinor": 3000, "capacity": 600]]],
                ["eventId": .string(event.uuidString), "name": "Presale", "kind": "presale", "capacity": 100],
            ]
            let created = try await t.a.post("/api/event-ticket/bulk", good)
            #expect(created.status == .created)
            #expect(created.json["items"]?.arrayValue?.map { $0["name"]?.stringValue } == ["GA", "Presale"])
            #expect(created.json["items"]?[0]?["tierCapacity"] == 600)

            let bad: JSONValue = [
                ["eventId": .string(event.uuidString), "name": "OK", "capacity": 10],
                ["eventId": .string(event.uuidString), "name": "", "capacity": -1, "tiers": [["name": "X", "capacity": 5]]],
                ["eventId": .string(other.uuidString), "name": "Theirs", "capacity": 1],
            ]
            let refused = try await t.a.post("/api/event-ticket/bulk", bad)
            #expect(refused.status == .unprocessableContent)
            #expect(Set(refused.errorFields) == ["[1].name", "[1].capacity", "[1].tiers[0].priceMinor"])
            // Valid bodies, but another company's event: reported by index, nothing written.
            let foreign: JSONValue = [["eventId": .string(event.uuidString), "name": "OK", "capacity": 10],
                                      ["eventId": .string(other.uuidString), "name": "Theirs", "capacity": 1]]
            let notFound = try await t.a.post("/api/event-ticket/bulk", foreign)
            #expect(notFound.status == .unprocessableContent)
            #expect(notFound.errorFields == ["[1].eventId"])
            // Over the event's capacity in total: nothing written either.
            let over: JSONValue = [["eventId": .string(event.uuidString), "name": "C1", "capacity": 200],
                                   ["eventId": .string(event.uuidString), "name": "C2", "capacity": 200]]
            #expect(try await t.a.post("/api/event-ticket/bulk", over).errorCode == "capacity_exceeded")
            #expect(try await t.a.get("/api/event-ticket?eventId=\(event)").json["total"] == 2)
            #expect(try await t.a.post("/api/event-ticket/bulk", []).status == .unprocessableContent)
            #expect(try await t.a.request(.post, "/api/event-ticket/bulk", rawBody: "{\"eventId\": 1}").status == .badRequest)
        }
    }

    @Test func validationAndMalformedInput() async throws {
        try await withTickets { t in
            let event = try await t.makeEvent(t.companyA)
            let invalid = try await t.a.post("/api/event-ticket", [
                "name": " ", "kind": "balcony", "capacity": 2_000_000, "status": "sold", "onSaleAt": "2027-02-01T00:00:00Z",
                "offSaleAt": "2027-01-01T00:00:00Z",
            ])
            #expect(invalid.status == .unprocessableContent)
            #expect(Set(invalid.errorFields) == ["eventId", "name", "kind", "capacity", "status", "offSaleAt"])
            let id = try await t.a.makeTicket(event, capacity: 10)
            #expect(try await t.a.put("/api/event-ticket/\(id)", ["name": "X", "capacity": 5, "tiers": []]).errorFields == ["tiers"])
            let tier = try await t.a.post("/api/event-ticket/\(id)/tiers", ["name": "", "priceMinor": -1])
            #expect(Set(tier.errorFields) == ["name", "priceMinor", "capacity"])
            #expect(try await t.a.request(.post, "/api/event-ticket", rawBody: "{").status == .badRequest)
            #expect(try await t.a.post("/api/event-ticket", ["eventId": "nope", "name": "x", "capacity": 1]).status == .badRequest)
            #expect(try await t.a.post("/api/event-ticket", ["eventId": .string(event.uuidString), "name": "x", "capacity": 1.5]).status == .badRequest)
            #expect(try await t.a.get("/api/event-ticket/not-a-uuid").status == .notFound)
            #expect(try await t.a.get("/api/event-ticket?sort=price").status == .badRequest)
            #expect(try await t.a.get("/api/event-ticket?eventId=").status == .badRequest)
        }
    }

    @Test func permissionsAndAnotherCompanysIds() async throws {
        try await withTickets { t in
            let event = try await t.makeEvent(t.companyA)
            let id = try await t.a.makeTicket(event, capacity: 10)
            let tier = try #require(try await t.a.post("/api/event-ticket/\(id)/tiers", ["name": "T", "priceMinor": 100, "capacity": 5]).json["id"]?.uuid)
            let reader = t.a(permissions: [BasePermission.ticketsRead])
            #expect(try await reader.get("/api/event-ticket/\(id)").status == .ok)
            #expect(try await reader.post("/api/event-ticket", ["eventId": .string(event.uuidString), "name": "x", "capacity": 1]).status == .forbidden)
            #expect(try await reader.delete("/api/event-ticket/\(id)").status == .forbidden)
            #expect(try await reader.post("/api/event-ticket/\(id)/tiers", ["name": "x", "priceMinor": 1, "capacity": 1]).status == .forbidden)
            let nobody = t.a(permissions: [BasePermission.eventsReadForTests])
            #expect(try await nobody.get("/api/event-ticket").status == .forbidden)
            #expect(try await nobody.get("/api/event-ticket/event/\(event)").status == .forbidden)

            // Company B sees none of A's rows, and cannot use A's event.
            #expect(try await t.b.get("/api/event-ticket/\(id)").status == .notFound)
            #expect(try await t.b.get("/api/event-ticket").json["total"] == 0)
            #expect(try await t.b.get("/api/event-ticket/event/\(event)").status == .notFound)
            #expect(try await t.b.put("/api/event-ticket/\(id)", ["name": "x", "capacity": 1]).status == .notFound)
            #expect(try await t.b.delete("/api/event-ticket/\(id)").status == .notFound)
            #expect(try await t.b.get("/api/event-ticket/\(id)/tiers").status == .notFound)
            #expect(try await t.b.post("/api/event-ticket/\(id)/tiers", ["name": "x", "priceMinor": 1, "capacity": 1]).status == .notFound)
            #expect(try await t.b.put("/api/event-ticket/\(id)/tiers/\(tier)", ["name": "x", "priceMinor": 1, "capacity": 1]).status == .notFound)
            #expect(try await t.b.delete("/api/event-ticket/\(id)/tiers/\(tier)").status == .notFound)
            let foreign = try await t.b.post("/api/event-ticket", ["eventId": .string(event.uuidString), "name": "x", "capacity": 1])
            #expect(foreign.status == .unprocessableContent)
            #expect(foreign.errorFields == ["eventId"])
            #expect(try await t.a.get("/api/event-ticket/\(id)/tiers").json.arrayValue?.count == 1)
        }
    }
}

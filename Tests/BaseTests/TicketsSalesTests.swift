import Base
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumDeals
import KisumKernel
import KisumPersistence
import KisumTesting
import PostgresNIO
import Testing

/// Issue 9, "Tickets: … sales can never exceed capacity (a database check, not only application code)". Sales
/// records, the tier's capacity (also under concurrency and when written straight to the database), the event's
/// summary and the actual sales the settlement reads.
@Suite("Base event tickets: sales and summary")
struct TicketsSalesTests {
    @Test func salesAreRecordedWithAGrossReplacedAndDeleted() async throws {
        try await withTickets { t in
            let event = try await t.makeEvent(t.companyA, currency: "GBP")
            let ticket = try await t.a.makeTicket(event, capacity: 100, tiers: [["name": "Std", "priceMinor": 2000, "capacity": 50],
                                                                                  ["name": "Late", "priceMinor": 3000, "capacity": 50]])
            let tiers = try await t.a.get("/api/event-ticket/\(ticket)/tiers").json.arrayValue ?? []
            let std = try #require(tiers.first?["id"]?.uuid)
            let late = try #require(tiers.last?["id"]?.uuid)
            let sale = try await t.a.post("/api/event-ticket/\(ticket)/sales", [
                "tierId": .string(std.uuidString), "soldOn": "2027-03-01", "quantity": 10, "comps": 2, "channel": " Box office ",
            ])
            #expect(sale.status == .created)
            // price × quantity; comps are free.
            #expect(sale.json["grossMinor"] == 20000)
            #expect(sale.json["currency"] == "GBP")
            #expect(sale.json["channel"] == "Box office")
            #expect(sale.json["tierName"] == "Std")
            #expect(sale.json["periodStart"] == .null)
            let saleID = try #require(sale.json["id"]?.uuid)
            let period = try await t.a.post("/api/event-ticket/\(ticket)/sales", [
                "tierId": .string(late.uuidString), "periodStart": "2027-03-01", "periodEnd": "2027-03-07", "quantity": 4, "grossMinor": 10000,
                "externalRef": "outlet-wk10",
            ])
            #expect(period.json["grossMinor"] == 10000)
            let duplicate = try await t.a.post("/api/event-ticket/\(ticket)/sales", [
                "tierId": .string(late.uuidString), "soldOn": "2027-03-02", "quantity": 1, "externalRef": "outlet-wk10",
            ])
            #expect(duplicate.errorCode == "external_ref_exists")
            let aboveFace = try await t.a.post("/api/event-ticket/\(ticket)/sales", [
                "tierId": .string(late.uuidString), "soldOn": "2027-03-02", "quantity": 1, "grossMinor": 3001,
            ])
            #expect(aboveFace.errorFields == ["grossMinor"])

            let list = try await t.a.get("/api/event-ticket/event/\(event)/sales")
            #expect(list.json["total"] == 2)
            #expect(try await t.a.get("/api/event-ticket/event/\(event)/sales?tierId=\(late)").json["total"] == 1)
            #expect(try await t.a.get("/api/event-ticket/event/\(event)/sales?channel=box%20office").json["total"] == 1)
            #expect(try await t.a.get("/api/event-ticket/event/\(event)/sales?from=2027-03-05").json["total"] == 1)
            #expect(try await t.a.get("/api/event-ticket/\(ticket)").json["sold"] == 14)

            // PUT replaces the record; it may move to another tier of the allocation.
            let moved = try await t.a.put("/api/event-ticket/\(ticket)/sales/\(saleID)", [
                "tierId": .string(late.uuidString), "soldOn": "2027-03-01", "quantity": 5,
            ])
            #expect(moved.status == .ok)
            #expect(moved.json["grossMinor"] == 15000)
            #expect(moved.json["comps"] == 0)
            #expect(moved.json["channel"] == .null)
            let after = try await t.a.get("/api/event-ticket/\(ticket)/tiers").json.arrayValue ?? []
            #expect(after.map { $0["sold"]?.int } == [0, 9])
            #expect(try await t.a.delete("/api/event-ticket/\(ticket)/sales/\(saleID)").status == .noContent)
            #expect(try await t.a.delete("/api/event-ticket/\(ticket)/sales/\(saleID)").status == .notFound)
            #expect(try await t.a.get("/api/event-ticket/\(ticket)").json["sold"] == 4)
            // A tier or allocation with sales cannot be deleted.
            #expect(try await t.a.delete("/api/event-ticket/\(ticket)/tiers/\(late)").errorCode == "has_sales")
            #expect(try await t.a.delete("/api/event-ticket/\(ticket)").errorCode == "has_sales")
            #expect(try await t.a.delete("/api/event-ticket/\(ticket)/tiers/\(std)").status == .noContent)
        }
    }

    @Test func aTierNeverSellsPastItsCapacity() async throws {
        try await withTickets { t in
            let event = try await t.makeEvent(t.companyA)
            let ticket = try await t.a.makeTicket(event, capacity: 10, tiers: [["name": "T", "priceMinor": 1000, "capacity": 10]])
            let tier = try #require(try await t.a.get("/api/event-ticket/\(ticket)/tiers").json[0]?["id"]?.uuid)
            #expect(try await t.a.sell(ticket, tier, 6, comps: 2).status == .created)
            let over = try await t.a.sell(ticket, tier, 3)
            #expect(over.status == .conflict)
            #expect(over.errorCode == "capacity_exceeded")
            #expect(over.json["error"]?["info"]?["level"] == "tier")
            #expect(over.json["error"]?["info"]?["remaining"] == 2)
            #expect(try await t.a.sell(ticket, tier, 2).status == .created)
            // Shrinking the tier below what it sold is refused the same way.
            let shrink = try await t.a.put("/api/event-ticket/\(ticket)/tiers/\(tier)", ["name": "T", "priceMinor": 1000, "capacity": 9])
            #expect(shrink.errorCode == "capacity_exceeded")
            // The rule is the database's: a write that bypasses the service is refused too.
            await #expect(throws: (any Error).self) {
                try await t.harness.database.query("""
                    INSERT INTO event_ticket_sales (company_id, tier_id, sold_on, quantity, gross_minor, created_by)
                    VALUES (\(t.companyA), \(tier), DATE '2027-01-01', 1, 0, \(UUID()))
                    """)
            }
            #expect(try await t.a.get("/api/event-ticket/\(ticket)").json["remaining"] == 0)
        }
    }

    /// "Two concurrent sales cannot both pass": 40 sales of 1 at once against a tier of 7 — exactly 7 succeed.
    @Test func concurrentSalesNeverOversell() async throws {
        try await withTickets { t in
            let event = try await t.makeEvent(t.companyA)
            let ticket = try await t.a.makeTicket(event, capacity: 7, tiers: [["name": "Last seats", "priceMinor": 500, "capacity": 7]])
            let tier = try #require(try await t.a.get("/api/event-ticket/\(ticket)/tiers").json[0]?["id"]?.uuid)
            let api = t.a
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<40 { group.addTask { try await api.sell(ticket, tier, 1).status } }
                var statuses: [HTTPResponse.Status] = []
                for try await status in group { statuses.append(status) }
                return statuses
            }
            #expect(statuses.filter { $0 == .created }.count == 7)
            #expect(statuses.filter { $0 == .conflict }.count == 33)
            let sold = try await t.harness.database.query("""
                SELECT sold, (SELECT sum(quantity)::int FROM event_ticket_sales WHERE company_id = \(t.companyA) AND tier_id = \(tier))
                FROM event_ticket_tiers WHERE company_id = \(t.companyA) AND id = \(tier)
                """).first { try $0.decode((Int, Int).self) }
            #expect(sold?.0 == 7)
            #expect(sold?.1 == 7)
            // Concurrent tiers against one allocation: 10 tiers of 3 into 10 seats — exactly 3 fit.
            let small = try await t.a.makeTicket(event, name: "Small", capacity: 10)
            let tierStatuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for index in 0..<10 {
                    group.addTask {
                        try await api.post("/api/event-ticket/\(small)/tiers", ["name": .string("T\(index)"), "priceMinor": 1, "capacity": 3]).status
                    }
                }
                var statuses: [HTTPResponse.Status] = []
                for try await status in group { statuses.append(status) }
                return statuses
            }
            #expect(tierStatuses.filter { $0 == .created }.count == 3)
        }
    }

    @Test func theSummaryAddsUpPerTierAllocationAndEventAndFeedsTheDealEngine() async throws {
        try await withTickets { t in
            let event = try await t.makeEvent(t.companyA, capacity: 1000, currency: "USD")
            let ga = try await t.a.makeTicket(event, capacity: 800, tiers: [["name": "Early", "priceMinor": 2000, "capacity": 300],
                                                                              ["name": "Regular", "priceMinor": 2500, "capacity": 400]])
            let vip = try await t.a.makeTicket(event, name: "VIP", capacity: 100, tiers: [["name": "VIP", "priceMinor": 10000, "capacity": 100]])
            _ = try await t.a.makeTicket(event, name: "Hold", capacity: 50)
            let gaTiers = try await t.a.get("/api/event-ticket/\(ga)/tiers").json.arrayValue?.compactMap { $0["id"]?.uuid } ?? []
            let vipTier = try #require(try await t.a.get("/api/event-ticket/\(vip)/tiers").json[0]?["id"]?.uuid)
            #expect(try await t.a.sell(ga, gaTiers[0], 300).status == .created)
            #expect(try await t.a.sell(ga, gaTiers[1], 150, comps: 10).status == .created)
            #expect(try await t.a.sell(vip, vipTier, 20, comps: 5, gross: 180000).status == .created)

            let summary = try await t.a.get("/api/event-ticket/event/\(event)/summary")
            #expect(summary.status == .ok)
            #expect(summary.json["currency"] == "USD")
            let allocations = summary.json["allocations"]?.arrayValue ?? []
            #expect(allocations.map { $0["name"]?.stringValue } == ["GA", "VIP", "Hold"])
            #expect(allocations[0]["sold"] == 450)
            #expect(allocations[0]["comps"] == 10)
            // (300 - 300) + (400 - 160)
            #expect(allocations[0]["remaining"] == 240)
            // 300 × 2000 + 150 × 2500
            #expect(allocations[0]["grossMinor"] == 975000)
            #expect(allocations[0]["tiers"]?.arrayValue?.map { $0["remaining"]?.int } == [0, 240])
            #expect(allocations[1]["grossMinor"] == 180000)
            #expect(allocations[2]["tiers"] == [])
            #expect(allocations[2]["capacity"] == 50)
            let totals = summary.json["totals"]
            #expect(totals?["eventCapacity"] == 1000)
            #expect(totals?["allocated"] == 950)
            #expect(totals?["sold"] == 470)
            #expect(totals?["comps"] == 15)
            #expect(totals?["remaining"] == 315)
            #expect(totals?["grossMinor"] == 1_155_000)

            let reports = TicketReportsRepository(database: t.harness.database)
            let actual = try #require(try await reports.actualSales(companyID: t.companyA, eventID: event))
            #expect(actual == [TicketTier(name: "GA / Early", priceMinor: 2000, quantity: 300, comps: 0),
                               TicketTier(name: "GA / Regular", priceMinor: 2500, quantity: 150, comps: 10),
                               TicketTier(name: "VIP / VIP", priceMinor: 10000, quantity: 20, comps: 5)])
            #expect(try await reports.actualSales(companyID: t.companyB, eventID: event) == nil)
            let empty = try await t.makeEvent(t.companyA, capacity: nil)
            #expect(try await reports.actualSales(companyID: t.companyA, eventID: empty) == [])
            let none = try await t.a.get("/api/event-ticket/event/\(empty)/summary")
            #expect(none.json["allocations"] == [])
            #expect(none.json["totals"]?["eventCapacity"] == .null)
            #expect(none.json["totals"]?["sold"] == 0)
        }
    }

    @Test func salesValidationPermissionsAndAnotherCompanysIds() async throws {
        try await withTickets { t in
            let event = try await t.makeEvent(t.companyA)
            let ticket = try await t.a.makeTicket(event, capacity: 10, tiers: [["name": "T", "priceMinor": 100, "capacity": 10]])
            let tier = try #require(try await t.a.get("/api/event-ticket/\(ticket)/tiers").json[0]?["id"]?.uuid)
            let invalid = try await t.a.post("/api/event-ticket/\(ticket)/sales", [
                "soldOn": "2027-02-30", "periodStart": "2027-01-01", "quantity": -1, "comps": 2_000_000, "grossMinor": -5,
            ])
            #expect(Set(invalid.errorFields) == ["tierId", "soldOn", "quantity", "comps", "grossMinor"])
            let backwards = try await t.a.post("/api/event-ticket/\(ticket)/sales", [
                "tierId": .string(tier.uuidString), "periodStart": "2027-02-01", "periodEnd": "2027-01-01", "quantity": 0,
            ])
            #expect(Set(backwards.errorFields) == ["periodEnd", "quantity"])
            let otherTier = try await t.a.post("/api/event-ticket/\(ticket)/sales", ["tierId": .string(UUID().uuidString), "soldOn": "2027-01-01", "quantity": 1])
            #expect(otherTier.errorFields == ["tierId"])
            #expect(try await t.a.request(.post, "/api/event-ticket/\(ticket)/sales", rawBody: "[]").status == .badRequest)
            #expect(try await t.a.get("/api/event-ticket/event/\(event)/sales?from=yesterday").status == .badRequest)

            let sale = try #require(try await t.a.sell(ticket, tier, 1).json["id"]?.uuid)
            let reader = t.a(permissions: [BasePermission.ticketsRead])
            #expect(try await reader.get("/api/event-ticket/event/\(event)/sales").status == .ok)
            #expect(try await reader.get("/api/event-ticket/event/\(event)/summary").status == .ok)
            #expect(try await reader.sell(ticket, tier, 1).status == .forbidden)
            #expect(try await reader.delete("/api/event-ticket/\(ticket)/sales/\(sale)").status == .forbidden)
            let nobody = t.a(permissions: [BasePermission.eventsReadForTests])
            #expect(try await nobody.get("/api/event-ticket/event/\(event)/summary").status == .forbidden)

            #expect(try await t.b.sell(ticket, tier, 1).status == .notFound)
            #expect(try await t.b.put("/api/event-ticket/\(ticket)/sales/\(sale)", [
                "tierId": .string(tier.uuidString), "soldOn": "2027-01-01", "quantity": 1,
            ]).status == .notFound)
            #expect(try await t.b.delete("/api/event-ticket/\(ticket)/sales/\(sale)").status == .notFound)
            #expect(try await t.b.get("/api/event-ticket/event/\(event)/sales").status == .notFound)
            #expect(try await t.b.get("/api/event-ticket/event/\(event)/summary").status == .notFound)
            // A sale addressed through another allocation of the same company is not found either.
            let other = try await t.a.makeTicket(event, name: "Other", capacity: 1)
            #expect(try await t.a.delete("/api/event-ticket/\(other)/sales/\(sale)").status == .notFound)
            #expect(try await t.a.get("/api/event-ticket/event/\(event)/sales").json["total"] == 1)
        }
    }
}

extension APITestClient {
    @discardableResult
    func sell(_ ticket: UUID, _ tier: UUID, _ quantity: Int, comps: Int = 0, gross: Int64? = nil) async throws -> TestResponse {
        var body: [String: JSONValue] = ["tierId": .string(tier.uuidString), "soldOn": "2027-05-01",
                                         "quantity": .number(Double(quantity)), "comps": .number(Double(comps))]
        if let gross { body["grossMinor"] = .number(Double(gross)) }
        return try await post("/api/event-ticket/\(ticket)/sales", .object(body))
    }
}

import Base
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumTesting
import PostgresNIO
import Testing

/// Issue 10: "Income lines with payments against them"; "Money is exact: minor units with ISO 4217 currency on
/// every amount"; Done when "All 75 operations are … routed and tested (success, validation, permission, another
/// company's ids)".
@Suite("Base event income")
struct IncomeTests {
    @Test func createReadReplaceListAndDelete() async throws {
        try await withIncome { t in
            let api = t.a
            let event = try await t.insertOpsEvent("Paradiso", on: "2027-05-01")
            let created = try await api.post("/api/event-income", [
                "eventId": .string(event.uuidString), "category": "sponsorship", "description": " Brewery deal ", "payerName": "Brewery BV",
                "payerEmail": "ap@brewery.example", "amountMinor": 250_000, "currency": "EUR", "expectedDate": "2027-04-15",
            ])
            #expect(created.status == .created)
            #expect(created.headers[.eTag] == "\"1\"")
            #expect(created.json["description"] == "Brewery deal")
            #expect(created.json["categoryName"] == "Sponsorship")
            #expect(created.json["status"] == "unpaid")
            #expect(created.json["paidMinor"] == 0)
            #expect(created.json["outstandingMinor"] == 250_000)
            #expect(created.json["notes"] == .null)
            #expect(created.json["financeInvoiceId"] == .null)
            let id = try #require(created.json["id"]?.uuid)
            #expect(try await api.get("/api/event-income/\(id)").json["payerName"] == "Brewery BV")

            let replaced = try await api.put("/api/event-income/\(id)", [
                "category": "sponsorship", "description": "Brewery deal", "amountMinor": 300_000, "currency": "EUR",
                "expectedDate": "2027-04-20", "notes": "Signed", "version": 1,
            ])
            #expect(replaced.status == .ok)
            #expect(replaced.json["version"] == 2)
            #expect(replaced.json["payerName"] == .null)
            #expect(replaced.json["amountMinor"] == 300_000)
            #expect(replaced.json["eventId"]?.uuid == event)
            let stale = try await api.put("/api/event-income/\(id)", [
                "category": "other", "description": "x", "amountMinor": 1, "currency": "EUR", "expectedDate": "2027-04-20", "version": 1,
            ])
            #expect(stale.status == .conflict)
            #expect(stale.errorCode == "version_conflict")
            let byHeader = try await api.request(.put, "/api/event-income/\(id)", json: [
                "category": "sponsorship", "description": "Brewery deal", "amountMinor": 300_000, "currency": "GBP", "expectedDate": "2027-04-20",
            ], headers: [.ifMatch: "\"2\""])
            #expect(byHeader.json["currency"] == "GBP")
            let moved = try await api.put("/api/event-income/\(id)", [
                "eventId": .string(UUID().uuidString), "category": "sponsorship", "description": "x", "amountMinor": 1, "currency": "EUR",
                "expectedDate": "2027-04-20", "version": 3,
            ])
            #expect(moved.errorFields == ["eventId"])

            #expect(try await api.delete("/api/event-income/\(id)").status == .noContent)
            #expect(try await api.get("/api/event-income/\(id)").status == .notFound)
        }
    }

    @Test func listFiltersByEventCategoryCurrencyStatusDaysAndText() async throws {
        try await withIncome { t in
            let api = t.a
            let first = try await t.insertOpsEvent("First", on: "2027-05-01")
            let second = try await t.insertOpsEvent("Second", on: "2027-06-01")
            let tickets = try await api.makeIncome(event: first, amount: 100_000, on: "2027-05-01", description: "Door sales")
            let merch = try await api.makeIncome(event: first, category: "merchandise", amount: 20_000, currency: "GBP", on: "2027-05-02",
                                                 description: "Shirts", payer: "Merch 50% Co")
            let grant = try await api.makeIncome(event: second, category: "grant", amount: 50_000, on: "2027-06-10", description: "City fund")
            let free = try await api.makeIncome(event: second, category: "other", amount: 0, on: "2027-06-11", description: "Barter")
            try await api.pay(tickets, 40_000)
            try await api.pay(grant, 50_000)

            func ids(_ query: String) async throws -> [UUID?] {
                try await api.get("/api/event-income\(query)").json["items"]?.arrayValue?.map { $0["id"]?.uuid } ?? []
            }
            #expect(try await ids("") == [tickets, merch, grant, free])
            #expect(try await ids("?eventId=\(first)") == [tickets, merch])
            #expect(try await ids("?category=merchandise") == [merch])
            #expect(try await ids("?currency=gbp") == [merch])
            #expect(try await ids("?status=paid") == [grant, free])
            #expect(try await ids("?status=partially_paid") == [tickets])
            #expect(try await ids("?status=unpaid") == [merch])
            #expect(try await ids("?from=2027-05-02&to=2027-06-10") == [merch, grant])
            #expect(try await ids("?q=50%25") == [merch])
            #expect(try await ids("?q=door") == [tickets])
            #expect(try await ids("?sort=-amountMinor&limit=2&page=1") == [tickets, grant])
            let page = try await api.get("/api/event-income?limit=1&page=2")
            #expect(page.json["total"] == 4)
            #expect(page.json["page"] == 2)
            #expect(page.json["limit"] == 1)

            let ofEvent = try await api.get("/api/event-income/event/\(second)?status=paid")
            #expect(ofEvent.json["items"]?.arrayValue?.map { $0["id"]?.uuid } == [grant, free])
            let empty = try await t.insertOpsEvent("Empty", on: "2027-07-01")
            #expect(try await api.get("/api/event-income/event/\(empty)").json["total"] == 0)
            #expect(try await api.get("/api/event-income/event/\(UUID())").status == .notFound)
            #expect(try await t.b.get("/api/event-income/event/\(first)").status == .notFound)
            #expect(try await t.b.get("/api/event-income").json["total"] == 0)

            for bad in ["?status=owed", "?currency=EURO", "?from=2027-02-30", "?eventId=x", "?eventId=", "?category=food", "?limit=500",
                        "?sort=payer"] {
                #expect(try await api.get("/api/event-income\(bad)").status == .badRequest, "\(bad)")
            }
        }
    }

    @Test func categoriesAreAFixedListALineMustUse() async throws {
        try await withIncome { t in
            let categories = try await t.a.get("/api/event-income/categories")
            #expect(categories.status == .ok)
            let codes = categories.json.arrayValue?.compactMap { $0["code"]?.stringValue } ?? []
            #expect(codes.contains("ticketing") && codes.contains("sponsorship") && codes.contains("other"))
            #expect(categories.json[0]?["name"] == "Ticketing")
            let event = try await t.insertOpsEvent("Cats", on: "2027-05-01")
            let refused = try await t.a.post("/api/event-income", [
                "eventId": .string(event.uuidString), "category": "lottery", "description": "x", "amountMinor": 1, "currency": "EUR",
                "expectedDate": "2027-05-01",
            ])
            #expect(refused.status == .unprocessableContent)
            #expect(refused.errorFields == ["category"])
            #expect(try await t.a(permissions: [BasePermission.taxesRead]).get("/api/event-income/categories").status == .forbidden)
        }
    }

    @Test func bulkCreatesAllLinesOrNoneAndNamesEveryBadLine() async throws {
        try await withIncome { t in
            let api = t.a
            let event = try await t.insertOpsEvent("Bulk", on: "2027-05-01")
            let theirs = try await t.insertOpsEvent("Theirs", on: "2027-05-01", company: t.companyB)
            func line(_ category: String, _ amount: Int, event: UUID = event, currency: String = "EUR") -> JSONValue {
                ["eventId": .string(event.uuidString), "category": .string(category), "description": "Bulk line",
                 "amountMinor": .number(Double(amount)), "currency": .string(currency), "expectedDate": "2027-05-01"]
            }
            let created = try await api.post("/api/event-income/bulk", ["items": [line("ticketing", 100), line("bar", 200), line("other", 300)]])
            #expect(created.status == .created)
            #expect(created.json["items"]?.arrayValue?.map { $0["amountMinor"] } == [100, 200, 300])

            let refused = try await api.post("/api/event-income/bulk", [
                "items": [line("ticketing", 1), line("food", 1), line("bar", -5, currency: "XYZ"), line("bar", 1, event: theirs)],
            ])
            #expect(refused.status == .unprocessableContent)
            #expect(Set(refused.errorFields) == ["items[1].category", "items[2].amountMinor", "items[2].currency"])
            let unknownEvent = try await api.post("/api/event-income/bulk", ["items": [line("bar", 1), line("bar", 1, event: theirs)]])
            #expect(unknownEvent.errorFields == ["items[1].eventId"])
            #expect(try await api.get("/api/event-income").json["total"] == 3)

            let tooMany = JSONValue.array(Array(repeating: line("bar", 1), count: 101))
            #expect(try await api.post("/api/event-income/bulk", ["items": tooMany]).errorFields == ["items"])
            #expect(try await api.post("/api/event-income/bulk", ["items": []]).errorFields == ["items"])
            #expect(try await api.post("/api/event-income/bulk", [:]).errorFields == ["items"])
            #expect(try await api.post("/api/event-income/bulk", ["items": "x"]).status == .badRequest)
            #expect(try await t.a(permissions: [BasePermission.incomeRead]).post("/api/event-income/bulk", ["items": [line("bar", 1)]]).status
                    == .forbidden)
        }
    }

    @Test func validationMalformedPermissionAndOtherCompany() async throws {
        try await withIncome { t in
            let api = t.a
            let event = try await t.insertOpsEvent("Rules", on: "2027-05-01")
            let invalid = try await api.post("/api/event-income", [
                "eventId": .string(event.uuidString), "category": "bar", "description": "  ", "payerName": "", "payerEmail": "nobody",
                "amountMinor": 1_000_000_000_000_001, "currency": "eur", "expectedDate": "2027-02-30", "notes": " ",
            ])
            #expect(invalid.status == .unprocessableContent)
            #expect(Set(invalid.errorFields) == ["description", "payerName", "payerEmail", "amountMinor", "currency", "expectedDate", "notes"])
            #expect(Set(try await api.post("/api/event-income", [:]).errorFields)
                    == ["eventId", "category", "description", "amountMinor", "currency", "expectedDate"])
            let theirs = try await t.insertOpsEvent("Theirs", on: "2027-05-01", company: t.companyB)
            let body: JSONValue = ["eventId": .string(theirs.uuidString), "category": "bar", "description": "x", "amountMinor": 1,
                                   "currency": "EUR", "expectedDate": "2027-05-01"]
            #expect(try await api.post("/api/event-income", body).errorFields == ["eventId"])
            #expect(try await api.request(.post, "/api/event-income", rawBody: "{\"amountMinor\": 1.5}").status == .badRequest)
            #expect(try await api.request(.post, "/api/event-income", rawBody: "not json").status == .badRequest)
            #expect(try await api.request(.put, "/api/event-income/\(UUID())", json: [:], headers: [.ifMatch: "three"]).status == .badRequest)

            let id = try await api.makeIncome(event: event, amount: 500)
            let replace: JSONValue = ["category": "bar", "description": "x", "amountMinor": 1, "currency": "EUR", "expectedDate": "2027-05-01"]
            #expect(try await api.put("/api/event-income/\(id)", replace).errorFields == ["version"])
            let reader = t.a(permissions: [BasePermission.incomeRead])
            #expect(try await reader.get("/api/event-income/\(id)").status == .ok)
            #expect(try await reader.post("/api/event-income", body).status == .forbidden)
            #expect(try await reader.put("/api/event-income/\(id)", replace).status == .forbidden)
            #expect(try await reader.delete("/api/event-income/\(id)").status == .forbidden)
            let none = t.a(permissions: [BasePermission.eventsRead])
            #expect(try await none.get("/api/event-income").status == .forbidden)
            #expect(try await none.get("/api/event-income/\(id)").status == .forbidden)
            #expect(try await none.get("/api/event-income/event/\(event)").status == .forbidden)

            let versioned: JSONValue = .object((replace.objectValue ?? [:]).merging(["version": 1]) { $1 })
            #expect(try await t.b.get("/api/event-income/\(id)").status == .notFound)
            #expect(try await t.b.put("/api/event-income/\(id)", versioned).status == .notFound)
            #expect(try await t.b.delete("/api/event-income/\(id)").status == .notFound)
            #expect(try await api.get("/api/event-income/not-a-uuid").status == .notFound)
            #expect(try await api.get("/api/event-income/\(id)").json["version"] == 1)
        }
    }
}

import Base
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumTesting
import Testing

/// Issue 10, Event Expense: "List expense categories", "Create / Update / Delete expense category", "List expense
/// budget templates", "Create estimated expenses for an event from a template" — built-ins every company has, the
/// company's own beside them, and a category in use is never pulled from under its lines.
@Suite("Base event expenses: categories and templates")
struct ExpenseCategoriesTests {
    @Test func builtInsAndTheCompanysOwnAreListedAndOnlyTheOwnAreEdited() async throws {
        try await withExpenses { t in
            let api = t.a
            let all = try await api.get("/api/event-expense/categories")
            #expect(all.status == .ok)
            #expect(all.json["total"] == .number(Double(ExpenseCategories.builtIn.count)))
            #expect(all.json["items"]?[0]?["code"] == "artist_fee")
            #expect(all.json["items"]?[0]?["id"] == .null)
            #expect(all.json["items"]?[0]?["builtIn"] == true)

            let created = try await api.post("/api/event-expense/categories", ["code": "merch_stand", "name": " Merch stand "])
            #expect(created.status == .created)
            #expect(created.json["name"] == "Merch stand")
            #expect(created.json["builtIn"] == false)
            let id = try #require(created.json["id"]?.uuid)
            let own = try await api.get("/api/event-expense/categories?builtIn=false")
            #expect(own.json["items"]?.arrayValue?.map { $0["code"] } == ["merch_stand"])
            #expect(try await api.get("/api/event-expense/categories?q=MERCH").json["total"] == 1)
            #expect(try await api.get("/api/event-expense/categories?limit=200").json["total"] == .number(Double(ExpenseCategories.builtIn.count + 1)))
            #expect(try await t.b.get("/api/event-expense/categories?builtIn=false").json["total"] == 0)

            #expect(try await api.post("/api/event-expense/categories", ["code": "venue_hire", "name": "Mine"]).errorCode == "category_exists")
            #expect(try await api.post("/api/event-expense/categories", ["code": "merch_stand", "name": "Again"]).errorCode == "category_exists")
            #expect(Set(try await api.post("/api/event-expense/categories", ["code": "Merch Stand", "name": " "]).errorFields) == ["code", "name"])
            #expect(try await api.post("/api/event-expense/categories", ["name": "No code"]).errorFields == ["code"])
            #expect(try await api.request(.post, "/api/event-expense/categories", rawBody: "{\"code\": 7}").status == .badRequest)
            #expect(try await api.get("/api/event-expense/categories?builtIn=").status == .badRequest)

            let renamed = try await api.put("/api/event-expense/categories/\(id)", ["code": "merchandise_stand", "name": "Merchandise stand"])
            #expect(renamed.status == .ok)
            #expect(renamed.json["code"] == "merchandise_stand")
            #expect(try await api.put("/api/event-expense/categories/venue_hire", ["code": "venue", "name": "V"]).errorCode == "builtin_category")
            #expect(try await api.delete("/api/event-expense/categories/venue_hire").errorCode == "builtin_category")
            #expect(try await api.put("/api/event-expense/categories/\(id)", ["code": "sound", "name": "S"]).errorCode == "category_exists")

            let reader = t.a(permissions: [BasePermission.expensesRead])
            #expect(try await reader.get("/api/event-expense/categories").status == .ok)
            #expect(try await reader.post("/api/event-expense/categories", ["code": "x", "name": "X"]).status == .forbidden)
            #expect(try await reader.put("/api/event-expense/categories/\(id)", ["code": "x", "name": "X"]).status == .forbidden)
            #expect(try await reader.delete("/api/event-expense/categories/\(id)").status == .forbidden)
            #expect(try await t.a(permissions: [BasePermission.eventsRead]).get("/api/event-expense/categories").status == .forbidden)
            #expect(try await t.b.put("/api/event-expense/categories/\(id)", ["code": "b", "name": "B"]).status == .notFound)
            #expect(try await t.b.delete("/api/event-expense/categories/\(id)").status == .notFound)
            #expect(try await api.delete("/api/event-expense/categories/\(UUID())").status == .notFound)

            #expect(try await api.delete("/api/event-expense/categories/\(id)").status == .noContent)
            #expect(try await api.get("/api/event-expense/categories?builtIn=false").json["total"] == 0)
        }
    }

    /// A line's category must exist; a category a line or an actual names cannot be deleted or recoded.
    @Test func aCategoryInUseStays() async throws {
        try await withExpenses { t in
            let api = t.a
            let event = try await t.insertOpsEvent("Cat", on: "2027-06-10")
            let id = try await api.opsCreated("/api/event-expense/categories", ["code": "pyro", "name": "Pyrotechnics"])
            #expect(try await api.post("/api/event-expense", expenseLine(event, "pyrotechnics")).json["error"]?["details"]?[0]?["code"] == "unknown_category")
            // Another company's category is not this company's.
            _ = try await t.b.opsCreated("/api/event-expense/categories", ["code": "confetti", "name": "Confetti"])
            #expect(try await api.post("/api/event-expense", expenseLine(event, "confetti")).errorFields == ["category"])
            let line = try await api.opsCreated("/api/event-expense", expenseLine(event, "pyro"))

            let refused = try await api.delete("/api/event-expense/categories/\(id)")
            #expect(refused.status == .conflict)
            #expect(refused.errorCode == "category_in_use")
            #expect(refused.json["error"]?["info"]?["expenseLines"] == 1)
            #expect(try await api.put("/api/event-expense/categories/\(id)", ["code": "fireworks", "name": "F"]).errorCode == "category_in_use")
            #expect(try await api.put("/api/event-expense/categories/\(id)", ["code": "pyro", "name": "Pyro and flames"]).json["name"] == "Pyro and flames")

            #expect(try await api.delete("/api/event-expense/\(line)").status == .noContent)
            _ = try await t.insertActual(event: event, estimate: nil, category: "pyro")
            let byActual = try await api.delete("/api/event-expense/categories/\(id)")
            #expect(byActual.errorCode == "category_in_use")
            #expect(byActual.json["error"]?["info"]?["actualExpenses"] == 1)
        }
    }

    @Test func templatesAreListedWithUniqueBuiltInCategories() async throws {
        try await withExpenses { t in
            let listed = try await t.a.get("/api/event-expense/templates")
            #expect(listed.status == .ok)
            #expect(listed.json["items"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == ["club_show", "theatre", "festival_slot", "arena"])
            for template in ExpenseTemplates.all {
                #expect(Set(template.lines.map(\.category)).count == template.lines.count, "\(template.id)")
                #expect(template.lines.allSatisfy { ExpenseCategories.isBuiltIn($0.category) }, "\(template.id)")
                #expect(template.lines.map(\.index) == Array(template.lines.indices))
            }
            #expect(try await t.a(permissions: [BasePermission.eventsRead]).get("/api/event-expense/templates").status == .forbidden)
        }
    }

    @Test func fromTemplateMakesEstimatedLinesWithTheAmountsNamed() async throws {
        try await withExpenses { t in
            let api = t.a
            let event = try await t.insertOpsEvent("Club", on: "2027-06-10", currency: "EUR")
            let path = "/api/event-expense/event/\(event)/from-template"
            let made = try await api.post(path, ["templateId": "club_show", "currency": "GBP", "dueDate": "2027-06-01",
                                                 "amounts": ["0": 500_000, "venue_hire": 120_000]])
            #expect(made.status == .created)
            let items = made.json["items"]?.arrayValue ?? []
            let template = try #require(ExpenseTemplates.named("club_show"))
            #expect(items.count == template.lines.count)
            #expect(items.map { $0["category"]?.stringValue } == template.lines.map(\.category))
            #expect(items[0]["amountMinor"] == 500_000)
            #expect(items[1]["amountMinor"] == 120_000)
            #expect(items.dropFirst(2).allSatisfy { $0["amountMinor"] == 0 })
            #expect(items.allSatisfy { $0["currency"] == "GBP" && $0["dueDate"] == "2027-06-01" && $0["type"] == "estimated" })
            let defaults = try await api.post(path, ["templateId": "festival_slot"])
            #expect(defaults.json["items"]?[0]?["currency"] == "EUR")
            #expect(defaults.json["items"]?[0]?["dueDate"] == "2027-06-10")

            #expect(try await api.post(path, [:]).errorFields == ["templateId"])
            #expect(try await api.post(path, ["templateId": "stadium"]).errorFields == ["templateId"])
            #expect(try await api.post(path, ["templateId": "club_show", "sourceEventId": .string(UUID().uuidString)]).errorFields == ["sourceEventId"])
            #expect(try await api.post(path, ["templateId": "club_show", "amounts": ["99": 1, "pyro": 2]]).errorFields == ["amounts.99", "amounts.pyro"])
            #expect(try await api.post(path, ["templateId": "club_show", "amounts": ["1": 1, "venue_hire": 2]]).errorFields == ["amounts.venue_hire"])
            #expect(try await api.post(path, ["templateId": "club_show", "amounts": ["0": -5]]).errorFields == ["amounts.0"])
            #expect(try await api.post(path, ["templateId": "club_show", "dueDate": "2027-13-01", "currency": "eur"]).errorFields.sorted()
                        == ["currency", "dueDate"])
            #expect(try await api.request(.post, path, rawBody: "{\"amounts\": {\"0\": \"ten\"}}").status == .badRequest)
            #expect(try await t.a(permissions: [BasePermission.expensesRead]).post(path, ["templateId": "club_show"]).status == .forbidden)
            #expect(try await t.b.post(path, ["templateId": "club_show"]).status == .notFound)
            #expect(try await api.post("/api/event-expense/event/\(UUID())/from-template", ["templateId": "club_show"]).status == .notFound)
        }
    }

    /// Copying keeps each line's amount and currency and moves its due date by the days between the events.
    @Test func linesAreCopiedFromAnotherEventOfTheCompany() async throws {
        try await withExpenses { t in
            let api = t.a
            let source = try await t.insertOpsEvent("June", on: "2027-06-01")
            let target = try await t.insertOpsEvent("July", on: "2027-07-01")
            _ = try await api.opsCreated("/api/event-expense", expenseLine(source, "sound", amount: 1_000, currency: "USD", due: "2027-06-01",
                                                                          extra: ["vendorName": "Loud", "notes": "n"]))
            _ = try await api.opsCreated("/api/event-expense", expenseLine(source, "marketing", amount: 2_000, due: "2027-05-01"))
            let path = "/api/event-expense/event/\(target)/from-template"
            let copied = try await api.post(path, ["sourceEventId": .string(source.uuidString)])
            #expect(copied.status == .created)
            let items = copied.json["items"]?.arrayValue ?? []
            #expect(items.map { $0["dueDate"] } == ["2027-05-31", "2027-07-01"])
            #expect(items.map { $0["amountMinor"] } == [2_000, 1_000])
            #expect(items[1]["currency"] == "USD")
            #expect(items[1]["vendorName"] == "Loud")
            #expect(items.allSatisfy { $0["eventId"]?.uuid == target })
            let fixed = try await api.post(path, ["sourceEventId": .string(source.uuidString), "dueDate": "2027-06-15"])
            #expect(fixed.json["items"]?.arrayValue?.allSatisfy { $0["dueDate"] == "2027-06-15" } == true)
            #expect(try await api.get("/api/event-expense/event/\(target)").json["total"] == 4)

            #expect(Set(try await api.post(path, ["sourceEventId": .string(source.uuidString), "currency": "EUR", "amounts": ["0": 1]]).errorFields)
                        == ["currency", "amounts"])
            #expect(try await api.post(path, ["sourceEventId": .string(target.uuidString)]).errorFields == ["sourceEventId"])
            let theirs = try await t.insertOpsEvent("Theirs", on: "2027-06-01", company: t.companyB)
            #expect(try await api.post(path, ["sourceEventId": .string(theirs.uuidString)]).status == .notFound)
            #expect(try await t.b.post("/api/event-expense/event/\(theirs)/from-template", ["sourceEventId": .string(source.uuidString)]).status
                        == .notFound)
            #expect(try await api.post(path, ["sourceEventId": "yesterday"]).status == .badRequest)
        }
    }
}

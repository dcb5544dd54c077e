import Base
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumTesting
import Testing

/// Issue 10: "Event Expense accepts estimated lines only (an actual expense sent there is refused with a stable code
/// pointing at the approval group); an actual expense exists only once approved in Event Expense - Approval."
@Suite("Base event expenses: estimated only")
struct ExpensesActualGuardTests {
    /// The group's rule: whatever way a body says "actual", it is 422 `actual_expense_not_allowed` pointing at
    /// /api/event-expense-approval, on create, update and bulk, and nothing is written.
    @Test func actualExpensesAreRefusedEverywhere() async throws {
        try await withExpenses { t in
            let api = t.a
            let event = try await t.insertOpsEvent("Gig", on: "2027-06-10")
            let markers: [(String, JSONValue)] = [("type", "actual"), ("type", "Actual"), ("kind", "actual"), ("isActual", true), ("actual", true),
                                                  ("status", "approved"), ("status", "pending"), ("actualAmountMinor", 5000),
                                                  ("incurredOn", "2027-06-01"), ("estimateId", .string(UUID().uuidString)), ("approvedBy", "someone")]
            for (key, value) in markers {
                let refused = try await api.post("/api/event-expense", expenseLine(event, extra: [key: value]))
                #expect(refused.status == .unprocessableContent, "\(key)")
                #expect(refused.errorCode == "actual_expense_not_allowed", "\(key)")
                #expect(refused.errorFields == [key])
                #expect(refused.json["error"]?["info"]?["approvalPath"] == "/api/event-expense-approval")
                #expect(refused.json["error"]?["message"]?.stringValue?.contains("/api/event-expense-approval") == true)
            }
            // Not markers: estimated, false, null.
            for (key, value) in [("type", JSONValue.string("estimated")), ("isActual", false), ("status", .null), ("kind", "budget")] {
                #expect(try await api.post("/api/event-expense", expenseLine(event, extra: [key: value])).status == .created, "\(key)")
            }
            #expect(try await api.post("/api/event-expense", expenseLine(event, extra: ["type": "forecast"])).errorFields == ["type"])
            let id = try await api.opsCreated("/api/event-expense", expenseLine(event))
            let update = try await api.put("/api/event-expense/\(id)", ["category": "sound", "description": "Paid", "amountMinor": 1,
                                                                        "status": "approved", "version": 1])
            #expect(update.errorCode == "actual_expense_not_allowed")
            #expect(try await api.get("/api/event-expense/\(id)").json["version"] == 1)

            let before = try await t.expenseCount()
            let bulk = try await api.post("/api/event-expense/bulk", [expenseLine(event), expenseLine(event, extra: ["type": "actual"]),
                                                                     expenseLine(event, extra: ["actualAmountMinor": 10])])
            #expect(bulk.errorCode == "actual_expense_not_allowed")
            #expect(bulk.errorFields == ["[1].type", "[2].actualAmountMinor"])
            #expect(try await t.expenseCount() == before)
        }
    }

    /// Deleting an estimate is refused while a pending or approved actual realises it (the FK would silently
    /// detach the actual from the budget it was approved against); a rejected one lets go.
    @Test func anEstimateWithALiveActualCannotBeDeleted() async throws {
        try await withExpenses { t in
            let api = t.a
            let event = try await t.insertOpsEvent("Real", on: "2027-06-10")
            let id = try await api.opsCreated("/api/event-expense", expenseLine(event, "sound"))
            let actual = try await t.insertActual(event: event, estimate: id, category: "sound")
            let line = try await api.get("/api/event-expense/\(id)")
            #expect(line.json["actualId"]?.uuid == actual)
            #expect(line.json["actualStatus"] == "pending")
            let refused = try await api.delete("/api/event-expense/\(id)")
            #expect(refused.status == .conflict)
            #expect(refused.errorCode == "expense_has_actual")
            #expect(refused.json["error"]?["info"]?["actualId"]?.uuid == actual)
            try await t.setActualStatus(actual, "approved")
            #expect(try await api.delete("/api/event-expense/\(id)").errorCode == "expense_has_actual")
            try await t.setActualStatus(actual, "rejected")
            #expect(try await api.get("/api/event-expense/\(id)").json["actualId"] == .null)
            #expect(try await api.delete("/api/event-expense/\(id)").status == .noContent)
        }
    }
}

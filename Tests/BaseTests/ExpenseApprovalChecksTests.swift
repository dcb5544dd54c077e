import Base
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumTesting
import Testing

/// Issue 10, "Done when": every operation "routed and tested (success, validation, permission, another company's
/// ids)" — Event Expense - Approval's validation, malformed input, permissions, other company and list filters.
@Suite("Base event expense approval checks")
struct ExpenseApprovalChecksTests {
    @Test func validationAndMalformedInput() async throws {
        try await withActuals { t in
            let event = try await t.insertOpsEvent("Checked costs", on: "2027-06-12")
            let empty = try await t.a.post("/api/event-expense-approval", [:])
            #expect(empty.status == .unprocessableContent)
            #expect(Set(empty.errorFields) == ["eventId", "category", "description", "amountMinor", "currency", "incurredOn"])
            let wrong = try await t.a.post("/api/event-expense-approval", [
                "eventId": .string(event.uuidString), "category": "Catering", "description": " ", "vendorName": "",
                "amountMinor": -1, "currency": "EURO", "incurredOn": "2027-02-30", "notes": .string(String(repeating: "n", count: 5001)),
            ])
            #expect(Set(wrong.errorFields) == ["category", "description", "vendorName", "amountMinor", "currency", "incurredOn", "notes"])
            let bounds = try await t.a.post("/api/event-expense-approval", [
                "eventId": .string(event.uuidString), "category": .string("a" + String(repeating: "b", count: 40)), "description": "x",
                "amountMinor": 1_000_000_000_000_001, "currency": "XYZ", "incurredOn": "2200-01-01",
            ])
            #expect(Set(bounds.errorFields) == ["category", "amountMinor", "currency", "incurredOn"])
            // A well-formed code that is neither Event Expense's built-in category nor one of the company's.
            let unknown = try await t.a.post("/api/event-expense-approval", [
                "eventId": .string(event.uuidString), "category": "moon_rental", "description": "x", "amountMinor": 1, "currency": "EUR",
                "incurredOn": "2027-05-20",
            ])
            #expect(unknown.status == .unprocessableContent)
            #expect(unknown.errorFields == ["category"], "\(unknown.text)")
            let malformed = try await t.a.request(.post, "/api/event-expense-approval", rawBody: "{\"eventId\":")
            #expect(malformed.status == .badRequest)
            #expect(try await t.a.request(.post, "/api/event-expense-approval", rawBody: "{\"amountMinor\": 1.5}").status == .badRequest)
            #expect(try await t.a.post("/api/event-expense-approval", ["eventId": "not-a-uuid"]).status == .badRequest)

            let id = try #require(try await t.a.submitExpense(event: event, amount: 10).json["id"]?.uuid)
            let approver = t.expenseMember()
            let longNote = try await approver.api.post("/api/event-expense-approval/\(id)/approve", ["note": .string(String(repeating: "x", count: 2001))])
            #expect(longNote.errorFields == ["note"])
            #expect(try await approver.api.request(.post, "/api/event-expense-approval/\(id)/approve", rawBody: "[").status == .badRequest)
            #expect(try await approver.api.post("/api/event-expense-approval/\(id)/reject", ["reason": 7]).status == .badRequest)
            #expect(try await t.a.request(.put, "/api/event-expense-approval/\(id)", json: ["category": "x"], headers: [.ifMatch: "v1"]).status
                == .badRequest)

            for query in ["status=open", "submittedBy=", "from=2027-13-01", "to=soon", "currency=EURO", "sort=amount", "limit=0", "estimateId=x"] {
                #expect(try await t.a.get("/api/event-expense-approval?\(query)").status == .badRequest, "\(query)")
            }
            #expect(try await t.a.get("/api/event-expense-approval/event/\(event)?status=open").status == .badRequest)
        }
    }

    @Test func permissionsAndAnotherCompanysIds() async throws {
        try await withActuals { t in
            let event = try await t.insertOpsEvent("Private costs", on: "2027-06-12")
            let otherEvent = try await t.insertOpsEvent("Another night", on: "2027-06-13")
            let theirEvent = try await t.insertOpsEvent("Their night", on: "2027-06-12", company: t.companyB)
            let theirEstimate = try await t.insertEstimate(event: theirEvent, category: "production", description: "Theirs", amount: 1,
                                                           company: t.companyB)
            let otherEstimate = try await t.insertEstimate(event: otherEvent, category: "production", description: "Other night's", amount: 1)
            let id = try #require(try await t.a.submitExpense(event: event, amount: 10).json["id"]?.uuid)
            let valid: JSONValue = ["eventId": .string(event.uuidString), "category": "catering", "description": "Sandwiches",
                                    "amountMinor": 10, "currency": "EUR", "incurredOn": "2027-05-20"]

            let reader = t.a(permissions: [BasePermission.expensesRead])
            #expect(try await reader.get("/api/event-expense-approval").status == .ok)
            #expect(try await reader.get("/api/event-expense-approval/\(id)").status == .ok)
            #expect(try await reader.post("/api/event-expense-approval", valid).status == .forbidden)
            #expect(try await reader.put("/api/event-expense-approval/\(id)", valid.setting("version", 1)).status == .forbidden)
            #expect(try await reader.post("/api/event-expense-approval/\(id)/approve").status == .forbidden)
            #expect(try await reader.post("/api/event-expense-approval/\(id)/reject", ["reason": "no"]).status == .forbidden)
            // Deciding is approvals' permission, not expenses'.
            let writer = t.a(permissions: [BasePermission.expensesRead, BasePermission.expensesWrite])
            #expect(try await writer.post("/api/event-expense-approval/\(id)/approve").status == .forbidden)
            let approverOnly = t.a(permissions: [BasePermission.approvalsWrite])
            #expect(try await approverOnly.get("/api/event-expense-approval").status == .forbidden)
            #expect(try await approverOnly.get("/api/event-expense-approval/event/\(event)").status == .forbidden)
            #expect(try await approverOnly.post("/api/event-expense-approval/\(id)/approve").status == .ok)

            #expect(try await t.b.get("/api/event-expense-approval/\(id)").status == .notFound)
            #expect(try await t.b.put("/api/event-expense-approval/\(id)", valid.setting("version", 1)).status == .notFound)
            #expect(try await t.b.post("/api/event-expense-approval/\(id)/approve").status == .notFound)
            #expect(try await t.b.post("/api/event-expense-approval/\(id)/reject", ["reason": "no"]).status == .notFound)
            #expect(try await t.b.get("/api/event-expense-approval/event/\(event)").status == .notFound)
            #expect(try await t.b.get("/api/event-expense-approval").json["total"] == 0)
            #expect(try await t.b.post("/api/event-expense-approval", valid).status == .notFound)
            #expect(try await t.a.post("/api/event-expense-approval", valid.setting("estimateId", .string(theirEstimate.uuidString))).status == .notFound)
            let wrongEvent = try await t.a.post("/api/event-expense-approval", valid.setting("estimateId", .string(otherEstimate.uuidString)))
            #expect(wrongEvent.status == .unprocessableContent)
            #expect(wrongEvent.errorFields == ["estimateId"])
            #expect(try await t.a.get("/api/event-expense-approval/not-a-uuid").status == .notFound)
        }
    }

    @Test func listsFilterSortAndPage() async throws {
        try await withActuals { t in
            let event = try await t.insertOpsEvent("Listed costs", on: "2027-06-12")
            let other = try await t.insertOpsEvent("Other costs", on: "2027-06-13")
            try await t.a.setExpenseThreshold(1_000)
            let colleague = t.expenseMember()
            let small = try #require(try await t.a.submitExpense(event: event, amount: 100, incurredOn: "2027-05-01").json["id"]?.uuid)
            let big = try #require(try await t.a.submitExpense(event: event, amount: 5_000, incurredOn: "2027-05-10").json["id"]?.uuid)
            let pounds = try #require(try await colleague.api.submitExpense(event: event, amount: 200, currency: "GBP",
                                                                             incurredOn: "2027-05-20").json["id"]?.uuid)
            let elsewhere = try #require(try await t.a.submitExpense(event: other, amount: 300, incurredOn: "2027-05-05").json["id"]?.uuid)

            func ids(_ query: String) async throws -> [UUID?] {
                try await t.a.get("/api/event-expense-approval\(query)").json["items"]?.arrayValue?.map { $0["id"]?.uuid } ?? []
            }
            #expect(try await ids("") == [elsewhere, pounds, big, small])
            #expect(try await ids("?eventId=\(event)&sort=incurredOn") == [small, big, pounds])
            #expect(try await ids("?status=approved&sort=-amountMinor") == [elsewhere, small])
            #expect(try await ids("?submittedBy=\(colleague.user)") == [pounds])
            #expect(try await ids("?from=2027-05-05&to=2027-05-10&sort=incurredOn") == [elsewhere, big])
            #expect(try await ids("?currency=gbp") == [pounds])
            let page = try await t.a.get("/api/event-expense-approval?limit=1&page=2")
            #expect(page.json["total"] == 4)
            #expect(page.json["limit"] == 1)
            #expect(page.json["items"]?[0]?["id"]?.uuid == pounds)
            // The event's list: the approved ones unless asked otherwise.
            #expect(try await ids("/event/\(event)") == [small])
            #expect(try await ids("/event/\(event)?status=pending&sort=incurredOn") == [big, pounds])
        }
    }
}

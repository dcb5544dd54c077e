import Base
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumTesting
import PostgresNIO
import Testing

/// Issue 10: "Event Expense - Approval (7, the only source of actual expenses)"; "an actual expense exists only once
/// approved in Event Expense - Approval; approve/reject by someone other than the submitter, with a
/// company-configurable threshold".
@Suite("Base event expense approval")
struct ExpenseApprovalTests {
    @Test func aSubmissionAtOrAboveTheThresholdWaitsAndAnotherMemberApprovesIt() async throws {
        try await withActuals { t in
            let event = try await t.insertOpsEvent("Approved costs", on: "2027-06-12")
            try await t.a.setExpenseThreshold(100_000)
            let approver = t.expenseMember()

            let submitted = try await t.a.submitExpense(event: event, amount: 100_000, incurredOn: "2027-05-21")
            #expect(submitted.json["status"] == "pending")
            #expect(submitted.json["autoApproved"] == false)
            #expect(submitted.json["eventName"] == "Approved costs")
            #expect(submitted.json["version"] == 1)
            let id = try #require(submitted.json["id"]?.uuid)
            let item = try #require(submitted.json["approvalId"]?.uuid)
            // The generic queue shows it too, with its amount.
            let queued = try await approver.api.get("/api/approval/\(item)")
            #expect(queued.json["sourceType"] == "expense")
            #expect(queued.json["sourceId"]?.uuid == id)
            #expect(queued.json["amountMinor"] == 100_000)
            #expect(queued.json["title"] == "Actual expense: Crew catering (Approved costs)")
            // Not an actual cost yet: the event's list of actual expenses is empty.
            #expect(try await t.a.get("/api/event-expense-approval/event/\(event)").json["total"] == 0)

            let own = try await t.a.post("/api/event-expense-approval/\(id)/approve", ["note": "mine"])
            #expect(own.status == .forbidden)
            #expect(own.errorCode == "self_approval_forbidden")
            let approved = try await approver.api.post("/api/event-expense-approval/\(id)/approve", ["note": "receipt checked"])
            #expect(approved.status == .ok, "\(approved.text)")
            #expect(approved.json["status"] == "approved")
            #expect(approved.json["decidedBy"]?.uuid == approver.user)
            #expect(approved.json["decisionNote"] == "receipt checked")
            #expect(approved.json["version"] == 2)
            #expect(approved.json["autoApproved"] == false)
            let decided = try await t.approvalItem(of: id)
            #expect(decided?.status == "approved")
            #expect(decided?.decidedBy == approver.user)

            let again = try await approver.api.post("/api/event-expense-approval/\(id)/reject", ["reason": "changed my mind"])
            #expect(again.status == .conflict)
            #expect(again.errorCode == "invalid_transition")
            let actuals = try await t.a.get("/api/event-expense-approval/event/\(event)")
            #expect(actuals.json["items"]?.arrayValue?.map { $0["id"]?.uuid } == [id])
        }
    }

    /// Below the threshold: approved on submission by no one. No threshold in the currency: fail closed.
    @Test func belowTheThresholdIsApprovedOnSubmissionAndNoThresholdNeedsApproval() async throws {
        try await withActuals { t in
            let event = try await t.insertOpsEvent("Small costs", on: "2027-06-12")
            let unguarded = try await t.a.submitExpense(event: event, amount: 1)
            #expect(unguarded.json["status"] == "pending")

            try await t.a.setExpenseThreshold(100_000)
            let small = try await t.a.submitExpense(event: event, amount: 99_999)
            #expect(small.json["status"] == "approved")
            #expect(small.json["autoApproved"] == true)
            #expect(small.json["decidedBy"] == .null)
            #expect(small.json["decidedAt"] != .null)
            #expect(small.json["approvalId"] == .null)
            let smallID = try #require(small.json["id"]?.uuid)
            #expect(try await t.approvalItem(of: smallID) == nil)
            #expect(try await t.a.submitExpense(event: event, amount: 100_000).json["status"] == "pending")
            // The EUR threshold says nothing about pounds.
            #expect(try await t.a.submitExpense(event: event, amount: 1, currency: "GBP").json["status"] == "pending")
        }
    }

    /// A rejection needs its reason, and frees the estimate for another submission.
    @Test func anActualRealisesOneEstimateAndARejectionNeedsItsReason() async throws {
        try await withActuals { t in
            let event = try await t.insertOpsEvent("Estimated costs", on: "2027-06-12")
            let estimate = try await t.insertEstimate(event: event, category: "production", description: "Stage and PA", amount: 160_000)
            let approver = t.expenseMember()
            let first = try await t.a.submitExpense(event: event, category: "production", description: nil, amount: 170_000, estimate: estimate)
            #expect(first.json["description"] == "Stage and PA")
            #expect(first.json["estimateId"]?.uuid == estimate)
            let id = try #require(first.json["id"]?.uuid)

            let twice = try await t.a.post("/api/event-expense-approval", ["eventId": .string(event.uuidString), "estimateId": .string(estimate.uuidString),
                                                                          "category": "production", "amountMinor": 1, "currency": "EUR",
                                                                          "incurredOn": "2027-05-20"])
            #expect(twice.status == .conflict)
            #expect(twice.errorCode == "estimate_already_realised")

            let noReason = try await approver.api.post("/api/event-expense-approval/\(id)/reject", ["reason": "  "])
            #expect(noReason.status == .unprocessableContent)
            #expect(noReason.errorFields == ["reason"])
            #expect(try await approver.api.post("/api/event-expense-approval/\(id)/reject", [:]).errorFields == ["reason"])
            #expect(try await approver.api.post("/api/event-expense-approval/\(id)/reject").status == .badRequest)
            let rejected = try await approver.api.post("/api/event-expense-approval/\(id)/reject", ["reason": "Invoice is for another show"])
            #expect(rejected.json["status"] == "rejected")
            #expect(rejected.json["decisionNote"] == "Invoice is for another show")
            #expect(try await t.approvalItem(of: id)?.status == "rejected")
            #expect(try await t.approvalItem(of: id)?.note == "Invoice is for another show")
            let retry = try await t.a.submitExpense(event: event, category: "production", description: nil, amount: 165_000, estimate: estimate)
            #expect(retry.json["status"] == "pending")
        }
    }

    /// "The decision moves the source object": the approval queue decides an expense item with the same rules.
    @Test func theApprovalQueueMovesTheActualWithItsItem() async throws {
        try await withActuals { t in
            let event = try await t.insertOpsEvent("Queued costs", on: "2027-06-12")
            let approver = t.expenseMember()
            let approvedID = try #require(try await t.a.submitExpense(event: event, amount: 5_000).json["id"]?.uuid)
            let rejectedID = try #require(try await t.a.submitExpense(event: event, amount: 6_000).json["id"]?.uuid)
            let withdrawnID = try #require(try await t.a.submitExpense(event: event, amount: 7_000).json["id"]?.uuid)
            let item = { (id: UUID) async throws -> UUID in
                try #require(try await t.a.get("/api/event-expense-approval/\(id)").json["approvalId"]?.uuid)
            }

            #expect(try await t.a.post("/api/approval/\(try await item(approvedID))/approve").errorCode == "self_approval")
            let approved = try await approver.api.post("/api/approval/\(try await item(approvedID))/approve", ["note": "ok"])
            #expect(approved.json["status"] == "approved", "\(approved.text)")
            let actual = try await t.a.get("/api/event-expense-approval/\(approvedID)")
            #expect(actual.json["status"] == "approved")
            #expect(actual.json["decidedBy"]?.uuid == approver.user)
            #expect(actual.json["decisionNote"] == "ok")

            let noNote = try await approver.api.post("/api/approval/\(try await item(rejectedID))/reject")
            #expect(noNote.status == .unprocessableContent)
            #expect(noNote.errorFields == ["note"])
            #expect(try await t.a.get("/api/event-expense-approval/\(rejectedID)").json["status"] == "pending")
            _ = try await approver.api.post("/api/approval/\(try await item(rejectedID))/reject", ["note": "duplicate"])
            #expect(try await t.a.get("/api/event-expense-approval/\(rejectedID)").json["status"] == "rejected")

            let withdrawn = try await t.a.post("/api/approval/\(try await item(withdrawnID))/cancel")
            #expect(withdrawn.json["status"] == "cancelled")
            let gone = try await t.a.get("/api/event-expense-approval/\(withdrawnID)")
            #expect(gone.json["status"] == "rejected")
            #expect(gone.json["decidedBy"] == .null)
            #expect(gone.json["decisionNote"] == "Withdrawn by the submitter.")
        }
    }

    /// PUT edits a pending submission only, on its version, and re-checks the threshold; whoever last set the figures
    /// may not decide them either.
    @Test func editingAPendingSubmission() async throws {
        try await withActuals { t in
            let event = try await t.insertOpsEvent("Edited costs", on: "2027-06-12")
            let other = try await t.insertOpsEvent("Other night", on: "2027-06-13")
            try await t.a.setExpenseThreshold(10_000)
            let editor = t.expenseMember()
            let approver = t.expenseMember()
            let id = try #require(try await t.a.submitExpense(event: event, amount: 20_000).json["id"]?.uuid)
            let item = try #require(try await t.a.get("/api/event-expense-approval/\(id)").json["approvalId"]?.uuid)
            let body: JSONValue = ["category": "security", "description": "Door staff", "vendorName": " Guard Co ", "amountMinor": 30_000,
                                   "currency": "EUR", "incurredOn": "2027-05-22", "version": 1]

            let edited = try await editor.api.put("/api/event-expense-approval/\(id)", body)
            #expect(edited.status == .ok, "\(edited.text)")
            #expect(edited.json["version"] == 2)
            #expect(edited.json["vendorName"] == "Guard Co")
            #expect(edited.json["editedBy"]?.uuid == editor.user)
            #expect(edited.headers[.eTag] == "\"2\"")
            #expect(try await approver.api.get("/api/approval/\(item)").json["amountMinor"] == 30_000)
            #expect(try await editor.api.post("/api/event-expense-approval/\(id)/approve").errorCode == "self_approval_forbidden")

            #expect(try await t.a.put("/api/event-expense-approval/\(id)", body).errorCode == "version_conflict")
            #expect(try await t.a.put("/api/event-expense-approval/\(id)", body.setting("version", .null)).errorFields == ["version"])
            #expect(try await t.a.put("/api/event-expense-approval/\(id)", body.setting("version", 2)
                .setting("eventId", .string(other.uuidString))).errorFields == ["eventId"])
            let ifMatch = try await t.a.request(.put, "/api/event-expense-approval/\(id)", json: body.setting("version", .null)
                .setting("amountMinor", 9_999), headers: [.ifMatch: "\"2\""])
            // Below the threshold after the edit: approved now, by no one, and the queue's item closed with it.
            #expect(ifMatch.json["status"] == "approved", "\(ifMatch.text)")
            #expect(ifMatch.json["autoApproved"] == true)
            #expect(ifMatch.json["editedBy"] == .null)
            #expect(try await t.approvalItem(of: id)?.status == "approved")
            #expect(try await t.approvalItem(of: id)?.decidedBy == nil)
            let late = try await t.a.put("/api/event-expense-approval/\(id)", body.setting("version", 3))
            #expect(late.status == .conflict)
            #expect(late.errorCode == "invalid_transition")
        }
    }

    /// Two approvers at once, through both routes: exactly one decision, and the actual and its item agree.
    @Test func concurrentDecisionsHaveExactlyOneWinner() async throws {
        try await withActuals { t in
            let event = try await t.insertOpsEvent("Contested costs", on: "2027-06-12")
            let submitted = try await t.a.submitExpense(event: event, amount: 42_000)
            let id = try #require(submitted.json["id"]?.uuid)
            let item = try #require(submitted.json["approvalId"]?.uuid)
            let approvers = (0..<6).map { _ in t.expenseMember().api }
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for (n, api) in approvers.enumerated() {
                    group.addTask {
                        switch n % 3 {
                        case 0: return try await api.post("/api/event-expense-approval/\(id)/approve").status
                        case 1: return try await api.post("/api/event-expense-approval/\(id)/reject", ["reason": "no"]).status
                        default: return try await api.post("/api/approval/\(item)/approve").status
                        }
                    }
                }
                var statuses: [HTTPResponse.Status] = []
                for try await status in group { statuses.append(status) }
                return statuses
            }
            #expect(statuses.filter { $0 == .ok }.count == 1, "\(statuses)")
            #expect(statuses.filter { $0 == .conflict }.count == 5, "\(statuses)")
            let actual = try await t.a.get("/api/event-expense-approval/\(id)")
            #expect(actual.json["version"] == 2)
            #expect(try await t.approvalItem(of: id)?.status == actual.json["status"]?.stringValue)
        }
    }
}

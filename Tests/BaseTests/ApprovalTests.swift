import Base
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumTesting
import PostgresNIO
import Testing

/// Issue 9: "Approval (6: queue, approve/reject/cancel, by user)"; "Approval items are created by the flows that need
/// them (an offer above a company threshold, an expense, a settlement) and their decision moves the source object";
/// "every change writes a revision (who, when, what changed)".
@Suite("Base approval")
struct ApprovalTests {
    @Test func approvingAnOfferSendsItWithARevisionInTheSameTransaction() async throws {
        try await withOps { t in
            let requester = t.opsMember()
            let approver = t.opsMember()
            let artist = try await requester.api.makeOpsArtist("Approved Act")
            let offer = try await t.insertOpsOffer(artist: artist, status: "pending_approval", guarantee: 900_000)
            let item = try await t.insertOpsApproval(sourceID: offer, requestedBy: requester.user)

            let read = try await approver.api.get("/api/approval/\(item)")
            #expect(read.status == .ok)
            #expect(read.json["status"] == "pending")
            #expect(read.json["decidedAt"] == .null)
            #expect(read.json["amountMinor"] == 500_000)

            // The requester cannot approve their own request.
            let own = try await requester.api.post("/api/approval/\(item)/approve", ["note": "mine"])
            #expect(own.status == .forbidden)
            #expect(own.errorCode == "self_approval")

            let approved = try await approver.api.post("/api/approval/\(item)/approve", ["note": "fine by me"])
            #expect(approved.status == .ok)
            #expect(approved.json["status"] == "approved")
            #expect(approved.json["decidedBy"]?.uuid == approver.user)
            #expect(approved.json["decisionNote"] == "fine by me")

            let row = try await t.opsDatabase.query("""
                SELECT status, version, sent_at IS NOT NULL FROM offers WHERE company_id = \(t.companyA) AND id = \(offer)
                """).first { try $0.decode((String, Int, Bool).self) }
            #expect(row?.0 == "sent")
            #expect(row?.1 == 2)
            #expect(row?.2 == true)
            let revision = try await t.opsDatabase.query("""
                SELECT version, action, changed_by, changes::text, snapshot->>'status' FROM offer_revisions
                WHERE company_id = \(t.companyA) AND offer_id = \(offer)
                """).first { try $0.decode((Int, String, UUID, String, String).self) }
            #expect(revision?.0 == 2)
            #expect(revision?.1 == "approved")
            #expect(revision?.2 == approver.user)
            #expect(try JSONValueParser.parse(revision?.3 ?? "") == ["status": ["from": "pending_approval", "to": "sent"]])
            #expect(revision?.4 == "sent")

            // Decided once: every further decision is 409.
            let again = try await approver.api.post("/api/approval/\(item)/reject")
            #expect(again.status == .conflict)
            #expect(again.errorCode == "already_decided")
        }
    }

    /// Two approvers at once: the item is locked, so exactly one decides and the offer moves once.
    @Test func concurrentDecisionsHaveExactlyOneWinner() async throws {
        try await withOps { t in
            let requester = t.opsMember()
            let approvers = (0..<6).map { _ in t.opsMember().api }
            let artist = try await requester.api.makeOpsArtist("Contested Offer")
            let offer = try await t.insertOpsOffer(artist: artist, status: "pending_approval", guarantee: 1)
            let item = try await t.insertOpsApproval(sourceID: offer, requestedBy: requester.user)
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for (n, api) in approvers.enumerated() {
                    group.addTask { try await api.post("/api/approval/\(item)/\(n.isMultiple(of: 2) ? "approve" : "reject")").status }
                }
                var statuses: [HTTPResponse.Status] = []
                for try await status in group { statuses.append(status) }
                return statuses
            }
            #expect(statuses.filter { $0 == .ok }.count == 1)
            #expect(statuses.filter { $0 == .conflict }.count == 5)
            let revisions = try await t.opsDatabase.query("""
                SELECT count(*) FROM offer_revisions WHERE company_id = \(t.companyA) AND offer_id = \(offer)
                """).count()
            #expect(revisions == 1)
        }
    }

    @Test func rejectingOrCancellingSendsTheOfferBackToDraft() async throws {
        try await withOps { t in
            let requester = t.opsMember()
            let approver = t.opsMember()
            let artist = try await requester.api.makeOpsArtist("Back To Draft")
            let rejectedOffer = try await t.insertOpsOffer(artist: artist, status: "pending_approval", guarantee: 1)
            let cancelledOffer = try await t.insertOpsOffer(artist: artist, status: "pending_approval", guarantee: 1)
            let rejectItem = try await t.insertOpsApproval(sourceID: rejectedOffer, requestedBy: requester.user)
            let cancelItem = try await t.insertOpsApproval(sourceID: cancelledOffer, requestedBy: requester.user)

            #expect(try await requester.api.post("/api/approval/\(rejectItem)/reject").errorCode == "self_approval")
            let rejected = try await approver.api.post("/api/approval/\(rejectItem)/reject", ["note": "too high"])
            #expect(rejected.json["status"] == "rejected")
            // Only the requester withdraws a request.
            let notMine = try await approver.api.post("/api/approval/\(cancelItem)/cancel")
            #expect(notMine.status == .forbidden)
            #expect(notMine.errorCode == "not_requester")
            let cancelled = try await requester.api.post("/api/approval/\(cancelItem)/cancel")
            #expect(cancelled.json["status"] == "cancelled")

            let rows = try await t.opsDatabase.query("""
                SELECT o.id, o.status, r.action FROM offers o JOIN offer_revisions r ON r.company_id = o.company_id AND r.offer_id = o.id
                WHERE o.company_id = \(t.companyA) ORDER BY r.action
                """).collect { try $0.decode((UUID, String, String).self) }
            #expect(rows.map(\.1) == ["draft", "draft"])
            #expect(rows.map(\.2) == ["approval_cancelled", "approval_rejected"])
            #expect(rows.map(\.0) == [cancelledOffer, rejectedOffer])
        }
    }

    @Test func anOfferNoLongerPendingApprovalRefusesTheDecisionAndNothingMoves() async throws {
        try await withOps { t in
            let requester = t.opsMember()
            let approver = t.opsMember()
            let artist = try await requester.api.makeOpsArtist("Moved On")
            let offer = try await t.insertOpsOffer(artist: artist, status: "draft", guarantee: 1)
            let item = try await t.insertOpsApproval(sourceID: offer, requestedBy: requester.user)
            let refused = try await approver.api.post("/api/approval/\(item)/approve")
            #expect(refused.status == .conflict)
            #expect(refused.errorCode == "source_not_pending")
            #expect(try await approver.api.get("/api/approval/\(item)").json["status"] == "pending")

            // An expense item moves its submission (Event Expense - Approval, issue 10): with none pending, nothing moves.
            let expense = try await t.insertOpsApproval(source: "expense", sourceID: UUID(), requestedBy: requester.user, title: "Catering")
            let orphan = try await approver.api.post("/api/approval/\(expense)/approve")
            #expect(orphan.status == .conflict)
            #expect(orphan.errorCode == "source_not_pending")
            #expect(try await approver.api.get("/api/approval/\(expense)").json["status"] == "pending")
        }
    }

    @Test func queueFiltersByUserValidationPermissionAndOtherCompany() async throws {
        try await withOps { t in
            let requester = t.opsMember()
            let other = t.opsMember()
            let i1 = try await t.insertOpsApproval(sourceID: UUID(), requestedBy: requester.user)
            let i2 = try await t.insertOpsApproval(source: "expense", sourceID: UUID(), requestedBy: requester.user, amount: nil, currency: nil)
            let i3 = try await t.insertOpsApproval(source: "settlement", sourceID: UUID(), requestedBy: other.user)
            let theirs = try await t.insertOpsApproval(sourceID: UUID(), requestedBy: UUID(), company: t.companyB)
            // Decided by SQL: an expense item's decision moves its submission, which this fixture has none of.
            try await t.opsDatabase.query("""
                UPDATE approval_items SET status = 'rejected', decided_by = \(other.user), decided_at = clock_timestamp() WHERE id = \(i2)
                """)

            let queue = try await other.api.get("/api/approval")
            #expect(queue.json["total"] == 3)
            #expect(queue.json["items"]?.arrayValue?.map { $0["id"]?.uuid } == [i3, i2, i1])
            #expect(try await other.api.get("/api/approval?sort=requestedAt").json["items"]?[0]?["id"]?.uuid == i1)
            #expect(try await other.api.get("/api/approval?status=pending").json["total"] == 2)
            #expect(try await other.api.get("/api/approval?sourceType=settlement").json["items"]?[0]?["id"]?.uuid == i3)
            #expect(try await other.api.get("/api/approval?requestedBy=\(requester.user)").json["total"] == 2)
            #expect(try await other.api.get("/api/approval?limit=1&page=2").json["items"]?[0]?["id"]?.uuid == i2)
            #expect(try await requester.api.get("/api/approval/by-user").json["total"] == 2)
            #expect(try await requester.api.get("/api/approval/by-user?userId=\(other.user)").json["items"]?[0]?["id"]?.uuid == i3)
            #expect(try await requester.api.get("/api/approval/by-user?status=rejected").json["items"]?[0]?["id"]?.uuid == i2)

            #expect(try await other.api.get("/api/approval?status=open").status == .badRequest)
            #expect(try await other.api.get("/api/approval?requestedBy=").status == .badRequest)
            #expect(try await other.api.get("/api/approval/by-user?userId=me").status == .badRequest)
            let tooLong = try await requester.api.post("/api/approval/\(i1)/cancel", ["note": .string(String(repeating: "x", count: 2001))])
            #expect(tooLong.status == .unprocessableContent)
            #expect(tooLong.errorFields == ["note"])
            #expect(try await requester.api.request(.post, "/api/approval/\(i1)/cancel", rawBody: "{\"note\":").status == .badRequest)

            let reader = t.a(permissions: [BasePermission.approvalsRead])
            #expect(try await reader.get("/api/approval/\(i1)").status == .ok)
            #expect(try await reader.post("/api/approval/\(i1)/approve").status == .forbidden)
            #expect(try await t.a(permissions: [BasePermission.tasksRead]).get("/api/approval").status == .forbidden)

            #expect(try await other.api.get("/api/approval/\(theirs)").status == .notFound)
            #expect(try await other.api.post("/api/approval/\(theirs)/approve").status == .notFound)
            #expect(try await t.b.get("/api/approval/\(i1)").status == .notFound)
            #expect(try await t.b.post("/api/approval/\(i1)/reject").status == .notFound)
            #expect(try await t.b.get("/api/approval").json["total"] == 1)
        }
    }

    @Test func thresholdsAreSetPerSourceTypeAndCurrency() async throws {
        try await withOps { t in
            let api = t.a
            #expect(try await api.get("/api/approval/thresholds").json["items"] == [])
            let set = try await api.put("/api/approval/thresholds", ["sourceType": "offer", "currency": "EUR", "thresholdMinor": 1_000_000])
            #expect(set.status == .ok)
            #expect(set.json["thresholdMinor"] == 1_000_000)
            _ = try await api.put("/api/approval/thresholds", ["sourceType": "offer", "currency": "EUR", "thresholdMinor": 2_000_000])
            _ = try await api.put("/api/approval/thresholds", ["sourceType": "expense", "currency": "GBP", "thresholdMinor": 0])
            let list = try await api.get("/api/approval/thresholds")
            #expect(list.json["items"]?.arrayValue?.map { $0["thresholdMinor"]?.int } == [0, 2_000_000])
            #expect(try await t.b.get("/api/approval/thresholds").json["items"] == [])

            let invalid = try await api.put("/api/approval/thresholds", ["sourceType": "bonus", "currency": "EURO", "thresholdMinor": -1])
            #expect(invalid.status == .unprocessableContent)
            #expect(Set(invalid.errorFields) == ["sourceType", "currency", "thresholdMinor"])
            #expect(try await api.put("/api/approval/thresholds", [:]).errorFields.count == 3)
            #expect(try await api.request(.put, "/api/approval/thresholds", rawBody: "{\"thresholdMinor\": 1.5}").status == .badRequest)
            let reader = t.a(permissions: [BasePermission.approvalsRead])
            #expect(try await reader.get("/api/approval/thresholds").status == .ok)
            #expect(try await reader.put("/api/approval/thresholds", ["sourceType": "offer", "currency": "EUR", "thresholdMinor": 1]).status == .forbidden)
        }
    }
}

import Foundation
import KisumKernel
import KisumPersistence
import Logging
import PostgresNIO

/// The decisions on actual expenses: through Event Expense - Approval's approve/reject, and (`move`) inside the
/// approval queue's own decision, so either route moves the actual and its approval item in one transaction.
extension ExpenseApprovalRepository {
    // MARK: Decisions

    /// Approves or rejects through Event Expense - Approval: the actual and its approval item move together.
    /// Nil when the company has no such submission.
    func decide(companyID: UUID, id: UUID, userID: UUID, approve: Bool, note: String?) async throws -> ExpenseActual? {
        let logger = database.logger
        let decision: ApprovalDecision = approve ? .approve : .reject
        return try await Self.constraints.map {
            try await database.transaction { connection -> ExpenseActual? in
                let itemID = try await Self.lockPendingItem(connection, companyID: companyID, actualID: id, logger)
                switch try await Self.move(connection, companyID: companyID, actualID: id, userID: userID, decision, note: note, logger) {
                case .notFound: return nil
                case .notPending(let status): throw Self.invalidTransition(status, approve ? "approved" : "rejected")
                case .ownSubmission, .notSubmitter:
                    throw APIError.forbidden("self_approval_forbidden", "An expense is decided by someone other than who submitted or last edited it.")
                case .moved: break
                }
                if let itemID {
                    try await connection.query("""
                        UPDATE approval_items SET status = \(decision.itemStatus), decided_by = \(userID), decided_at = clock_timestamp(),
                            decision_note = \(note)
                        WHERE company_id = \(companyID) AND id = \(itemID)
                        """, logger: logger)
                }
                return try await Self.get(connection, companyID: companyID, id: id, logger)
            }
        }
    }

    enum MoveOutcome: Sendable, Equatable {
        case moved
        case notFound
        case notPending(String)
        /// Approve or reject by the submitter or the last editor.
        case ownSubmission
        /// Cancel (withdraw) by anyone but the submitter.
        case notSubmitter
    }

    /// The move of the actual itself, inside the caller's transaction (Event Expense - Approval's routes and the
    /// approval queue's `decide`): pending → approved or rejected by someone other than the submitter and the last
    /// editor; a cancel (the submitter withdrawing it) rejects it with no decider.
    static func move(_ connection: PostgresConnection, companyID: UUID, actualID: UUID, userID: UUID, _ decision: ApprovalDecision,
                     note: String?, _ logger: Logger) async throws -> MoveOutcome {
        guard let row = try await connection.query("""
            SELECT status, submitted_by, edited_by FROM event_expense_actuals WHERE company_id = \(companyID) AND id = \(actualID) FOR UPDATE
            """, logger: logger).first({ row -> (status: String, submitter: UUID, editor: UUID?) in
            let c = Columns(row)
            return (try c("status"), try c("submitted_by"), try c("edited_by"))
        }) else { return .notFound }
        guard row.status == "pending" else { return .notPending(row.status) }
        switch decision {
        case .approve, .reject:
            if row.submitter == userID || row.editor == userID { return .ownSubmission }
        case .cancel:
            if row.submitter != userID { return .notSubmitter }
        }
        let status = decision == .approve ? "approved" : "rejected"
        let decider: UUID? = decision == .cancel ? nil : userID
        let recorded = decision == .cancel ? (note ?? "Withdrawn by the submitter.") : note
        try await connection.query("""
            UPDATE event_expense_actuals SET status = \(status), decided_by = \(decider), decided_at = clock_timestamp(),
                decision_note = \(recorded), version = version + 1, updated_at = clock_timestamp()
            WHERE company_id = \(companyID) AND id = \(actualID)
            """, logger: logger)
        return .moved
    }

    /// The submission's pending approval item, locked (nil when it has none: approved on submission or decided).
    static func lockPendingItem(_ connection: PostgresConnection, companyID: UUID, actualID: UUID, _ logger: Logger) async throws -> UUID? {
        try await connection.query("""
            SELECT id FROM approval_items
            WHERE company_id = \(companyID) AND source_type = 'expense' AND source_id = \(actualID) AND status = 'pending'
            FOR UPDATE
            """, logger: logger).first { try $0.decode(UUID.self) }
    }

    static func invalidTransition(_ status: String, _ verb: String) -> APIError {
        APIError.conflict("invalid_transition", "Only a pending submission can be \(verb); this one is \(status).",
                          info: ["status": .string(status)])
    }
}

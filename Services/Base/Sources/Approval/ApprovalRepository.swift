import Foundation
import KisumKernel
import KisumPersistence
import Logging
import PostgresNIO

/// The approval queue and thresholds (migration 0009). A decision and the move of its source object commit
/// together: the item is locked, checked, the source moved (an offer: status, version, revision), then decided.
struct ApprovalRepository: Sendable {
    let database: Database

    static let columns = """
        i.id, i.source_type, i.source_id, i.status, i.title, i.amount_minor, i.currency::text AS currency, i.requested_by,
        i.requested_at, i.decided_by, i.decided_at, i.decision_note
        """

    static func decode(_ row: PostgresRow) throws -> ApprovalItem {
        let c = Columns(row)
        return ApprovalItem(
            id: try c("id"), sourceType: try c("source_type"), sourceId: try c("source_id"), status: try c("status"), title: try c("title"),
            amountMinor: try c("amount_minor"), currency: try c("currency"), requestedBy: try c("requested_by"),
            requestedAt: try c("requested_at"), decidedBy: try c("decided_by"), decidedAt: try c("decided_at"),
            decisionNote: try c("decision_note"))
    }

    // MARK: Reads

    /// Newest request first; filters combine with AND.
    func list(companyID: UUID, _ f: ApprovalFilter, oldestFirst: Bool, page: PageRequest) async throws -> (items: [ApprovalItem], total: Int) {
        func query(_ select: String, _ suffix: String) -> PostgresQuery {
            """
            SELECT \(unescaped: select) FROM approval_items i
            WHERE i.company_id = \(companyID)
              AND (\(f.status)::text IS NULL OR i.status = \(f.status))
              AND (\(f.sourceType)::text IS NULL OR i.source_type = \(f.sourceType))
              AND (\(f.requestedBy)::uuid IS NULL OR i.requested_by = \(f.requestedBy))
              AND (\(f.sourceID)::uuid IS NULL OR i.source_id = \(f.sourceID))
            \(unescaped: suffix)
            """
        }
        let order = oldestFirst ? "ORDER BY i.requested_at, i.id" : "ORDER BY i.requested_at DESC, i.id"
        return try await database.page(query, columns: Self.columns, orderBy: order, page: page, decode: Self.decode)
    }

    func get(companyID: UUID, id: UUID) async throws -> ApprovalItem? {
        try await database.query("SELECT \(unescaped: Self.columns) FROM approval_items i WHERE i.company_id = \(companyID) AND i.id = \(id)")
            .first(Self.decode)
    }

    // MARK: Decisions

    /// Decides a pending item as `userID`. Nil when the company has no such item. 409 `already_decided` when it is
    /// not pending; 403 `self_approval` when the requester approves or rejects; 403 `not_requester` when anyone
    /// else cancels; for an offer, 409 `source_not_pending` when the offer is no longer pending_approval (or gone).
    func decide(companyID: UUID, id: UUID, userID: UUID, _ decision: ApprovalDecision, note: String?) async throws -> ApprovalItem? {
        let logger = database.logger
        return try await database.transaction { connection -> ApprovalItem? in
            guard let item = try await connection.query("""
                SELECT \(unescaped: Self.columns) FROM approval_items i WHERE i.company_id = \(companyID) AND i.id = \(id) FOR UPDATE
                """, logger: logger).first(Self.decode) else { return nil }
            guard item.status == "pending" else {
                throw APIError.conflict("already_decided", "This approval item is already \(item.status).", info: ["status": .string(item.status)])
            }
            switch decision {
            case .approve, .reject:
                if item.requestedBy == userID {
                    throw APIError.forbidden("self_approval", "An approval is decided by someone other than its requester.")
                }
            case .cancel:
                if item.requestedBy != userID {
                    throw APIError.forbidden("not_requester", "Only the requester can cancel an approval request; reject it instead.")
                }
            }
            switch item.sourceType {
            case "offer": try await Self.moveOffer(connection, companyID: companyID, offerID: item.sourceId, userID: userID, decision, logger)
            case "settlement": try await SettlementsRepository.decide(connection, companyID: companyID, eventID: item.sourceId,
                                                                         approved: decision == .approve, logger)
            case "expense": try await Self.moveExpense(connection, companyID: companyID, actualID: item.sourceId, userID: userID, decision,
                                                       note: note, logger)
            default: break
            }
            return try await connection.query("""
                UPDATE approval_items i SET status = \(decision.itemStatus), decided_by = \(userID), decided_at = clock_timestamp(),
                    decision_note = \(note)
                WHERE i.company_id = \(companyID) AND i.id = \(id)
                RETURNING \(unescaped: Self.columns)
                """, logger: logger).first(Self.decode)
        }
    }

    /// The actual expense moves with its item, by Event Expense - Approval's rules (`ExpenseApprovalRepository.move`):
    /// a rejection needs its reason (the note), neither the submitter nor the last editor decides it, and an actual
    /// no longer pending is 409 `source_not_pending`.
    private static func moveExpense(_ connection: PostgresConnection, companyID: UUID, actualID: UUID, userID: UUID,
                                    _ decision: ApprovalDecision, note: String?, _ logger: Logger) async throws {
        if decision == .reject, (note ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw APIError.validation(field: "note", code: "required", message: "Rejecting an expense needs its reason.")
        }
        switch try await ExpenseApprovalRepository.move(connection, companyID: companyID, actualID: actualID, userID: userID, decision,
                                                        note: note, logger) {
        case .moved: return
        case .ownSubmission: throw APIError.forbidden("self_approval", "An expense is decided by someone other than who submitted or last edited it.")
        case .notSubmitter: throw APIError.forbidden("not_requester", "Only the submitter can withdraw an expense; reject it instead.")
        case .notFound, .notPending:
            throw APIError.conflict("source_not_pending", "The expense is no longer pending approval.", info: ["actualId": .uuid(actualID)])
        }
    }

    /// pending_approval → sent (approve, sent_at now) or draft (reject, cancel); bumps the version and writes the
    /// revision with the change and the offer as it now stands.
    private static func moveOffer(_ connection: PostgresConnection, companyID: UUID, offerID: UUID, userID: UUID,
                                  _ decision: ApprovalDecision, _ logger: Logger) async throws {
        let status = try await connection.query("""
            SELECT status FROM offers WHERE company_id = \(companyID) AND id = \(offerID) FOR UPDATE
            """, logger: logger).first { try $0.decode(String.self) }
        guard let status, status == "pending_approval" else {
            var info: [String: JSONValue] = ["offerId": .uuid(offerID)]
            if let status { info["offerStatus"] = .string(status) }
            throw APIError.conflict("source_not_pending", "The offer is no longer pending approval.", info: info)
        }
        let target = try decision.offerStatus
        let changes = "{\"status\":{\"from\":\"pending_approval\",\"to\":\"\(target)\"}}"
        try await connection.query("""
            WITH o AS (
                UPDATE offers SET status = \(target), sent_at = CASE WHEN \(target)::text = 'sent' THEN clock_timestamp() ELSE sent_at END,
                    version = version + 1, updated_at = clock_timestamp()
                WHERE company_id = \(companyID) AND id = \(offerID)
                RETURNING *)
            INSERT INTO offer_revisions (company_id, offer_id, version, action, changed_by, changes, snapshot)
            SELECT o.company_id, o.id, o.version, \(decision.revisionAction), \(userID), \(changes)::jsonb, to_jsonb(o) FROM o
            """, logger: logger)
    }

    // MARK: Thresholds

    static func decodeThreshold(_ row: PostgresRow) throws -> ApprovalThreshold {
        let c = Columns(row)
        return ApprovalThreshold(sourceType: try c("source_type"), currency: try c("currency"), thresholdMinor: try c("threshold_minor"),
                                 updatedBy: try c("updated_by"), updatedAt: try c("updated_at"))
    }

    func thresholds(companyID: UUID) async throws -> [ApprovalThreshold] {
        try await database.query("""
            SELECT source_type, currency::text AS currency, threshold_minor, updated_by, updated_at FROM approval_thresholds
            WHERE company_id = \(companyID) ORDER BY source_type, currency
            """).collect(Self.decodeThreshold)
    }

    func setThreshold(companyID: UUID, userID: UUID, _ body: ApprovalThresholdInput) async throws -> ApprovalThreshold? {
        try await database.query("""
            INSERT INTO approval_thresholds (company_id, source_type, currency, threshold_minor, updated_by)
            VALUES (\(companyID), \(body.sourceType), \(body.currency), \(body.thresholdMinor), \(userID))
            ON CONFLICT (company_id, source_type, currency) DO UPDATE
                SET threshold_minor = EXCLUDED.threshold_minor, updated_by = EXCLUDED.updated_by, updated_at = clock_timestamp()
            RETURNING source_type, currency::text AS currency, threshold_minor, updated_by, updated_at
            """).first(Self.decodeThreshold)
    }
}

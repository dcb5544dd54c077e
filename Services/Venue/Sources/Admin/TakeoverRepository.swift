import Foundation
import KisumKernel
import KisumPersistence
import Logging
import PostgresNIO

/// The sleeping-venue takeover workflow: claims (approvals), their audit trail, and activation,
/// which moves the venue to the claiming company and records what was carried over — all in one
/// transaction each, with the venue row locked so concurrent Admin actions serialise.
struct TakeoverRepository: Sendable {
    let database: Database
    let holdingCompanyID: UUID

    static let approvalColumns = """
        a.id, v.venue_id AS venue_number, a.company_id, a.claiming_company_id, a.status, a.requested_by, a.decided_by, a.notes,
        a.decision_reason, a.decided_at, a.completed_at, a.created_at, a.updated_at
        """

    static let constraints = ConstraintMessages([
        "takeover_approvals_one_open": .conflict("takeover_already_open", "This venue already has an open takeover claim."),
    ])

    static func decodeApproval(_ row: PostgresRow) throws -> TakeoverApproval {
        let c = Columns(row)
        return TakeoverApproval(
            id: try c("id"), venueId: try c("venue_number"), companyId: try c("company_id"), claimingCompanyId: try c("claiming_company_id"),
            status: try c("status"), requestedBy: try c("requested_by"), decidedBy: try c("decided_by"), notes: try c("notes"),
            decisionReason: try c("decision_reason"), decidedAt: try c("decided_at"), completedAt: try c("completed_at"),
            createdAt: try c("created_at"), updatedAt: try c("updated_at"))
    }

    static func decodeAudit(_ row: PostgresRow) throws -> TakeoverAuditEntry {
        let c = Columns(row)
        return TakeoverAuditEntry(
            id: try c("id"), venueId: try c("venue_number"), companyId: try c("company_id"), approvalId: try c("approval_id"),
            action: try c("action"), fromStatus: try c("from_status"), toStatus: try c("to_status"), actor: try c("actor"),
            details: try c.json("details"), createdAt: try c("created_at"))
    }

    static func decodeReconciliation(_ row: PostgresRow) throws -> ReconciliationSummary {
        let c = Columns(row)
        let warnings = try c.json("warnings").arrayValue?.compactMap(\.stringValue) ?? []
        return ReconciliationSummary(
            id: try c("id"), venueId: try c("venue_number"), approvalId: try c("approval_id"), fromCompanyId: try c("from_company_id"),
            toCompanyId: try c("company_id"), records: try c.json("records"), legacy: try c.json("legacy"), warnings: warnings,
            createdAt: try c("created_at"))
    }

    /// The venue a numeric id names, locked for the rest of the transaction.
    struct LockedVenue {
        var id: UUID
        var companyID: UUID
        var status: String
        var claimable: Bool
    }

    static func lockVenue(_ number: Int, on connection: PostgresConnection, logger: Logger) async throws -> LockedVenue? {
        try await connection.query("""
            SELECT id, company_id, status, claimable FROM venues WHERE venue_id = \(number) AND deleted_at IS NULL FOR UPDATE
            """, logger: logger).first { row in
            let (id, company, status, claimable) = try row.decode((UUID, UUID, String, Bool).self)
            return LockedVenue(id: id, companyID: company, status: status, claimable: claimable)
        }
    }

    private func requireClaimable(_ venue: LockedVenue) throws {
        guard venue.companyID == holdingCompanyID, venue.status == "sleeping", venue.claimable else {
            throw APIError.conflict("venue_not_claimable", "Only claimable sleeping venues of the Kisum holding company can be taken over.",
                                    info: ["status": .string(venue.status), "claimable": .bool(venue.claimable)])
        }
    }

    static func audit(
        _ connection: PostgresConnection, logger: Logger, companyID: UUID, venueID: UUID, approvalID: UUID?, action: String,
        from: String?, to: String?, actor: String?, details: JSONValue = [:]
    ) async throws {
        let json = try SQLText.json(details) ?? "{}"
        try await connection.query("""
            INSERT INTO takeover_audit (company_id, venue_id, approval_id, action, from_status, to_status, actor, details)
            VALUES (\(companyID), \(venueID), \(approvalID), \(action), \(from), \(to), \(actor), \(json)::jsonb)
            """, logger: logger)
    }

    // MARK: Claims

    /// A new claim on a sleeping venue; nil when the venue does not exist.
    func requestApproval(venueNumber: Int, _ body: TakeoverApprovalRequest) async throws -> TakeoverApproval? {
        let logger = database.logger
        return try await Self.constraints.map {
            try await database.transaction { connection in
                guard let venue = try await Self.lockVenue(venueNumber, on: connection, logger: logger) else { return nil }
                try requireClaimable(venue)
                if let (openID, openStatus) = try await connection.query("""
                    SELECT id, status FROM takeover_approvals WHERE venue_id = \(venue.id) AND status IN ('pending', 'approved')
                    """, logger: logger).first({ try $0.decode((UUID, String).self) }) {
                    throw APIError.conflict("takeover_already_open", "This venue already has an open takeover claim.",
                                            info: ["approvalId": .uuid(openID), "status": .string(openStatus)])
                }
                let status = body.status ?? "pending"
                let approved = status == "approved"
                let approval = try await connection.query("""
                    WITH a AS (
                        INSERT INTO takeover_approvals (company_id, venue_id, claiming_company_id, status, requested_by, decided_by,
                                                        notes, decided_at)
                        VALUES (\(venue.companyID), \(venue.id), \(body.claimingCompanyId), \(status), \(body.requestedBy),
                                \(approved ? body.decidedBy : nil), \(body.notes), CASE WHEN \(approved) THEN now() END)
                        RETURNING *)
                    SELECT \(unescaped: Self.approvalColumns) FROM a JOIN venues v ON v.id = a.venue_id
                    """, logger: logger).first(Self.decodeApproval)!
                let details: JSONValue = ["claimingCompanyId": .uuid(approval.claimingCompanyId)]
                try await Self.audit(connection, logger: logger, companyID: venue.companyID, venueID: venue.id, approvalID: approval.id,
                                     action: "approval_requested", from: nil, to: "pending", actor: body.requestedBy, details: details)
                if approved {
                    try await Self.audit(connection, logger: logger, companyID: venue.companyID, venueID: venue.id, approvalID: approval.id,
                                         action: "approval_approved", from: "pending", to: "approved", actor: body.decidedBy, details: details)
                }
                return approval
            }
        }
    }

    /// A decision on an existing claim, through the claim's transition table. Nil when the venue
    /// does not exist; 404 when the claim is not one of this venue's.
    func decide(venueNumber: Int, _ body: TakeoverApprovalRequest) async throws -> TakeoverApproval? {
        let logger = database.logger
        guard let approvalID = body.approvalId, let target = body.status else { return nil }
        return try await database.transaction { connection in
            guard let venue = try await Self.lockVenue(venueNumber, on: connection, logger: logger) else { return nil }
            guard let current = try await connection.query("""
                SELECT status FROM takeover_approvals WHERE id = \(approvalID) AND venue_id = \(venue.id) FOR UPDATE
                """, logger: logger).first({ try $0.decode(String.self) }) else { throw APIError.notFound("takeover approval") }
            let allowed = TakeoverStatus.transitions[current] ?? []
            guard allowed.contains(target) else {
                throw APIError.conflict("invalid_transition", "A \(current) takeover claim cannot become \(target).",
                                        info: ["from": .string(current), "to": .string(target), "allowed": .array(allowed.map(JSONValue.string))])
            }
            if target == "approved" { try requireClaimable(venue) }
            let approval = try await connection.query("""
                WITH a AS (
                    UPDATE takeover_approvals SET status = \(target), decided_by = COALESCE(\(body.decidedBy), decided_by),
                        decision_reason = COALESCE(\(body.reason), decision_reason), notes = COALESCE(\(body.notes), notes),
                        decided_at = now(), updated_at = now()
                    WHERE id = \(approvalID)
                    RETURNING *)
                SELECT \(unescaped: Self.approvalColumns) FROM a JOIN venues v ON v.id = a.venue_id
                """, logger: logger).first(Self.decodeApproval)!
            try await Self.audit(connection, logger: logger, companyID: venue.companyID, venueID: venue.id, approvalID: approvalID,
                                 action: "approval_\(target)", from: current, to: target, actor: body.decidedBy,
                                 details: body.reason.map { ["reason": .string($0)] } ?? [:])
            return approval
        }
    }

    // MARK: Reads

    /// The uuid of a live venue by number.
    func venueID(number: Int) async throws -> UUID? {
        try await database.query("SELECT id FROM venues WHERE venue_id = \(number) AND deleted_at IS NULL")
            .first { try $0.decode(UUID.self) }
    }

    func approvals(venueID: UUID, status: String?, page: PageRequest) async throws -> (items: [TakeoverApproval], total: Int) {
        func query(_ select: String, _ suffix: String) -> PostgresQuery {
            """
            SELECT \(unescaped: select) FROM takeover_approvals a JOIN venues v ON v.id = a.venue_id
            WHERE a.venue_id = \(venueID) AND (\(status)::text IS NULL OR a.status = \(status))
            \(unescaped: suffix)
            """
        }
        return try await database.page(query, columns: Self.approvalColumns, orderBy: "ORDER BY a.created_at DESC, a.id", page: page,
                                                      decode: Self.decodeApproval)
    }

    func audit(venueID: UUID, page: PageRequest) async throws -> (items: [TakeoverAuditEntry], total: Int) {
        let total = try await database.query("SELECT count(*) FROM takeover_audit WHERE venue_id = \(venueID)").count()
        let items = try await database.query("""
            SELECT t.id, v.venue_id AS venue_number, t.company_id, t.approval_id, t.action, t.from_status, t.to_status, t.actor,
                   t.details::text AS details, t.created_at
            FROM takeover_audit t JOIN venues v ON v.id = t.venue_id
            WHERE t.venue_id = \(venueID)
            ORDER BY t.created_at, t.id \(unescaped: SQLText.page(page))
            """).collect(Self.decodeAudit)
        return (items, total)
    }

    func latestReconciliation(venueID: UUID) async throws -> ReconciliationSummary? {
        try await database.query("""
            SELECT r.id, v.venue_id AS venue_number, r.approval_id, r.from_company_id, r.company_id, r.records::text AS records,
                   r.legacy::text AS legacy, r.warnings::text AS warnings, r.created_at
            FROM reconciliation_summaries r JOIN venues v ON v.id = r.venue_id
            WHERE r.venue_id = \(venueID)
            ORDER BY r.created_at DESC, r.id
            LIMIT 1
            """).first(Self.decodeReconciliation)
    }
}

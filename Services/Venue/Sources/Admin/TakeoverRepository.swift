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

    private static func lockVenue(_ number: Int, on connection: PostgresConnection, logger: Logger) async throws -> LockedVenue? {
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

    private static func audit(
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

    // MARK: Activation

    /// Moves an approved sleeping venue to the claiming company: venue, spaces and blocks change
    /// owner (the composite foreign keys cascade the company), the claim completes, an audit entry
    /// and a reconciliation summary are written — one transaction. Nil when the venue does not exist.
    func activate(venueNumber: Int, _ body: ActivateRequest) async throws -> (venueID: UUID, approval: TakeoverApproval, summary: ReconciliationSummary)? {
        let logger = database.logger
        let holding = holdingCompanyID
        return try await database.transaction { connection in
            guard let venue = try await Self.lockVenue(venueNumber, on: connection, logger: logger) else { return nil }
            guard venue.status == "sleeping", venue.companyID == holding else {
                throw APIError.conflict("venue_not_sleeping", "Only sleeping venues of the Kisum holding company can be activated.",
                                        info: ["status": .string(venue.status)])
            }
            guard let (approvalID, claimingCompany) = try await connection.query("""
                SELECT id, claiming_company_id FROM takeover_approvals
                WHERE venue_id = \(venue.id) AND status = 'approved' AND (\(body.approvalId)::uuid IS NULL OR id = \(body.approvalId))
                FOR UPDATE
                """, logger: logger).first({ try $0.decode((UUID, UUID).self) }) else {
                throw APIError.conflict("takeover_not_approved", "Activation needs an approved takeover claim for this venue.")
            }

            // Holding-company activity on the venue's spaces would be left behind in the wrong company.
            let (bookings, checklists, events) = try await connection.query("""
                SELECT
                  (SELECT count(*) FROM booking_spaces bs JOIN spaces s ON s.company_id = bs.company_id AND s.id = bs.space_id
                   WHERE s.company_id = \(holding) AND s.venue_id = \(venue.id)),
                  (SELECT count(*) FROM checklists c JOIN spaces s ON s.company_id = c.company_id AND s.id = c.space_id
                   WHERE s.company_id = \(holding) AND s.venue_id = \(venue.id)),
                  (SELECT count(*) FROM venue_events e WHERE e.company_id = \(holding)
                   AND e.space_ids && ARRAY(SELECT id FROM spaces WHERE company_id = \(holding) AND venue_id = \(venue.id)))
                """, logger: logger).first({ try $0.decode((Int, Int, Int).self) })!
            if bookings + checklists + events > 0 {
                throw APIError.conflict("venue_has_activity", "The sleeping venue has bookings, checklists or events under the holding company.",
                                        info: ["bookings": .number(Double(bookings)), "checklists": .number(Double(checklists)),
                                               "events": .number(Double(events))])
            }

            let records = try await Self.countRecords(venueID: venue.id, companyID: holding, on: connection, logger: logger)
            let (legacy, warnings) = try await Self.legacyAndWarnings(venueID: venue.id, liveSpaces: records.liveSpaces,
                                                                       on: connection, logger: logger)

            try await connection.query("""
                UPDATE venues SET company_id = \(claimingCompany), status = 'active', claimable = false, updated_at = now()
                WHERE id = \(venue.id)
                """, logger: logger)
            try await connection.query("""
                UPDATE venue_import_records SET company_id = \(claimingCompany) WHERE venue_id = \(venue.id)
                """, logger: logger)
            let approval = try await connection.query("""
                WITH a AS (
                    UPDATE takeover_approvals SET status = 'completed', completed_at = now(), updated_at = now()
                    WHERE id = \(approvalID) RETURNING *)
                SELECT \(unescaped: Self.approvalColumns) FROM a JOIN venues v ON v.id = a.venue_id
                """, logger: logger).first(Self.decodeApproval)!
            try await Self.audit(connection, logger: logger, companyID: claimingCompany, venueID: venue.id, approvalID: approvalID,
                                 action: "venue_activated", from: "sleeping", to: "active", actor: body.activatedBy,
                                 details: ["fromCompanyId": .uuid(holding), "toCompanyId": .uuid(claimingCompany),
                                           "records": records.json])
            let recordsJSON = try SQLText.json(records.json) ?? "{}"
            let legacyJSON = try SQLText.json(legacy) ?? "{}"
            let warningsJSON = try SQLText.json(.array(warnings.map(JSONValue.string))) ?? "[]"
            let summary = try await connection.query("""
                WITH r AS (
                    INSERT INTO reconciliation_summaries (company_id, venue_id, approval_id, from_company_id, records, legacy, warnings)
                    VALUES (\(claimingCompany), \(venue.id), \(approvalID), \(holding), \(recordsJSON)::jsonb, \(legacyJSON)::jsonb,
                            \(warningsJSON)::jsonb)
                    RETURNING *)
                SELECT r.id, v.venue_id AS venue_number, r.approval_id, r.from_company_id, r.company_id, r.records::text AS records,
                       r.legacy::text AS legacy, r.warnings::text AS warnings, r.created_at
                FROM r JOIN venues v ON v.id = r.venue_id
                """, logger: logger).first(Self.decodeReconciliation)!
            return (venue.id, approval, summary)
        }
    }

    struct RecordCounts {
        var liveSpaces: Int
        var archivedSpaces: Int
        var blocks: Int
        var legacyDocuments: Int

        var json: JSONValue {
            ["venues": 1, "spaces": .number(Double(liveSpaces)), "archivedSpaces": .number(Double(archivedSpaces)),
             "availabilityBlocks": .number(Double(blocks)), "legacyDocuments": .number(Double(legacyDocuments))]
        }
    }

    private static func countRecords(venueID: UUID, companyID: UUID, on connection: PostgresConnection, logger: Logger) async throws -> RecordCounts {
        let (live, archived, blocks, documents) = try await connection.query("""
            SELECT
              (SELECT count(*) FROM spaces WHERE company_id = \(companyID) AND venue_id = \(venueID) AND deleted_at IS NULL),
              (SELECT count(*) FROM spaces WHERE company_id = \(companyID) AND venue_id = \(venueID) AND deleted_at IS NOT NULL),
              (SELECT count(*) FROM availability_blocks b JOIN spaces s ON s.company_id = b.company_id AND s.id = b.space_id
               WHERE s.company_id = \(companyID) AND s.venue_id = \(venueID)),
              (SELECT count(*) FROM venue_import_records WHERE venue_id = \(venueID))
            """, logger: logger).first({ try $0.decode((Int, Int, Int, Int).self) })!
        return RecordCounts(liveSpaces: live, archivedSpaces: archived, blocks: blocks, legacyDocuments: documents)
    }

    /// The legacy identity carried over, and the gaps the new owner should fill.
    private static func legacyAndWarnings(venueID: UUID, liveSpaces: Int, on connection: PostgresConnection, logger: Logger)
        async throws -> (JSONValue, [String])
    {
        let row = try await connection.query("""
            SELECT v.venue_id, v.source_mongo_object_id, v.unique_id, v.venue_type_id, t.source_mongo_object_id AS type_source,
                   v.city, v.country, v.country_id, v.city_id, v.contact_email, v.contact_phone
            FROM venues v LEFT JOIN venue_type t ON t.venue_type_id = v.venue_type_id WHERE v.id = \(venueID)
            """, logger: logger).first { row -> (JSONValue, [String]) in
            let c = Columns(row)
            var legacy: [String: JSONValue] = ["venueId": .number(Double(try c("venue_id", as: Int.self)))]
            if let source = try c("source_mongo_object_id", as: String?.self) { legacy["sourceMongoObjectId"] = .string(source) }
            if let unique = try c("unique_id", as: String?.self) { legacy["uniqueId"] = .string(unique) }
            if let type = try c("venue_type_id", as: Int?.self) { legacy["venueTypeId"] = .number(Double(type)) }
            if let typeSource = try c("type_source", as: String?.self) { legacy["venueTypeSourceId"] = .string(typeSource) }
            var warnings: [String] = []
            if try c("city", as: String?.self) == nil { warnings.append("city is not set") }
            if try c("country", as: String?.self) == nil { warnings.append("country is not set") }
            if try c("country_id", as: UUID?.self) == nil { warnings.append("country_id is not linked to a canonical Market country") }
            if try c("city_id", as: UUID?.self) == nil { warnings.append("city_id is not linked to a canonical Market city") }
            if try c("venue_type_id", as: Int?.self) == nil { warnings.append("venue type is not set") }
            if try c("contact_email", as: String?.self) == nil, try c("contact_phone", as: String?.self) == nil {
                warnings.append("no contact e-mail or phone")
            }
            if liveSpaces == 0 { warnings.append("no spaces: add at least one before taking bookings") }
            return (.object(legacy), warnings)
        }
        return row ?? ([:], [])
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
        let total = try await database.query(query("count(*)", "")).count()
        let items = try await database.query(query(Self.approvalColumns, "ORDER BY a.created_at DESC, a.id \(SQLText.page(page))"))
            .collect(Self.decodeApproval)
        return (items, total)
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

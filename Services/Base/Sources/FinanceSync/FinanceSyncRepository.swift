import Foundation
import KisumKernel
import KisumPersistence
import PostgresNIO

/// The sync state of lines pushed to Finance and the outbox messages that carry them.
struct FinanceSyncRepository: Sendable {
    let database: Database

    /// What a line says, hashed: a changed line is queued again, an unchanged one never is. jsonb arrays keep the
    /// fields apart unambiguously.
    static let incomeHash = """
        encode(sha256(convert_to(jsonb_build_array(i.category, i.description, i.payer_name, i.payer_email, i.amount_minor, i.currency,
            i.expected_date, i.notes)::text, 'UTF8')), 'hex')
        """
    static let expenseHash = """
        encode(sha256(convert_to(jsonb_build_array(a.category, a.description, a.vendor_name, a.amount_minor, a.currency, a.incurred_on,
            a.notes)::text, 'UTF8')), 'hex')
        """

    /// One line queued per row returned.
    struct Queued: Sendable {
        var kind: FinanceLineKind
        var lineId: UUID
        var generation: Int
    }

    /// In one transaction: every income line of the event and every approved actual expense whose content Finance does
    /// not have yet (never synced, changed since, or failed) gets its sync row queued under a new generation and one
    /// outbox message keyed by (kind, line, generation). Lines already queued or delivered unchanged are left alone, so
    /// a second sync enqueues nothing. Nil when the company has no such event.
    func enqueue(companyID: UUID, eventID: UUID) async throws -> [Queued]? {
        let logger = database.logger
        defer { database.outboxDoorbell.ring() }
        return try await database.transaction { connection -> [Queued]? in
            // The event's row lock orders concurrent syncs of one event (the second sees the first's rows).
            guard try await connection.query("""
                SELECT 1 FROM events WHERE company_id = \(companyID) AND id = \(eventID) FOR UPDATE
                """, logger: logger).first({ _ in true }) != nil else { return nil }
            return try await connection.query("""
                WITH current AS (
                    SELECT 'income'::text AS line_kind, i.id AS line_id, \(unescaped: Self.incomeHash) AS hash
                    FROM event_income i WHERE i.company_id = \(companyID) AND i.event_id = \(eventID)
                    UNION ALL
                    SELECT 'expense', a.id, \(unescaped: Self.expenseHash)
                    FROM event_expense_actuals a WHERE a.company_id = \(companyID) AND a.event_id = \(eventID) AND a.status = 'approved'
                ), upserted AS (
                    INSERT INTO finance_sync_lines AS s (company_id, line_kind, line_id, event_id, status, generation, queued_hash)
                    SELECT \(companyID), c.line_kind, c.line_id, \(eventID), 'queued', 1, c.hash FROM current c
                    ON CONFLICT (company_id, line_kind, line_id) DO UPDATE SET
                        status = 'queued', generation = s.generation + 1, queued_hash = EXCLUDED.queued_hash, attempts = 0,
                        last_error = NULL, last_error_at = NULL, queued_at = clock_timestamp()
                    WHERE s.status = 'failed'
                       OR (s.status = 'delivered' AND s.delivered_hash IS DISTINCT FROM EXCLUDED.queued_hash)
                       OR (s.status = 'queued' AND s.queued_hash <> EXCLUDED.queued_hash)
                    RETURNING s.line_kind, s.line_id, s.generation
                ), messages AS (
                    INSERT INTO outbox (company_id, topic, payload, idempotency_key)
                    SELECT \(companyID), \(FinanceSyncMessage.topic),
                           jsonb_build_object('kind', u.line_kind, 'lineId', u.line_id, 'generation', u.generation),
                           'finance:' || u.line_kind || ':' || u.line_id || ':' || u.generation
                    FROM upserted u
                    ON CONFLICT (idempotency_key) DO NOTHING
                )
                SELECT line_kind, line_id, generation FROM upserted ORDER BY line_kind DESC, line_id
                """, logger: logger).collect { row in
                let (kind, id, generation) = try row.decode((String, UUID, Int).self)
                return Queued(kind: FinanceLineKind(rawValue: kind) ?? .income, lineId: id, generation: generation)
            }
        }
    }

    /// The event's lines in sync (income first), whatever their state.
    func states(companyID: UUID, eventID: UUID) async throws -> [FinanceLineState] {
        try await database.query("""
            SELECT s.line_kind, s.line_id, s.status, s.generation, s.finance_document_id, s.last_error, s.queued_at, s.delivered_at
            FROM finance_sync_lines s WHERE s.company_id = \(companyID) AND s.event_id = \(eventID)
            ORDER BY s.line_kind DESC, s.queued_at, s.line_id
            """).collect(FinanceLineState.decode)
    }

    /// The line as it stands now, with its sync row and the connection's options; nil when it no longer exists.
    func line(companyID: UUID, kind: FinanceLineKind, id: UUID) async throws -> FinanceSyncLine? {
        let query: PostgresQuery = switch kind {
        case .income: """
            SELECT i.id, i.event_id, e.name AS event_name, i.category, i.description, i.payer_name AS party_name,
                   i.payer_email AS party_email, i.amount_minor, i.currency, to_char(i.expected_date, 'YYYY-MM-DD') AS day, i.notes,
                   true AS eligible, \(unescaped: Self.incomeHash) AS hash, s.status, s.generation, s.delivered_hash,
                   COALESCE(s.finance_document_id, i.finance_invoice_id) AS finance_document_id,
                   c.company_id IS NOT NULL AS connected, COALESCE(c.issue_invoices, false) AS issue, c.income_account_id AS account_id
            FROM event_income i
            JOIN events e ON e.company_id = i.company_id AND e.id = i.event_id
            LEFT JOIN finance_sync_lines s ON s.company_id = i.company_id AND s.line_kind = 'income' AND s.line_id = i.id
            LEFT JOIN finance_connections c ON c.company_id = i.company_id
            WHERE i.company_id = \(companyID) AND i.id = \(id)
            """
        case .expense: """
            SELECT a.id, a.event_id, e.name AS event_name, a.category, a.description, a.vendor_name AS party_name,
                   NULL::text AS party_email, a.amount_minor, a.currency, to_char(a.incurred_on, 'YYYY-MM-DD') AS day, a.notes,
                   a.status = 'approved' AS eligible, \(unescaped: Self.expenseHash) AS hash, s.status, s.generation, s.delivered_hash,
                   s.finance_document_id, c.company_id IS NOT NULL AS connected, COALESCE(c.issue_bills, false) AS issue,
                   c.expense_account_id AS account_id
            FROM event_expense_actuals a
            JOIN events e ON e.company_id = a.company_id AND e.id = a.event_id
            LEFT JOIN finance_sync_lines s ON s.company_id = a.company_id AND s.line_kind = 'expense' AND s.line_id = a.id
            LEFT JOIN finance_connections c ON c.company_id = a.company_id
            WHERE a.company_id = \(companyID) AND a.id = \(id)
            """
        }
        return try await database.query(query).first { row in
            let c = Columns(row)
            return FinanceSyncLine(
                kind: kind, id: try c("id"), eventId: try c("event_id"), eventName: try c("event_name"), category: try c("category"),
                description: try c("description"), partyName: try c("party_name"), partyEmail: try c("party_email"),
                amountMinor: try c("amount_minor"), currency: try c("currency"), day: try c("day"), notes: try c("notes"),
                eligible: try c("eligible"), hash: try c("hash"), status: try c("status"), generation: try c("generation", as: Int?.self) ?? 0,
                deliveredHash: try c("delivered_hash"), financeDocumentId: try c("finance_document_id"), connected: try c("connected"),
                issue: try c("issue"), accountId: try c("account_id"))
        }
    }

    /// Finance holds the line as `hash` in `document`. A newer generation queued meanwhile keeps the row queued (its own
    /// message is on its way); an income line also records its invoice on `event_income`.
    func recordDelivered(companyID: UUID, line: FinanceSyncLine, generation: Int, document: UUID) async throws {
        let logger = database.logger
        try await database.transaction { connection in
            try await connection.query("""
                INSERT INTO finance_sync_lines AS s (company_id, line_kind, line_id, event_id, status, generation, queued_hash, delivered_hash,
                                                     finance_document_id, attempts, delivered_at)
                VALUES (\(companyID), \(line.kind.rawValue), \(line.id), \(line.eventId), 'delivered', 1, \(line.hash), \(line.hash),
                        \(document), 1, clock_timestamp())
                ON CONFLICT (company_id, line_kind, line_id) DO UPDATE SET
                    status = CASE WHEN s.generation > \(generation) THEN s.status ELSE 'delivered' END,
                    delivered_hash = EXCLUDED.delivered_hash, finance_document_id = EXCLUDED.finance_document_id,
                    attempts = s.attempts + 1, last_error = NULL, last_error_at = NULL, delivered_at = EXCLUDED.delivered_at
                """, logger: logger)
            if line.kind == .income {
                try await connection.query("""
                    UPDATE event_income SET finance_invoice_id = \(document)
                    WHERE company_id = \(companyID) AND id = \(line.id) AND finance_invoice_id IS DISTINCT FROM \(document)
                    """, logger: logger)
            }
        }
    }

    /// A line that no longer exists (or is no longer an approved cost) leaves the sync unless Finance already holds it.
    func forget(companyID: UUID, kind: FinanceLineKind, id: UUID) async throws {
        try await database.query("""
            DELETE FROM finance_sync_lines
            WHERE company_id = \(companyID) AND line_kind = \(kind.rawValue) AND line_id = \(id) AND status <> 'delivered'
            """)
    }

    /// A failed attempt: `permanent` when Finance refused the line itself (it shows `failed` until it changes or is
    /// synced again), otherwise the relay retries and the line stays queued with the reason as its last error.
    func recordProblem(companyID: UUID, kind: FinanceLineKind, id: UUID, generation: Int, reason: String, permanent: Bool,
                       document: UUID? = nil) async throws {
        try await database.query("""
            UPDATE finance_sync_lines SET
                status = CASE WHEN \(permanent) AND generation <= \(generation) THEN 'failed' ELSE status END,
                finance_document_id = COALESCE(finance_document_id, \(document)),
                attempts = attempts + 1, last_error = \(String(reason.prefix(500))), last_error_at = clock_timestamp()
            WHERE company_id = \(companyID) AND line_kind = \(kind.rawValue) AND line_id = \(id)
            """)
    }
}

/// A line's sync state as the sync's answer shows it.
struct FinanceLineState: Encodable, Sendable {
    var kind: String
    var lineId: UUID
    /// queued | delivered | failed.
    var status: String
    var generation: Int
    var financeDocumentId: UUID?
    var lastError: String?
    var queuedAt: Date
    var deliveredAt: Date?
    /// Whether this sync queued it.
    var queuedNow: Bool = false

    static func decode(_ row: PostgresRow) throws -> FinanceLineState {
        let c = Columns(row)
        return FinanceLineState(kind: try c("line_kind"), lineId: try c("line_id"), status: try c("status"), generation: try c("generation"),
                                financeDocumentId: try c("finance_document_id"), lastError: try c("last_error"),
                                queuedAt: try c("queued_at"), deliveredAt: try c("delivered_at"))
    }
}

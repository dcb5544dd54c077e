import Foundation
import KisumKernel
import KisumPersistence
import Logging
import PostgresNIO

/// Income lines (0017's `event_income`). `paid_minor` is written only by `IncomePaymentsRepository`, in the
/// transaction that writes the payment; here it is read (a replacement may not bring the amount below it).
struct EventIncomeRepository: Sendable {
    let database: Database

    static let columns = """
        i.id, i.event_id, i.category, i.description, i.payer_name, i.payer_email, i.amount_minor, i.currency::text AS currency,
        i.expected_date::text AS expected_date, i.paid_minor, i.finance_invoice_id, i.notes, i.version, i.created_by, i.created_at,
        i.updated_at
        """

    static let constraints = ConstraintMessages([
        "event_income_event_fk": .validation(field: "eventId", code: "not_found", message: "No event with this id in this company."),
        "event_income_paid_check": .validation(field: "amountMinor", code: "below_paid", message: "The amount cannot go below what was paid."),
    ])

    static func decode(_ row: PostgresRow) throws -> EventIncome {
        let c = Columns(row)
        let amount: Int64 = try c("amount_minor")
        let paid: Int64 = try c("paid_minor")
        let category: String = try c("category")
        return EventIncome(
            id: try c("id"), eventId: try c("event_id"), category: category, categoryName: IncomeCategories.name(category),
            description: try c("description"), payerName: try c("payer_name"), payerEmail: try c("payer_email"), amountMinor: amount,
            currency: try c("currency"), expectedDate: try c("expected_date"), paidMinor: paid, outstandingMinor: amount - paid,
            status: IncomeStatus.of(amount: amount, paid: paid), financeInvoiceId: try c("finance_invoice_id"), notes: try c("notes"),
            version: try c("version"), createdBy: try c("created_by"), createdAt: try c("created_at"), updatedAt: try c("updated_at"))
    }

    static func order(_ sort: (key: String, descending: Bool)) -> String {
        let d = sort.descending ? "DESC" : "ASC"
        switch sort.key {
        case "createdAt": return "ORDER BY i.created_at \(d), i.id \(d)"
        case "amountMinor": return "ORDER BY i.amount_minor \(d), i.expected_date, i.id"
        default: return "ORDER BY i.expected_date \(d), i.created_at, i.id"
        }
    }

    // MARK: Reads

    /// One statement per page (rows and total together). `status` is derived exactly as `IncomeStatus.of` does.
    func list(companyID: UUID, _ f: IncomeFilter, page: PageRequest) async throws -> (items: [EventIncome], total: Int) {
        let pattern = SQLPattern.contains(f.q)
        func query(_ select: String, _ suffix: String) -> PostgresQuery {
            """
            SELECT \(unescaped: select) FROM event_income i
            WHERE i.company_id = \(companyID)
              AND (\(f.eventID)::uuid IS NULL OR i.event_id = \(f.eventID))
              AND (\(f.category)::text IS NULL OR i.category = \(f.category))
              AND (\(f.currency)::text IS NULL OR i.currency = \(f.currency))
              AND (\(f.status)::text IS NULL
                   OR (\(f.status) = 'paid' AND i.paid_minor >= i.amount_minor)
                   OR (\(f.status) = 'partially_paid' AND i.paid_minor > 0 AND i.paid_minor < i.amount_minor)
                   OR (\(f.status) = 'unpaid' AND i.paid_minor = 0 AND i.amount_minor > 0))
              AND (\(f.from)::date IS NULL OR i.expected_date >= \(f.from)::date)
              AND (\(f.to)::date IS NULL OR i.expected_date <= \(f.to)::date)
              AND (\(pattern)::text IS NULL OR i.description ILIKE \(pattern) OR i.payer_name ILIKE \(pattern))
            \(unescaped: suffix)
            """
        }
        return try await database.page(query, columns: Self.columns, orderBy: Self.order(f.sort), page: page, decode: Self.decode)
    }

    func get(companyID: UUID, id: UUID) async throws -> EventIncome? {
        try await database.query("SELECT \(unescaped: Self.columns) FROM event_income i WHERE i.company_id = \(companyID) AND i.id = \(id)")
            .first(Self.decode)
    }

    static func get(_ connection: PostgresConnection, companyID: UUID, id: UUID, _ logger: Logger) async throws -> EventIncome? {
        try await connection.query("""
            SELECT \(unescaped: Self.columns) FROM event_income i WHERE i.company_id = \(companyID) AND i.id = \(id)
            """, logger: logger).first(Self.decode)
    }

    func exists(companyID: UUID, id: UUID) async throws -> Bool {
        try await database.query("SELECT 1 FROM event_income WHERE company_id = \(companyID) AND id = \(id)").first { _ in true } ?? false
    }

    func eventExists(companyID: UUID, eventID: UUID) async throws -> Bool {
        try await database.query("SELECT 1 FROM events WHERE company_id = \(companyID) AND id = \(eventID)").first { _ in true } ?? false
    }

    // MARK: Writes

    func create(companyID: UUID, userID: UUID, _ body: IncomeInput) async throws -> EventIncome {
        let created = try await Self.constraints.map {
            try await database.query("""
                INSERT INTO event_income AS i (company_id, event_id, category, description, payer_name, payer_email, amount_minor, currency,
                                               expected_date, notes, created_by)
                VALUES (\(companyID), \(body.eventId), \(body.category), \(IncomeInput.trimmed(body.description) ?? ""),
                        \(IncomeInput.trimmed(body.payerName)), \(body.payerEmail), \(body.amountMinor ?? 0), \(body.currency),
                        \(body.expectedDate)::date, \(body.notes), \(userID))
                RETURNING \(unescaped: Self.columns)
                """).first(Self.decode)
        }
        guard let created else { throw APIError.internalError }
        return created
    }

    /// Every line or none, in one statement inside one transaction: the events are checked first so every
    /// unknown one is reported with its index (422 `not_found` on `items[i].eventId`).
    func createMany(companyID: UUID, userID: UUID, _ items: [IncomeInput]) async throws -> [EventIncome] {
        let logger = database.logger
        let eventIDs = Array(Set(items.compactMap(\.eventId)))
        return try await Self.constraints.map {
            try await database.transaction { connection -> [EventIncome] in
                let known = Set(try await connection.query("""
                    SELECT id FROM events WHERE company_id = \(companyID) AND id = ANY(\(eventIDs)::uuid[]) FOR KEY SHARE
                    """, logger: logger).collect { try $0.decode(UUID.self) })
                let issues = items.enumerated().compactMap { index, item -> FieldIssue? in
                    guard let event = item.eventId, !known.contains(event) else { return nil }
                    return FieldIssue(field: "items[\(index)].eventId", code: "not_found", message: "No event with this id in this company.")
                }
                if !issues.isEmpty { throw APIError.validation(issues) }
                // Ids made here, so the answer can follow the order sent whatever order RETURNING gives.
                let ids = items.map { _ in UUID() }
                let rows = try await connection.query("""
                    INSERT INTO event_income AS i (company_id, id, event_id, category, description, payer_name, payer_email, amount_minor,
                                                   currency, expected_date, notes, created_by)
                    SELECT \(companyID), x.id, x.event_id, x.category, x.description, NULLIF(x.payer_name, ''), NULLIF(x.payer_email, ''),
                           x.amount_minor, x.currency, x.expected_date::date, NULLIF(x.notes, ''), \(userID)
                    FROM unnest(\(ids)::uuid[], \(items.map { $0.eventId ?? UUID() })::uuid[], \(items.map { $0.category ?? "" })::text[],
                                \(items.map { IncomeInput.trimmed($0.description) ?? "" })::text[],
                                \(items.map { IncomeInput.trimmed($0.payerName) ?? "" })::text[], \(items.map { $0.payerEmail ?? "" })::text[],
                                \(items.map { $0.amountMinor ?? 0 })::bigint[], \(items.map { $0.currency ?? "" })::text[],
                                \(items.map { $0.expectedDate ?? "" })::text[], \(items.map { $0.notes ?? "" })::text[])
                         AS x(id, event_id, category, description, payer_name, payer_email, amount_minor, currency, expected_date, notes)
                    RETURNING \(unescaped: Self.columns)
                    """, logger: logger).collect(Self.decode)
                let byID = Dictionary(rows.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
                let ordered = ids.compactMap { byID[$0] }
                guard ordered.count == items.count else { throw APIError.internalError }
                return ordered
            }
        }
    }

    /// Replaces the editable fields when `expectedVersion` is the stored one; nil when the company has no such line.
    /// Under the row lock (which payments take too): the amount may not go below what was paid (422 `below_paid`),
    /// and the currency is fixed once a payment exists (409 `currency_locked`).
    func replace(companyID: UUID, id: UUID, expectedVersion: Int, _ body: IncomeInput) async throws -> EventIncome? {
        let logger = database.logger
        return try await Self.constraints.map {
            try await database.transaction { connection -> EventIncome? in
                guard let (version, eventID, currency, paid) = try await connection.query("""
                    SELECT version, event_id, currency::text, paid_minor FROM event_income
                    WHERE company_id = \(companyID) AND id = \(id) FOR UPDATE
                    """, logger: logger).first({ try $0.decode((Int, UUID, String, Int64).self) }) else { return nil }
                guard version == expectedVersion else { throw ExpectedVersion.conflict("income line", expected: expectedVersion, current: version) }
                if let sent = body.eventId, sent != eventID {
                    throw APIError.validation(field: "eventId", code: "immutable", message: "An income line stays on its event.")
                }
                if paid > 0, body.currency != currency {
                    throw APIError.conflict("currency_locked", "The line has payments in \(currency); its currency cannot change.",
                                            info: ["currency": .string(currency), "paidMinor": .number(Double(paid))])
                }
                if let amount = body.amountMinor, amount < paid {
                    throw APIError.validation(field: "amountMinor", code: "below_paid", message: "\(paid) has been paid; the amount cannot be less.")
                }
                return try await connection.query("""
                    UPDATE event_income AS i SET category = \(body.category), description = \(IncomeInput.trimmed(body.description) ?? ""),
                        payer_name = \(IncomeInput.trimmed(body.payerName)), payer_email = \(body.payerEmail), amount_minor = \(body.amountMinor ?? 0),
                        currency = \(body.currency), expected_date = \(body.expectedDate)::date, notes = \(body.notes), version = version + 1,
                        updated_at = clock_timestamp()
                    WHERE company_id = \(companyID) AND id = \(id)
                    RETURNING \(unescaped: Self.columns)
                    """, logger: logger).first(Self.decode)
            }
        }
    }

    /// Deletes a line with no payments and no Finance invoice (deleting would cascade the payments away or orphan
    /// the invoice): 409 `income_has_payments` / `income_invoiced`. False when the company has no such line.
    func delete(companyID: UUID, id: UUID) async throws -> Bool {
        let logger = database.logger
        return try await database.transaction { connection -> Bool in
            guard let (paid, invoice, payments) = try await connection.query("""
                SELECT i.paid_minor, i.finance_invoice_id,
                       (SELECT count(*) FROM event_income_payments p WHERE p.company_id = i.company_id AND p.income_id = i.id)::int
                FROM event_income i WHERE i.company_id = \(companyID) AND i.id = \(id) FOR UPDATE
                """, logger: logger).first({ try $0.decode((Int64, UUID?, Int).self) }) else { return false }
            if payments > 0 || paid > 0 {
                throw APIError.conflict("income_has_payments", "Delete the line's \(payments) payment(s) first.",
                                        info: ["payments": .number(Double(payments))])
            }
            if let invoice {
                throw APIError.conflict("income_invoiced", "The line is invoiced in Finance; it cannot be deleted.",
                                        info: ["financeInvoiceId": .uuid(invoice)])
            }
            try await connection.query("DELETE FROM event_income WHERE company_id = \(companyID) AND id = \(id)", logger: logger)
            return true
        }
    }
}

import Foundation
import KisumKernel
import KisumPersistence
import Logging
import PostgresNIO

/// Estimated expense lines (`event_expenses`, 0017). A line's category must exist when it is written: a built-in
/// one, or one of the company's, read `FOR KEY SHARE` in the write's transaction so a concurrent category
/// delete either waits for the line (and then finds it in use) or wins first (and the line is refused).
struct ExpensesRepository: Sendable {
    let database: Database

    static let columns = """
        x.id, x.event_id, e.name AS event_name, x.category, x.description, x.vendor_name, x.amount_minor, x.currency::text AS currency,
        x.due_date::text AS due_date, x.notes, a.attachment_count, r.id AS actual_id, r.status AS actual_status, x.version, x.created_by,
        x.created_at, x.updated_at
        """
    static let joins = """
        JOIN events e ON e.company_id = x.company_id AND e.id = x.event_id
        CROSS JOIN LATERAL (SELECT count(*)::int AS attachment_count FROM money_attachments m
                            WHERE m.company_id = x.company_id AND m.expense_id = x.id) a
        LEFT JOIN event_expense_actuals r ON r.company_id = x.company_id AND r.estimate_id = x.id AND r.status <> 'rejected'
        """

    static let constraints = ConstraintMessages([
        "event_expenses_event_fk": .validation(field: "eventId", code: "not_found", message: "No event with this id in this company."),
        "event_expenses_due_date_check": .validation(field: "dueDate", code: "out_of_range", message: "Between 1900-01-01 and 2199-12-31."),
    ])

    static func decode(_ row: PostgresRow) throws -> EventExpense {
        let c = Columns(row)
        return EventExpense(
            id: try c("id"), eventId: try c("event_id"), eventName: try c("event_name"), type: "estimated", category: try c("category"),
            description: try c("description"), vendorName: try c("vendor_name"), amountMinor: try c("amount_minor"),
            currency: try c("currency"), dueDate: try c("due_date"), notes: try c("notes"), attachmentCount: try c("attachment_count"),
            actualId: try c("actual_id"), actualStatus: try c("actual_status"), version: try c("version"), createdBy: try c("created_by"),
            createdAt: try c("created_at"), updatedAt: try c("updated_at"))
    }

    static func select(companyID: UUID, ids: [UUID]) -> PostgresQuery {
        """
        SELECT \(unescaped: columns) FROM event_expenses x \(unescaped: joins)
        WHERE x.company_id = \(companyID) AND x.id = ANY(\(ids)::uuid[]) ORDER BY array_position(\(ids)::uuid[], x.id)
        """
    }

    // MARK: Reads

    func list(companyID: UUID, _ f: ExpenseFilter, page: PageRequest) async throws -> (items: [EventExpense], total: Int) {
        let pattern = SQLPattern.contains(f.q)
        func query(_ select: String, _ suffix: String) -> PostgresQuery {
            """
            SELECT \(unescaped: select) FROM event_expenses x \(unescaped: Self.joins)
            WHERE x.company_id = \(companyID)
              AND (\(f.eventID)::uuid IS NULL OR x.event_id = \(f.eventID))
              AND (\(f.category)::text IS NULL OR x.category = \(f.category))
              AND (\(f.currency)::text IS NULL OR x.currency = \(f.currency)::char(3))
              AND (\(f.dueFrom)::date IS NULL OR x.due_date >= \(f.dueFrom)::date)
              AND (\(f.dueTo)::date IS NULL OR x.due_date <= \(f.dueTo)::date)
              AND (\(pattern)::text IS NULL OR x.description ILIKE \(pattern) OR x.vendor_name ILIKE \(pattern) OR x.notes ILIKE \(pattern))
            \(unescaped: suffix)
            """
        }
        return try await database.page(query, columns: Self.columns, orderBy: ExpenseRules.orderBy(f.sort), page: page, decode: Self.decode)
    }

    func get(companyID: UUID, id: UUID) async throws -> EventExpense? {
        try await get(companyID: companyID, ids: [id]).first
    }

    /// The lines with these ids, in this order.
    func get(companyID: UUID, ids: [UUID]) async throws -> [EventExpense] {
        try await database.query(Self.select(companyID: companyID, ids: ids)).collect(Self.decode)
    }

    func eventExists(companyID: UUID, eventID: UUID) async throws -> Bool {
        try await database.query("SELECT 1 FROM events WHERE company_id = \(companyID) AND id = \(eventID)").first { _ in true } ?? false
    }

    // MARK: Writes

    /// A line to insert; nil currency and due date are the event's.
    struct NewLine: Sendable {
        var eventID: UUID
        var category: String
        var description: String
        var vendorName: String?
        var amountMinor: Int64
        var currency: String?
        var dueDate: String?
        var notes: String?
    }

    /// Creates every line or none and answers them in the order sent. `addressed`: field errors carry the
    /// line's index (`[2].category`), as the bulk route reports them.
    func create(companyID: UUID, userID: UUID, _ items: [CreateExpense], addressed: Bool) async throws -> [EventExpense] {
        let logger = database.logger
        return try await Self.constraints.map {
            try await database.transaction { connection -> [EventExpense] in
                let eventIDs = items.compactMap(\.eventId)
                let known = Set(try await connection.query("""
                    SELECT id FROM events WHERE company_id = \(companyID) AND id = ANY(\(eventIDs)::uuid[])
                    """, logger: logger).collect { try $0.decode(UUID.self) })
                let unknownCategories = try await Self.lockCategories(connection, companyID: companyID,
                                                                      codes: items.compactMap(\.fields.category), logger)
                var issues: [FieldIssue] = []
                for (index, item) in items.enumerated() {
                    if let event = item.eventId, !known.contains(event) {
                        issues.append(FieldIssue(field: Self.field("eventId", index, addressed), code: "not_found", message: "No event with this id in this company."))
                    }
                    if let category = item.fields.category, unknownCategories.contains(category) {
                        issues.append(Self.unknownCategory(Self.field("category", index, addressed), category))
                    }
                }
                if !issues.isEmpty { throw APIError.validation(issues) }
                let lines = items.map { item in
                    let f = item.fields
                    return NewLine(eventID: item.eventId ?? UUID(), category: f.category ?? "", description: f.trimmedDescription,
                                   vendorName: f.trimmedVendor, amountMinor: f.amountMinor ?? 0, currency: f.currency, dueDate: f.dueDate,
                                   notes: f.notes)
                }
                let ids = try await Self.insert(connection, companyID: companyID, userID: userID, lines, logger)
                return try await connection.query(Self.select(companyID: companyID, ids: ids), logger: logger).collect(Self.decode)
            }
        }
    }

    /// `[2].category` for the bulk route, `category` for a single line.
    static func field(_ name: String, _ index: Int, _ addressed: Bool) -> String {
        addressed ? "[\(index)].\(name)" : name
    }

    static func unknownCategory(_ field: String, _ code: String) -> FieldIssue {
        FieldIssue(field: field, code: "unknown_category",
                   message: "\(code) is neither a built-in category nor one of the company's (GET /api/event-expense/categories).")
    }

    /// The codes among `codes` that name no category; the company's categories named are locked `FOR KEY SHARE`
    /// until the transaction ends, so none of them can be deleted under the write.
    static func lockCategories(_ connection: PostgresConnection, companyID: UUID, codes: [String], _ logger: Logger) async throws -> Set<String> {
        let own = Array(Set(codes.filter { !ExpenseCategories.isBuiltIn($0) })).sorted()
        guard !own.isEmpty else { return [] }
        let found = try await connection.query("""
            SELECT code FROM expense_categories WHERE company_id = \(companyID) AND code = ANY(\(own)::text[]) ORDER BY code FOR KEY SHARE
            """, logger: logger).collect { try $0.decode(String.self) }
        return Set(own).subtracting(found)
    }

    /// One statement for all lines (ids made here, so the answer keeps their order). Optional texts travel as ""
    /// for null: no valid value is blank.
    static func insert(_ connection: PostgresConnection, companyID: UUID, userID: UUID, _ lines: [NewLine], _ logger: Logger) async throws -> [UUID] {
        let ids = lines.map { _ in UUID() }
        try await connection.query("""
            INSERT INTO event_expenses (company_id, id, event_id, category, description, vendor_name, amount_minor, currency, due_date,
                                        notes, created_by)
            SELECT \(companyID), u.id, u.event_id, u.category, u.description, NULLIF(u.vendor, ''), u.amount,
                   COALESCE(NULLIF(u.currency, '')::char(3), e.currency), COALESCE(NULLIF(u.due, '')::date, e.event_date),
                   NULLIF(u.notes, ''), \(userID)
            FROM unnest(\(ids)::uuid[], \(lines.map(\.eventID))::uuid[], \(lines.map(\.category))::text[], \(lines.map(\.description))::text[],
                        \(lines.map { $0.vendorName ?? "" })::text[], \(lines.map(\.amountMinor))::bigint[],
                        \(lines.map { $0.currency ?? "" })::text[], \(lines.map { $0.dueDate ?? "" })::text[],
                        \(lines.map { $0.notes ?? "" })::text[]) AS u(id, event_id, category, description, vendor, amount, currency, due, notes)
            JOIN events e ON e.company_id = \(companyID) AND e.id = u.event_id
            """, logger: logger)
        return ids
    }

    /// Replaces the line when `expectedVersion` is the stored one; nil when the company has no such line.
    func replace(companyID: UUID, id: UUID, expectedVersion: Int, _ body: ReplaceExpense) async throws -> EventExpense? {
        let logger = database.logger
        let f = body.fields
        return try await Self.constraints.map {
            try await database.transaction { connection -> EventExpense? in
                guard let (current, eventID) = try await connection.query("""
                    SELECT version, event_id FROM event_expenses WHERE company_id = \(companyID) AND id = \(id) FOR UPDATE
                    """, logger: logger).first({ try $0.decode((Int, UUID).self) }) else { return nil }
                guard current == expectedVersion else { throw ExpectedVersion.conflict("expense", expected: expectedVersion, current: current) }
                if let sent = body.eventId, sent != eventID {
                    throw APIError.validation(field: "eventId", code: "immutable", message: "A line stays on its event; create a line on the other event.")
                }
                let category = f.category ?? ""
                if try await !Self.lockCategories(connection, companyID: companyID, codes: [category], logger).isEmpty {
                    throw APIError.validation([Self.unknownCategory("category", category)])
                }
                try await connection.query("""
                    UPDATE event_expenses x SET category = \(category), description = \(f.trimmedDescription), vendor_name = \(f.trimmedVendor),
                        amount_minor = \(f.amountMinor ?? 0), currency = COALESCE(\(f.currency)::char(3), e.currency),
                        due_date = COALESCE(\(f.dueDate)::date, e.event_date), notes = \(f.notes), version = x.version + 1,
                        updated_at = clock_timestamp()
                    FROM events e
                    WHERE x.company_id = \(companyID) AND x.id = \(id) AND e.company_id = x.company_id AND e.id = x.event_id
                    """, logger: logger)
                return try await connection.query(Self.select(companyID: companyID, ids: [id]), logger: logger).first(Self.decode)
            }
        }
    }

    /// Deletes the line (with its attachments); false when the company has no such line. Refused with 409
    /// `expense_has_actual` while a pending or approved actual expense realises it: the estimate is what that
    /// actual is compared with. A rejected actual lets go of it (the foreign key nulls its estimate_id).
    func delete(companyID: UUID, id: UUID) async throws -> Bool {
        let logger = database.logger
        return try await database.transaction { connection -> Bool in
            // The row lock waits for an approval submission inserting a reference to this line right now.
            guard try await connection.query("""
                SELECT 1 FROM event_expenses WHERE company_id = \(companyID) AND id = \(id) FOR UPDATE
                """, logger: logger).first({ _ in true }) != nil else { return false }
            if let (actualID, status) = try await connection.query("""
                SELECT id, status FROM event_expense_actuals
                WHERE company_id = \(companyID) AND estimate_id = \(id) AND status <> 'rejected' LIMIT 1
                """, logger: logger).first({ try $0.decode((UUID, String).self) }) {
                throw APIError.conflict("expense_has_actual",
                                        "An actual expense (\(status)) realises this estimate; reject it in Event Expense - Approval first.",
                                        info: ["actualId": .uuid(actualID), "actualStatus": .string(status)])
            }
            try await connection.query("DELETE FROM event_expenses WHERE company_id = \(companyID) AND id = \(id)", logger: logger)
            return true
        }
    }
}

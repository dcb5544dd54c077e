import Foundation
import KisumKernel
import KisumPersistence
import Logging
import PostgresNIO

/// Actual expenses (0017's event_expense_actuals, 0020's edited_by) and their approval items. Every write that
/// touches both locks the pending approval item first, then the actual — the order the approval queue's own
/// decision takes — so a decision through either route, or an edit racing one, never deadlocks.
struct ExpenseApprovalRepository: Sendable {
    let database: Database

    static let columns = """
        a.id, a.event_id, e.name AS event_name, a.estimate_id, a.category, a.description, a.vendor_name, a.amount_minor,
        a.currency::text AS currency, a.incurred_on::text AS incurred_on, a.status,
        (a.status = 'approved' AND a.decided_by IS NULL) AS auto_approved, a.notes, a.submitted_by, a.submitted_at, a.edited_by,
        a.decided_by, a.decided_at, a.decision_note,
        (SELECT i.id FROM approval_items i WHERE i.company_id = a.company_id AND i.source_type = 'expense' AND i.source_id = a.id
          ORDER BY i.requested_at DESC, i.id LIMIT 1) AS approval_id,
        a.version, a.updated_at
        """
    static let from = "event_expense_actuals a JOIN events e ON e.company_id = a.company_id AND e.id = a.event_id"

    static let constraints = ConstraintMessages([
        "event_expense_actuals_one_per_estimate": .conflict("estimate_already_realised",
            "The estimated line already has a pending or approved actual; reject that one first."),
        "event_expense_actuals_estimate_fk": .notFound("expense estimate"),
        "event_expense_actuals_event_fk": .notFound("event"),
        "event_expense_actuals_four_eyes": .forbidden("self_approval_forbidden", "An expense is decided by someone other than its submitter."),
        "event_expense_actuals_editor_four_eyes": .forbidden("self_approval_forbidden", "An expense is decided by someone other than who set its figures."),
    ])

    static func decode(_ row: PostgresRow) throws -> ExpenseActual {
        let c = Columns(row)
        return ExpenseActual(
            id: try c("id"), eventId: try c("event_id"), eventName: try c("event_name"), estimateId: try c("estimate_id"), category: try c("category"),
            description: try c("description"), vendorName: try c("vendor_name"), amountMinor: try c("amount_minor"), currency: try c("currency"),
            incurredOn: try c("incurred_on"), status: try c("status"), autoApproved: try c("auto_approved"), notes: try c("notes"),
            submittedBy: try c("submitted_by"), submittedAt: try c("submitted_at"), editedBy: try c("edited_by"), decidedBy: try c("decided_by"),
            decidedAt: try c("decided_at"), decisionNote: try c("decision_note"), approvalId: try c("approval_id"), version: try c("version"),
            updatedAt: try c("updated_at"))
    }

    static func order(_ sort: (key: String, descending: Bool)) -> String {
        let d = sort.descending ? "DESC" : "ASC"
        switch sort.key {
        case "incurredOn": return "ORDER BY a.incurred_on \(d), a.submitted_at DESC, a.id"
        case "amountMinor": return "ORDER BY a.amount_minor \(d), a.submitted_at DESC, a.id"
        default: return "ORDER BY a.submitted_at \(d), a.id"
        }
    }

    // MARK: Reads

    func list(companyID: UUID, _ f: ExpenseActualFilter, page: PageRequest) async throws -> (items: [ExpenseActual], total: Int) {
        func query(_ select: String, _ suffix: String) -> PostgresQuery {
            """
            SELECT \(unescaped: select) FROM \(unescaped: Self.from)
            WHERE a.company_id = \(companyID)
              AND (\(f.eventID)::uuid IS NULL OR a.event_id = \(f.eventID))
              AND (\(f.status)::text IS NULL OR a.status = \(f.status))
              AND (\(f.submittedBy)::uuid IS NULL OR a.submitted_by = \(f.submittedBy))
              AND (\(f.from)::date IS NULL OR a.incurred_on >= \(f.from)::date)
              AND (\(f.to)::date IS NULL OR a.incurred_on <= \(f.to)::date)
              AND (\(f.currency)::text IS NULL OR a.currency = \(f.currency))
              AND (\(f.estimateID)::uuid IS NULL OR a.estimate_id = \(f.estimateID))
            \(unescaped: suffix)
            """
        }
        return try await database.page(query, columns: Self.columns, orderBy: Self.order(f.sort), page: page, decode: Self.decode)
    }

    func get(companyID: UUID, id: UUID) async throws -> ExpenseActual? {
        try await database.query("SELECT \(unescaped: Self.columns) FROM \(unescaped: Self.from) WHERE a.company_id = \(companyID) AND a.id = \(id)")
            .first(Self.decode)
    }

    static func get(_ connection: PostgresConnection, companyID: UUID, id: UUID, _ logger: Logger) async throws -> ExpenseActual? {
        try await connection.query("""
            SELECT \(unescaped: Self.columns) FROM \(unescaped: Self.from) WHERE a.company_id = \(companyID) AND a.id = \(id)
            """, logger: logger).first(Self.decode)
    }

    func eventExists(companyID: UUID, id: UUID) async throws -> Bool {
        try await database.query("SELECT 1 FROM events WHERE company_id = \(companyID) AND id = \(id)").first { _ in true } ?? false
    }

    // MARK: Submission and edits

    /// What a submission is checked against: the event, the estimated line it realises, and the company's expense
    /// threshold in its currency (none: every submission waits for approval — fail closed).
    private struct SubmissionContext {
        var eventName: String
        var estimateDescription: String?
        var threshold: Int64?
    }

    private static func context(_ connection: PostgresConnection, companyID: UUID, eventID: UUID, estimateID: UUID?, currency: String?,
                                _ logger: Logger) async throws -> SubmissionContext {
        let row = try await connection.query("""
            SELECT e.name, x.id AS estimate_id, x.event_id AS estimate_event, x.description AS estimate_description,
                   (SELECT t.threshold_minor FROM approval_thresholds t
                     WHERE t.company_id = e.company_id AND t.source_type = 'expense' AND t.currency = \(currency)) AS threshold
            FROM events e LEFT JOIN event_expenses x ON x.company_id = e.company_id AND x.id = \(estimateID)
            WHERE e.company_id = \(companyID) AND e.id = \(eventID)
            """, logger: logger).first { row -> (SubmissionContext, UUID?, UUID?) in
            let c = Columns(row)
            return (SubmissionContext(eventName: try c("name"), estimateDescription: try c("estimate_description"), threshold: try c("threshold")),
                    try c("estimate_id"), try c("estimate_event"))
        }
        guard let row else { throw APIError.notFound("event") }
        let (context, foundEstimate, estimateEvent) = row
        if estimateID != nil {
            guard foundEstimate != nil else { throw APIError.notFound("expense estimate") }
            if estimateEvent != eventID {
                throw APIError.validation(field: "estimateId", code: "wrong_event", message: "The estimated line belongs to another event.")
            }
        }
        return context
    }

    /// Below the threshold: approved on submission, by no one.
    private static func autoApproves(_ amount: Int64, _ threshold: Int64?) -> Bool {
        guard let threshold else { return false }
        return amount < threshold
    }

    /// The category must be Event Expense's (built-in or the company's); the company's is locked `FOR KEY SHARE`
    /// like an estimated line's, so it cannot be deleted under the submission.
    private static func checkCategory(_ connection: PostgresConnection, companyID: UUID, _ category: String?, _ logger: Logger) async throws {
        guard let category else { return }
        if try await !ExpensesRepository.lockCategories(connection, companyID: companyID, codes: [category], logger).isEmpty {
            throw APIError.validation([ExpensesRepository.unknownCategory("category", category)])
        }
    }

    static func title(description: String, eventName: String) -> String {
        let text = "Actual expense: \(description) (\(eventName))"
        return String(String.UnicodeScalarView(text.unicodeScalars.prefix(300)))
    }

    /// Submits an actual expense: approved at once below the company's threshold, else pending with its approval
    /// item, in one transaction. 404 for another company's event or estimate, 422 for another event's estimate,
    /// 409 `estimate_already_realised` while the estimate has a live actual.
    func create(companyID: UUID, userID: UUID, _ body: ExpenseActualInput) async throws -> ExpenseActual {
        let logger = database.logger
        let eventID = body.eventId ?? UUID()
        let amount = body.amountMinor ?? 0
        let created = try await Self.constraints.map {
            try await database.transaction { connection -> ExpenseActual? in
                let context = try await Self.context(connection, companyID: companyID, eventID: eventID, estimateID: body.estimateId,
                                                     currency: body.currency, logger)
                try await Self.checkCategory(connection, companyID: companyID, body.category, logger)
                let description = body.trimmedDescription ?? context.estimateDescription ?? ""
                let status = Self.autoApproves(amount, context.threshold) ? "approved" : "pending"
                let id = UUID()
                try await connection.query("""
                    WITH a AS (
                        INSERT INTO event_expense_actuals (company_id, id, event_id, estimate_id, category, description, vendor_name, amount_minor,
                                                           currency, incurred_on, status, notes, submitted_by, decided_at)
                        VALUES (\(companyID), \(id), \(eventID), \(body.estimateId), \(body.category), \(description), \(body.trimmedVendor),
                                \(amount), \(body.currency), \(body.incurredOn)::date, \(status), \(body.notes), \(userID),
                                CASE WHEN \(status)::text = 'approved' THEN clock_timestamp() END)
                        RETURNING company_id, id, amount_minor, currency, submitted_by, status)
                    INSERT INTO approval_items (company_id, source_type, source_id, title, amount_minor, currency, requested_by)
                    SELECT a.company_id, 'expense', a.id, \(Self.title(description: description, eventName: context.eventName)), a.amount_minor,
                           a.currency, a.submitted_by
                    FROM a WHERE a.status = 'pending'
                    """, logger: logger)
                return try await Self.get(connection, companyID: companyID, id: id, logger)
            }
        }
        guard let created else { throw APIError.internalError }
        return created
    }

    /// Replaces a pending submission's figures (`expectedVersion` must be the stored one) and re-checks the
    /// threshold: below it the submission is approved now and its approval item closed; otherwise the item
    /// follows the new amount. Nil when the company has no such submission.
    func replace(companyID: UUID, id: UUID, userID: UUID, expectedVersion: Int, _ body: ExpenseActualInput) async throws -> ExpenseActual? {
        let logger = database.logger
        let amount = body.amountMinor ?? 0
        return try await Self.constraints.map {
            try await database.transaction { connection -> ExpenseActual? in
                let itemID = try await Self.lockPendingItem(connection, companyID: companyID, actualID: id, logger)
                guard let current = try await connection.query("""
                    SELECT event_id, status, version FROM event_expense_actuals WHERE company_id = \(companyID) AND id = \(id) FOR UPDATE
                    """, logger: logger).first({ row -> (event: UUID, status: String, version: Int) in
                    let c = Columns(row)
                    return (try c("event_id"), try c("status"), try c("version"))
                }) else { return nil }
                guard current.status == "pending" else { throw Self.invalidTransition(current.status, "edited") }
                guard current.version == expectedVersion else {
                    throw ExpectedVersion.conflict("expense", expected: expectedVersion, current: current.version)
                }
                if let eventID = body.eventId, eventID != current.event {
                    throw APIError.validation(field: "eventId", code: "immutable", message: "A submission stays with its event; reject it and submit anew.")
                }
                let context = try await Self.context(connection, companyID: companyID, eventID: current.event, estimateID: body.estimateId,
                                                     currency: body.currency, logger)
                try await Self.checkCategory(connection, companyID: companyID, body.category, logger)
                let description = body.trimmedDescription ?? context.estimateDescription ?? ""
                let status = Self.autoApproves(amount, context.threshold) ? "approved" : "pending"
                try await connection.query("""
                    UPDATE event_expense_actuals SET estimate_id = \(body.estimateId), category = \(body.category), description = \(description),
                        vendor_name = \(body.trimmedVendor), amount_minor = \(amount), currency = \(body.currency),
                        incurred_on = \(body.incurredOn)::date, notes = \(body.notes), status = \(status),
                        decided_at = CASE WHEN \(status)::text = 'approved' THEN clock_timestamp() END,
                        edited_by = CASE WHEN submitted_by = \(userID) THEN NULL ELSE \(userID)::uuid END,
                        version = version + 1, updated_at = clock_timestamp()
                    WHERE company_id = \(companyID) AND id = \(id)
                    """, logger: logger)
                let title = Self.title(description: description, eventName: context.eventName)
                if status == "approved", let itemID {
                    try await connection.query("""
                        UPDATE approval_items SET status = 'approved', decided_at = clock_timestamp(),
                            decision_note = 'Below the expense threshold after an edit: approved on submission.'
                        WHERE company_id = \(companyID) AND id = \(itemID)
                        """, logger: logger)
                } else if let itemID {
                    try await connection.query("""
                        UPDATE approval_items SET title = \(title), amount_minor = \(amount), currency = \(body.currency)
                        WHERE company_id = \(companyID) AND id = \(itemID)
                        """, logger: logger)
                } else if status == "pending" {
                    try await connection.query("""
                        INSERT INTO approval_items (company_id, source_type, source_id, title, amount_minor, currency, requested_by)
                        SELECT company_id, 'expense', id, \(title), amount_minor, currency, submitted_by FROM event_expense_actuals
                        WHERE company_id = \(companyID) AND id = \(id)
                        """, logger: logger)
                }
                return try await Self.get(connection, companyID: companyID, id: id, logger)
            }
        }
    }
}

import Foundation
import KisumKernel
import KisumPersistence
import Logging
import PostgresNIO

/// Budgets made at once: an event's estimated lines from a built-in template, or copied from another event of
/// the company. Each is one transaction; the event row is held `FOR KEY SHARE` so it cannot go away under it.
struct ExpenseTemplatesRepository: Sendable {
    let database: Database

    static func lockEvent(_ connection: PostgresConnection, companyID: UUID, eventID: UUID, _ logger: Logger) async throws -> Bool {
        try await connection.query("""
            SELECT 1 FROM events WHERE company_id = \(companyID) AND id = \(eventID) FOR KEY SHARE
            """, logger: logger).first { _ in true } ?? false
    }

    /// The template's lines as estimated lines of the event; nil when the company has no such event.
    func fromTemplate(companyID: UUID, userID: UUID, eventID: UUID, template: ExpenseTemplate, _ body: FromTemplateInput) async throws -> [EventExpense]? {
        let logger = database.logger
        let amounts = body.lineAmounts(template)
        return try await ExpensesRepository.constraints.map {
            try await database.transaction { connection -> [EventExpense]? in
                guard try await Self.lockEvent(connection, companyID: companyID, eventID: eventID, logger) else { return nil }
                let lines = template.lines.map { line in
                    ExpensesRepository.NewLine(eventID: eventID, category: line.category, description: line.description, vendorName: nil,
                                               amountMinor: amounts.indices.contains(line.index) ? amounts[line.index] : 0,
                                               currency: body.currency, dueDate: body.dueDate, notes: nil)
                }
                let ids = try await ExpensesRepository.insert(connection, companyID: companyID, userID: userID, lines, logger)
                return try await connection.query(ExpensesRepository.select(companyID: companyID, ids: ids), logger: logger)
                    .collect(ExpensesRepository.decode)
            }
        }
    }

    enum CopyResult: Sendable {
        case copied([EventExpense])
        case noEvent
        case noSource
    }

    /// Copies every estimated line of `sourceEventID` (same company) onto the event, keeping category, description,
    /// vendor, amount, currency and notes. Due dates are `dueDate` when given, else the source's shifted by the
    /// days between the two events, so a budget keeps its timing relative to the show.
    func copy(companyID: UUID, userID: UUID, eventID: UUID, sourceEventID: UUID, dueDate: String?) async throws -> CopyResult {
        let logger = database.logger
        return try await ExpensesRepository.constraints.map {
            try await database.transaction { connection -> CopyResult in
                guard try await Self.lockEvent(connection, companyID: companyID, eventID: eventID, logger) else { return .noEvent }
                guard try await Self.lockEvent(connection, companyID: companyID, eventID: sourceEventID, logger) else { return .noSource }
                let ids = try await connection.query("""
                    INSERT INTO event_expenses (company_id, event_id, category, description, vendor_name, amount_minor, currency, due_date,
                                                notes, created_by)
                    SELECT s.company_id, t.id, s.category, s.description, s.vendor_name, s.amount_minor, s.currency,
                           COALESCE(\(dueDate)::date, t.event_date + (s.due_date - src.event_date)), s.notes, \(userID)
                    FROM event_expenses s
                    JOIN events src ON src.company_id = s.company_id AND src.id = s.event_id
                    JOIN events t ON t.company_id = s.company_id AND t.id = \(eventID)
                    WHERE s.company_id = \(companyID) AND s.event_id = \(sourceEventID)
                    ORDER BY s.due_date, s.created_at, s.id
                    RETURNING id
                    """, logger: logger).collect { try $0.decode(UUID.self) }
                return .copied(try await connection.query(ExpensesRepository.select(companyID: companyID, ids: ids), logger: logger)
                    .collect(ExpensesRepository.decode))
            }
        }
    }
}

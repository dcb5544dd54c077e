import Foundation
import KisumKernel
import KisumPersistence
import Logging
import PostgresNIO

/// Tax lines of events (0017's `event_taxes`).
struct EventTaxRepository: Sendable {
    let database: Database

    static let columns = """
        t.id, t.event_id, t.kind, t.name, t.rate_bp, t.inclusive, t.applies_to, t.income_category, t.notes, t.version, t.created_by,
        t.created_at, t.updated_at
        """

    static let constraints = ConstraintMessages([
        "event_taxes_event_fk": .validation(field: "eventId", code: "not_found", message: "No event with this id in this company."),
        "event_taxes_withholding_on_fees": .validation(field: "appliesTo", code: "withholding_on_fees_only",
                                                       message: "Withholding is levied on artist fees only (appliesTo artist_fees)."),
        "event_taxes_category_given": .validation(field: "incomeCategory", code: "required",
                                                  message: "incomeCategory is given exactly when appliesTo is income_category."),
    ])

    static func decode(_ row: PostgresRow) throws -> EventTax {
        let c = Columns(row)
        return EventTax(
            id: try c("id"), eventId: try c("event_id"), kind: try c("kind"), name: try c("name"), rateBp: try c("rate_bp"),
            inclusive: try c("inclusive"), appliesTo: try c("applies_to"), incomeCategory: try c("income_category"), notes: try c("notes"),
            version: try c("version"), createdBy: try c("created_by"), createdAt: try c("created_at"), updatedAt: try c("updated_at"))
    }

    static let order = "ORDER BY t.created_at, t.id"

    func list(companyID: UUID, _ f: TaxFilter, page: PageRequest) async throws -> (items: [EventTax], total: Int) {
        func query(_ select: String, _ suffix: String) -> PostgresQuery {
            """
            SELECT \(unescaped: select) FROM event_taxes t
            WHERE t.company_id = \(companyID)
              AND (\(f.eventID)::uuid IS NULL OR t.event_id = \(f.eventID))
              AND (\(f.kind)::text IS NULL OR t.kind = \(f.kind))
              AND (\(f.appliesTo)::text IS NULL OR t.applies_to = \(f.appliesTo))
            \(unescaped: suffix)
            """
        }
        return try await database.page(query, columns: Self.columns, orderBy: Self.order, page: page, decode: Self.decode)
    }

    func get(companyID: UUID, id: UUID) async throws -> EventTax? {
        try await database.query("SELECT \(unescaped: Self.columns) FROM event_taxes t WHERE t.company_id = \(companyID) AND t.id = \(id)")
            .first(Self.decode)
    }

    func create(companyID: UUID, userID: UUID, _ body: TaxInput) async throws -> EventTax {
        let created = try await Self.constraints.map {
            try await database.query("""
                INSERT INTO event_taxes AS t (company_id, event_id, kind, name, rate_bp, inclusive, applies_to, income_category, notes, created_by)
                VALUES (\(companyID), \(body.eventId), \(body.kind), \(body.trimmedName), \(body.rateBp), \(body.inclusive), \(body.appliesTo),
                        \(body.incomeCategory), \(body.notes), \(userID))
                RETURNING \(unescaped: Self.columns)
                """).first(Self.decode)
        }
        guard let created else { throw APIError.internalError }
        return created
    }

    /// Replaces the line when `expectedVersion` is the stored one; nil when the company has no such line.
    func replace(companyID: UUID, id: UUID, expectedVersion: Int, _ body: TaxInput) async throws -> EventTax? {
        let logger = database.logger
        return try await Self.constraints.map {
            try await database.transaction { connection -> EventTax? in
                guard let (version, eventID) = try await connection.query("""
                    SELECT version, event_id FROM event_taxes WHERE company_id = \(companyID) AND id = \(id) FOR UPDATE
                    """, logger: logger).first({ try $0.decode((Int, UUID).self) }) else { return nil }
                guard version == expectedVersion else { throw ExpectedVersion.conflict("tax line", expected: expectedVersion, current: version) }
                if let sent = body.eventId, sent != eventID {
                    throw APIError.validation(field: "eventId", code: "immutable", message: "A tax line stays on its event.")
                }
                return try await connection.query("""
                    UPDATE event_taxes AS t SET kind = \(body.kind), name = \(body.trimmedName), rate_bp = \(body.rateBp),
                        inclusive = \(body.inclusive), applies_to = \(body.appliesTo), income_category = \(body.incomeCategory),
                        notes = \(body.notes), version = version + 1, updated_at = clock_timestamp()
                    WHERE company_id = \(companyID) AND id = \(id)
                    RETURNING \(unescaped: Self.columns)
                    """, logger: logger).first(Self.decode)
            }
        }
    }

    func delete(companyID: UUID, id: UUID) async throws -> Bool {
        try await database.query("DELETE FROM event_taxes WHERE company_id = \(companyID) AND id = \(id) RETURNING id").first { _ in true } ?? false
    }
}

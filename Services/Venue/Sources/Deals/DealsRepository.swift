import Foundation
import KisumKernel
import KisumPersistence
import PostgresNIO

/// Deal rows, always within one company.
struct DealsRepository: Sendable {
    let database: Database

    static let columns = """
        d.id, d.company_id, d.booking_id, d.name, d.deal_type, d.status, d.currency, d.guarantee_minor, d.rental_fee_minor,
        d.deposit_minor, d.expenses_minor, d.percentage::float8 AS percentage, d.terms::text AS terms, d.notes, d.created_by,
        d.status_changed_at, d.created_at, d.updated_at
        """

    /// The composite foreign key refuses another company's booking; the type checks back the API's
    /// own validation (they only fire if the two ever disagree).
    static let constraints = ConstraintMessages([
        "deals_booking_fk": .validation(field: "bookingId", code: "not_found", message: "No booking with this id in this company."),
        "deals_flat_guarantee_terms": .validation(field: "guaranteeMinor", code: "required_for_deal_type", message: "A flat_guarantee deal needs a guarantee."),
        "deals_door_split_terms": .validation(field: "percentage", code: "required_for_deal_type", message: "A door_split deal needs a percentage."),
        "deals_versus_terms": .validation(field: "percentage", code: "required_for_deal_type", message: "This deal type needs a guarantee and a percentage."),
        "deals_rental_terms": .validation(field: "rentalFeeMinor", code: "required_for_deal_type", message: "A rental deal needs a rental fee."),
    ])

    static func decode(_ row: PostgresRow) throws -> Deal {
        let c = Columns(row)
        return Deal(
            id: try c("id"), companyId: try c("company_id"), bookingId: try c("booking_id"), name: try c("name"),
            dealType: try c("deal_type"), status: try c("status"), currency: try c("currency"),
            guaranteeMinor: try c("guarantee_minor"), rentalFeeMinor: try c("rental_fee_minor"), depositMinor: try c("deposit_minor"),
            expensesMinor: try c("expenses_minor"), percentage: try c("percentage"), terms: try c.json("terms"), notes: try c("notes"),
            createdBy: try c("created_by"), statusChangedAt: try c("status_changed_at"), createdAt: try c("created_at"),
            updatedAt: try c("updated_at"))
    }

    // MARK: Reads

    func list(companyID: UUID, _ filter: DealFilter, page: PageRequest) async throws -> (items: [Deal], total: Int) {
        let pattern = SQLPattern.contains(filter.q)
        func query(_ select: String, _ suffix: String) -> PostgresQuery {
            """
            SELECT \(unescaped: select) FROM deals d
            WHERE d.company_id = \(companyID)
              AND (\(filter.bookingID)::uuid IS NULL OR d.booking_id = \(filter.bookingID))
              AND (\(filter.status)::text IS NULL OR d.status = \(filter.status))
              AND (\(filter.dealType)::text IS NULL OR d.deal_type = \(filter.dealType))
              AND (\(pattern)::text IS NULL OR d.name ILIKE \(pattern) OR d.notes ILIKE \(pattern))
            \(unescaped: suffix)
            """
        }
        return try await database.page(query, columns: Self.columns, orderBy: "ORDER BY d.created_at DESC, d.id", page: page,
                                                      decode: Self.decode)
    }

    func get(companyID: UUID, id: UUID) async throws -> Deal? {
        try await database.query("""
            SELECT \(unescaped: Self.columns) FROM deals d WHERE d.company_id = \(companyID) AND d.id = \(id)
            """).first(Self.decode)
    }

    // MARK: Writes

    func create(companyID: UUID, userID: UUID, _ input: CreateDeal) async throws -> Deal {
        let terms = try SQLText.json(input.terms.flatMap { $0.isNull ? nil : $0 }) ?? "{}"
        return try await Self.constraints.map {
            try await database.query("""
                INSERT INTO deals AS d (company_id, booking_id, name, deal_type, status, currency, guarantee_minor, rental_fee_minor,
                                        deposit_minor, expenses_minor, percentage, terms, notes, created_by)
                VALUES (\(companyID), \(input.bookingId), \(input.name), \(input.dealType ?? "other"), \(input.status ?? "draft"),
                        \(input.currency ?? ""), \(input.guaranteeMinor), \(input.rentalFeeMinor),
                        \(input.depositMinor), \(input.expensesMinor), \(input.percentage)::numeric,
                        \(terms)::jsonb, \(input.notes), \(userID))
                RETURNING \(unescaped: Self.columns)
                """).first(Self.decode)!
        }
    }

    /// Checks the status transition and the deal-type rules on the merged deal under the row lock,
    /// then applies the patch in one UPDATE. Nil when there is no such deal.
    func update(companyID: UUID, id: UUID, _ p: DealPatch) async throws -> Deal? {
        let logger = database.logger
        let terms = try SQLText.json(p.termsValue)
        return try await Self.constraints.map {
            try await database.transaction { connection in
                guard let current = try await connection.query("""
                    SELECT \(unescaped: Self.columns) FROM deals d WHERE d.company_id = \(companyID) AND d.id = \(id) FOR UPDATE
                    """, logger: logger).first(Self.decode) else { return nil }
                let target = p.status.value ?? current.status
                if let problem = DealStatus.check(from: current.status, to: target) { throw problem }
                let changed = p.changedTerms
                if !changed.isEmpty, !DealStatus.termsEditable.contains(target) {
                    throw APIError.conflict("deal_locked", "The terms of a \(target) deal cannot change; only name, notes and status can.",
                                            info: ["status": .string(target), "fields": .array(changed.map(JSONValue.string))])
                }
                let merged = p.merged(over: current)
                var v = Validator()
                DealRules.typeTerms(dealType: merged.dealType, guarantee: merged.guarantee, rentalFee: merged.rentalFee,
                                    percentage: merged.percentage, into: &v)
                try v.validate()
                return try await connection.query("""
                    UPDATE deals d SET
                        booking_id = CASE WHEN \(p.bookingId.clears) THEN NULL ELSE COALESCE(\(p.bookingId.value), booking_id) END,
                        name = CASE WHEN \(p.name.clears) THEN NULL ELSE COALESCE(\(p.name.value), name) END,
                        deal_type = COALESCE(\(p.dealType.value), deal_type),
                        status = \(target),
                        status_changed_at = CASE WHEN status = \(target) THEN status_changed_at ELSE now() END,
                        currency = COALESCE(\(p.currency.value), currency),
                        guarantee_minor = CASE WHEN \(p.guaranteeMinor.clears) THEN NULL
                            ELSE COALESCE(\(p.guaranteeMinor.value), guarantee_minor) END,
                        rental_fee_minor = CASE WHEN \(p.rentalFeeMinor.clears) THEN NULL
                            ELSE COALESCE(\(p.rentalFeeMinor.value), rental_fee_minor) END,
                        deposit_minor = CASE WHEN \(p.depositMinor.clears) THEN NULL
                            ELSE COALESCE(\(p.depositMinor.value), deposit_minor) END,
                        expenses_minor = CASE WHEN \(p.expensesMinor.clears) THEN NULL
                            ELSE COALESCE(\(p.expensesMinor.value), expenses_minor) END,
                        percentage = CASE WHEN \(p.percentage.clears) THEN NULL ELSE COALESCE(\(p.percentage.value)::numeric, percentage) END,
                        terms = COALESCE(\(terms)::jsonb, terms),
                        notes = CASE WHEN \(p.notes.clears) THEN NULL ELSE COALESCE(\(p.notes.value), notes) END,
                        updated_at = now()
                    WHERE d.company_id = \(companyID) AND d.id = \(id)
                    RETURNING \(unescaped: Self.columns)
                    """, logger: logger).first(Self.decode)
            }
        }
    }
}

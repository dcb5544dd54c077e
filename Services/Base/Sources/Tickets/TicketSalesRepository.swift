import Foundation
import KisumKernel
import KisumPersistence
import Logging
import PostgresNIO

/// Sales records against a tier. The tier's counters (trigger) and CHECK refuse an oversell in the database; the
/// trigger's UPDATE locks the tier row, so concurrent sales on one tier take turns and none can pass on a stale count.
struct TicketSalesRepository: Sendable {
    let database: Database

    static let columns = """
        s.id, t.id AS ticket_id, t.name AS ticket_name, s.tier_id, r.name AS tier_name, s.sold_on::text AS sold_on,
        s.period_start::text AS period_start, s.period_end::text AS period_end, s.quantity, s.comps, s.gross_minor,
        e.currency::text AS currency, s.channel, s.external_ref, s.created_by, s.created_at, s.updated_at
        """
    static let joins = """
        JOIN event_ticket_tiers r ON r.company_id = s.company_id AND r.id = s.tier_id
        JOIN event_tickets t ON t.company_id = r.company_id AND t.id = r.ticket_id
        JOIN events e ON e.company_id = t.company_id AND e.id = t.event_id
        """
    static let order = "ORDER BY COALESCE(s.sold_on, s.period_start), s.created_at, s.id"

    static let constraints = ConstraintMessages([
        "event_ticket_sales_external_ref_key": .conflict("external_ref_exists", "A sales record with this externalRef already exists."),
        "event_ticket_sales_tier_fk": .validation(field: "tierId", code: "not_found", message: "No tier with this id in this allocation."),
    ])

    static func decode(_ row: PostgresRow) throws -> EventTicketSale {
        let c = Columns(row)
        return EventTicketSale(
            id: try c("id"), ticketId: try c("ticket_id"), ticketName: try c("ticket_name"), tierId: try c("tier_id"),
            tierName: try c("tier_name"), soldOn: try c("sold_on"), periodStart: try c("period_start"), periodEnd: try c("period_end"),
            quantity: try c("quantity"), comps: try c("comps"), grossMinor: try c("gross_minor"), currency: try c("currency"),
            channel: try c("channel"), externalRef: try c("external_ref"), createdBy: try c("created_by"), createdAt: try c("created_at"),
            updatedAt: try c("updated_at"))
    }

    func list(companyID: UUID, eventID: UUID, _ f: SaleFilter, page: PageRequest) async throws -> (items: [EventTicketSale], total: Int) {
        func query(_ select: String, _ suffix: String) -> PostgresQuery {
            """
            SELECT \(unescaped: select) FROM event_ticket_sales s \(unescaped: Self.joins)
            WHERE s.company_id = \(companyID) AND t.event_id = \(eventID)
              AND (\(f.ticketID)::uuid IS NULL OR t.id = \(f.ticketID))
              AND (\(f.tierID)::uuid IS NULL OR s.tier_id = \(f.tierID))
              AND (\(f.channel)::text IS NULL OR lower(s.channel) = lower(\(f.channel)))
              AND (\(f.from)::date IS NULL OR COALESCE(s.period_end, s.sold_on) >= \(f.from)::date)
              AND (\(f.to)::date IS NULL OR COALESCE(s.period_start, s.sold_on) <= \(f.to)::date)
            \(unescaped: suffix)
            """
        }
        return try await database.page(query, columns: Self.columns, orderBy: Self.order, page: page, decode: Self.decode)
    }

    func get(companyID: UUID, id: UUID) async throws -> EventTicketSale? {
        try await database.query("""
            SELECT \(unescaped: Self.columns) FROM event_ticket_sales s \(unescaped: Self.joins) WHERE s.company_id = \(companyID) AND s.id = \(id)
            """).first(Self.decode)
    }

    /// The price of a tier of this allocation; nil when the allocation has no such tier.
    func tierPrice(companyID: UUID, ticketID: UUID, tierID: UUID?) async throws -> Int64? {
        try await database.query("""
            SELECT price_minor FROM event_ticket_tiers WHERE company_id = \(companyID) AND ticket_id = \(ticketID) AND id = \(tierID)
            """).first { try $0.decode(Int64.self) }
    }

    func create(companyID: UUID, userID: UUID, tierID: UUID, _ f: SaleFields, grossMinor: Int64) async throws -> EventTicketSale {
        let id = try await TicketCapacity.mapping(database, companyID: companyID, tier: tierID) {
            try await Self.constraints.map {
                try await database.query("""
                    INSERT INTO event_ticket_sales (company_id, tier_id, sold_on, period_start, period_end, quantity, comps, gross_minor,
                                                    channel, external_ref, created_by)
                    VALUES (\(companyID), \(tierID), \(f.soldOn)::date, \(f.periodStart)::date, \(f.periodEnd)::date, \(f.quantity),
                            COALESCE(\(f.comps), 0), \(grossMinor), \(f.trimmedChannel), \(f.externalRef), \(userID))
                    RETURNING id
                    """).first { try $0.decode(UUID.self) }
            }
        }
        guard let id, let sale = try await get(companyID: companyID, id: id) else { throw APIError.internalError }
        return sale
    }

    /// A full replacement of a sales record of this allocation (its tier may change to another of the allocation's).
    func replace(companyID: UUID, ticketID: UUID, id: UUID, tierID: UUID, _ f: SaleFields, grossMinor: Int64) async throws -> EventTicketSale? {
        let updated = try await TicketCapacity.mapping(database, companyID: companyID, tier: tierID) {
            try await Self.constraints.map {
                try await database.query("""
                    UPDATE event_ticket_sales SET tier_id = \(tierID), sold_on = \(f.soldOn)::date, period_start = \(f.periodStart)::date,
                        period_end = \(f.periodEnd)::date, quantity = \(f.quantity), comps = COALESCE(\(f.comps), 0), gross_minor = \(grossMinor),
                        channel = \(f.trimmedChannel), external_ref = \(f.externalRef), updated_at = clock_timestamp()
                    WHERE company_id = \(companyID) AND id = \(id)
                      AND tier_id IN (SELECT id FROM event_ticket_tiers WHERE company_id = \(companyID) AND ticket_id = \(ticketID))
                    RETURNING id
                    """).first { _ in true }
            }
        }
        guard updated != nil else { return nil }
        return try await get(companyID: companyID, id: id)
    }

    func saleExists(companyID: UUID, ticketID: UUID, id: UUID) async throws -> Bool {
        try await database.query("""
            SELECT 1 FROM event_ticket_sales s JOIN event_ticket_tiers r ON r.company_id = s.company_id AND r.id = s.tier_id
            WHERE s.company_id = \(companyID) AND s.id = \(id) AND r.ticket_id = \(ticketID)
            """).first { _ in true } ?? false
    }

    func delete(companyID: UUID, ticketID: UUID, id: UUID) async throws -> Bool {
        try await database.query("""
            DELETE FROM event_ticket_sales
            WHERE company_id = \(companyID) AND id = \(id)
              AND tier_id IN (SELECT id FROM event_ticket_tiers WHERE company_id = \(companyID) AND ticket_id = \(ticketID))
            RETURNING id
            """).first { _ in true } ?? false
    }

    // MARK: Import

    /// Imports every row or none. In one transaction: the file's tiers are locked (in id order, so two imports
    /// cannot deadlock), rows whose externalRef is already recorded are skipped, and every remaining row is
    /// checked (unknown tier, gross, capacity left as the rows before it use it up); any problem → 422 listing them
    /// all with their line numbers. The CHECKs stay the last word.
    func importSales(companyID: UUID, userID: UUID, rows: [TicketCSV.Row]) async throws -> TicketImportResult {
        let logger = database.logger
        let tierIDs = Array(Set(rows.compactMap(\.fields.tierId)))
        let refs = rows.compactMap(\.fields.externalRef)
        return try await database.transaction { connection -> TicketImportResult in
            var tiers: [UUID: (price: Int64, remaining: Int)] = [:]
            for (id, price, remaining) in try await connection.query("""
                SELECT id, price_minor, (capacity - sold - comps)::bigint FROM event_ticket_tiers
                WHERE company_id = \(companyID) AND id = ANY(\(tierIDs)::uuid[]) ORDER BY id FOR NO KEY UPDATE
                """, logger: logger).collect({ try $0.decode((UUID, Int64, Int).self) }) {
                tiers[id] = (price, remaining)
            }
            let existing = Set(try await connection.query("""
                SELECT external_ref FROM event_ticket_sales WHERE company_id = \(companyID) AND external_ref = ANY(\(refs)::text[])
                """, logger: logger).collect { try $0.decode(String.self) })
            var issues: [TicketCSV.Issue] = []
            var accepted: [(TicketCSV.Row, Int64)] = []
            for row in rows {
                let f = row.fields
                if let ref = f.externalRef, existing.contains(ref) { continue }
                guard let tierID = f.tierId, var tier = tiers[tierID] else {
                    issues.append(.init(line: row.line, field: "tier_id", code: "not_found", message: "No tier with this id in this company."))
                    continue
                }
                switch f.gross(priceMinor: tier.price) {
                case .failure(let issue):
                    issues.append(.init(line: row.line, field: TicketCSV.column(of: issue.field), code: issue.code, message: issue.message))
                case .success(let gross):
                    let used = (f.quantity ?? 0) + (f.comps ?? 0)
                    if used > tier.remaining {
                        issues.append(.init(line: row.line, field: "quantity", code: "capacity_exceeded",
                                            message: "The tier has \(max(tier.remaining, 0)) left at this row."))
                    }
                    tier.remaining -= used
                    tiers[tierID] = tier
                    accepted.append((row, gross))
                }
            }
            if !issues.isEmpty { throw TicketCSV.failure(issues) }
            let inserted = try await connection.query("""
                INSERT INTO event_ticket_sales (company_id, tier_id, sold_on, period_start, period_end, quantity, comps, gross_minor,
                                                channel, external_ref, created_by)
                SELECT \(companyID), tier_id, NULLIF(sold_on, '')::date, NULLIF(period_start, '')::date, NULLIF(period_end, '')::date, quantity,
                       comps, gross, NULLIF(channel, ''), NULLIF(ref, ''), \(userID)
                FROM unnest(\(accepted.map { $0.0.fields.tierId ?? UUID() })::uuid[], \(accepted.map { $0.0.fields.soldOn ?? "" })::text[],
                            \(accepted.map { $0.0.fields.periodStart ?? "" })::text[], \(accepted.map { $0.0.fields.periodEnd ?? "" })::text[],
                            \(accepted.map { $0.0.fields.quantity ?? 0 })::int[], \(accepted.map { $0.0.fields.comps ?? 0 })::int[],
                            \(accepted.map(\.1))::bigint[], \(accepted.map { $0.0.fields.trimmedChannel ?? "" })::text[],
                            \(accepted.map { $0.0.fields.externalRef ?? "" })::text[])
                     AS x(tier_id, sold_on, period_start, period_end, quantity, comps, gross, channel, ref)
                ON CONFLICT (company_id, external_ref) WHERE external_ref IS NOT NULL DO NOTHING
                RETURNING id
                """, logger: logger).collect { _ in true }.count
            return TicketImportResult(rows: rows.count, imported: inserted, skipped: rows.count - inserted)
        }
    }
}

import Foundation
import KisumDeals
import KisumKernel
import KisumPersistence
import PostgresNIO

/// An event's tickets read as a whole: the summary, the CSV export and the actual sales the settlement feeds
/// to the deal engine.
public struct TicketReportsRepository: Sendable {
    let database: Database

    public init(database: Database) { self.database = database }

    /// The event's actual sales, one `TicketTier` per tier (named "allocation / tier", its price, sold and comps),
    /// in allocation then tier order: the deal engine's input for a settlement. Nil when the company has no such
    /// event; an event without tiers answers `[]`. Note the deal engine prices sales at face value (price ×
    /// quantity); the recorded gross (discounts) is in `summary`.
    public func actualSales(companyID: UUID, eventID: UUID) async throws -> [TicketTier]? {
        let rows = try await database.query("""
            SELECT t.name || ' / ' || r.name, r.price_minor, r.sold::bigint, r.comps::bigint
            FROM events e
            LEFT JOIN event_tickets t ON t.company_id = e.company_id AND t.event_id = e.id
            LEFT JOIN event_ticket_tiers r ON r.company_id = t.company_id AND r.ticket_id = t.id
            WHERE e.company_id = \(companyID) AND e.id = \(eventID)
            ORDER BY t.created_at, t.id, r.sort_order, r.created_at, r.id
            """).collect { try $0.decode((String?, Int64?, Int?, Int?).self) }
        guard !rows.isEmpty else { return nil }
        return rows.compactMap { row in
            guard let name = row.0, let price = row.1, let sold = row.2, let comps = row.3 else { return nil }
            return TicketTier(name: name, priceMinor: price, quantity: sold, comps: comps)
        }
    }

    /// Capacity, sold, comps, remaining and gross per allocation and tier plus the event's totals, in one
    /// statement (grouping sets: tier rows, allocation subtotals, the grand total). Nil when no such event.
    func summary(companyID: UUID, eventID: UUID) async throws -> TicketSummary? {
        let rows = try await database.query("""
            SELECT GROUPING(t.id, r.id)::int AS level, t.id AS ticket_id, r.id AS tier_id, max(t.name) AS ticket_name, max(t.kind) AS kind,
                   max(t.status) AS status, max(t.capacity)::bigint AS capacity, max(t.tier_capacity)::bigint AS tier_capacity,
                   max(r.name) AS tier_name, max(r.price_minor) AS price_minor, COALESCE(sum(r.capacity), 0)::bigint AS tier_capacity_sum,
                   COALESCE(sum(r.sold), 0)::bigint AS sold, COALESCE(sum(r.comps), 0)::bigint AS comps,
                   COALESCE(sum(r.gross_minor), 0)::bigint AS gross_minor, max(e.currency::text) AS currency,
                   max(e.capacity)::bigint AS event_capacity, max(e.ticket_capacity)::bigint AS allocated
            FROM events e
            LEFT JOIN event_tickets t ON t.company_id = e.company_id AND t.event_id = e.id
            LEFT JOIN event_ticket_tiers r ON r.company_id = t.company_id AND r.ticket_id = t.id
            WHERE e.company_id = \(companyID) AND e.id = \(eventID)
            GROUP BY GROUPING SETS ((t.id, r.id), (t.id), ())
            ORDER BY min(t.created_at) NULLS LAST, t.id NULLS LAST, GROUPING(t.id, r.id) DESC, min(r.sort_order), min(r.created_at), r.id
            """).collect { row in
                let c = Columns(row)
                return SummaryRow(level: try c("level"), ticketID: try c("ticket_id"), tierID: try c("tier_id"), ticketName: try c("ticket_name"),
                                  kind: try c("kind"), status: try c("status"), capacity: try c("capacity"), tierCapacity: try c("tier_capacity"),
                                  tierName: try c("tier_name"), price: try c("price_minor"), tierCapacitySum: try c("tier_capacity_sum"),
                                  sold: try c("sold"), comps: try c("comps"), gross: try c("gross_minor"), currency: try c("currency"),
                                  eventCapacity: try c("event_capacity"), allocated: try c("allocated"))
            }
        var allocations: [TicketSummary.Allocation] = []
        var totals: TicketSummary.Totals?
        var currency: String?
        for r in rows {
            let remaining = r.tierCapacitySum - r.sold - r.comps
            switch r.level {
            case 0:
                guard let tierID = r.tierID, let tierName = r.tierName, let price = r.price, !allocations.isEmpty else { continue }
                allocations[allocations.count - 1].tiers.append(.init(
                    tierId: tierID, name: tierName, priceMinor: price, capacity: r.tierCapacitySum, sold: r.sold, comps: r.comps,
                    remaining: remaining, grossMinor: r.gross))
            case 1:
                guard let ticketID = r.ticketID, let name = r.ticketName, let kind = r.kind, let status = r.status, let capacity = r.capacity,
                      let tierCapacity = r.tierCapacity else { continue }
                allocations.append(.init(ticketId: ticketID, name: name, kind: kind, status: status, capacity: capacity,
                                         tierCapacity: tierCapacity, sold: r.sold, comps: r.comps, remaining: remaining,
                                         grossMinor: r.gross, tiers: []))
            default:
                currency = r.currency
                totals = .init(eventCapacity: r.eventCapacity, allocated: r.allocated ?? 0, sold: r.sold, comps: r.comps,
                               remaining: remaining, grossMinor: r.gross)
            }
        }
        guard let totals, let currency else { return nil }
        return TicketSummary(eventId: eventID, currency: currency, allocations: allocations, totals: totals)
    }

    private struct SummaryRow {
        var level: Int
        var ticketID: UUID?
        var tierID: UUID?
        var ticketName: String?
        var kind: String?
        var status: String?
        var capacity: Int?
        var tierCapacity: Int?
        var tierName: String?
        var price: Int64?
        var tierCapacitySum: Int
        var sold: Int
        var comps: Int
        var gross: Int64
        var currency: String?
        var eventCapacity: Int?
        var allocated: Int?
    }

    /// Every sales record of the event, by allocation, tier and day, for the CSV export.
    func sales(companyID: UUID, eventID: UUID) async throws -> [EventTicketSale] {
        try await database.query("""
            SELECT \(unescaped: TicketSalesRepository.columns) FROM event_ticket_sales s \(unescaped: TicketSalesRepository.joins)
            WHERE s.company_id = \(companyID) AND t.event_id = \(eventID)
            ORDER BY t.created_at, t.id, r.sort_order, r.id, COALESCE(s.sold_on, s.period_start), s.created_at, s.id
            """).collect(TicketSalesRepository.decode)
    }
}

import Foundation
import KisumKernel
import KisumPersistence
import Logging
import PostgresNIO

/// Ticket allocations and their tiers. Capacity is the database's rule (migration 0013's counters and CHECKs);
/// this maps a violation to 409 `capacity_exceeded` with what is left (`TicketCapacity`).
struct TicketsRepository: Sendable {
    let database: Database

    static let columns = """
        t.id, t.event_id, e.name AS event_name, t.name, t.kind, t.capacity, t.tier_capacity, t.status, e.currency::text AS currency,
        t.on_sale_at, t.off_sale_at, s.tier_count, s.sold, s.comps, s.remaining, s.gross_minor, t.created_by, t.created_at, t.updated_at
        """
    static let joins = """
        JOIN events e ON e.company_id = t.company_id AND e.id = t.event_id
        CROSS JOIN LATERAL (
            SELECT count(*)::int AS tier_count, COALESCE(sum(r.sold), 0)::int AS sold, COALESCE(sum(r.comps), 0)::int AS comps,
                   COALESCE(sum(r.capacity - r.sold - r.comps), 0)::int AS remaining, COALESCE(sum(r.gross_minor), 0)::bigint AS gross_minor
            FROM event_ticket_tiers r WHERE r.company_id = t.company_id AND r.ticket_id = t.id) s
        """
    static let tierColumns = """
        r.id, r.ticket_id, r.name, r.price_minor, e.currency::text AS currency, r.capacity, r.sort_order, r.sold, r.comps,
        r.capacity - r.sold - r.comps AS remaining, r.gross_minor, r.created_at, r.updated_at
        """
    static let tierJoins = """
        JOIN event_tickets t ON t.company_id = r.company_id AND t.id = r.ticket_id
        JOIN events e ON e.company_id = t.company_id AND e.id = t.event_id
        """

    static let constraints = ConstraintMessages([
        "event_tickets_event_fk": .validation(field: "eventId", code: "not_found", message: "No event with this id in this company."),
        "event_tickets_sale_window": .validation(field: "offSaleAt", code: "before_start", message: "offSaleAt must be after onSaleAt."),
        "event_ticket_tiers_name_key": .conflict("tier_name_taken", "The allocation already has a tier with this name."),
        "event_ticket_tiers_ticket_fk": .notFound("event ticket"),
        "event_ticket_sales_tier_fk": .conflict("has_sales", "Sales are recorded against it; delete the sales records first."),
    ])

    static func decode(_ row: PostgresRow) throws -> EventTicket {
        let c = Columns(row)
        return EventTicket(
            id: try c("id"), eventId: try c("event_id"), eventName: try c("event_name"), name: try c("name"), kind: try c("kind"),
            capacity: try c("capacity"), tierCapacity: try c("tier_capacity"), status: try c("status"), currency: try c("currency"),
            onSaleAt: try c("on_sale_at"), offSaleAt: try c("off_sale_at"), tierCount: try c("tier_count"), sold: try c("sold"),
            comps: try c("comps"), remaining: try c("remaining"), grossMinor: try c("gross_minor"), createdBy: try c("created_by"),
            createdAt: try c("created_at"), updatedAt: try c("updated_at"))
    }

    static func decodeTier(_ row: PostgresRow) throws -> EventTicketTier {
        let c = Columns(row)
        return EventTicketTier(
            id: try c("id"), ticketId: try c("ticket_id"), name: try c("name"), priceMinor: try c("price_minor"), currency: try c("currency"),
            capacity: try c("capacity"), sortOrder: try c("sort_order"), sold: try c("sold"), comps: try c("comps"),
            remaining: try c("remaining"), grossMinor: try c("gross_minor"), createdAt: try c("created_at"), updatedAt: try c("updated_at"))
    }

    // MARK: Allocations

    func list(companyID: UUID, _ f: TicketFilter, page: PageRequest) async throws -> (items: [EventTicket], total: Int) {
        let pattern = SQLPattern.contains(f.q)
        func query(_ select: String, _ suffix: String) -> PostgresQuery {
            """
            SELECT \(unescaped: select) FROM event_tickets t \(unescaped: Self.joins)
            WHERE t.company_id = \(companyID)
              AND (\(f.eventID)::uuid IS NULL OR t.event_id = \(f.eventID))
              AND (\(f.status)::text IS NULL OR t.status = \(f.status))
              AND (\(f.kind)::text IS NULL OR t.kind = \(f.kind))
              AND (\(pattern)::text IS NULL OR t.name ILIKE \(pattern))
            \(unescaped: suffix)
            """
        }
        return try await database.page(query, columns: Self.columns, orderBy: TicketRules.orderBy(f.sort), page: page, decode: Self.decode)
    }

    func get(companyID: UUID, id: UUID) async throws -> EventTicket? {
        try await database.query("""
            SELECT \(unescaped: Self.columns) FROM event_tickets t \(unescaped: Self.joins) WHERE t.company_id = \(companyID) AND t.id = \(id)
            """).first(Self.decode)
    }

    func exists(companyID: UUID, id: UUID) async throws -> Bool {
        try await database.query("SELECT 1 FROM event_tickets WHERE company_id = \(companyID) AND id = \(id)").first { _ in true } ?? false
    }

    func eventExists(companyID: UUID, eventID: UUID) async throws -> Bool {
        try await database.query("SELECT 1 FROM events WHERE company_id = \(companyID) AND id = \(eventID)").first { _ in true } ?? false
    }

    /// One allocation with its tiers, in one transaction.
    func create(companyID: UUID, userID: UUID, _ body: CreateTicket) async throws -> EventTicket {
        let ids = try await bulkCreate(companyID: companyID, userID: userID, [body], addressed: false)
        guard let id = ids.first, let ticket = try await get(companyID: companyID, id: id) else { throw APIError.internalError }
        return ticket
    }

    /// Creates every allocation (with its tiers) or none. `addressed`: field errors are prefixed with the item's
    /// index (`[2].eventId`), as `POST /api/event-ticket/bulk` reports them.
    func bulkCreate(companyID: UUID, userID: UUID, _ items: [CreateTicket], addressed: Bool = true) async throws -> [UUID] {
        let logger = database.logger
        let eventIDs = items.compactMap(\.eventId)
        return try await TicketCapacity.mapping(database, companyID: companyID, event: Set(eventIDs).count == 1 ? eventIDs.first : nil) {
            try await Self.constraints.map {
                try await database.transaction { connection -> [UUID] in
                    let known = try await connection.query("""
                        SELECT id FROM events WHERE company_id = \(companyID) AND id = ANY(\(eventIDs)::uuid[])
                        """, logger: logger).collect { try $0.decode(UUID.self) }
                    let missing = items.enumerated().filter { !known.contains($0.element.eventId ?? UUID()) }.map {
                        FieldIssue(field: addressed ? "[\($0.offset)].eventId" : "eventId", code: "not_found",
                                   message: "No event with this id in this company.")
                    }
                    if !missing.isEmpty { throw APIError.validation(missing) }
                    var ids: [UUID] = []
                    var tierTickets: [UUID] = [], names: [String] = [], prices: [Int64] = [], capacities: [Int] = [], orders: [Int] = []
                    for item in items {
                        let f = item.fields
                        let id = try await connection.query("""
                            INSERT INTO event_tickets (company_id, event_id, name, kind, capacity, status, on_sale_at, off_sale_at, created_by)
                            VALUES (\(companyID), \(item.eventId), \(f.trimmedName), COALESCE(\(f.kind), 'general_admission'), \(f.capacity),
                                    COALESCE(\(f.status), 'draft'), \(f.onSaleAt), \(f.offSaleAt), \(userID))
                            RETURNING id
                            """, logger: logger).first { try $0.decode(UUID.self) }
                        guard let id else { throw APIError.internalError }
                        ids.append(id)
                        for (index, tier) in (f.tiers ?? []).enumerated() {
                            tierTickets.append(id)
                            names.append(tier.trimmedName ?? "")
                            prices.append(tier.priceMinor ?? 0)
                            capacities.append(tier.capacity ?? 0)
                            orders.append(tier.sortOrder ?? index)
                        }
                    }
                    if !tierTickets.isEmpty {
                        try await connection.query("""
                            INSERT INTO event_ticket_tiers (company_id, ticket_id, name, price_minor, capacity, sort_order)
                            SELECT \(companyID), * FROM unnest(\(tierTickets)::uuid[], \(names)::text[], \(prices)::bigint[],
                                                               \(capacities)::int[], \(orders)::int[])
                            """, logger: logger)
                    }
                    return ids
                }
            }
        }
    }

    /// The allocations with these ids, in this order.
    func get(companyID: UUID, ids: [UUID]) async throws -> [EventTicket] {
        try await database.query("""
            SELECT \(unescaped: Self.columns) FROM event_tickets t \(unescaped: Self.joins)
            WHERE t.company_id = \(companyID) AND t.id = ANY(\(ids)::uuid[]) ORDER BY array_position(\(ids)::uuid[], t.id)
            """).collect(Self.decode)
    }

    func replace(companyID: UUID, id: UUID, _ body: ReplaceTicket) async throws -> EventTicket? {
        let f = body.fields
        let eventID = try await database.query("SELECT event_id FROM event_tickets WHERE company_id = \(companyID) AND id = \(id)")
            .first { try $0.decode(UUID.self) }
        guard let eventID else { return nil }
        // Which level refused: the allocation (tiers above the new capacity) or the event (allocations above its).
        let updated = try await TicketCapacity.mapping(database, companyID: companyID, ticket: id, event: eventID) {
            try await Self.constraints.map {
                try await database.query("""
                    UPDATE event_tickets SET name = \(f.trimmedName), kind = COALESCE(\(f.kind), kind), capacity = \(f.capacity),
                        status = COALESCE(\(f.status), status), on_sale_at = \(f.onSaleAt), off_sale_at = \(f.offSaleAt),
                        updated_at = clock_timestamp()
                    WHERE company_id = \(companyID) AND id = \(id)
                    RETURNING id
                    """).first { try $0.decode(UUID.self) }
            }
        }
        guard updated != nil else { return nil }
        return try await get(companyID: companyID, id: id)
    }

    /// Deletes the allocation and its tiers; refused (409 `has_sales`) while any tier has sales records.
    func delete(companyID: UUID, id: UUID) async throws -> Bool {
        try await Self.constraints.map {
            try await database.query("DELETE FROM event_tickets WHERE company_id = \(companyID) AND id = \(id) RETURNING id")
                .first { _ in true } ?? false
        }
    }

    // MARK: Tiers

    func tiers(companyID: UUID, ticketID: UUID) async throws -> [EventTicketTier] {
        try await database.query("""
            SELECT \(unescaped: Self.tierColumns) FROM event_ticket_tiers r \(unescaped: Self.tierJoins)
            WHERE r.company_id = \(companyID) AND r.ticket_id = \(ticketID) ORDER BY r.sort_order, r.created_at, r.id
            """).collect(Self.decodeTier)
    }

    func tier(companyID: UUID, ticketID: UUID, id: UUID) async throws -> EventTicketTier? {
        try await database.query("""
            SELECT \(unescaped: Self.tierColumns) FROM event_ticket_tiers r \(unescaped: Self.tierJoins)
            WHERE r.company_id = \(companyID) AND r.ticket_id = \(ticketID) AND r.id = \(id)
            """).first(Self.decodeTier)
    }

    func addTier(companyID: UUID, ticketID: UUID, _ body: TierBody) async throws -> EventTicketTier {
        let id = try await TicketCapacity.mapping(database, companyID: companyID, ticket: ticketID) {
            try await Self.constraints.map {
                try await database.query("""
                    INSERT INTO event_ticket_tiers (company_id, ticket_id, name, price_minor, capacity, sort_order)
                    VALUES (\(companyID), \(ticketID), \(body.trimmedName), \(body.priceMinor), \(body.capacity), COALESCE(\(body.sortOrder), 0))
                    RETURNING id
                    """).first { try $0.decode(UUID.self) }
            }
        }
        guard let id, let tier = try await tier(companyID: companyID, ticketID: ticketID, id: id) else { throw APIError.internalError }
        return tier
    }

    /// A full replacement of the tier; lowering its capacity below what it sold is 409 like overselling.
    func replaceTier(companyID: UUID, ticketID: UUID, id: UUID, _ body: TierBody) async throws -> EventTicketTier? {
        let updated = try await TicketCapacity.mapping(database, companyID: companyID, tier: id, ticket: ticketID) {
            try await Self.constraints.map {
                try await database.query("""
                    UPDATE event_ticket_tiers SET name = \(body.trimmedName), price_minor = \(body.priceMinor), capacity = \(body.capacity),
                        sort_order = COALESCE(\(body.sortOrder), sort_order), updated_at = clock_timestamp()
                    WHERE company_id = \(companyID) AND ticket_id = \(ticketID) AND id = \(id)
                    RETURNING id
                    """).first { _ in true }
            }
        }
        guard updated != nil else { return nil }
        return try await tier(companyID: companyID, ticketID: ticketID, id: id)
    }

    func deleteTier(companyID: UUID, ticketID: UUID, id: UUID) async throws -> Bool {
        try await Self.constraints.map {
            try await database.query("""
                DELETE FROM event_ticket_tiers WHERE company_id = \(companyID) AND ticket_id = \(ticketID) AND id = \(id) RETURNING id
                """).first { _ in true } ?? false
        }
    }
}

import Foundation
import KisumKernel
import KisumPersistence
import Logging
import PostgresNIO

/// Reads of events: one statement per list (the bill comes along as one lateral JSON aggregate per row), the
/// summary with its counts, the activity log and the timeline.
struct EventsRepository: Sendable {
    let database: Database

    /// The wire columns of `events e` with the bill of `billJoin` (`b`).
    static let columns = """
        e.id, e.name, e.status, e.event_date::text AS date, to_char(e.doors_time, 'HH24:MI') AS doors_time,
        to_char(e.show_time, 'HH24:MI') AS show_time, to_char(e.curfew_time, 'HH24:MI') AS curfew_time, e.timezone, e.venue_id,
        e.venue_name, e.city, e.country_id, e.capacity, e.currency::text AS currency, e.event_group_id, e.description,
        b.bill::text AS bill, e.confirmed_at, e.cancelled_at, e.cancellation_reason, e.version, e.created_by, e.created_at, e.updated_at
        """

    /// The bill in billing order as a JSON array (`addedAt` in epoch seconds, decoded by `billDecoder`).
    static let billJoin = """
        LEFT JOIN LATERAL (
            SELECT json_agg(json_build_object('artistId', ea.artist_id, 'artistName', ar.name, 'role', ea.role,
                       'billingOrder', ea.billing_order, 'setTime', to_char(ea.set_time, 'HH24:MI'), 'setMinutes', ea.set_minutes,
                       'addedAt', extract(epoch FROM ea.added_at)) ORDER BY ea.billing_order, ar.name, ea.artist_id) AS bill
            FROM event_artists ea JOIN artists ar ON ar.company_id = ea.company_id AND ar.id = ea.artist_id
            WHERE ea.company_id = e.company_id AND ea.event_id = e.id) b ON true
        """

    static let billDecoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return decoder
    }()

    static func decode(_ row: PostgresRow) throws -> LiveEvent {
        let c = Columns(row)
        let bill = try c("bill", as: String?.self).map { try billDecoder.decode([EventArtist].self, from: Data($0.utf8)) } ?? []
        return LiveEvent(
            id: try c("id"), name: try c("name"), status: try c("status"), date: try c("date"), doorsTime: try c("doors_time"),
            showTime: try c("show_time"), curfewTime: try c("curfew_time"), timezone: try c("timezone"), venueId: try c("venue_id"),
            venueName: try c("venue_name"), city: try c("city"), countryId: try c("country_id"), capacity: try c("capacity"),
            currency: try c("currency"), eventGroupId: try c("event_group_id"), description: try c("description"), artists: bill,
            confirmedAt: try c("confirmed_at"), cancelledAt: try c("cancelled_at"), cancellationReason: try c("cancellation_reason"),
            version: try c("version"), createdBy: try c("created_by"), createdAt: try c("created_at"), updatedAt: try c("updated_at"))
    }

    /// The filtered events (`EventFilter`) as one statement: `select` and `suffix` as `Database.page` builds them.
    static func filtered(companyID: UUID, _ f: EventFilter, _ select: String, _ suffix: String) -> PostgresQuery {
        let pattern = SQLPattern.contains(f.query)
        return """
            SELECT \(unescaped: select) FROM events e \(unescaped: billJoin)
            WHERE e.company_id = \(companyID)
              AND (\(f.type)::text IS NULL OR \(f.type) = 'all'
                   OR (\(f.type) = 'upcoming' AND e.event_date >= CURRENT_DATE AND e.status <> 'cancelled')
                   OR (\(f.type) = 'past' AND e.event_date < CURRENT_DATE)
                   OR (\(f.type) = 'draft' AND e.status IN ('draft', 'hold'))
                   OR (\(f.type) = 'confirmed' AND e.status IN ('confirmed', 'announced', 'on_sale', 'completed', 'settled'))
                   OR (\(f.type) = 'cancelled' AND e.status = 'cancelled'))
              AND (\(f.status)::text IS NULL OR e.status = \(f.status))
              AND (\(f.from)::date IS NULL OR e.event_date >= \(f.from)::date)
              AND (\(f.to)::date IS NULL OR e.event_date <= \(f.to)::date)
              AND (\(f.venueID)::uuid IS NULL OR e.venue_id = \(f.venueID))
              AND (\(f.eventGroupID)::uuid IS NULL OR e.event_group_id = \(f.eventGroupID))
              AND (\(f.artistID)::uuid IS NULL OR EXISTS (
                    SELECT 1 FROM event_artists x WHERE x.company_id = e.company_id AND x.event_id = e.id AND x.artist_id = \(f.artistID)))
              AND (\(pattern)::text IS NULL OR e.name ILIKE \(pattern) OR e.venue_name ILIKE \(pattern) OR e.city ILIKE \(pattern)
                   OR EXISTS (SELECT 1 FROM event_artists x JOIN artists xa ON xa.company_id = x.company_id AND xa.id = x.artist_id
                              WHERE x.company_id = e.company_id AND x.event_id = e.id AND xa.name ILIKE \(pattern)))
            \(unescaped: suffix)
            """
    }

    func list(companyID: UUID, _ filter: EventFilter, sort: String?, page: PageRequest) async throws -> (items: [LiveEvent], total: Int) {
        try await database.page({ Self.filtered(companyID: companyID, filter, $0, $1) }, columns: Self.columns,
                                orderBy: EventSort.orderBy(sort), page: page, decode: Self.decode)
    }

    /// At most `limit` filtered events for the CSV export, in list order.
    func export(companyID: UUID, _ filter: EventFilter, sort: String?, limit: Int) async throws -> [LiveEvent] {
        try await database.query(Self.filtered(companyID: companyID, filter, Self.columns, "\(EventSort.orderBy(sort)) LIMIT \(limit)"))
            .collect(Self.decode)
    }

    func get(companyID: UUID, id: UUID) async throws -> LiveEvent? {
        try await database.query(Self.one(companyID: companyID, id: id)).first(Self.decode)
    }

    static func one(companyID: UUID, id: UUID) -> PostgresQuery {
        "SELECT \(unescaped: columns) FROM events e \(unescaped: billJoin) WHERE e.company_id = \(companyID) AND e.id = \(id)"
    }

    func exists(companyID: UUID, id: UUID) async throws -> Bool {
        try await database.query("SELECT 1 FROM events WHERE company_id = \(companyID) AND id = \(id)").first { _ in true } ?? false
    }

    /// The event and its counts in one statement (scalar subqueries on company-leading indexes).
    func summary(companyID: UUID, id: UUID) async throws -> EventSummary? {
        try await database.query("""
            SELECT \(unescaped: Self.columns),
                (SELECT count(*) FROM event_artists x WHERE x.company_id = e.company_id AND x.event_id = e.id)::int AS artist_count,
                (SELECT count(*) FROM event_documents d WHERE d.company_id = e.company_id AND d.event_id = e.id)::int AS document_count,
                (SELECT count(*) FROM offers o WHERE o.company_id = e.company_id AND o.event_id = e.id)::int AS offer_count,
                (SELECT count(*) FROM event_activity a WHERE a.company_id = e.company_id AND a.event_id = e.id)::int AS activity_count
            FROM events e \(unescaped: Self.billJoin) WHERE e.company_id = \(companyID) AND e.id = \(id)
            """).first { row in
            let c = Columns(row)
            return EventSummary(event: try Self.decode(row), artistCount: try c("artist_count"), documentCount: try c("document_count"),
                                offerCount: try c("offer_count"), activityCount: try c("activity_count"))
        }
    }

    /// The log, oldest first; an empty page of an existing event is told from a missing event by the caller.
    func activity(companyID: UUID, eventID: UUID, page: PageRequest) async throws -> (items: [EventActivity], total: Int) {
        func query(_ select: String, _ suffix: String) -> PostgresQuery {
            "SELECT \(unescaped: select) FROM event_activity a WHERE a.company_id = \(companyID) AND a.event_id = \(eventID) \(unescaped: suffix)"
        }
        return try await database.page(query, columns: "a.id, a.action, a.actor_id, a.at, a.changes::text AS changes",
                                       orderBy: "ORDER BY a.at, a.id", page: page) { row in
            let c = Columns(row)
            return EventActivity(id: try c("id"), action: try c("action"), actorId: try c("actor_id"), at: try c("at"),
                                 changes: try c.json("changes"))
        }
    }

    /// The event's milestones from stored rows: its creation, each status it reached (from the activity log), and
    /// doors, show and curfew on the day in the event's zone (the whole day when it has no times). Nil when the
    /// company has no such event.
    func timeline(companyID: UUID, eventID: UUID) async throws -> [EventMilestone]? {
        let rows = try await database.query("""
            WITH ev AS (SELECT * FROM events WHERE company_id = \(companyID) AND id = \(eventID))
            SELECT 'created' AS kind, created_at AS at, created_by AS actor_id, 0 AS rank FROM ev
            UNION ALL
            SELECT a.changes -> 'status' ->> 'to', a.at, a.actor_id, 1 FROM event_activity a JOIN ev ON a.company_id = ev.company_id
                AND a.event_id = ev.id WHERE a.changes ? 'status'
            UNION ALL
            SELECT m.kind, (ev.event_date + m.t) AT TIME ZONE ev.timezone, NULL::uuid, 2
            FROM ev CROSS JOIN LATERAL (VALUES ('doors', ev.doors_time), ('show', ev.show_time),
                ('curfew', CASE WHEN ev.curfew_time < COALESCE(ev.show_time, ev.doors_time) THEN NULL ELSE ev.curfew_time END)) m(kind, t)
            WHERE m.t IS NOT NULL
            UNION ALL
            SELECT 'event_day', ev.event_date::timestamp AT TIME ZONE ev.timezone, NULL::uuid, 2 FROM ev
            WHERE ev.doors_time IS NULL AND ev.show_time IS NULL
            UNION ALL
            SELECT '', NULL, NULL, -1 FROM ev
            ORDER BY at NULLS FIRST, rank
            """).collect { row -> EventMilestone? in
            let c = Columns(row)
            guard let kind = try c("kind", as: String?.self), !kind.isEmpty, let at = try c("at", as: Date?.self) else { return nil }
            return EventMilestone(kind: kind, at: at, actorId: try c("actor_id"))
        }
        // The marker row ('' kind) exists exactly when the event does.
        return rows.isEmpty ? nil : rows.compactMap { $0 }
    }
}

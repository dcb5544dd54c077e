import Foundation
import HTTPTypes
import KisumKernel
import KisumPersistence
import PostgresNIO

/// The company's events at a venue (`events.venue_id`, 0009): lists, counts and an event's venue.
struct VenueEventsRepository: Sendable {
    let database: Database

    static let columns = "e.id, e.name, e.status, e.event_date::text AS event_date, e.venue_name, e.city, e.capacity, e.currency"

    static func decode(_ row: PostgresRow) throws -> VenueEvent {
        let c = Columns(row)
        return VenueEvent(id: try c("id"), name: try c("name"), status: try c("status"), date: try c("event_date"),
                          venueName: try c("venue_name"), city: try c("city"), capacity: try c("capacity"), currency: try c("currency"))
    }

    /// One page, by date (`order` asc or desc), within `from...to` and of `status` when given.
    func list(companyID: UUID, venueID: UUID, from: String?, to: String?, status: String?, descending: Bool,
              page: PageRequest) async throws -> (items: [VenueEvent], total: Int) {
        func query(_ select: String, _ suffix: String) -> PostgresQuery {
            """
            SELECT \(unescaped: select) FROM events e
            WHERE e.company_id = \(companyID) AND e.venue_id = \(venueID)
              AND (\(from)::date IS NULL OR e.event_date >= \(from)::date)
              AND (\(to)::date IS NULL OR e.event_date <= \(to)::date)
              AND (\(status)::text IS NULL OR e.status = \(status))
            \(unescaped: suffix)
            """
        }
        let order = descending ? "ORDER BY e.event_date DESC, e.id" : "ORDER BY e.event_date, e.id"
        return try await database.page(query, columns: Self.columns, orderBy: order, page: page, decode: Self.decode)
    }

    /// Not-cancelled events in the range, by date (the availability answer; a range is at most 92 days).
    func inRange(companyID: UUID, venueID: UUID, from: String, to: String) async throws -> [VenueEvent] {
        try await database.query("""
            SELECT \(unescaped: Self.columns) FROM events e
            WHERE e.company_id = \(companyID) AND e.venue_id = \(venueID) AND e.status <> 'cancelled'
              AND e.event_date BETWEEN \(from)::date AND \(to)::date
            ORDER BY e.event_date, e.id
            """).collect(Self.decode)
    }

    /// Counts by status, upcoming and past around `today`, and the nearest dates either side, in one statement.
    func counts(companyID: UUID, venueID: UUID, today: String) async throws -> VenueEventCounts {
        let rows = try await database.query("""
            SELECT e.status, count(*) AS n,
                   count(*) FILTER (WHERE e.status <> 'cancelled' AND e.event_date >= \(today)::date) AS upcoming,
                   count(*) FILTER (WHERE e.status <> 'cancelled' AND e.event_date < \(today)::date) AS past,
                   (max(e.event_date) FILTER (WHERE e.status <> 'cancelled' AND e.event_date < \(today)::date))::text AS last_on,
                   (min(e.event_date) FILTER (WHERE e.status <> 'cancelled' AND e.event_date >= \(today)::date))::text AS next_on
            FROM events e
            WHERE e.company_id = \(companyID) AND e.venue_id = \(venueID)
            GROUP BY e.status
            """).collect { row -> (String, Int, Int, Int, String?, String?) in
            let c = Columns(row)
            return (try c("status"), Int(try c("n", as: Int64.self)), Int(try c("upcoming", as: Int64.self)),
                    Int(try c("past", as: Int64.self)), try c("last_on"), try c("next_on"))
        }
        var counts = VenueEventCounts(byStatus: Dictionary(uniqueKeysWithValues: VenueEventStatus.all.map { ($0, 0) }), upcoming: 0, past: 0)
        for (status, n, upcoming, past, last, next) in rows {
            counts.byStatus[status] = n
            counts.upcoming += upcoming
            counts.past += past
            if let last, counts.lastPlayedOn.map({ last > $0 }) ?? true { counts.lastPlayedOn = last }
            if let next, counts.nextEventOn.map({ next < $0 }) ?? true { counts.nextEventOn = next }
        }
        return counts
    }

    /// The event's venue id and snapshot; nil when the company has no such event, `.some(nil)` id when it has no venue.
    func eventVenue(companyID: UUID, eventID: UUID) async throws -> (venueID: UUID?, venueName: String?, city: String?)? {
        try await database.query("""
            SELECT venue_id, venue_name, city FROM events WHERE company_id = \(companyID) AND id = \(eventID)
            """).first { try $0.decode((UUID?, String?, String?).self) }.map { (venueID: $0.0, venueName: $0.1, city: $0.2) }
    }

    /// Sets the event's venue and snapshots Venue's name and city; nil when the company has no such event.
    func setEventVenue(companyID: UUID, eventID: UUID, venueID: UUID, venueName: String, city: String?)
        async throws -> (venueName: String?, city: String?)? {
        let name = VenueLinkRules.clip(venueName, 200)
        let trimmedCity = city.map { VenueLinkRules.clip($0, 100) }
        return try await database.query("""
            UPDATE events SET venue_id = \(venueID), venue_name = NULLIF(\(name), ''), city = NULLIF(\(trimmedCity), ''),
                version = version + 1, updated_at = clock_timestamp()
            WHERE company_id = \(companyID) AND id = \(eventID)
            RETURNING venue_name, city
            """).first { try $0.decode((String?, String?).self) }.map { (venueName: $0.0, city: $0.1) }
    }
}

import Foundation
import KisumKernel
import KisumPersistence
import Logging
import PostgresNIO

/// The calendar's reads (events, holds, tours in a range) and the calendar feeds. A feed is found by the SHA-256
/// of its token (computed by PostgreSQL): the lookup compares hashes, so its timing says nothing about the token.
struct EventCalendarRepository: Sendable {
    let database: Database

    func events(companyID: UUID, from: String, to: String, limit: Int) async throws -> [LiveEvent] {
        try await database.query(EventsRepository.filtered(companyID: companyID, EventFilter(from: from, to: to), EventsRepository.columns,
                                                           "\(EventSort.orderBy(nil)) LIMIT \(limit)"))
            .collect(EventsRepository.decode)
    }

    /// Active holds in the range, by day and rank.
    func holds(companyID: UUID, from: String, to: String, limit: Int) async throws -> [CalendarHold] {
        try await database.query("""
            SELECT a.id, a.artist_id, ar.name, a.held_on::text, a.rank, a.status, a.venue_name, a.city, a.updated_at
            FROM avails a JOIN artists ar ON ar.company_id = a.company_id AND ar.id = a.artist_id
            WHERE a.company_id = \(companyID) AND a.status IN ('hold', 'confirmed') AND a.held_on BETWEEN \(from)::date AND \(to)::date
            ORDER BY a.held_on, a.rank, a.id LIMIT \(limit)
            """).collect { row in
            let (id, artistID, name, date, rank, status, venue, city, updated) =
                try row.decode((UUID, UUID, String, String, Int, String, String?, String?, Date).self)
            return CalendarHold(id: id, artistId: artistID, artistName: name, date: date, rank: rank, status: status,
                                label: "\(ICalendarWriter.ordinal(rank)) hold", venueName: venue, city: city, updatedAt: updated)
        }
    }

    /// Event groups overlapping the range (a group with one known end is taken to be that day).
    func groups(companyID: UUID, from: String, to: String, limit: Int) async throws -> [CalendarEventGroup] {
        try await database.query("""
            SELECT id, name, kind, status, starts_on::text, ends_on::text, updated_at FROM event_groups
            WHERE company_id = \(companyID) AND COALESCE(starts_on, ends_on) IS NOT NULL
              AND COALESCE(starts_on, ends_on) <= \(to)::date AND COALESCE(ends_on, starts_on) >= \(from)::date
            ORDER BY COALESCE(starts_on, ends_on), id LIMIT \(limit)
            """).collect { row in
            let (id, name, kind, status, starts, ends, updated) = try row.decode((UUID, String, String, String, String?, String?, Date).self)
            return CalendarEventGroup(id: id, name: name, kind: kind, status: status, startsOn: starts, endsOn: ends, updatedAt: updated)
        }
    }

    /// Events for the feed with their instants: doors (else show) in the event's zone, until the curfew (the next
    /// day when it is earlier) or four hours later.
    func feedEvents(companyID: UUID, from: String, to: String, limit: Int) async throws -> [FeedEvent] {
        try await database.query("""
            SELECT e.id, e.name, e.status, e.event_date::text,
                   (e.event_date + COALESCE(e.doors_time, e.show_time)) AT TIME ZONE e.timezone AS starts_at,
                   CASE WHEN e.curfew_time IS NOT NULL AND COALESCE(e.doors_time, e.show_time) IS NOT NULL
                        THEN (e.event_date + e.curfew_time + CASE WHEN e.curfew_time <= COALESCE(e.doors_time, e.show_time)
                                                                  THEN interval '1 day' ELSE interval '0' END) AT TIME ZONE e.timezone
                        ELSE ((e.event_date + COALESCE(e.doors_time, e.show_time)) AT TIME ZONE e.timezone) + interval '4 hours'
                   END AS ends_at,
                   e.venue_name, e.city,
                   COALESCE((SELECT array_agg(ar.name ORDER BY ea.billing_order, ar.name) FROM event_artists ea
                             JOIN artists ar ON ar.company_id = ea.company_id AND ar.id = ea.artist_id
                             WHERE ea.company_id = e.company_id AND ea.event_id = e.id), '{}') AS artists,
                   e.version, e.updated_at
            FROM events e
            WHERE e.company_id = \(companyID) AND e.event_date BETWEEN \(from)::date AND \(to)::date
            ORDER BY e.event_date, e.id LIMIT \(limit)
            """).collect { row in
            let c = Columns(row)
            return FeedEvent(id: try c("id"), name: try c("name"), status: try c("status"), date: try c("event_date"),
                             startsAt: try c("starts_at"), endsAt: try c("ends_at"), venueName: try c("venue_name"), city: try c("city"),
                             artists: try c("artists"), version: try c("version"), updatedAt: try c("updated_at"))
        }
    }

    // MARK: Feeds

    static func decodeFeed(_ row: PostgresRow) throws -> CalendarFeed {
        let c = Columns(row)
        return CalendarFeed(id: try c("id"), name: try c("name"), createdAt: try c("created_at"), lastUsedAt: try c("last_used_at"))
    }

    /// Stores the feed with the token's SHA-256 (never the token).
    func createFeed(companyID: UUID, userID: UUID, name: String, token: String) async throws -> CalendarFeed {
        let feed = try await database.query("""
            INSERT INTO calendar_feeds (company_id, user_id, name, token_sha256)
            VALUES (\(companyID), \(userID), \(name), sha256(convert_to(\(token), 'UTF8')))
            RETURNING id, name, created_at, last_used_at
            """).first(Self.decodeFeed)
        guard let feed else { throw APIError.internalError }
        return feed
    }

    /// The caller's own feeds, newest first.
    func feeds(companyID: UUID, userID: UUID, page: PageRequest) async throws -> (items: [CalendarFeed], total: Int) {
        func query(_ select: String, _ suffix: String) -> PostgresQuery {
            "SELECT \(unescaped: select) FROM calendar_feeds f WHERE f.company_id = \(companyID) AND f.user_id = \(userID) \(unescaped: suffix)"
        }
        return try await database.page(query, columns: "f.id, f.name, f.created_at, f.last_used_at", orderBy: "ORDER BY f.created_at DESC, f.id",
                                       page: page, decode: Self.decodeFeed)
    }

    /// Revokes one of the caller's feeds by deleting it: the next request with its token finds nothing.
    func deleteFeed(companyID: UUID, userID: UUID, id: UUID) async throws -> Bool {
        try await database.query("""
            DELETE FROM calendar_feeds WHERE company_id = \(companyID) AND user_id = \(userID) AND id = \(id) RETURNING id
            """).first { _ in true } ?? false
    }

    /// The company and name of the feed with this token, marking its use; nil for an unknown or revoked token.
    func resolve(token: String) async throws -> (companyID: UUID, name: String)? {
        try await database.query("""
            UPDATE calendar_feeds SET last_used_at = clock_timestamp()
            WHERE token_sha256 = sha256(convert_to(\(token), 'UTF8'))
            RETURNING company_id, name
            """).first { try $0.decode((UUID, String).self) }
    }
}

import Foundation
import KisumKernel
import KisumPersistence
import Logging
import PostgresNIO

/// Festivals, their events (`events.festival_id`) and their lineup (migration 0015).
struct FestivalsRepository: Sendable {
    let database: Database

    static let columns = """
        f.id, f.name, f.edition, f.year, f.starts_on::text AS starts_on, f.ends_on::text AS ends_on, f.venue_id, f.venue_name, f.city,
        f.country_id, f.status, f.currency::text AS currency, f.notes,
        ARRAY(SELECT e.id FROM events e WHERE e.company_id = f.company_id AND e.festival_id = f.id ORDER BY e.event_date, e.id) AS event_ids,
        f.version, f.created_by, f.created_at, f.updated_at
        """

    static let constraints = ConstraintMessages([
        "festivals_country_fk": .validation(field: "countryId", code: "not_found", message: "No country with this id."),
        "festivals_dates_ordered": .validation(field: "endsOn", code: "before_start", message: "endsOn must be on or after startsOn."),
    ])

    static func decode(_ row: PostgresRow) throws -> Festival {
        let c = Columns(row)
        return Festival(
            id: try c("id"), name: try c("name"), edition: try c("edition"), year: try c("year"), startsOn: try c("starts_on"),
            endsOn: try c("ends_on"), venueId: try c("venue_id"), venueName: try c("venue_name"), city: try c("city"),
            countryId: try c("country_id"), status: try c("status"), currency: try c("currency"), notes: try c("notes"),
            eventIds: try c("event_ids"), version: try c("version"), createdBy: try c("created_by"), createdAt: try c("created_at"),
            updatedAt: try c("updated_at"))
    }

    static func order(_ sort: (key: String, descending: Bool)) -> String {
        let d = sort.descending ? "DESC" : "ASC"
        switch sort.key {
        case "name": return "ORDER BY lower(f.name) \(d), f.starts_on, f.id"
        case "createdAt": return "ORDER BY f.created_at \(d), f.id"
        default: return "ORDER BY f.starts_on \(d), lower(f.name), f.id"
        }
    }

    // MARK: Reads

    /// Filters combine with AND; `from`/`to` keep festivals whose days overlap the period.
    func list(companyID: UUID, _ f: FestivalFilter, page: PageRequest) async throws -> (items: [Festival], total: Int) {
        let pattern = SQLPattern.contains(f.q)
        func query(_ select: String, _ suffix: String) -> PostgresQuery {
            """
            SELECT \(unescaped: select) FROM festivals f
            WHERE f.company_id = \(companyID)
              AND (\(f.status)::text IS NULL OR f.status = \(f.status))
              AND (\(f.year)::int IS NULL OR f.year = \(f.year))
              AND (\(f.from)::date IS NULL OR f.ends_on >= \(f.from)::date)
              AND (\(f.to)::date IS NULL OR f.starts_on <= \(f.to)::date)
              AND (\(f.countryID)::uuid IS NULL OR f.country_id = \(f.countryID))
              AND (\(f.city)::text IS NULL OR lower(f.city) = lower(\(f.city)))
              AND (\(pattern)::text IS NULL OR f.name ILIKE \(pattern) OR f.edition ILIKE \(pattern))
            \(unescaped: suffix)
            """
        }
        return try await database.page(query, columns: Self.columns, orderBy: Self.order(f.sort), page: page, decode: Self.decode)
    }

    func get(companyID: UUID, id: UUID) async throws -> Festival? {
        try await database.query("SELECT \(unescaped: Self.columns) FROM festivals f WHERE f.company_id = \(companyID) AND f.id = \(id)")
            .first(Self.decode)
    }

    // MARK: Writes

    func create(companyID: UUID, userID: UUID, _ body: FestivalInput) async throws -> Festival {
        let logger = database.logger
        let created = try await Self.constraints.map {
            try await database.transaction { connection -> Festival? in
                guard let id = try await connection.query("""
                    INSERT INTO festivals (company_id, name, edition, year, starts_on, ends_on, venue_id, venue_name, city, country_id, status,
                                           currency, notes, created_by)
                    VALUES (\(companyID), \(body.trimmed(body.name) ?? ""), \(body.trimmed(body.edition)), \(body.year), \(body.startsOn)::date,
                            \(body.endsOn)::date, \(body.venueId), \(body.trimmed(body.venueName)), \(body.trimmed(body.city)), \(body.countryId),
                            COALESCE(\(body.status), 'planning'), \(body.currency), \(body.notes), \(userID))
                    RETURNING id
                    """, logger: logger).first({ try $0.decode(UUID.self) }) else { return nil }
                try await Self.setEvents(connection, companyID: companyID, festivalID: id, body.uniqueEventIDs, logger)
                return try await Self.get(connection, companyID: companyID, id: id, logger)
            }
        }
        guard let created else { throw APIError.internalError }
        return created
    }

    /// Replaces the festival when `expectedVersion` is the stored one; nil when the company has no such festival.
    func replace(companyID: UUID, id: UUID, expectedVersion: Int, _ body: FestivalInput) async throws -> Festival? {
        let logger = database.logger
        return try await Self.constraints.map {
            try await database.transaction { connection -> Festival? in
                guard let current = try await connection.query("""
                    SELECT version FROM festivals WHERE company_id = \(companyID) AND id = \(id) FOR UPDATE
                    """, logger: logger).first({ try $0.decode(Int.self) }) else { return nil }
                guard current == expectedVersion else { throw ExpectedVersion.conflict("festival", expected: expectedVersion, current: current) }
                try await connection.query("""
                    UPDATE festivals SET name = \(body.trimmed(body.name) ?? ""), edition = \(body.trimmed(body.edition)), year = \(body.year),
                        starts_on = \(body.startsOn)::date, ends_on = \(body.endsOn)::date, venue_id = \(body.venueId),
                        venue_name = \(body.trimmed(body.venueName)), city = \(body.trimmed(body.city)), country_id = \(body.countryId),
                        status = COALESCE(\(body.status), status), currency = \(body.currency), notes = \(body.notes), version = version + 1,
                        updated_at = clock_timestamp()
                    WHERE company_id = \(companyID) AND id = \(id)
                    """, logger: logger)
                try await Self.setEvents(connection, companyID: companyID, festivalID: id, body.uniqueEventIDs, logger)
                return try await Self.get(connection, companyID: companyID, id: id, logger)
            }
        }
    }

    /// Deletes the festival; its events stay (the foreign key clears their `festival_id`).
    func delete(companyID: UUID, id: UUID) async throws -> Bool {
        try await database.query("DELETE FROM festivals WHERE company_id = \(companyID) AND id = \(id) RETURNING id").first { _ in true } ?? false
    }

    /// Makes `eventIDs` (when sent) the festival's events: every id must be one of the company's events (422
    /// `not_found` on eventIds); an event on another festival moves here. Then, sent or not, every event of the
    /// festival must fall within its days (422 `outside_dates`), so changing the dates cannot strand an event.
    private static func setEvents(_ connection: PostgresConnection, companyID: UUID, festivalID: UUID, _ eventIDs: [UUID]?,
                                  _ logger: Logger) async throws {
        if let eventIDs {
            let found = try await connection.query("""
                SELECT count(*)::int FROM events WHERE company_id = \(companyID) AND id = ANY(\(eventIDs)::uuid[])
                """, logger: logger).first { try $0.decode(Int.self) } ?? 0
            guard found == eventIDs.count else {
                throw APIError.validation(field: "eventIds", code: "not_found", message: "Some events are not this company's.")
            }
            try await connection.query("""
                UPDATE events SET festival_id = NULL, version = version + 1, updated_at = clock_timestamp()
                WHERE company_id = \(companyID) AND festival_id = \(festivalID) AND id <> ALL(\(eventIDs)::uuid[])
                """, logger: logger)
            try await connection.query("""
                UPDATE events SET festival_id = \(festivalID), version = version + 1, updated_at = clock_timestamp()
                WHERE company_id = \(companyID) AND id = ANY(\(eventIDs)::uuid[]) AND festival_id IS DISTINCT FROM \(festivalID)
                """, logger: logger)
        }
        let outside = try await connection.query("""
            SELECT e.id FROM events e JOIN festivals f ON f.company_id = e.company_id AND f.id = e.festival_id
            WHERE e.company_id = \(companyID) AND e.festival_id = \(festivalID) AND e.event_date NOT BETWEEN f.starts_on AND f.ends_on
            ORDER BY e.event_date, e.id LIMIT 20
            """, logger: logger).collect { try $0.decode(UUID.self) }
        if !outside.isEmpty {
            throw APIError.validation(field: eventIDs == nil ? "startsOn" : "eventIds", code: "outside_dates",
                                      message: "Events on a festival fall within its days: \(outside.map { $0.uuidString.lowercased() }.joined(separator: ", ")).")
        }
    }

    private static func get(_ connection: PostgresConnection, companyID: UUID, id: UUID, _ logger: Logger) async throws -> Festival? {
        try await connection.query("""
            SELECT \(unescaped: Self.columns) FROM festivals f WHERE f.company_id = \(companyID) AND f.id = \(id)
            """, logger: logger).first(Self.decode)
    }

    // MARK: Lineup

    /// The lineup in one statement, built as JSON; nil when the company has no such festival.
    func lineup(companyID: UUID, id: UUID) async throws -> FestivalLineup? {
        let text = try await database.query("""
            SELECT jsonb_build_object(
                'festivalId', f.id,
                'festivalName', f.name,
                'days', COALESCE((
                    SELECT jsonb_agg(jsonb_build_object('date', d.day, 'artists', d.artists) ORDER BY d.day)
                    FROM (
                        SELECT e.event_date::text AS day, jsonb_agg(jsonb_build_object(
                                'artistId', a.id, 'artistName', a.name, 'role', ea.role, 'billingOrder', ea.billing_order,
                                'setTime', to_char(ea.set_time, 'HH24:MI'), 'setMinutes', ea.set_minutes, 'eventId', e.id,
                                'eventName', e.name, 'venueName', e.venue_name)
                            ORDER BY ea.billing_order, ea.set_time NULLS LAST, lower(a.name), a.id) AS artists
                        FROM events e
                        JOIN event_artists ea ON ea.company_id = e.company_id AND ea.event_id = e.id
                        JOIN artists a ON a.company_id = ea.company_id AND a.id = ea.artist_id
                        WHERE e.company_id = f.company_id AND e.festival_id = f.id AND e.status <> 'cancelled'
                        GROUP BY e.event_date) d), '[]'::jsonb)
            )::text
            FROM festivals f WHERE f.company_id = \(companyID) AND f.id = \(id)
            """).first { try $0.decode(String.self) }
        guard let text else { return nil }
        return try JSONCoding.decoder.decode(FestivalLineup.self, from: Data(text.utf8))
    }
}

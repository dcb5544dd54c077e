import Foundation
import KisumKernel
import KisumPersistence
import Logging
import PostgresNIO

/// Event groups and their membership (`events.event_group_id`, migration 0009).
struct EventGroupsRepository: Sendable {
    let database: Database

    static let columns = """
        g.id, g.name, g.kind, g.status, g.artist_id, ar.name AS artist_name, g.starts_on::text AS starts_on,
        g.ends_on::text AS ends_on, g.currency::text AS currency, g.notes,
        (SELECT count(*)::int FROM events e WHERE e.company_id = g.company_id AND e.event_group_id = g.id) AS event_count,
        g.version, g.created_by, g.created_at, g.updated_at
        """
    static let joins = "LEFT JOIN artists ar ON ar.company_id = g.company_id AND ar.id = g.artist_id"

    static let constraints = ConstraintMessages([
        "event_groups_artist_fk": .validation(field: "artistId", code: "not_found", message: "No artist with this id in this company."),
        "event_groups_dates_ordered": .validation(field: "endsOn", code: "before_start", message: "endsOn must be on or after startsOn."),
    ])

    static func decode(_ row: PostgresRow) throws -> EventGroup {
        let c = Columns(row)
        return EventGroup(
            id: try c("id"), name: try c("name"), kind: try c("kind"), status: try c("status"), artistId: try c("artist_id"),
            artistName: try c("artist_name"), startsOn: try c("starts_on"), endsOn: try c("ends_on"), currency: try c("currency"),
            notes: try c("notes"), eventCount: try c("event_count"), version: try c("version"), createdBy: try c("created_by"),
            createdAt: try c("created_at"), updatedAt: try c("updated_at"))
    }

    static func order(_ sort: (key: String, descending: Bool)) -> String {
        let direction = sort.descending ? "DESC" : "ASC"
        switch sort.key {
        case "name": return "ORDER BY lower(g.name) \(direction), g.id"
        case "createdAt": return "ORDER BY g.created_at \(direction), g.id"
        default: return "ORDER BY g.starts_on \(direction) NULLS LAST, lower(g.name), g.id"
        }
    }

    // MARK: Reads

    /// Filters combine with AND; `from`/`to` keep groups whose span overlaps the period (an open end overlaps).
    func list(companyID: UUID, _ f: EventGroupFilter, page: PageRequest) async throws -> (items: [EventGroup], total: Int) {
        let pattern = SQLPattern.contains(f.q)
        func query(_ select: String, _ suffix: String) -> PostgresQuery {
            """
            SELECT \(unescaped: select) FROM event_groups g \(unescaped: Self.joins)
            WHERE g.company_id = \(companyID)
              AND (\(f.kind)::text IS NULL OR g.kind = \(f.kind))
              AND (\(f.status)::text IS NULL OR g.status = \(f.status))
              AND (\(f.artistID)::uuid IS NULL OR g.artist_id = \(f.artistID))
              AND (\(f.from)::date IS NULL OR g.ends_on IS NULL OR g.ends_on >= \(f.from)::date)
              AND (\(f.to)::date IS NULL OR g.starts_on IS NULL OR g.starts_on <= \(f.to)::date)
              AND (\(pattern)::text IS NULL OR g.name ILIKE \(pattern))
            \(unescaped: suffix)
            """
        }
        return try await database.page(query, columns: Self.columns, orderBy: Self.order(f.sort), page: page, decode: Self.decode)
    }

    /// Name search, closest first: names containing the text, then names with a word trigram-similar to it
    /// (`<%`, word similarity ≥ 0.6: typos such as "Wintr").
    func search(companyID: UUID, q: String, page: PageRequest) async throws -> (items: [EventGroup], total: Int) {
        let pattern = SQLPattern.contains(q)
        func query(_ select: String, _ suffix: String) -> PostgresQuery {
            """
            SELECT \(unescaped: select) FROM event_groups g \(unescaped: Self.joins)
            CROSS JOIN LATERAL (SELECT g.name ILIKE \(pattern) AS hit, word_similarity(\(q), g.name) AS score) s
            WHERE g.company_id = \(companyID) AND (s.hit OR \(q) <% g.name)
            \(unescaped: suffix)
            """
        }
        let order = "ORDER BY s.hit DESC, s.score DESC, lower(g.name), g.id"
        return try await database.page(query, columns: Self.columns, orderBy: order, page: page, decode: Self.decode)
    }

    func get(companyID: UUID, id: UUID) async throws -> EventGroup? {
        try await database.query("""
            SELECT \(unescaped: Self.columns) FROM event_groups g \(unescaped: Self.joins) WHERE g.company_id = \(companyID) AND g.id = \(id)
            """).first(Self.decode)
    }

    func exists(companyID: UUID, id: UUID) async throws -> Bool {
        try await database.query("SELECT 1 FROM event_groups WHERE company_id = \(companyID) AND id = \(id)").first { _ in true } ?? false
    }

    // MARK: Writes

    func create(companyID: UUID, userID: UUID, _ body: EventGroupInput) async throws -> EventGroup {
        let created = try await Self.constraints.map {
            try await database.query("""
                WITH g AS (
                    INSERT INTO event_groups (company_id, name, kind, status, artist_id, starts_on, ends_on, currency, notes, created_by)
                    VALUES (\(companyID), \(body.trimmedName), COALESCE(\(body.kind), 'tour'), COALESCE(\(body.status), 'planning'),
                            \(body.artistId), \(body.startsOn)::date, \(body.endsOn)::date, \(body.currency), \(body.notes), \(userID))
                    RETURNING *)
                SELECT \(unescaped: Self.columns) FROM g \(unescaped: Self.joins)
                """).first(Self.decode)
        }
        guard let created else { throw APIError.internalError }
        return created
    }

    /// Replaces the group when `expectedVersion` is the stored one and bumps the version; nil when the company
    /// has no such group; 409 `version_conflict` when another write came first.
    func replace(companyID: UUID, id: UUID, expectedVersion: Int, _ body: EventGroupInput) async throws -> EventGroup? {
        let logger = database.logger
        return try await Self.constraints.map {
            try await database.transaction { connection -> EventGroup? in
                guard let current = try await connection.query("""
                    SELECT version FROM event_groups WHERE company_id = \(companyID) AND id = \(id) FOR UPDATE
                    """, logger: logger).first({ try $0.decode(Int.self) }) else { return nil }
                guard current == expectedVersion else { throw ExpectedVersion.conflict("event group", expected: expectedVersion, current: current) }
                return try await connection.query("""
                    WITH g AS (
                        UPDATE event_groups SET name = \(body.trimmedName), kind = COALESCE(\(body.kind), kind),
                            status = COALESCE(\(body.status), status), artist_id = \(body.artistId), starts_on = \(body.startsOn)::date,
                            ends_on = \(body.endsOn)::date, currency = \(body.currency), notes = \(body.notes), version = version + 1,
                            updated_at = clock_timestamp()
                        WHERE company_id = \(companyID) AND id = \(id)
                        RETURNING *)
                    SELECT \(unescaped: Self.columns) FROM g \(unescaped: Self.joins)
                    """, logger: logger).first(Self.decode)
            }
        }
    }

    /// Deletes the group; its events stay and leave it (the foreign key sets their `event_group_id` to null).
    func delete(companyID: UUID, id: UUID) async throws -> Bool {
        try await database.query("DELETE FROM event_groups WHERE company_id = \(companyID) AND id = \(id) RETURNING id").first { _ in true } ?? false
    }

    // MARK: Membership

    static let eventColumns = """
        e.id, e.name, e.status, e.event_date::text AS event_date, e.venue_id, e.venue_name, e.city, e.capacity, e.currency::text AS currency
        """

    static func decodeEvent(_ row: PostgresRow) throws -> GroupedEvent {
        let c = Columns(row)
        return GroupedEvent(id: try c("id"), name: try c("name"), status: try c("status"), eventDate: try c("event_date"),
                            venueId: try c("venue_id"), venueName: try c("venue_name"), city: try c("city"), capacity: try c("capacity"),
                            currency: try c("currency"))
    }

    /// The group's events by date.
    func events(companyID: UUID, groupID: UUID, page: PageRequest) async throws -> (items: [GroupedEvent], total: Int) {
        func query(_ select: String, _ suffix: String) -> PostgresQuery {
            "SELECT \(unescaped: select) FROM events e WHERE e.company_id = \(companyID) AND e.event_group_id = \(groupID) \(unescaped: suffix)"
        }
        return try await database.page(query, columns: Self.eventColumns, orderBy: "ORDER BY e.event_date, e.show_time NULLS LAST, e.id",
                                       page: page, decode: Self.decodeEvent)
    }

    /// Puts one of the company's events in the group (moving it out of any other: an event is in one group at a
    /// time). The event's version is bumped, as for any change of the event. Nil when the event is not the company's.
    func addEvent(companyID: UUID, groupID: UUID, eventID: UUID) async throws -> GroupedEvent? {
        try await database.query("""
            UPDATE events e SET event_group_id = \(groupID),
                version = CASE WHEN e.event_group_id IS DISTINCT FROM \(groupID) THEN e.version + 1 ELSE e.version END,
                updated_at = CASE WHEN e.event_group_id IS DISTINCT FROM \(groupID) THEN clock_timestamp() ELSE e.updated_at END
            WHERE e.company_id = \(companyID) AND e.id = \(eventID)
              AND EXISTS (SELECT 1 FROM event_groups g WHERE g.company_id = \(companyID) AND g.id = \(groupID))
            RETURNING \(unescaped: Self.eventColumns)
            """).first(Self.decodeEvent)
    }

    /// Takes the event out of the group; false when it is not in it.
    func removeEvent(companyID: UUID, groupID: UUID, eventID: UUID) async throws -> Bool {
        try await database.query("""
            UPDATE events SET event_group_id = NULL, version = version + 1, updated_at = clock_timestamp()
            WHERE company_id = \(companyID) AND id = \(eventID) AND event_group_id = \(groupID)
            RETURNING id
            """).first { _ in true } ?? false
    }

    func eventExists(companyID: UUID, id: UUID) async throws -> Bool {
        try await database.query("SELECT 1 FROM events WHERE company_id = \(companyID) AND id = \(id)").first { _ in true } ?? false
    }
}

import Foundation
import KisumKernel
import KisumPersistence
import Logging
import PostgresNIO

/// Every statement on `promoter_events`. Each call takes the company and puts it in every WHERE, so an
/// id of another company reads as missing.
struct EventsRepository: Sendable {
    let database: Database

    static let columns = """
        e.public_event_id, e.company_id, e.legacy_id, e.title, e.starts_at, e.ends_at, e.timezone, e.venue_id, e.venue_name,
        e.status, e.created_at, e.updated_at
        """

    static let constraints = ConstraintMessages([
        "promoter_events_legacy_id_key": .conflict("legacy_id_taken", "Another event already carries this legacyId."),
        "promoter_events_time_order": .validation(field: "endAt", code: "before_start", message: "endAt must be after startAt."),
    ])

    static func decode(_ row: PostgresRow) throws -> PromoterEvent {
        let c = Columns(row)
        return PromoterEvent(
            publicEventId: try c("public_event_id"), companyId: try c("company_id"), legacyId: try c("legacy_id"), title: try c("title"),
            startAt: try c("starts_at"), endAt: try c("ends_at"), timezone: try c("timezone"), venueId: try c("venue_id"),
            venueName: try c("venue_name"), status: try c("status"), createdAt: try c("created_at"), updatedAt: try c("updated_at"))
    }

    /// A statement that returns the row it wrote returned nothing: the row vanished under us.
    static var rowMissing: APIError { APIError.notFound("event") }

    // MARK: Reads

    /// Ordered by start, then id (a stable order for paging through events sharing a start).
    func list(companyID: UUID, _ filter: EventFilter, page: PageRequest) async throws -> (items: [PromoterEvent], total: Int) {
        let pattern = SQLPattern.contains(filter.q)
        func query(_ select: String, _ suffix: String) -> PostgresQuery {
            """
            SELECT \(unescaped: select) FROM promoter_events e
            WHERE e.company_id = \(companyID)
              AND (\(filter.status)::text IS NULL OR e.status = \(filter.status))
              AND (\(filter.venueID)::uuid IS NULL OR e.venue_id = \(filter.venueID))
              AND (\(pattern)::text IS NULL OR e.title ILIKE \(pattern))
              AND (\(filter.toAt)::timestamptz IS NULL OR e.starts_at < \(filter.toAt))
              AND (\(filter.fromAt)::timestamptz IS NULL OR e.ends_at > \(filter.fromAt)
                   OR (e.ends_at IS NULL AND e.starts_at >= \(filter.fromAt)))
            \(unescaped: suffix)
            """
        }
        return try await database.page(query, columns: Self.columns, orderBy: "ORDER BY e.starts_at, e.public_event_id", page: page,
                                                      decode: Self.decode)
    }

    func get(companyID: UUID, id: UUID) async throws -> PromoterEvent? {
        try await database.query("""
            SELECT \(unescaped: Self.columns) FROM promoter_events e
            WHERE e.company_id = \(companyID) AND e.public_event_id = \(id)
            """).first(Self.decode)
    }

    /// The internal resolver's read: by canonical id or by legacy id, within one company.
    func resolve(companyID: UUID, _ reference: EventReference) async throws -> PromoterEvent? {
        switch reference {
        case .publicID(let id):
            return try await get(companyID: companyID, id: id)
        case .legacyID(let legacyID):
            return try await database.query("""
                SELECT \(unescaped: Self.columns) FROM promoter_events e
                WHERE e.company_id = \(companyID) AND e.legacy_id = \(legacyID)
                """).first(Self.decode)
        }
    }

    // MARK: Writes

    func create(companyID: UUID, userID: UUID, _ input: CreateEvent) async throws -> PromoterEvent {
        // Validation made these non-nil; checked again rather than unwrapped with `!`.
        guard let title = input.title, let startAt = input.startAt, let timezone = input.timezone else {
            throw APIError.validation(field: "title", code: "required", message: "title, startAt and timezone are required.")
        }
        let legacyID = input.normalizedLegacyID
        return try await Self.constraints.map {
            guard let event = try await database.query("""
                INSERT INTO promoter_events AS e (company_id, legacy_id, title, starts_at, ends_at, timezone, venue_id, venue_name,
                                                  status, created_by)
                VALUES (\(companyID), \(legacyID), \(title), \(startAt), \(input.endAt), \(timezone), \(input.venueId),
                        \(input.venueName), \(input.status ?? "draft"), \(userID))
                RETURNING \(unescaped: Self.columns)
                """).first(Self.decode) else { throw Self.rowMissing }
            return event
        }
    }

    /// One UPDATE of the patched fields after the status transition is checked against the locked row.
    /// Nil when the company has no such event.
    func update(companyID: UUID, id: UUID, _ p: EventPatch) async throws -> PromoterEvent? {
        let logger = database.logger
        return try await Self.constraints.map {
            try await database.transaction { connection in
                guard let current = try await Self.lock(companyID: companyID, id: id, on: connection, logger: logger) else { return nil }
                if let target = p.status.value, let problem = EventStatus.check(from: current, to: target) { throw problem }
                guard let event = try await connection.query("""
                    UPDATE promoter_events e SET
                        title = COALESCE(\(p.title.value), title),
                        starts_at = COALESCE(\(p.startAt.value), starts_at),
                        ends_at = CASE WHEN \(p.endAt.clears) THEN NULL ELSE COALESCE(\(p.endAt.value), ends_at) END,
                        timezone = COALESCE(\(p.timezone.value), timezone),
                        venue_id = CASE WHEN \(p.venueId.clears) THEN NULL ELSE COALESCE(\(p.venueId.value), venue_id) END,
                        venue_name = CASE WHEN \(p.venueName.clears) THEN NULL ELSE COALESCE(\(p.venueName.value), venue_name) END,
                        status = COALESCE(\(p.status.value), status),
                        updated_at = now()
                    WHERE e.company_id = \(companyID) AND e.public_event_id = \(id)
                    RETURNING \(unescaped: Self.columns)
                    """, logger: logger).first(Self.decode) else { throw Self.rowMissing }
                return event
            }
        }
    }

    /// Cancels the event. Cancelling a cancelled event changes nothing (the caller's retry succeeds);
    /// a completed one is final (409). Nil when the company has no such event.
    func cancel(companyID: UUID, id: UUID) async throws -> PromoterEvent? {
        let logger = database.logger
        return try await database.transaction { connection in
            guard let current = try await Self.lock(companyID: companyID, id: id, on: connection, logger: logger) else { return nil }
            if let problem = EventStatus.check(from: current, to: "cancelled") { throw problem }
            let changed = current != "cancelled"
            guard let event = try await connection.query("""
                UPDATE promoter_events e SET
                    status = 'cancelled',
                    updated_at = CASE WHEN \(changed) THEN now() ELSE updated_at END
                WHERE e.company_id = \(companyID) AND e.public_event_id = \(id)
                RETURNING \(unescaped: Self.columns)
                """, logger: logger).first(Self.decode) else { throw Self.rowMissing }
            return event
        }
    }

    /// Locks the row for the rest of the transaction (two concurrent transitions are decided one after the
    /// other) and returns its status.
    private static func lock(companyID: UUID, id: UUID, on connection: PostgresConnection, logger: Logger) async throws -> String? {
        try await connection.query("""
            SELECT status FROM promoter_events WHERE company_id = \(companyID) AND public_event_id = \(id) FOR UPDATE
            """, logger: logger).first { try $0.decode(String.self) }
    }
}

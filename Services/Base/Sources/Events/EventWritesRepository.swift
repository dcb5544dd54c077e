import Foundation
import KisumKernel
import KisumPersistence
import Logging
import PostgresNIO

/// Writes of events. Each runs in one transaction that also writes its `event_activity` row, so the log never
/// misses a change nor records one that rolled back.
struct EventWritesRepository: Sendable {
    let database: Database

    static let constraints = ConstraintMessages([
        "events_country_fk": .validation(field: "countryId", code: "not_found", message: "No country has this id."),
        "events_event_group_fk": .validation(field: "eventGroupId", code: "not_found", message: "No event group with this id in this company."),
        "event_artists_artist_fk": .validation(field: "artistId", code: "not_found", message: "No artist with this id in this company."),
        "event_artists_pkey": .conflict("artist_on_bill", "This artist is already on the event's bill."),
        "events_name_check": .validation(field: "name", code: "blank", message: "The name must hold 1 to 200 characters besides spaces."),
        "events_event_artists_fk": .notFound("event"),
        "event_artists_event_fk": .notFound("event"),
    ])

    /// Appends one activity row in the caller's transaction.
    static func log(_ connection: PostgresConnection, companyID: UUID, eventID: UUID, userID: UUID, action: String,
                    changes: JSONValue = .object([:]), _ logger: Logger) async throws {
        let json = try SQLText.json(changes)
        try await connection.query("""
            INSERT INTO event_activity (company_id, event_id, action, actor_id, changes)
            VALUES (\(companyID), \(eventID), \(action), \(userID), \(json)::jsonb)
            """, logger: logger)
    }

    /// The event with its initial bill; the log records `created`.
    func create(companyID: UUID, userID: UUID, _ body: EventInput) async throws -> LiveEvent {
        let logger = database.logger
        let created = try await Self.constraints.map {
            try await database.transaction { connection -> LiveEvent? in
                guard let id = try await connection.query("""
                    INSERT INTO events (company_id, name, status, event_date, doors_time, show_time, curfew_time, timezone, venue_id,
                                        venue_name, city, country_id, capacity, currency, event_group_id, description, confirmed_at, created_by)
                    VALUES (\(companyID), \(body.trimmedName), \(body.status ?? "draft"), \(body.date)::date, \(body.doorsTime)::time,
                            \(body.showTime)::time, \(body.curfewTime)::time, \(body.timezone ?? "UTC"), \(body.venueId),
                            \(body.trimmedVenueName), \(body.trimmedCity), \(body.countryId), \(body.capacity), \(body.upperCurrency),
                            \(body.eventGroupId), \(body.description),
                            CASE WHEN \(body.status) = 'confirmed' THEN clock_timestamp() END, \(userID))
                    RETURNING id
                    """, logger: logger).first({ try $0.decode(UUID.self) }) else { return nil }
                for (index, artist) in (body.artists ?? []).enumerated() {
                    try await Self.addArtist(connection, companyID: companyID, eventID: id, userID: userID, artist,
                                             defaultOrder: index + 1, logger)
                }
                // An event born on hold or confirmed has reached that status: the timeline shows it.
                let initial = body.status ?? "draft"
                let changes: JSONValue = initial == "draft" ? [:] : ["status": ["from": .null, "to": .string(initial)]]
                try await Self.log(connection, companyID: companyID, eventID: id, userID: userID, action: "created", changes: changes, logger)
                return try await connection.query(EventsRepository.one(companyID: companyID, id: id), logger: logger).first(EventsRepository.decode)
            }
        }
        guard let created else { throw APIError.internalError }
        return created
    }

    /// A full replacement under optimistic concurrency: nil when the company has no such event, 409
    /// `version_conflict` (with the stored version) when `expectedVersion` is not the stored one.
    func update(companyID: UUID, id: UUID, userID: UUID, expectedVersion: Int, _ body: EventInput) async throws -> LiveEvent? {
        let logger = database.logger
        return try await Self.constraints.map {
            try await database.transaction { connection -> LiveEvent? in
                guard let current = try await connection.query("""
                    SELECT version FROM events WHERE company_id = \(companyID) AND id = \(id) FOR UPDATE
                    """, logger: logger).first({ try $0.decode(Int.self) }) else { return nil }
                guard current == expectedVersion else {
                    throw APIError.conflict("version_conflict", "The event was changed since version \(expectedVersion) was read.",
                                            info: ["currentVersion": .number(Double(current))])
                }
                // Both CTEs see the row as it was before the UPDATE, so `old` is the previous version.
                try await connection.query("""
                    WITH old AS (SELECT to_jsonb(e) AS j FROM events e WHERE e.company_id = \(companyID) AND e.id = \(id)),
                    upd AS (
                        UPDATE events SET name = \(body.trimmedName), event_date = \(body.date)::date, doors_time = \(body.doorsTime)::time,
                            show_time = \(body.showTime)::time, curfew_time = \(body.curfewTime)::time, timezone = \(body.timezone ?? "UTC"),
                            venue_id = \(body.venueId), venue_name = \(body.trimmedVenueName), city = \(body.trimmedCity),
                            country_id = \(body.countryId), capacity = \(body.capacity), currency = \(body.upperCurrency),
                            event_group_id = \(body.eventGroupId), description = \(body.description), version = version + 1,
                            updated_at = clock_timestamp()
                        WHERE company_id = \(companyID) AND id = \(id)
                        RETURNING *)
                    INSERT INTO event_activity (company_id, event_id, action, actor_id, changes)
                    SELECT upd.company_id, upd.id, 'updated', \(userID), event_changes(old.j, to_jsonb(upd)) FROM upd, old
                    """, logger: logger)
                return try await connection.query(EventsRepository.one(companyID: companyID, id: id), logger: logger).first(EventsRepository.decode)
            }
        }
    }

    /// Moves the event to `status` if the state machine allows it (`EventStatus.check`), stamping confirmation and
    /// cancellation; reinstating a cancelled event clears its cancellation. Nil when there is no such event.
    func transition(companyID: UUID, id: UUID, userID: UUID, to status: String, reason: String?, action: String) async throws -> LiveEvent? {
        let logger = database.logger
        return try await database.transaction { connection -> LiveEvent? in
            guard let current = try await connection.query("""
                SELECT status FROM events WHERE company_id = \(companyID) AND id = \(id) FOR UPDATE
                """, logger: logger).first({ try $0.decode(String.self) }) else { return nil }
            try EventStatus.check(from: current, to: status)
            try await connection.query("""
                WITH old AS (SELECT to_jsonb(e) AS j FROM events e WHERE e.company_id = \(companyID) AND e.id = \(id)),
                upd AS (
                    UPDATE events SET status = \(status),
                        confirmed_at = CASE WHEN \(status) = 'confirmed' THEN clock_timestamp() ELSE confirmed_at END,
                        cancelled_at = CASE WHEN \(status) = 'cancelled' THEN clock_timestamp() WHEN \(status) = 'draft' THEN NULL
                                            ELSE cancelled_at END,
                        cancellation_reason = CASE WHEN \(status) = 'cancelled' THEN \(reason) WHEN \(status) = 'draft' THEN NULL
                                                   ELSE cancellation_reason END,
                        version = version + 1, updated_at = clock_timestamp()
                    WHERE company_id = \(companyID) AND id = \(id)
                    RETURNING *)
                INSERT INTO event_activity (company_id, event_id, action, actor_id, changes)
                SELECT upd.company_id, upd.id, \(action), \(userID), event_changes(old.j, to_jsonb(upd)) FROM upd, old
                """, logger: logger)
            return try await connection.query(EventsRepository.one(companyID: companyID, id: id), logger: logger).first(EventsRepository.decode)
        }
    }

    /// Deletes the event with its bill, documents and log. Refused while offers point at it (409 `event_in_use`:
    /// the offer's history would silently lose its event) and once it is completed or settled (409 `event_closed`:
    /// its figures are the record). False when there is no such event.
    func delete(companyID: UUID, id: UUID) async throws -> Bool {
        let logger = database.logger
        do {
            return try await database.transaction { connection -> Bool in
                guard let (status, offers) = try await connection.query("""
                    SELECT e.status, (SELECT count(*) FROM offers o WHERE o.company_id = e.company_id AND o.event_id = e.id)::int
                    FROM events e WHERE e.company_id = \(companyID) AND e.id = \(id) FOR UPDATE
                    """, logger: logger).first({ try $0.decode((String, Int).self) }) else { return false }
                if status == "completed" || status == "settled" {
                    throw APIError.conflict("event_closed", "A \(status) event is kept as the record; it cannot be deleted.",
                                            info: ["status": .string(status)])
                }
                if offers > 0 {
                    throw Self.inUse(["offerCount": .number(Double(offers))])
                }
                try await connection.query("DELETE FROM events WHERE company_id = \(companyID) AND id = \(id)", logger: logger)
                return true
            }
        } catch let error where error.postgresViolation?.sqlState == "23503" {
            // Another feature's rows reference the event without cascading (tickets sold, an agreement …).
            throw Self.inUse(["constraint": .string(error.postgresViolation?.constraint ?? "")])
        }
    }

    static func inUse(_ info: [String: JSONValue]) -> APIError {
        APIError.conflict("event_in_use", "Other records (offers, sales, agreements) depend on this event; cancel it instead.", info: info)
    }

    /// A copy on another day: the same details and bill, as a new draft (version 1). The copy's log records
    /// `duplicated` with the source. Nil when there is no such event.
    func duplicate(companyID: UUID, id: UUID, userID: UUID, _ body: EventDuplicate) async throws -> LiveEvent? {
        let logger = database.logger
        let name = body.name?.trimmingCharacters(in: .whitespacesAndNewlines)
        return try await database.transaction { connection -> LiveEvent? in
            guard let copy = try await connection.query("""
                INSERT INTO events (company_id, name, status, event_date, doors_time, show_time, curfew_time, timezone, venue_id,
                                    venue_name, city, country_id, capacity, currency, event_group_id, description, created_by)
                SELECT company_id, COALESCE(\(name), name), 'draft', \(body.date)::date, doors_time, show_time, curfew_time, timezone,
                       venue_id, venue_name, city, country_id, capacity, currency, event_group_id, description, \(userID)
                FROM events WHERE company_id = \(companyID) AND id = \(id)
                RETURNING id
                """, logger: logger).first({ try $0.decode(UUID.self) }) else { return nil }
            try await connection.query("""
                INSERT INTO event_artists (company_id, event_id, artist_id, role, billing_order, set_time, set_minutes, added_by)
                SELECT company_id, \(copy), artist_id, role, billing_order, set_time, set_minutes, \(userID)
                FROM event_artists WHERE company_id = \(companyID) AND event_id = \(id)
                """, logger: logger)
            try await Self.log(connection, companyID: companyID, eventID: copy, userID: userID, action: "duplicated",
                               changes: ["duplicatedFrom": .string(id.uuidString.lowercased()), "date": .string(body.date ?? "")], logger)
            return try await connection.query(EventsRepository.one(companyID: companyID, id: copy), logger: logger).first(EventsRepository.decode)
        }
    }

    /// Inserts one bill entry (at the end of the bill when no order is given) and returns it.
    @discardableResult
    static func addArtist(_ connection: PostgresConnection, companyID: UUID, eventID: UUID, userID: UUID, _ artist: EventArtistInput,
                          defaultOrder: Int?, _ logger: Logger) async throws -> EventArtist? {
        try await connection.query("""
            WITH ins AS (
                INSERT INTO event_artists (company_id, event_id, artist_id, role, billing_order, set_time, set_minutes, added_by)
                SELECT \(companyID), \(eventID), \(artist.artistId), \(artist.role ?? "headliner"),
                       COALESCE(\(artist.billingOrder), \(defaultOrder),
                                (SELECT LEAST(COALESCE(max(billing_order), 0) + 1, 1000) FROM event_artists
                                 WHERE company_id = \(companyID) AND event_id = \(eventID))),
                       \(artist.setTime)::time, \(artist.setMinutes), \(userID)
                RETURNING *)
            SELECT ins.artist_id, ar.name, ins.role, ins.billing_order, to_char(ins.set_time, 'HH24:MI'), ins.set_minutes, ins.added_at
            FROM ins JOIN artists ar ON ar.company_id = ins.company_id AND ar.id = ins.artist_id
            """, logger: logger).first { row in
            let (id, name, role, order, setTime, minutes, at) = try row.decode((UUID, String, String, Int, String?, Int?, Date).self)
            return EventArtist(artistId: id, artistName: name, role: role, billingOrder: order, setTime: setTime, setMinutes: minutes, addedAt: at)
        }
    }
}

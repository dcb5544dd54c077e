import Foundation
import KisumKernel
import KisumPersistence
import Logging
import PostgresNIO

/// Avails and their queue on an artist's day. Every write that touches ranks runs in one transaction under the
/// artist's advisory lock (`avails_lock_key`, migration 0008), taken before the ranks are read, so concurrent
/// writers on one artist queue up and each sees the ranks the previous one committed.
struct AvailsRepository: Sendable {
    let database: Database

    static let columns = """
        a.id, a.artist_id, ar.name AS artist_name, a.held_on::text AS date, a.rank, a.status, a.venue_name, a.city, a.country_id,
        a.promoter_name, a.notes, a.expires_on::text AS expires_on, a.created_by, a.created_at, a.updated_at
        """
    static let joins = "JOIN artists ar ON ar.company_id = a.company_id AND ar.id = a.artist_id"
    static let order = "ORDER BY a.held_on, a.rank NULLS LAST, a.created_at, a.id"

    static let constraints = ConstraintMessages([
        "avails_artist_fk": .validation(field: "artistId", code: "not_found", message: "No artist with this id in this company."),
        "avails_country_fk": .validation(field: "countryId", code: "not_found", message: "No country with this id."),
        "avails_expires_by_date": .validation(field: "expiresOn", code: "after_date", message: "A hold expires on or before its date."),
        // Never expected (writers serialize on the artist's lock); a safety net, so a bug is a 409, not a 500.
        "avails_unique_rank": .conflict("rank_taken", "Another hold took this rank on the artist's date; try again."),
        "avail_shows_pkey": .conflict("show_already_linked", "This show is already linked to the avail."),
        "avail_shows_show_fk": .validation(field: "showId", code: "not_found", message: "No show of this avail's artist with this id."),
        "avail_shows_avail_fk": .notFound("avail"),
    ])

    static func decode(_ row: PostgresRow) throws -> Avail {
        let c = Columns(row)
        return Avail(
            id: try c("id"), artistId: try c("artist_id"), artistName: try c("artist_name"), date: try c("date"), rank: try c("rank"),
            status: try c("status"), venueName: try c("venue_name"), city: try c("city"), countryId: try c("country_id"),
            promoterName: try c("promoter_name"), notes: try c("notes"), expiresOn: try c("expires_on"), createdBy: try c("created_by"),
            createdAt: try c("created_at"), updatedAt: try c("updated_at"))
    }

    // MARK: Reads

    /// By day, then rank (closed avails last), then creation.
    func list(companyID: UUID, _ f: AvailFilter, page: PageRequest) async throws -> (items: [Avail], total: Int) {
        func query(_ select: String, _ suffix: String) -> PostgresQuery {
            """
            SELECT \(unescaped: select) FROM avails a \(unescaped: Self.joins)
            WHERE a.company_id = \(companyID)
              AND (\(f.artistID)::uuid IS NULL OR a.artist_id = \(f.artistID))
              AND (\(f.status)::text IS NULL OR a.status = \(f.status))
              AND (\(f.from)::date IS NULL OR a.held_on >= \(f.from)::date)
              AND (\(f.to)::date IS NULL OR a.held_on <= \(f.to)::date)
              AND (\(f.countryID)::uuid IS NULL OR a.country_id = \(f.countryID))
              AND (\(f.city)::text IS NULL OR lower(a.city) = lower(\(f.city)))
              AND (\(f.createdBy)::uuid IS NULL OR a.created_by = \(f.createdBy))
              AND (\(f.rosterAgencyID)::uuid IS NULL OR EXISTS (
                    SELECT 1 FROM roster_entries r
                    WHERE r.company_id = a.company_id AND r.agency_id = \(f.rosterAgencyID) AND r.artist_id = a.artist_id
                      AND (r.starts_on IS NULL OR r.starts_on <= a.held_on) AND (r.ends_on IS NULL OR r.ends_on >= a.held_on)))
            \(unescaped: suffix)
            """
        }
        return try await database.page(query, columns: Self.columns, orderBy: Self.order, page: page, decode: Self.decode)
    }

    func get(companyID: UUID, id: UUID) async throws -> Avail? {
        try await database.query("""
            SELECT \(unescaped: Self.columns) FROM avails a \(unescaped: Self.joins) WHERE a.company_id = \(companyID) AND a.id = \(id)
            """).first(Self.decode)
    }

    func exists(companyID: UUID, id: UUID) async throws -> Bool {
        try await database.query("SELECT 1 FROM avails WHERE company_id = \(companyID) AND id = \(id)").first { _ in true } ?? false
    }

    /// The artist and period of a roster entry, for `GET /api/roster/{id}/avails`; nil when the company has no such entry.
    func rosterPeriod(companyID: UUID, rosterID: UUID) async throws -> (artistID: UUID, startsOn: String?, endsOn: String?)? {
        try await database.query("""
            SELECT artist_id, starts_on::text, ends_on::text FROM roster_entries WHERE company_id = \(companyID) AND id = \(rosterID)
            """).first { try $0.decode((UUID, String?, String?).self) }
    }

    // MARK: Queue writes

    /// A new hold at the back of the artist's queue on that day (rank n + 1).
    func create(companyID: UUID, userID: UUID, _ body: CreateAvail) async throws -> Avail {
        let logger = database.logger
        let f = body.fields
        let created = try await Self.constraints.map {
            try await database.transaction { connection -> Avail? in
                try await Self.lock(connection, artistID: body.artistId, logger)
                return try await connection.query("""
                    WITH a AS (
                        INSERT INTO avails (company_id, artist_id, held_on, rank, status, venue_name, city, country_id, promoter_name, notes,
                                            expires_on, created_by)
                        SELECT \(companyID), \(body.artistId), \(f.date)::date, COALESCE(max(q.rank), 0) + 1, 'hold', \(f.trimmedVenueName),
                               \(f.trimmedCity), \(f.countryId), \(f.trimmedPromoterName), \(f.notes), \(f.expiresOn)::date, \(userID)
                        FROM avails q
                        WHERE q.company_id = \(companyID) AND q.artist_id = \(body.artistId) AND q.held_on = \(f.date)::date
                          AND q.status IN ('hold', 'confirmed')
                        RETURNING *)
                    SELECT \(unescaped: Self.columns) FROM a \(unescaped: Self.joins)
                    """, logger: logger).first(Self.decode)
            }
        }
        guard let created else { throw APIError.internalError }
        return created
    }

    /// Applies a PUT: moves the avail between days and statuses, re-ranking the queues it leaves and joins.
    /// Nil when the company has no such avail.
    func replace(companyID: UUID, id: UUID, _ body: ReplaceAvail) async throws -> Avail? {
        let logger = database.logger
        let f = body.fields
        return try await Self.constraints.map {
            try await database.transaction { connection -> Avail? in
                guard let artistID = try await Self.artist(connection, companyID: companyID, id: id, logger) else { return nil }
                try await Self.lock(connection, artistID: artistID, logger)
                guard let current = try await connection.query("""
                    SELECT held_on::text, rank, status FROM avails WHERE company_id = \(companyID) AND id = \(id) FOR UPDATE
                    """, logger: logger).first({ try $0.decode((String, Int?, String).self) }) else { return nil }
                let (oldDay, oldRank, oldStatus) = current
                let status = body.status ?? oldStatus
                try Self.checkTransition(from: oldStatus, to: status)
                let day = f.date ?? oldDay
                let moves = day != oldDay
                var rank: Int? = nil
                if let oldRank, !AvailStatus.isActive(status) || moves {
                    try await Self.promote(connection, companyID: companyID, artistID: artistID, day: oldDay, behind: oldRank, logger)
                }
                if AvailStatus.isActive(status) {
                    rank = moves ? try await Self.nextRank(connection, companyID: companyID, artistID: artistID, day: day, logger) : oldRank
                }
                if status == "confirmed", rank != 1 {
                    throw try await Self.notFirst(connection, companyID: companyID, artistID: artistID, day: day, logger)
                }
                return try await connection.query("""
                    WITH a AS (
                        UPDATE avails SET held_on = \(day)::date, rank = \(rank), status = \(status), venue_name = \(f.trimmedVenueName),
                            city = \(f.trimmedCity), country_id = \(f.countryId), promoter_name = \(f.trimmedPromoterName), notes = \(f.notes),
                            expires_on = \(f.expiresOn)::date, updated_at = clock_timestamp()
                        WHERE company_id = \(companyID) AND id = \(id)
                        RETURNING *)
                    SELECT \(unescaped: Self.columns) FROM a \(unescaped: Self.joins)
                    """, logger: logger).first(Self.decode)
            }
        }
    }

    /// Deletes the avail (its show links go with it) and promotes the holds behind it.
    func delete(companyID: UUID, id: UUID) async throws -> Bool {
        let logger = database.logger
        return try await database.transaction { connection -> Bool in
            guard let artistID = try await Self.artist(connection, companyID: companyID, id: id, logger) else { return false }
            try await Self.lock(connection, artistID: artistID, logger)
            guard let (day, rank) = try await connection.query("""
                DELETE FROM avails WHERE company_id = \(companyID) AND id = \(id) RETURNING held_on::text, rank
                """, logger: logger).first({ try $0.decode((String, Int?).self) }) else { return false }
            if let rank {
                try await Self.promote(connection, companyID: companyID, artistID: artistID, day: day, behind: rank, logger)
            }
            return true
        }
    }

    static func checkTransition(from old: String, to new: String) throws {
        guard new != old, !AvailStatus.next(from: old).contains(new) else { return }
        let allowed = JSONValue.array(AvailStatus.next(from: old).map { .string($0) })
        if AvailStatus.isActive(old) {
            throw APIError.conflict("invalid_status_transition", "A \(old) avail cannot become \(new).", info: ["status": .string(old), "allowed": allowed])
        }
        throw APIError.conflict("avail_closed", "A \(old) avail is closed; its status cannot change.", info: ["status": .string(old), "allowed": allowed])
    }

    private static func artist(_ connection: PostgresConnection, companyID: UUID, id: UUID, _ logger: Logger) async throws -> UUID? {
        try await connection.query("""
            SELECT artist_id FROM avails WHERE company_id = \(companyID) AND id = \(id)
            """, logger: logger).first { try $0.decode(UUID.self) }
    }

    private static func lock(_ connection: PostgresConnection, artistID: UUID?, _ logger: Logger) async throws {
        try await connection.query("SELECT pg_advisory_xact_lock(avails_lock_key(\(artistID)))", logger: logger)
    }

    /// Every active hold behind `rank` on the day moves up one (the deferred rank constraint allows the momentary overlap).
    private static func promote(_ connection: PostgresConnection, companyID: UUID, artistID: UUID, day: String, behind rank: Int,
                                _ logger: Logger) async throws {
        try await connection.query("""
            UPDATE avails SET rank = rank - 1, updated_at = clock_timestamp()
            WHERE company_id = \(companyID) AND artist_id = \(artistID) AND held_on = \(day)::date
              AND status IN ('hold', 'confirmed') AND rank > \(rank)
            """, logger: logger)
    }

    private static func nextRank(_ connection: PostgresConnection, companyID: UUID, artistID: UUID, day: String,
                                 _ logger: Logger) async throws -> Int {
        try await connection.query("""
            SELECT COALESCE(max(rank), 0) + 1 FROM avails
            WHERE company_id = \(companyID) AND artist_id = \(artistID) AND held_on = \(day)::date AND status IN ('hold', 'confirmed')
            """, logger: logger).first { try $0.decode(Int.self) } ?? 1
    }

    /// 409 `not_first_hold`, naming the day's current first hold.
    private static func notFirst(_ connection: PostgresConnection, companyID: UUID, artistID: UUID, day: String,
                                 _ logger: Logger) async throws -> APIError {
        let first = try await connection.query("""
            SELECT id, status FROM avails
            WHERE company_id = \(companyID) AND artist_id = \(artistID) AND held_on = \(day)::date AND rank = 1 AND status IN ('hold', 'confirmed')
            """, logger: logger).first { try $0.decode((UUID, String).self) }
        var info: [String: JSONValue] = ["date": .string(day)]
        if let first {
            info["firstAvailId"] = .string(first.0.uuidString.lowercased())
            info["firstStatus"] = .string(first.1)
        }
        return APIError.conflict("not_first_hold", "Only the first hold on the artist's day can be confirmed.", info: info)
    }
}

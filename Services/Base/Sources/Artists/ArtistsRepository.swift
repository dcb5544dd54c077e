import Foundation
import KisumKernel
import KisumPersistence
import PostgresNIO

/// An artist's own row and genres: read, create, full update under optimistic concurrency, delete, the bio,
/// and similar artists. Lists and search are `ArtistSearchRepository`'s.
struct ArtistsRepository: Sendable {
    let database: Database

    /// The wire columns of `artists a` with the genres of `genresJoin` (`g`).
    static let columns = """
        a.id, a.name, a.kind, a.status, a.email, a.phone, a.website, a.image_url, a.country_id, a.city, a.version,
        a.created_at, a.updated_at, g.genre_ids, g.genre_slugs, g.genre_names
        """

    /// An artist's genres as three parallel arrays in name order, one lateral aggregate per artist row.
    static let genresJoin = """
        LEFT JOIN LATERAL (
            SELECT array_agg(gg.id ORDER BY gg.name, gg.id) AS genre_ids, array_agg(gg.slug ORDER BY gg.name, gg.id) AS genre_slugs,
                   array_agg(gg.name ORDER BY gg.name, gg.id) AS genre_names
            FROM artist_genres ag JOIN genres gg ON gg.id = ag.genre_id
            WHERE ag.company_id = a.company_id AND ag.artist_id = a.id) g ON true
        """

    static let constraints = ConstraintMessages([
        "artists_country_fk": .validation(field: "countryId", code: "not_found", message: "No country has this id."),
        "artist_genres_genre_fk": .validation(field: "genreIds", code: "not_found", message: "No genre has one of these ids."),
        "artists_name_check": .validation(field: "name", code: "blank", message: "The name must hold 1 to 200 characters besides spaces."),
        "artists_email_check": .validation(field: "email", code: "too_long", message: "At most 254 characters."),
    ])

    static func decode(_ row: PostgresRow) throws -> Artist {
        let c = Columns(row)
        let ids = try c("genre_ids", as: [UUID]?.self) ?? []
        let slugs = try c("genre_slugs", as: [String]?.self) ?? []
        let names = try c("genre_names", as: [String]?.self) ?? []
        let genres = zip(ids, zip(slugs, names)).map { ArtistGenre(id: $0, slug: $1.0, name: $1.1) }
        return Artist(id: try c("id"), name: try c("name"), kind: try c("kind"), status: try c("status"), email: try c("email"),
                      phone: try c("phone"), website: try c("website"), imageUrl: try c("image_url"),
                      countryId: try c("country_id"), city: try c("city"), genres: genres, version: try c("version"),
                      createdAt: try c("created_at"), updatedAt: try c("updated_at"))
    }

    func get(companyID: UUID, id: UUID) async throws -> Artist? {
        try await database.query("""
            SELECT \(unescaped: Self.columns) FROM artists a \(unescaped: Self.genresJoin)
            WHERE a.company_id = \(companyID) AND a.id = \(id)
            """).first(Self.decode)
    }

    static func get(_ connection: PostgresConnection, companyID: UUID, id: UUID, logger: Logger) async throws -> Artist? {
        try await connection.query("""
            SELECT \(unescaped: Self.columns) FROM artists a \(unescaped: Self.genresJoin)
            WHERE a.company_id = \(companyID) AND a.id = \(id)
            """, logger: logger).first(Self.decode)
    }

    /// True when the company has this artist (the children's routes answer 404 otherwise).
    func exists(companyID: UUID, id: UUID) async throws -> Bool {
        try await database.query("SELECT 1 FROM artists WHERE company_id = \(companyID) AND id = \(id)").first { _ in true } ?? false
    }

    func create(companyID: UUID, userID: UUID, _ input: ArtistInput) async throws -> Artist {
        let logger = database.logger
        return try await Self.constraints.map {
            try await database.transaction { connection in
                guard let id = try await connection.query("""
                    INSERT INTO artists (company_id, name, kind, status, email, phone, website, image_url, country_id, city, created_by)
                    VALUES (\(companyID), \(input.name ?? ""), \(input.kind ?? "solo"), \(input.status ?? "active"), \(input.email),
                            \(input.phone), \(input.website), \(input.imageUrl), \(input.countryId), \(input.city), \(userID))
                    RETURNING id
                    """, logger: logger).first({ try $0.decode(UUID.self) }) else { throw APIError.internalError }
                try await Self.replaceGenres(connection, companyID: companyID, artistID: id, input.genres, logger: logger)
                return try await Self.get(connection, companyID: companyID, id: id, logger: logger).orNotFound("artist")
            }
        }
    }

    /// Replaces the artist when `expectedVersion` is the stored one and bumps the version; nil when the company
    /// has no such artist; 409 `version_conflict` (with the stored version) when another write came first.
    func update(companyID: UUID, id: UUID, expectedVersion: Int, _ input: ArtistInput) async throws -> Artist? {
        let logger = database.logger
        return try await Self.constraints.map {
            try await database.transaction { connection -> Artist? in
                guard let current = try await connection.query("""
                    SELECT version FROM artists WHERE company_id = \(companyID) AND id = \(id) FOR UPDATE
                    """, logger: logger).first({ try $0.decode(Int.self) }) else { return nil }
                guard current == expectedVersion else {
                    throw APIError.conflict("version_conflict", "The artist was changed since version \(expectedVersion) was read.",
                                            info: ["currentVersion": .number(Double(current))])
                }
                try await connection.query("""
                    UPDATE artists SET name = \(input.name ?? ""), kind = COALESCE(\(input.kind), kind),
                        status = COALESCE(\(input.status), status), email = \(input.email), phone = \(input.phone),
                        website = \(input.website), image_url = \(input.imageUrl), country_id = \(input.countryId),
                        city = \(input.city), version = version + 1, updated_at = now()
                    WHERE company_id = \(companyID) AND id = \(id)
                    """, logger: logger)
                try await Self.replaceGenres(connection, companyID: companyID, artistID: id, input.genres, logger: logger)
                return try await Self.get(connection, companyID: companyID, id: id, logger: logger)
            }
        }
    }

    static func replaceGenres(_ connection: PostgresConnection, companyID: UUID, artistID: UUID, _ genres: [UUID],
                              logger: Logger) async throws {
        try await connection.query("""
            DELETE FROM artist_genres WHERE company_id = \(companyID) AND artist_id = \(artistID) AND genre_id <> ALL(\(genres)::uuid[])
            """, logger: logger)
        if genres.isEmpty { return }
        try await connection.query("""
            INSERT INTO artist_genres (company_id, artist_id, genre_id)
            SELECT \(companyID), \(artistID), unnest(\(genres)::uuid[]) ON CONFLICT DO NOTHING
            """, logger: logger)
    }

    /// Deletes the artist with its contacts, platform links and genres (they cascade). Refused with 409
    /// `artist_in_use` while a roster entry (or any other row that does not cascade) still points at it: the
    /// row is locked first, so a roster entry added meanwhile waits and then fails its foreign key.
    /// False when the company has no such artist.
    func delete(companyID: UUID, id: UUID) async throws -> Bool {
        let logger = database.logger
        do {
            return try await database.transaction { connection in
                guard try await connection.query("""
                    SELECT 1 FROM artists WHERE company_id = \(companyID) AND id = \(id) FOR UPDATE
                    """, logger: logger).first({ _ in true }) != nil else { return false }
                let entries = try await connection.query("""
                    SELECT count(*) FROM roster_entries WHERE company_id = \(companyID) AND artist_id = \(id)
                    """, logger: logger).count()
                if entries > 0 { throw Self.inUse(rosterEntries: entries) }
                try await connection.query("DELETE FROM artists WHERE company_id = \(companyID) AND id = \(id)", logger: logger)
                return true
            }
        } catch let error where error.postgresViolation?.sqlState == "23503" {
            throw Self.inUse(rosterEntries: nil)
        }
    }

    static func inUse(rosterEntries: Int?) -> APIError {
        APIError.conflict("artist_in_use", "The artist is on a roster (or referenced by other records); remove those first.",
                          info: rosterEntries.map { ["rosterEntries": .number(Double($0))] })
    }

    // MARK: Bio

    static let bioColumns = "id, bio, bio_document::text AS bio_document, bio_updated_at"

    static func decodeBio(_ row: PostgresRow) throws -> ArtistBio {
        let c = Columns(row)
        let document = try c.json("bio_document")
        return ArtistBio(artistId: try c("id"), text: try c("bio"), resJson: document.isNull ? nil : document,
                         updatedAt: try c("bio_updated_at"))
    }

    func bio(companyID: UUID, id: UUID) async throws -> ArtistBio? {
        try await database.query("""
            SELECT \(unescaped: Self.bioColumns) FROM artists WHERE company_id = \(companyID) AND id = \(id)
            """).first(Self.decodeBio)
    }

    /// Saves the document and, when given, the text (null clears it). The artist's version stays: the bio is
    /// edited apart from the artist's fields.
    func saveBio(companyID: UUID, id: UUID, document: String, text: Patch<String>) async throws -> ArtistBio? {
        try await database.query("""
            UPDATE artists SET bio_document = \(document)::jsonb,
                bio = CASE WHEN \(text.clears) THEN NULL ELSE COALESCE(\(text.value), bio) END, bio_updated_at = now()
            WHERE company_id = \(companyID) AND id = \(id)
            RETURNING \(unescaped: Self.bioColumns)
            """).first(Self.decodeBio)
    }

    // MARK: Similar artists

    /// Other artists of the company sharing at least one genre with `id`: most shared genres first, then the
    /// highest Jaccard index (shared / genres of either), then by name and id.
    func similar(companyID: UUID, id: UUID, limit: Int) async throws -> [SimilarArtist] {
        try await database.query("""
            WITH mine AS (SELECT genre_id FROM artist_genres WHERE company_id = \(companyID) AND artist_id = \(id)),
            shared AS (
                SELECT ag.artist_id, count(*) AS shared, array_agg(ag.genre_id ORDER BY ag.genre_id) AS shared_ids
                FROM artist_genres ag
                WHERE ag.company_id = \(companyID) AND ag.genre_id IN (SELECT genre_id FROM mine) AND ag.artist_id <> \(id)
                GROUP BY ag.artist_id),
            ranked AS (
                SELECT s.artist_id, s.shared, s.shared_ids,
                       s.shared::float8 / ((SELECT count(*) FROM mine) + t.n - s.shared) AS jaccard, lower(x.name) AS lname
                FROM shared s
                JOIN artists x ON x.company_id = \(companyID) AND x.id = s.artist_id
                CROSS JOIN LATERAL (SELECT count(*) AS n FROM artist_genres o
                                    WHERE o.company_id = \(companyID) AND o.artist_id = s.artist_id) t
                ORDER BY s.shared DESC, jaccard DESC, lname, s.artist_id
                LIMIT \(limit))
            SELECT \(unescaped: Self.columns), r.shared, r.shared_ids, r.jaccard
            FROM ranked r JOIN artists a ON a.company_id = \(companyID) AND a.id = r.artist_id
            \(unescaped: Self.genresJoin)
            ORDER BY r.shared DESC, r.jaccard DESC, r.lname, r.artist_id
            """).collect { row in
                let c = Columns(row)
                let jaccard = try c("jaccard", as: Double.self)
                return SimilarArtist(artist: try Self.decode(row), sharedGenreIds: try c("shared_ids"),
                                     sharedGenreCount: try c("shared", as: Int.self), jaccard: (jaccard * 10_000).rounded() / 10_000)
            }
    }
}

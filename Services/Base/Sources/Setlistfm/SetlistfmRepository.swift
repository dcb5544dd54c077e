import Foundation
import KisumKernel
import KisumPersistence
import PostgresNIO

/// The import's writes into the artist's history (`artist_shows`, migration 0004): rows of source `setlistfm`, keyed
/// by `(company_id, artist_id, source, external_ref)`, so a second import of the same setlists inserts nothing.
struct SetlistfmRepository: Sendable {
    let database: Database

    static let constraints = ConstraintMessages([
        "artist_shows_artist_fk": .notFound("artist"),
    ])

    /// Whether the artist is one of the company's (checked before setlist.fm is asked, so a wrong id costs no call).
    func artistExists(companyID: UUID, artistID: UUID) async throws -> Bool {
        try await database.query("""
            SELECT 1 FROM artists WHERE company_id = \(companyID) AND id = \(artistID)
            """).first { _ in true } ?? false
    }

    /// In one transaction: the artist row is locked against deletion (gone meanwhile → nil, a 404), then every show
    /// not yet imported is inserted in one statement. Answers how many rows were added.
    func importShows(companyID: UUID, userID: UUID, artistID: UUID, _ shows: [ImportedShow]) async throws -> Int? {
        let logger = database.logger
        return try await Self.constraints.map {
            try await database.transaction { connection -> Int? in
                guard try await connection.query("""
                    SELECT 1 FROM artists WHERE company_id = \(companyID) AND id = \(artistID) FOR KEY SHARE
                    """, logger: logger).first({ _ in true }) != nil else { return nil }
                guard !shows.isEmpty else { return 0 }
                return try await connection.query("""
                    WITH inserted AS (
                    INSERT INTO artist_shows (company_id, artist_id, performed_on, venue_name, city, country_id, status, source, external_ref,
                                              notes, created_by)
                    SELECT \(companyID), \(artistID), u.day::date, NULLIF(u.venue, ''), NULLIF(u.city, ''), c.id, u.status, 'setlistfm', u.ref,
                           NULLIF(u.notes, ''), \(userID)
                    FROM unnest(\(shows.map(\.setlistID))::text[], \(shows.map(\.performedOn))::text[],
                                \(shows.map { $0.venueName ?? "" })::text[], \(shows.map { $0.city ?? "" })::text[],
                                \(shows.map { $0.countryCode ?? "" })::text[], \(shows.map(\.status))::text[],
                                \(shows.map { $0.notes ?? "" })::text[]) AS u(ref, day, venue, city, country, status, notes)
                    LEFT JOIN countries c ON c.iso2 = u.country
                    WHERE u.ref IS NOT NULL
                    ON CONFLICT ON CONSTRAINT artist_shows_external_ref_key DO NOTHING
                    RETURNING 1)
                    SELECT count(*)::bigint FROM inserted
                    """, logger: logger).count()
            }
        }
    }
}

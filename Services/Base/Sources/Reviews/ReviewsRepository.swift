import Foundation
import KisumKernel
import KisumPersistence
import PostgresNIO

/// Reviews (migration 0025). The subject is one of three columns; the foreign keys check it is the company's.
struct ReviewsRepository: Sendable {
    let database: Database

    static let subjectType = "CASE WHEN r.artist_id IS NOT NULL THEN 'artist' WHEN r.venue_id IS NOT NULL THEN 'venue' ELSE 'vendor' END"

    static let columns = """
        r.id, \(subjectType) AS subject_type, coalesce(r.artist_id, r.venue_id, r.vendor_id) AS subject_id, r.rating::int AS rating,
        r.title, r.body, r.author_id, r.version, r.created_at, r.updated_at
        """

    static let constraints = ConstraintMessages([
        "reviews_artist_fk": .validation(field: "subjectId", code: "not_found", message: "No artist of this company has this id."),
        "reviews_venue_fk": .validation(field: "subjectId", code: "not_found", message: "This company has not linked a venue with this id."),
    ])

    static func decode(_ row: PostgresRow) throws -> Review {
        let c = Columns(row)
        return Review(id: try c("id"), subjectType: try c("subject_type"), subjectId: try c("subject_id"), rating: try c("rating"),
                      title: try c("title"), body: try c("body"), authorId: try c("author_id"), version: try c("version"),
                      createdAt: try c("created_at"), updatedAt: try c("updated_at"))
    }

    /// Newest first; filters combine with AND.
    func list(companyID: UUID, _ f: ReviewFilter, page: PageRequest) async throws -> (items: [Review], total: Int) {
        func query(_ select: String, _ suffix: String) -> PostgresQuery {
            """
            SELECT \(unescaped: select) FROM reviews r
            WHERE r.company_id = \(companyID)
              AND (\(unescaped: Self.subjectType)) = ANY(\(f.types)::text[])
              AND (\(f.subjectID)::uuid IS NULL OR coalesce(r.artist_id, r.venue_id, r.vendor_id) = \(f.subjectID))
              AND (\(f.minRating)::int IS NULL OR r.rating >= \(f.minRating))
              AND (\(f.authorID)::uuid IS NULL OR r.author_id = \(f.authorID))
            \(unescaped: suffix)
            """
        }
        return try await database.page(query, columns: Self.columns, orderBy: "ORDER BY r.created_at DESC, r.id", page: page, decode: Self.decode)
    }

    func get(companyID: UUID, id: UUID) async throws -> Review? {
        try await database.query("SELECT \(unescaped: Self.columns) FROM reviews r WHERE r.company_id = \(companyID) AND r.id = \(id)")
            .first(Self.decode)
    }

    func create(companyID: UUID, authorID: UUID, subject: ReviewSubject, subjectID: UUID, _ body: NewReview) async throws -> Review {
        let artistID = subject == .artist ? subjectID : nil
        let venueID = subject == .venue ? subjectID : nil
        let created = try await Self.constraints.map {
            try await database.query("""
                INSERT INTO reviews AS r (company_id, artist_id, venue_id, rating, title, body, author_id)
                VALUES (\(companyID), \(artistID), \(venueID), \(body.rating ?? 0), \(ReviewText.trimmed(body.title)), \(ReviewText.body(body.body)),
                        \(authorID))
                RETURNING \(unescaped: Self.columns)
                """).first(Self.decode)
        }
        guard let created else { throw APIError.internalError }
        return created
    }

    /// Replaces the text and rating of the author's own review; nil when there is none (gone meanwhile).
    func replace(companyID: UUID, id: UUID, authorID: UUID, _ body: ReviewUpdate) async throws -> Review? {
        try await database.query("""
            UPDATE reviews r SET rating = \(body.rating ?? 0), title = \(ReviewText.trimmed(body.title)), body = \(ReviewText.body(body.body)),
                version = r.version + 1, updated_at = clock_timestamp()
            WHERE r.company_id = \(companyID) AND r.id = \(id) AND r.author_id = \(authorID)
            RETURNING \(unescaped: Self.columns)
            """).first(Self.decode)
    }

    func delete(companyID: UUID, id: UUID, authorID: UUID) async throws -> Bool {
        try await database.query("""
            DELETE FROM reviews WHERE company_id = \(companyID) AND id = \(id) AND author_id = \(authorID) RETURNING id
            """).first { _ in true } ?? false
    }
}

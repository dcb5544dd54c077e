import Foundation
import HTTPTypes
import KisumKernel
import KisumPersistence
import PostgresNIO

/// The company's venue links (`venue_links`, 0014). Venue's record is never written from Base.
struct VenueLinksRepository: Sendable {
    let database: Database

    static let columns = "l.venue_id, l.venue_name, l.notes, l.tags, l.rating, l.created_by, l.created_at, l.updated_at"

    static let constraints = ConstraintMessages([
        "venue_links_pkey": .conflict("venue_already_linked", "This venue is already on the company's list."),
    ])

    static func decode(_ row: PostgresRow) throws -> VenueLink {
        let c = Columns(row)
        return VenueLink(venueId: try c("venue_id"), venueName: try c("venue_name"), notes: try c("notes"), tags: try c("tags"),
                         rating: try c("rating", as: Int16?.self).map(Int.init), createdBy: try c("created_by"),
                         createdAt: try c("created_at"), updatedAt: try c("updated_at"))
    }

    func list(companyID: UUID, _ f: VenueLinkFilter, page: PageRequest) async throws -> (items: [VenueLink], total: Int) {
        let pattern = SQLPattern.contains(f.q)
        let minRating = f.minRating
        func query(_ select: String, _ suffix: String) -> PostgresQuery {
            """
            SELECT \(unescaped: select) FROM venue_links l
            WHERE l.company_id = \(companyID)
              AND (\(pattern)::text IS NULL OR l.venue_name ILIKE \(pattern))
              AND (\(f.tag)::text IS NULL OR l.tags @> ARRAY[\(f.tag)::text])
              AND (\(minRating)::integer IS NULL OR l.rating >= \(minRating)::integer)
            \(unescaped: suffix)
            """
        }
        let order: String
        switch f.sort {
        case "name": order = "ORDER BY lower(l.venue_name), l.venue_id"
        case "rating": order = "ORDER BY l.rating DESC NULLS LAST, lower(l.venue_name), l.venue_id"
        default: order = "ORDER BY l.created_at DESC, l.venue_id"
        }
        return try await database.page(query, columns: Self.columns, orderBy: order, page: page, decode: Self.decode)
    }

    func get(companyID: UUID, venueID: UUID) async throws -> VenueLink? {
        try await database.query("""
            SELECT \(unescaped: Self.columns) FROM venue_links l WHERE l.company_id = \(companyID) AND l.venue_id = \(venueID)
            """).first(Self.decode)
    }

    func exists(companyID: UUID, venueID: UUID) async throws -> Bool {
        try await database.query("""
            SELECT count(*) FROM venue_links WHERE company_id = \(companyID) AND venue_id = \(venueID)
            """).count() > 0
    }

    /// Which of `venueIDs` the company has linked (one statement for a whole page of hits).
    func linked(companyID: UUID, among venueIDs: [UUID]) async throws -> Set<UUID> {
        guard !venueIDs.isEmpty else { return [] }
        return Set(try await database.query("""
            SELECT venue_id FROM venue_links WHERE company_id = \(companyID) AND venue_id = ANY(\(venueIDs)::uuid[])
            """).collect { try $0.decode(UUID.self) })
    }

    /// 409 `venue_already_linked` when the company has it already.
    func create(companyID: UUID, userID: UUID, venueID: UUID, venueName: String, _ body: CreateVenueLink) async throws -> VenueLink {
        let tags = VenueLinkRules.normalized(body.tags)
        let rating = body.rating.map { Int16(clamping: $0) }
        let name = VenueLinkRules.clip(venueName, 200)
        return try await Self.constraints.map {
            guard let link = try await database.query("""
                INSERT INTO venue_links AS l (company_id, venue_id, venue_name, notes, tags, rating, created_by)
                VALUES (\(companyID), \(venueID), \(name.isEmpty ? "?" : name), \(body.notes), \(tags)::text[], \(rating), \(userID))
                RETURNING \(unescaped: Self.columns)
                """).first(Self.decode) else { throw APIError.internalError }
            return link
        }
    }

    /// Full replace of the company's fields; nil when the company has not linked this venue.
    func replace(companyID: UUID, venueID: UUID, _ body: ReplaceVenueLink) async throws -> VenueLink? {
        let tags = VenueLinkRules.normalized(body.tags)
        let rating = body.rating.map { Int16(clamping: $0) }
        return try await database.query("""
            UPDATE venue_links AS l SET notes = \(body.notes), tags = \(tags)::text[], rating = \(rating), updated_at = clock_timestamp()
            WHERE l.company_id = \(companyID) AND l.venue_id = \(venueID)
            RETURNING \(unescaped: Self.columns)
            """).first(Self.decode)
    }

    /// Unlinks (the company's contacts and documents at the venue go with it; inquiries stay as history).
    func delete(companyID: UUID, venueID: UUID) async throws -> Bool {
        try await database.query("""
            DELETE FROM venue_links WHERE company_id = \(companyID) AND venue_id = \(venueID) RETURNING venue_id
            """).first { try $0.decode(UUID.self) } != nil
    }
}

import Foundation
import KisumKernel
import KisumPersistence
import PostgresNIO

/// The global venue type catalog.
struct VenueTypesRepository: Sendable {
    let database: Database

    static func decode(_ row: PostgresRow) throws -> VenueType {
        let c = Columns(row)
        return VenueType(venueTypeId: try c("venue_type_id"), sourceMongoObjectId: try c("source_mongo_object_id"), name: try c("name"),
                         slug: try c("slug"), description: try c("description"), createdAt: try c("created_at"),
                         updatedAt: try c("updated_at"))
    }

    func list(q: String?, page: PageRequest) async throws -> (items: [VenueType], total: Int) {
        let pattern = SQLPattern.contains(q)
        func query(_ select: String, _ suffix: String) -> PostgresQuery {
            """
            SELECT \(unescaped: select) FROM venue_type t
            WHERE (\(pattern)::text IS NULL OR t.name ILIKE \(pattern) OR t.slug ILIKE \(pattern))
            \(unescaped: suffix)
            """
        }
        return try await database.page(
            query, columns: "t.venue_type_id, t.source_mongo_object_id, t.name, t.slug, t.description, t.created_at, t.updated_at",
            orderBy: "ORDER BY t.name, t.venue_type_id", page: page, decode: Self.decode)
    }
}

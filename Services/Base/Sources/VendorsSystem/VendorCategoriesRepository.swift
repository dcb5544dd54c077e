import Foundation
import KisumKernel
import KisumPersistence
import PostgresNIO

/// The catalog's vendor categories (`vendor_categories`, 0024): global, unique by name in any case, kept while any
/// catalog vendor is in them. `vendorCount` is a correlated count on `system_vendors_category`.
struct VendorCategoriesRepository: Sendable {
    let database: Database

    static let columns = """
        k.id, k.name, k.description, (SELECT count(*) FROM system_vendors s WHERE s.category_id = k.id)::int AS vendor_count,
        k.created_at, k.updated_at
        """

    static let constraints = ConstraintMessages([
        "vendor_categories_name_key": .conflict("category_exists", "A vendor category with this name already exists.", info: ["field": "name"]),
        "vendor_categories_name_check": .validation(field: "name", code: "blank", message: "The name must have 1 to 100 characters."),
    ])

    static func decode(_ row: PostgresRow) throws -> VendorCategory {
        let c = Columns(row)
        return VendorCategory(id: try c("id"), name: try c("name"), description: try c("description"), vendorCount: try c("vendor_count"),
                              createdAt: try c("created_at"), updatedAt: try c("updated_at"))
    }

    func list(q: String?, page: PageRequest) async throws -> (items: [VendorCategory], total: Int) {
        let pattern = SQLPattern.contains(q)
        func query(_ select: String, _ suffix: String) -> PostgresQuery {
            """
            SELECT \(unescaped: select) FROM vendor_categories k
            WHERE (\(pattern)::text IS NULL OR k.name ILIKE \(pattern))
            \(unescaped: suffix)
            """
        }
        return try await database.page(query, columns: Self.columns, orderBy: "ORDER BY lower(k.name), k.id", page: page, decode: Self.decode)
    }

    func create(_ b: VendorCategoryInput) async throws -> VendorCategory {
        try await Self.constraints.map {
            guard let category = try await database.query("""
                WITH k AS (INSERT INTO vendor_categories (name, description) VALUES (\(b.trimmedName), \(b.description)) RETURNING *)
                SELECT \(unescaped: Self.columns) FROM k
                """).first(Self.decode) else { throw APIError.internalError }
            return category
        }
    }

    func replace(id: UUID, _ b: VendorCategoryInput) async throws -> VendorCategory? {
        try await Self.constraints.map {
            try await database.query("""
                WITH k AS (
                    UPDATE vendor_categories SET name = \(b.trimmedName), description = \(b.description), updated_at = clock_timestamp()
                    WHERE id = \(id)
                    RETURNING *)
                SELECT \(unescaped: Self.columns) FROM k
                """).first(Self.decode)
        }
    }

    /// Refused with 409 `category_in_use` while catalog vendors are in it (their foreign key does not cascade).
    func delete(id: UUID) async throws -> Bool {
        do {
            return try await database.query("DELETE FROM vendor_categories WHERE id = \(id) RETURNING id").first { try $0.decode(UUID.self) } != nil
        } catch let error where error.postgresViolation?.sqlState == "23503" {
            throw APIError.conflict("category_in_use", "Catalog vendors are still in this category; move or delete them first.")
        }
    }
}

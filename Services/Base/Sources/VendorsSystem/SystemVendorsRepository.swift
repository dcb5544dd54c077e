import Foundation
import KisumKernel
import KisumPersistence
import PostgresNIO

/// The global vendor catalog (`system_vendors`, `system_vendor_services`, 0024). Reads carry the category's name,
/// the services' names (one lateral aggregate per row) and the calling company's vendor linked from the entry
/// (`vendors_company_system_vendor`, at most one row): a page is one statement. Writes are staff-only (the routes
/// check that), so they take no company; reads take the caller's company only for `linkedVendorId`.
struct SystemVendorsRepository: Sendable {
    let database: Database

    static let columns = """
        s.id, s.name, s.category_id, k.name AS category_name, s.email, s.phone, s.website, s.city, s.country_id, s.description,
        sv.service_ids, sv.service_names, lv.id AS linked_vendor_id, s.created_at, s.updated_at
        """

    /// Joins of `system_vendors s` for `columns`, but the linked vendor (`lv`), which needs the company bound.
    static let joins = """
        LEFT JOIN vendor_categories k ON k.id = s.category_id
        LEFT JOIN LATERAL (
            SELECT array_agg(x.id ORDER BY lower(x.name), x.id) AS service_ids, array_agg(x.name ORDER BY lower(x.name), x.id) AS service_names
            FROM system_vendor_services x WHERE x.system_vendor_id = s.id) sv ON true
        """

    static let constraints = ConstraintMessages([
        "system_vendors_name_key": .conflict("system_vendor_exists", "The catalog already has a vendor with this name.", info: ["field": "name"]),
        "system_vendors_category_fk": .validation(field: "categoryId", code: "not_found", message: "No vendor category has this id."),
        "system_vendors_country_fk": .validation(field: "countryId", code: "not_found", message: "No country has this id."),
        "system_vendors_name_check": .validation(field: "name", code: "blank", message: "The name must have 1 to 200 characters."),
        "system_vendor_services_name_key": .conflict("service_exists", "The vendor already offers a service with this name.",
                                                     info: ["field": "name"]),
        "system_vendor_services_vendor_fk": .notFound("system vendor"),
    ])

    static func decode(_ row: PostgresRow) throws -> SystemVendor {
        let c = Columns(row)
        let ids = try c("service_ids", as: [UUID]?.self) ?? []
        let names = try c("service_names", as: [String]?.self) ?? []
        return SystemVendor(id: try c("id"), name: try c("name"), categoryId: try c("category_id"), categoryName: try c("category_name"),
                            email: try c("email"), phone: try c("phone"), website: try c("website"), city: try c("city"),
                            countryId: try c("country_id"), description: try c("description"),
                            services: zip(ids, names).map { SystemVendorServiceName(id: $0, name: $1) },
                            linkedVendorId: try c("linked_vendor_id"), createdAt: try c("created_at"), updatedAt: try c("updated_at"))
    }

    // MARK: Reads

    func list(companyID: UUID, _ filter: SystemVendorFilter, page: PageRequest) async throws -> (items: [SystemVendor], total: Int) {
        let pattern = SQLPattern.contains(filter.q)
        func query(_ select: String, _ suffix: String) -> PostgresQuery {
            """
            SELECT \(unescaped: select) FROM system_vendors s \(unescaped: Self.joins)
            LEFT JOIN vendors lv ON lv.company_id = \(companyID) AND lv.system_vendor_id = s.id
            WHERE (\(pattern)::text IS NULL OR s.name ILIKE \(pattern))
              AND (\(filter.categoryID)::uuid IS NULL OR s.category_id = \(filter.categoryID))
            \(unescaped: suffix)
            """
        }
        return try await database.page(query, columns: Self.columns, orderBy: "ORDER BY lower(s.name), s.id", page: page, decode: Self.decode)
    }

    /// Names containing the text or similar to it (trigram), and entries whose category or a service contains it;
    /// names starting with the text first, then the most similar.
    func search(companyID: UUID, text: String, page: PageRequest) async throws -> (items: [SystemVendor], total: Int) {
        let pattern = SQLPattern.contains(text)
        let prefix = SQLPattern.startsWith(text)
        func query(_ select: String, _ suffix: String) -> PostgresQuery {
            """
            SELECT \(unescaped: select) FROM system_vendors s \(unescaped: Self.joins)
            LEFT JOIN vendors lv ON lv.company_id = \(companyID) AND lv.system_vendor_id = s.id
            CROSS JOIN LATERAL (SELECT s.name ILIKE \(prefix) AS starts_with, similarity(s.name, \(text)) AS score) rank
            WHERE s.name ILIKE \(pattern) OR s.name % \(text) OR k.name ILIKE \(pattern)
               OR EXISTS (SELECT 1 FROM system_vendor_services x WHERE x.system_vendor_id = s.id AND x.name ILIKE \(pattern))
            \(unescaped: suffix)
            """
        }
        return try await database.page(query, columns: Self.columns,
                                       orderBy: "ORDER BY rank.starts_with DESC, rank.score DESC, lower(s.name), s.id",
                                       page: page, decode: Self.decode)
    }

    func get(companyID: UUID, id: UUID) async throws -> SystemVendor? {
        try await database.query("""
            SELECT \(unescaped: Self.columns) FROM system_vendors s \(unescaped: Self.joins)
            LEFT JOIN vendors lv ON lv.company_id = \(companyID) AND lv.system_vendor_id = s.id
            WHERE s.id = \(id)
            """).first(Self.decode)
    }

    func exists(id: UUID) async throws -> Bool {
        try await database.query("SELECT 1 FROM system_vendors WHERE id = \(id)").first { _ in true } ?? false
    }

    // MARK: Writes (platform staff)

    func create(companyID: UUID, userID: UUID, _ b: SystemVendorInput) async throws -> SystemVendor {
        try await Self.constraints.map {
            guard let vendor = try await database.query("""
                WITH s AS (
                    INSERT INTO system_vendors (name, category_id, email, phone, website, city, country_id, description, created_by)
                    VALUES (\(b.trimmedName), \(b.categoryId), \(b.email), \(b.phone), \(b.website), \(b.trimmedCity), \(b.countryId),
                            \(b.description), \(userID))
                    RETURNING *)
                SELECT \(unescaped: Self.columns) FROM s \(unescaped: Self.joins)
                LEFT JOIN vendors lv ON lv.company_id = \(companyID) AND lv.system_vendor_id = s.id
                """).first(Self.decode) else { throw APIError.internalError }
            return vendor
        }
    }

    /// Replaces every field (services stay); nil when the catalog has no such entry.
    func replace(companyID: UUID, id: UUID, _ b: SystemVendorInput) async throws -> SystemVendor? {
        try await Self.constraints.map {
            try await database.query("""
                WITH s AS (
                    UPDATE system_vendors SET name = \(b.trimmedName), category_id = \(b.categoryId), email = \(b.email), phone = \(b.phone),
                        website = \(b.website), city = \(b.trimmedCity), country_id = \(b.countryId), description = \(b.description),
                        updated_at = clock_timestamp()
                    WHERE id = \(id)
                    RETURNING *)
                SELECT \(unescaped: Self.columns) FROM s \(unescaped: Self.joins)
                LEFT JOIN vendors lv ON lv.company_id = \(companyID) AND lv.system_vendor_id = s.id
                """).first(Self.decode)
        }
    }

    /// Deletes the entry with its services. Companies' vendors linked from it stay theirs, unlinked (ON DELETE SET NULL).
    func delete(id: UUID) async throws -> Bool {
        try await database.query("DELETE FROM system_vendors WHERE id = \(id) RETURNING id").first { try $0.decode(UUID.self) } != nil
    }

    // MARK: Services

    static let serviceColumns = "x.id, x.system_vendor_id, x.name, x.description, x.created_at"

    static func decodeService(_ row: PostgresRow) throws -> SystemVendorService {
        let c = Columns(row)
        return SystemVendorService(id: try c("id"), systemVendorId: try c("system_vendor_id"), name: try c("name"),
                                   description: try c("description"), createdAt: try c("created_at"))
    }

    func services(systemVendorID: UUID, page: PageRequest) async throws -> (items: [SystemVendorService], total: Int) {
        func query(_ select: String, _ suffix: String) -> PostgresQuery {
            "SELECT \(unescaped: select) FROM system_vendor_services x WHERE x.system_vendor_id = \(systemVendorID) \(unescaped: suffix)"
        }
        return try await database.page(query, columns: Self.serviceColumns, orderBy: "ORDER BY lower(x.name), x.id", page: page,
                                       decode: Self.decodeService)
    }

    /// The vendor's foreign key refuses an unknown vendor (404); a name it already offers is 409 `service_exists`.
    func addService(systemVendorID: UUID, _ b: SystemVendorServiceInput) async throws -> SystemVendorService {
        try await Self.constraints.map {
            guard let service = try await database.query("""
                INSERT INTO system_vendor_services AS x (system_vendor_id, name, description)
                VALUES (\(systemVendorID), \(b.trimmedName), \(b.description))
                RETURNING \(unescaped: Self.serviceColumns)
                """).first(Self.decodeService) else { throw APIError.internalError }
            return service
        }
    }

    func removeService(systemVendorID: UUID, id: UUID) async throws -> Bool {
        try await database.query("""
            DELETE FROM system_vendor_services WHERE system_vendor_id = \(systemVendorID) AND id = \(id) RETURNING id
            """).first { try $0.decode(UUID.self) } != nil
    }
}

import Foundation
import KisumKernel
import KisumPersistence
import PostgresNIO

/// The company's vendors (`vendors`, 0024). Name search runs on the tenant-leading trigram index
/// `vendors_company_name_trgm`; the counts are correlated subqueries on `(company_id, vendor_id, …)` keys, part of
/// the same statement.
struct VendorsRepository: Sendable {
    let database: Database

    static let columns = """
        v.id, v.name, v.category, v.email, v.phone, v.website, v.notes, v.system_vendor_id,
        (SELECT count(*) FROM vendor_contacts c WHERE c.company_id = v.company_id AND c.vendor_id = v.id)::int AS contact_count,
        (SELECT count(*) FROM event_vendors ev WHERE ev.company_id = v.company_id AND ev.vendor_id = v.id)::int AS event_count,
        v.created_by, v.created_at, v.updated_at
        """

    static let constraints = ConstraintMessages([
        "vendors_name_check": .validation(field: "name", code: "blank", message: "The name must have 1 to 200 characters."),
        "vendors_category_check": .validation(field: "category", code: "blank", message: "The category must have 1 to 100 characters."),
    ])

    static func decode(_ row: PostgresRow) throws -> Vendor {
        let c = Columns(row)
        return Vendor(id: try c("id"), name: try c("name"), category: try c("category"), email: try c("email"), phone: try c("phone"),
                      website: try c("website"), notes: try c("notes"), systemVendorId: try c("system_vendor_id"),
                      contactCount: try c("contact_count"), eventCount: try c("event_count"), createdBy: try c("created_by"),
                      createdAt: try c("created_at"), updatedAt: try c("updated_at"))
    }

    // MARK: Reads

    func list(companyID: UUID, _ filter: VendorFilter, sort: VendorSort, page: PageRequest) async throws -> (items: [Vendor], total: Int) {
        let pattern = SQLPattern.contains(filter.q)
        func query(_ select: String, _ suffix: String) -> PostgresQuery {
            """
            SELECT \(unescaped: select) FROM vendors v
            WHERE v.company_id = \(companyID)
              AND (\(pattern)::text IS NULL OR v.name ILIKE \(pattern))
              AND (\(filter.category)::text IS NULL OR lower(v.category) = lower(\(filter.category)))
              AND (\(filter.linked)::boolean IS NULL OR (v.system_vendor_id IS NOT NULL) = \(filter.linked))
            \(unescaped: suffix)
            """
        }
        return try await database.page(query, columns: Self.columns, orderBy: sort.orderBy, page: page, decode: Self.decode)
    }

    /// Names containing the text or similar to it (trigram similarity: a typo still finds the vendor), and vendors whose
    /// category contains it; names starting with the text first, then the most similar, then by name.
    func search(companyID: UUID, text: String, page: PageRequest) async throws -> (items: [Vendor], total: Int) {
        let pattern = SQLPattern.contains(text)
        let prefix = SQLPattern.startsWith(text)
        func query(_ select: String, _ suffix: String) -> PostgresQuery {
            """
            SELECT \(unescaped: select) FROM vendors v
            CROSS JOIN LATERAL (SELECT v.name ILIKE \(prefix) AS starts_with, similarity(v.name, \(text)) AS score) rank
            WHERE v.company_id = \(companyID) AND (v.name ILIKE \(pattern) OR v.name % \(text) OR v.category ILIKE \(pattern))
            \(unescaped: suffix)
            """
        }
        return try await database.page(query, columns: Self.columns,
                                       orderBy: "ORDER BY rank.starts_with DESC, rank.score DESC, lower(v.name), v.id",
                                       page: page, decode: Self.decode)
    }

    func get(companyID: UUID, id: UUID) async throws -> Vendor? {
        try await database.query("""
            SELECT \(unescaped: Self.columns) FROM vendors v WHERE v.company_id = \(companyID) AND v.id = \(id)
            """).first(Self.decode)
    }

    func exists(companyID: UUID, id: UUID) async throws -> Bool {
        try await database.query("SELECT 1 FROM vendors WHERE company_id = \(companyID) AND id = \(id)").first { _ in true } ?? false
    }

    // MARK: Writes

    func create(companyID: UUID, userID: UUID, _ input: VendorInput) async throws -> Vendor {
        try await Self.constraints.map {
            guard let vendor = try await database.query("""
                WITH v AS (
                    INSERT INTO vendors (company_id, name, category, email, phone, website, notes, created_by)
                    VALUES (\(companyID), \(input.trimmedName), \(input.trimmedCategory), \(input.email), \(input.phone), \(input.website),
                            \(input.notes), \(userID))
                    RETURNING *)
                SELECT \(unescaped: Self.columns) FROM v
                """).first(Self.decode) else { throw APIError.internalError }
            return vendor
        }
    }

    /// Replaces every field but the catalog link; nil when the company has no such vendor.
    func replace(companyID: UUID, id: UUID, _ input: VendorInput) async throws -> Vendor? {
        try await Self.constraints.map {
            try await database.query("""
                WITH v AS (
                    UPDATE vendors SET name = \(input.trimmedName), category = \(input.trimmedCategory), email = \(input.email),
                        phone = \(input.phone), website = \(input.website), notes = \(input.notes), updated_at = clock_timestamp()
                    WHERE company_id = \(companyID) AND id = \(id)
                    RETURNING *)
                SELECT \(unescaped: Self.columns) FROM v
                """).first(Self.decode)
        }
    }

    /// Deletes the vendor with its contacts (they cascade). Refused with 409 `vendor_has_events` while it is attached
    /// to events: those rows are the record of who served which show. The row lock makes check and delete one step
    /// (an attachment being inserted shares the vendor row through its foreign key and waits). False when absent.
    func delete(companyID: UUID, id: UUID) async throws -> Bool {
        let logger = database.logger
        do {
            return try await database.transaction { connection in
                guard try await connection.query("""
                    SELECT 1 FROM vendors WHERE company_id = \(companyID) AND id = \(id) FOR UPDATE
                    """, logger: logger).first({ _ in true }) != nil else { return false }
                let events = try await connection.query("""
                    SELECT count(*) FROM event_vendors WHERE company_id = \(companyID) AND vendor_id = \(id)
                    """, logger: logger).count()
                if events > 0 {
                    throw APIError.conflict("vendor_has_events", "The vendor is attached to events; detach it first.",
                                            info: ["eventCount": .number(Double(events))])
                }
                try await connection.query("DELETE FROM vendors WHERE company_id = \(companyID) AND id = \(id)", logger: logger)
                return true
            }
        } catch let error where error.postgresViolation?.sqlState == "23503" {
            throw APIError.conflict("vendor_in_use", "Other records still refer to the vendor.")
        }
    }

    /// Puts the catalog entry on the company's list as a vendor of its own: name, category name, e-mail, phone and
    /// website copied, the link kept. Linking an entry the company already linked answers that vendor (`created`
    /// false), also when two requests race (the partial unique index decides; the loser reads the winner's row).
    /// Nil when the catalog has no such entry.
    func link(companyID: UUID, userID: UUID, systemVendorID: UUID) async throws -> (vendor: Vendor, created: Bool)? {
        let created = try await database.query("""
            WITH v AS (
                INSERT INTO vendors (company_id, name, category, email, phone, website, system_vendor_id, created_by)
                SELECT \(companyID), s.name, k.name, s.email, s.phone, s.website, s.id, \(userID)
                FROM system_vendors s LEFT JOIN vendor_categories k ON k.id = s.category_id
                WHERE s.id = \(systemVendorID)
                ON CONFLICT (company_id, system_vendor_id) WHERE system_vendor_id IS NOT NULL DO NOTHING
                RETURNING *)
            SELECT \(unescaped: Self.columns) FROM v
            """).first(Self.decode)
        if let created { return (vendor: created, created: true) }
        let existing = try await database.query("""
            SELECT \(unescaped: Self.columns) FROM vendors v WHERE v.company_id = \(companyID) AND v.system_vendor_id = \(systemVendorID)
            """).first(Self.decode)
        return existing.map { (vendor: $0, created: false) }
    }
}

import Foundation
import KisumKernel
import KisumPersistence
import PostgresNIO

/// Company records of one tenant (`companies`, 0002): every statement names `company_id`.
struct CompaniesRepository: Sendable {
    let database: Database

    static let constraints = ConstraintMessages([
        "companies_country_fk": ConstraintMessages.field("countryId", "not_found", "No country with this id."),
        "companies_name_check": ConstraintMessages.field("name", "required", "This field must not be blank."),
    ])

    /// `c` is the company row; `co` its country and `l` its logo (either may be missing).
    static let columns = """
        c.id, c.name, c.kind, c.status, c.is_current, c.legal_name, c.registration_number, c.tax_id, c.email, c.phone,
        c.website, c.country_id, co.iso2 AS country_code, c.city, c.address, c.postal_code, c.currency, c.notes,
        l.sha256 AS logo_sha256, c.created_at, c.updated_at
        """

    static let joins = """
        LEFT JOIN countries co ON co.id = c.country_id
        LEFT JOIN company_logos l ON l.company_id = c.company_id AND l.company_record_id = c.id
        """

    static func decode(_ row: PostgresRow) throws -> Company {
        let c = Columns(row)
        let id: UUID = try c("id")
        let logo: String? = try c("logo_sha256")
        return Company(id: id, name: try c("name"), kind: try c("kind"), status: try c("status"), isCurrent: try c("is_current"),
                       legalName: try c("legal_name"), registrationNumber: try c("registration_number"), taxId: try c("tax_id"),
                       email: try c("email"), phone: try c("phone"), website: try c("website"), countryId: try c("country_id"),
                       countryCode: try c("country_code"), city: try c("city"), address: try c("address"),
                       postalCode: try c("postal_code"), currency: try c("currency"), notes: try c("notes"),
                       logoUrl: logo == nil ? nil : CompanyRules.logoPath(id), createdAt: try c("created_at"), updatedAt: try c("updated_at"))
    }

    /// Text is a substring of the name (`ILIKE '%…%'` served by the tenant-leading trigram index of 0002).
    func list(companyID: UUID, _ filter: CompanyFilter, page: PageRequest) async throws -> (items: [Company], total: Int) {
        let pattern = SQLPattern.contains(filter.q)
        func query(_ select: String, _ suffix: String) -> PostgresQuery {
            """
            SELECT \(unescaped: select) FROM companies c \(unescaped: Self.joins)
            WHERE c.company_id = \(companyID)
              AND (\(pattern)::text IS NULL OR c.name ILIKE \(pattern))
              AND (\(filter.kind)::text IS NULL OR c.kind = \(filter.kind))
              AND (\(filter.status)::text IS NULL OR c.status = \(filter.status))
              AND (\(filter.countryID)::uuid IS NULL OR c.country_id = \(filter.countryID))
              AND (\(filter.city)::text IS NULL OR lower(c.city) = lower(\(filter.city)))
            \(unescaped: suffix)
            """
        }
        return try await database.page(query, columns: Self.columns, orderBy: filter.orderBy, page: page, decode: Self.decode)
    }

    /// Ranked: the exact name, then names starting with the text, then by trigram similarity (so a typo still
    /// finds the company: `%` is pg_trgm's similarity match, served by the same index as the substring match).
    func search(companyID: UUID, q: String, kind: String?, status: String?, page: PageRequest) async throws -> (items: [Company], total: Int) {
        let pattern = SQLPattern.contains(q)
        let prefix = SQLPattern.startsWith(q)
        func query(_ select: String, _ suffix: String) -> PostgresQuery {
            """
            WITH s AS (SELECT lower(\(q)::text) AS exact, \(q)::text AS raw, \(prefix)::text AS prefix)
            SELECT \(unescaped: select) FROM companies c \(unescaped: Self.joins) CROSS JOIN s
            WHERE c.company_id = \(companyID)
              AND (c.name ILIKE \(pattern) OR c.name % \(q))
              AND (\(kind)::text IS NULL OR c.kind = \(kind))
              AND (\(status)::text IS NULL OR c.status = \(status))
            \(unescaped: suffix)
            """
        }
        return try await database.page(
            query, columns: Self.columns,
            orderBy: "ORDER BY lower(c.name) = s.exact DESC, c.name ILIKE s.prefix DESC, similarity(c.name, s.raw) DESC, lower(c.name), c.id",
            page: page, decode: Self.decode)
    }

    func get(companyID: UUID, id: UUID) async throws -> Company? {
        try await database.query("""
            SELECT \(unescaped: Self.columns) FROM companies c \(unescaped: Self.joins)
            WHERE c.company_id = \(companyID) AND c.id = \(id)
            """).first(Self.decode)
    }

    func current(companyID: UUID) async throws -> Company? {
        try await database.query("""
            SELECT \(unescaped: Self.columns) FROM companies c \(unescaped: Self.joins)
            WHERE c.company_id = \(companyID) AND c.is_current
            """).first(Self.decode)
    }

    func create(companyID: UUID, userID: UUID, _ input: CompanyInput) async throws -> Company {
        let row = try await Self.constraints.map {
            try await database.query("""
                WITH c AS (
                    INSERT INTO companies (company_id, name, kind, status, legal_name, registration_number, tax_id, email, phone,
                                           website, country_id, city, address, postal_code, currency, notes, created_by)
                    VALUES (\(companyID), \(input.name ?? ""), \(input.kind ?? "other"), \(input.status ?? "active"), \(input.legalName),
                            \(input.registrationNumber), \(input.taxId), \(input.email), \(input.phone), \(input.website),
                            \(input.countryId), \(input.city), \(input.address), \(input.postalCode), \(input.currency), \(input.notes),
                            \(userID))
                    RETURNING *)
                SELECT \(unescaped: Self.columns) FROM c \(unescaped: Self.joins)
                """).first(Self.decode)
        }
        guard let row else { throw APIError.internalError }
        return row
    }

    /// Full replace of a record's fields (PUT); nil when the tenant has no such record.
    func replace(companyID: UUID, id: UUID, _ input: CompanyInput) async throws -> Company? {
        try await Self.constraints.map {
            try await database.query("""
                WITH c AS (
                    UPDATE companies SET name = \(input.name ?? ""), kind = \(input.kind ?? "other"), status = \(input.status ?? "active"),
                        legal_name = \(input.legalName), registration_number = \(input.registrationNumber), tax_id = \(input.taxId),
                        email = \(input.email), phone = \(input.phone), website = \(input.website), country_id = \(input.countryId),
                        city = \(input.city), address = \(input.address), postal_code = \(input.postalCode), currency = \(input.currency),
                        notes = \(input.notes), updated_at = now()
                    WHERE company_id = \(companyID) AND id = \(id)
                    RETURNING *)
                SELECT \(unescaped: Self.columns) FROM c \(unescaped: Self.joins)
                """).first(Self.decode)
        }
    }

    /// Creates or replaces the tenant's own profile in one statement: two concurrent first saves meet at the
    /// partial unique index `companies_one_current`, and the loser updates the winner's row instead of failing.
    func upsertCurrent(companyID: UUID, userID: UUID, _ input: CompanyInput) async throws -> (company: Company, created: Bool) {
        let row = try await Self.constraints.map {
            try await database.query("""
                WITH c AS (
                    INSERT INTO companies (company_id, is_current, name, kind, status, legal_name, registration_number, tax_id, email,
                                           phone, website, country_id, city, address, postal_code, currency, notes, created_by)
                    VALUES (\(companyID), true, \(input.name ?? ""), \(input.kind ?? "other"), \(input.status ?? "active"),
                            \(input.legalName), \(input.registrationNumber), \(input.taxId), \(input.email), \(input.phone),
                            \(input.website), \(input.countryId), \(input.city), \(input.address), \(input.postalCode),
                            \(input.currency), \(input.notes), \(userID))
                    ON CONFLICT (company_id) WHERE is_current DO UPDATE SET
                        name = EXCLUDED.name, kind = EXCLUDED.kind, status = EXCLUDED.status, legal_name = EXCLUDED.legal_name,
                        registration_number = EXCLUDED.registration_number, tax_id = EXCLUDED.tax_id, email = EXCLUDED.email,
                        phone = EXCLUDED.phone, website = EXCLUDED.website, country_id = EXCLUDED.country_id, city = EXCLUDED.city,
                        address = EXCLUDED.address, postal_code = EXCLUDED.postal_code, currency = EXCLUDED.currency,
                        notes = EXCLUDED.notes, updated_at = now()
                    RETURNING *, (xmax = 0) AS inserted)
                SELECT \(unescaped: Self.columns), c.inserted FROM c \(unescaped: Self.joins)
                """).first { row in (try Self.decode(row), try Columns(row)("inserted", as: Bool.self)) }
        }
        guard let row else { throw APIError.internalError }
        return (row.0, row.1)
    }

    enum Deletion { case deleted, notFound, current }

    /// Deletes a record with its logo and settings (they cascade). The tenant's own profile is kept: it is
    /// replaced, never removed. A record something else still references is refused (409 `company_in_use`).
    func delete(companyID: UUID, id: UUID) async throws -> Deletion {
        do {
            let row = try await database.query("""
                WITH target AS (SELECT id, is_current FROM companies WHERE company_id = \(companyID) AND id = \(id)),
                     gone AS (DELETE FROM companies c USING target t
                              WHERE c.company_id = \(companyID) AND c.id = t.id AND NOT t.is_current RETURNING c.id)
                SELECT t.is_current, EXISTS (SELECT 1 FROM gone) AS deleted FROM target t
                """).first { try $0.decode((Bool, Bool).self) }
            guard let (isCurrent, deleted) = row else { return .notFound }
            return deleted ? .deleted : (isCurrent ? .current : .notFound)
        } catch let error where error.postgresViolation?.sqlState == "23503" {
            throw APIError.conflict("company_in_use", "Other records still refer to this company.")
        }
    }
}

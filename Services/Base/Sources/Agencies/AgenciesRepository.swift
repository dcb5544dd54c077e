import Foundation
import KisumKernel
import KisumPersistence
import PostgresNIO

/// Agency rows of one company. Name search runs on the tenant-leading trigram index
/// `agencies_company_name_trgm` (ILIKE and `%` both use it).
struct AgenciesRepository: Sendable {
    let database: Database

    /// The counts are correlated subqueries on the `(company_id, agency_id, …)` indexes: part of the same
    /// statement, so a page of agencies is still one query.
    static let columns = """
        a.id, a.name, a.kind, a.status, a.email, a.phone, a.website, a.country_id, a.city, a.address, a.notes,
        (SELECT count(*) FROM roster_entries r WHERE r.company_id = a.company_id AND r.agency_id = a.id)::int AS roster_count,
        (SELECT count(*) FROM agency_team_members t WHERE t.company_id = a.company_id AND t.agency_id = a.id)::int AS team_count,
        a.created_at, a.updated_at
        """

    static let constraints = ConstraintMessages([
        "agencies_country_fk": .validation(field: "countryId", code: "not_found", message: "No country has this id."),
        "agencies_name_check": .validation(field: "name", code: "blank", message: "The name must have 1 to 200 characters."),
        "agencies_kind_check": .validation(field: "kind", code: "invalid_choice", message: "Not a kind of agency."),
        "agencies_status_check": .validation(field: "status", code: "invalid_choice", message: "Not a status."),
    ])

    static func decode(_ row: PostgresRow) throws -> Agency {
        let c = Columns(row)
        return Agency(
            id: try c("id"), name: try c("name"), kind: try c("kind"), status: try c("status"), email: try c("email"),
            phone: try c("phone"), website: try c("website"), countryId: try c("country_id"), city: try c("city"),
            address: try c("address"), notes: try c("notes"), rosterCount: try c("roster_count"), teamCount: try c("team_count"),
            createdAt: try c("created_at"), updatedAt: try c("updated_at"))
    }

    // MARK: Reads

    func list(companyID: UUID, _ filter: AgencyFilter, sort: AgencySort, page: PageRequest) async throws -> (items: [Agency], total: Int) {
        let pattern = SQLPattern.contains(filter.q)
        func query(_ select: String, _ suffix: String) -> PostgresQuery {
            """
            SELECT \(unescaped: select) FROM agencies a
            WHERE a.company_id = \(companyID)
              AND (\(pattern)::text IS NULL OR a.name ILIKE \(pattern))
              AND (\(filter.kind)::text IS NULL OR a.kind = \(filter.kind))
              AND (\(filter.status)::text IS NULL OR a.status = \(filter.status))
              AND (\(filter.countryID)::uuid IS NULL OR a.country_id = \(filter.countryID))
              AND (\(filter.city)::text IS NULL OR lower(a.city) = lower(\(filter.city)))
            \(unescaped: suffix)
            """
        }
        return try await database.page(query, columns: Self.columns, orderBy: sort.orderBy, page: page, decode: Self.decode)
    }

    /// Names containing the text or similar to it (trigram similarity, so a typo still finds the agency); names
    /// starting with the text first, then the most similar. The ranking is a lateral row so the page's ORDER BY
    /// (plain SQL) can name it while the text stays a bound parameter.
    func search(companyID: UUID, text: String, page: PageRequest) async throws -> (items: [Agency], total: Int) {
        let pattern = SQLPattern.contains(text)
        let prefix = SQLPattern.startsWith(text)
        func query(_ select: String, _ suffix: String) -> PostgresQuery {
            """
            SELECT \(unescaped: select) FROM agencies a
            CROSS JOIN LATERAL (SELECT a.name ILIKE \(prefix) AS starts_with, similarity(a.name, \(text)) AS score) rank
            WHERE a.company_id = \(companyID) AND (a.name ILIKE \(pattern) OR a.name % \(text))
            \(unescaped: suffix)
            """
        }
        return try await database.page(query, columns: Self.columns,
                                       orderBy: "ORDER BY rank.starts_with DESC, rank.score DESC, lower(a.name), a.id",
                                       page: page, decode: Self.decode)
    }

    /// The agency's id when it is one of the company's.
    func exists(companyID: UUID, id: UUID) async throws -> Bool {
        try await database.query("SELECT 1 FROM agencies WHERE company_id = \(companyID) AND id = \(id)").first { _ in true } ?? false
    }

    func get(companyID: UUID, id: UUID) async throws -> Agency? {
        try await database.query("""
            SELECT \(unescaped: Self.columns) FROM agencies a WHERE a.company_id = \(companyID) AND a.id = \(id)
            """).first(Self.decode)
    }

    // MARK: Writes

    func create(companyID: UUID, userID: UUID, _ input: AgencyInput) async throws -> Agency? {
        try await Self.constraints.map {
            try await database.query("""
                WITH a AS (
                    INSERT INTO agencies (company_id, name, kind, status, email, phone, website, country_id, city, address, notes, created_by)
                    VALUES (\(companyID), \(input.name ?? ""), \(input.kind ?? "booking"), \(input.status ?? "active"), \(input.email),
                            \(input.phone), \(input.website), \(input.countryId), \(input.city), \(input.address), \(input.notes), \(userID))
                    RETURNING *)
                SELECT \(unescaped: Self.columns) FROM a
                """).first(Self.decode)
        }
    }

    /// Replaces every field (PUT); nil when the company has no such agency.
    func replace(companyID: UUID, id: UUID, _ input: AgencyInput) async throws -> Agency? {
        try await Self.constraints.map {
            try await database.query("""
                WITH a AS (
                    UPDATE agencies SET name = \(input.name ?? ""), kind = \(input.kind ?? "booking"), status = \(input.status ?? "active"),
                        email = \(input.email), phone = \(input.phone), website = \(input.website), country_id = \(input.countryId),
                        city = \(input.city), address = \(input.address), notes = \(input.notes), updated_at = now()
                    WHERE company_id = \(companyID) AND id = \(id)
                    RETURNING *)
                SELECT \(unescaped: Self.columns) FROM a
                """).first(Self.decode)
        }
    }

    /// Deletes the agency and (by cascade) its team. Refused while it holds roster entries: they record which
    /// artists it represented, and deleting them with the agency would rewrite that history silently. The row
    /// lock makes the check and the delete one step: a roster insert for the agency waits on it (its foreign key
    /// check shares the row) and then finds the agency gone. False when the company has no such agency.
    func delete(companyID: UUID, id: UUID) async throws -> Bool {
        let logger = database.logger
        do {
            return try await database.transaction { connection in
                guard try await connection.query("""
                    SELECT 1 FROM agencies WHERE company_id = \(companyID) AND id = \(id) FOR UPDATE
                    """, logger: logger).first({ _ in true }) != nil else { return false }
                let entries = try await connection.query("""
                    SELECT count(*) FROM roster_entries WHERE company_id = \(companyID) AND agency_id = \(id)
                    """, logger: logger).count()
                if entries > 0 {
                    throw APIError.conflict("agency_has_roster", "The agency still has roster entries; remove them first.",
                                            info: ["rosterCount": .number(Double(entries))])
                }
                try await connection.query("DELETE FROM agencies WHERE company_id = \(companyID) AND id = \(id)", logger: logger)
                return true
            }
        } catch {
            // Rows of other features that point at the agency without a cascade: still in use, not a bad request.
            if error.postgresViolation?.sqlState == "23503" {
                throw APIError.conflict("agency_in_use", "Other records still refer to the agency.")
            }
            throw error
        }
    }
}

import Foundation
import KisumKernel
import KisumPersistence
import PostgresNIO

/// Roster entries of one company, read with their artist's and agency's names in the same statement. Every
/// call may be narrowed to one agency (`within`): the agency routes pass their path's agency, so an entry of
/// another agency answers as absent (404).
struct RosterRepository: Sendable {
    let database: Database

    /// Today in UTC, the day `active` is computed for (the session's time zone must not move it).
    static let today = "(now() AT TIME ZONE 'UTC')::date"
    static let activeExpression = "((r.starts_on IS NULL OR r.starts_on <= \(today)) AND (r.ends_on IS NULL OR r.ends_on >= \(today)))"

    static let columns = """
        r.id, r.artist_id, ar.name AS artist_name, r.agency_id, ag.name AS agency_name, r.role, r.territory,
        to_char(r.starts_on, 'YYYY-MM-DD') AS starts_on, to_char(r.ends_on, 'YYYY-MM-DD') AS ends_on, r.notes,
        \(activeExpression) AS active, r.created_at, r.updated_at
        """
    static let joins = """
        JOIN artists ar ON ar.company_id = r.company_id AND ar.id = r.artist_id
        LEFT JOIN agencies ag ON ag.company_id = r.company_id AND ag.id = r.agency_id
        """

    /// Another company's artist or agency fails the composite foreign keys like an unknown id does.
    static let constraints = ConstraintMessages([
        "roster_entries_artist_fk": .validation(field: "artistId", code: "not_found", message: "No artist with this id in this company."),
        "roster_entries_agency_fk": .validation(field: "agencyId", code: "not_found", message: "No agency with this id in this company."),
        "roster_entries_dates": .validation(field: "endsOn", code: "before_start", message: "endsOn must be on or after startsOn."),
        "roster_entries_unique_role": .conflict("already_on_roster", "The artist already holds this role on this roster from that day."),
        "roster_entries_no_overlap": .conflict("already_on_roster", "The artist already holds this role on this roster on some of these days."),
    ])

    static func decode(_ row: PostgresRow) throws -> RosterEntry {
        let c = Columns(row)
        return RosterEntry(
            id: try c("id"), artistId: try c("artist_id"), artistName: try c("artist_name"), agencyId: try c("agency_id"),
            agencyName: try c("agency_name"), role: try c("role"), territory: try c("territory"), startsOn: try c("starts_on"),
            endsOn: try c("ends_on"), notes: try c("notes"), active: try c("active"), createdAt: try c("created_at"),
            updatedAt: try c("updated_at"))
    }

    // MARK: Reads

    /// By artist name, then role and start day.
    func list(companyID: UUID, _ filter: RosterFilter, page: PageRequest) async throws -> (items: [RosterEntry], total: Int) {
        let pattern = SQLPattern.contains(filter.q)
        func query(_ select: String, _ suffix: String) -> PostgresQuery {
            """
            SELECT \(unescaped: select) FROM roster_entries r \(unescaped: Self.joins)
            WHERE r.company_id = \(companyID)
              AND (\(filter.agencyID)::uuid IS NULL OR r.agency_id = \(filter.agencyID))
              AND (NOT \(filter.ownOnly) OR r.agency_id IS NULL)
              AND (\(filter.own)::boolean IS NULL OR (r.agency_id IS NULL) = \(filter.own))
              AND (\(filter.artistID)::uuid IS NULL OR r.artist_id = \(filter.artistID))
              AND (\(filter.role)::text IS NULL OR r.role = \(filter.role))
              AND (\(filter.active)::boolean IS NULL OR \(unescaped: Self.activeExpression) = \(filter.active))
              AND (\(pattern)::text IS NULL OR ar.name ILIKE \(pattern))
            \(unescaped: suffix)
            """
        }
        return try await database.page(query, columns: Self.columns,
                                       orderBy: "ORDER BY lower(ar.name), r.artist_id, r.role, r.starts_on NULLS FIRST, r.id",
                                       page: page, decode: Self.decode)
    }

    func get(companyID: UUID, id: UUID, within agencyID: UUID? = nil) async throws -> RosterEntry? {
        try await database.query("""
            SELECT \(unescaped: Self.columns) FROM roster_entries r \(unescaped: Self.joins)
            WHERE r.company_id = \(companyID) AND r.id = \(id) AND (\(agencyID)::uuid IS NULL OR r.agency_id = \(agencyID))
            """).first(Self.decode)
    }

    // MARK: Writes

    /// An entry on the company's own roster (`agencyID` nil) or an agency's; a bad artist or agency is 422.
    func create(companyID: UUID, userID: UUID, agencyID: UUID?, _ input: AgencyRosterInput) async throws -> RosterEntry? {
        try await Self.constraints.map {
            try await database.query("""
                WITH r AS (
                    INSERT INTO roster_entries (company_id, artist_id, agency_id, role, territory, starts_on, ends_on, notes, created_by)
                    VALUES (\(companyID), \(input.artistId), \(agencyID), \(input.role ?? "booking"), \(input.territory),
                            \(input.startsOn)::date, \(input.endsOn)::date, \(input.notes), \(userID))
                    RETURNING *)
                SELECT \(unescaped: Self.columns) FROM r \(unescaped: Self.joins)
                """).first(Self.decode)
        }
    }

    /// An entry on the agency of the path: nil when the company has no such agency (404, not a field error).
    func create(companyID: UUID, userID: UUID, inAgency agencyID: UUID, _ input: AgencyRosterInput) async throws -> RosterEntry? {
        try await Self.constraints.map {
            try await database.query("""
                WITH r AS (
                    INSERT INTO roster_entries (company_id, artist_id, agency_id, role, territory, starts_on, ends_on, notes, created_by)
                    SELECT a.company_id, \(input.artistId), a.id, \(input.role ?? "booking"), \(input.territory),
                           \(input.startsOn)::date, \(input.endsOn)::date, \(input.notes), \(userID)
                    FROM agencies a WHERE a.company_id = \(companyID) AND a.id = \(agencyID)
                    RETURNING *)
                SELECT \(unescaped: Self.columns) FROM r \(unescaped: Self.joins)
                """).first(Self.decode)
        }
    }

    /// Replaces the entry's fields (PUT), its agency becoming `agencyID`; nil when the company has no such
    /// entry (on the agency `within`, when given).
    func replace(companyID: UUID, id: UUID, within scope: UUID?, agencyID: UUID?, _ input: AgencyRosterInput) async throws -> RosterEntry? {
        try await Self.constraints.map {
            try await database.query("""
                WITH r AS (
                    UPDATE roster_entries SET artist_id = \(input.artistId), agency_id = \(agencyID), role = \(input.role ?? "booking"),
                        territory = \(input.territory), starts_on = \(input.startsOn)::date, ends_on = \(input.endsOn)::date,
                        notes = \(input.notes), updated_at = now()
                    WHERE company_id = \(companyID) AND id = \(id) AND (\(scope)::uuid IS NULL OR agency_id = \(scope))
                    RETURNING *)
                SELECT \(unescaped: Self.columns) FROM r \(unescaped: Self.joins)
                """).first(Self.decode)
        }
    }

    func delete(companyID: UUID, id: UUID, within agencyID: UUID? = nil) async throws -> Bool {
        try await database.query("""
            DELETE FROM roster_entries
            WHERE company_id = \(companyID) AND id = \(id) AND (\(agencyID)::uuid IS NULL OR agency_id = \(agencyID))
            RETURNING id
            """).first { _ in true } ?? false
    }
}

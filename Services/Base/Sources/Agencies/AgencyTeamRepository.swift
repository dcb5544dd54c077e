import Foundation
import KisumKernel
import KisumPersistence
import Logging
import PostgresNIO

/// An agency's team members. Writes lock the agency row (FOR NO KEY UPDATE: roster inserts, which only share
/// the key, are not held up), so two writers moving the primary flag of one agency run one after the other.
struct AgencyTeamRepository: Sendable {
    let database: Database

    static let columns = """
        t.id, t.agency_id, t.name, t.email, t.phone, t.role, t.title, t.user_id, t.is_primary, t.created_at, t.updated_at
        """

    static let constraints = ConstraintMessages([
        "agency_team_members_email_key": .conflict("team_email_taken", "Someone in this agency's team already has this e-mail address."),
        "agency_team_members_user_key": .conflict("team_user_taken", "This user is already in this agency's team."),
        "agency_team_members_one_primary": .conflict("primary_conflict", "Another member became the primary contact at the same time; retry."),
        "agency_team_members_name_check": .validation(field: "name", code: "blank", message: "The name must have 1 to 200 characters."),
        "agency_team_members_role_check": .validation(field: "role", code: "invalid_choice", message: "Not a team role."),
    ])

    static func decode(_ row: PostgresRow) throws -> AgencyTeamMember {
        let c = Columns(row)
        return AgencyTeamMember(
            id: try c("id"), agencyId: try c("agency_id"), name: try c("name"), email: try c("email"), phone: try c("phone"),
            role: try c("role"), title: try c("title"), userId: try c("user_id"), isPrimary: try c("is_primary"),
            createdAt: try c("created_at"), updatedAt: try c("updated_at"))
    }

    /// The primary contact first, then by name.
    func list(companyID: UUID, agencyID: UUID, role: String?, page: PageRequest) async throws -> (items: [AgencyTeamMember], total: Int) {
        func query(_ select: String, _ suffix: String) -> PostgresQuery {
            """
            SELECT \(unescaped: select) FROM agency_team_members t
            WHERE t.company_id = \(companyID) AND t.agency_id = \(agencyID)
              AND (\(role)::text IS NULL OR t.role = \(role))
            \(unescaped: suffix)
            """
        }
        return try await database.page(query, columns: Self.columns, orderBy: "ORDER BY t.is_primary DESC, lower(t.name), t.id",
                                       page: page, decode: Self.decode)
    }

    /// Nil when the company has no such agency. A new primary contact takes the flag from the previous one.
    func create(companyID: UUID, userID: UUID, agencyID: UUID, _ input: AgencyTeamMemberInput) async throws -> AgencyTeamMember? {
        let logger = database.logger
        let primary = input.isPrimary ?? false
        return try await Self.constraints.map {
            try await database.transaction { connection -> AgencyTeamMember? in
                guard try await Self.lockAgency(connection, companyID: companyID, agencyID: agencyID, logger: logger) else { return nil }
                if primary { try await Self.clearPrimary(connection, companyID: companyID, agencyID: agencyID, except: nil, logger: logger) }
                return try await connection.query("""
                    WITH t AS (
                        INSERT INTO agency_team_members (company_id, agency_id, name, email, phone, role, title, user_id, is_primary, created_by)
                        VALUES (\(companyID), \(agencyID), \(input.name ?? ""), \(input.email), \(input.phone), \(input.role ?? "agent"),
                                \(input.title), \(input.userId), \(primary), \(userID))
                        RETURNING *)
                    SELECT \(unescaped: Self.columns) FROM t
                    """, logger: logger).first(Self.decode)
            }
        }
    }

    /// Replaces every field (PUT); nil when the company has no such member in this agency.
    func replace(companyID: UUID, agencyID: UUID, id: UUID, _ input: AgencyTeamMemberInput) async throws -> AgencyTeamMember? {
        let logger = database.logger
        let primary = input.isPrimary ?? false
        return try await Self.constraints.map {
            try await database.transaction { connection -> AgencyTeamMember? in
                guard try await Self.lockAgency(connection, companyID: companyID, agencyID: agencyID, logger: logger),
                      try await connection.query("""
                          SELECT 1 FROM agency_team_members
                          WHERE company_id = \(companyID) AND agency_id = \(agencyID) AND id = \(id) FOR UPDATE
                          """, logger: logger).first({ _ in true }) != nil
                else { return nil }
                if primary { try await Self.clearPrimary(connection, companyID: companyID, agencyID: agencyID, except: id, logger: logger) }
                return try await connection.query("""
                    WITH t AS (
                        UPDATE agency_team_members SET name = \(input.name ?? ""), email = \(input.email), phone = \(input.phone),
                            role = \(input.role ?? "agent"), title = \(input.title), user_id = \(input.userId), is_primary = \(primary),
                            updated_at = now()
                        WHERE company_id = \(companyID) AND agency_id = \(agencyID) AND id = \(id)
                        RETURNING *)
                    SELECT \(unescaped: Self.columns) FROM t
                    """, logger: logger).first(Self.decode)
            }
        }
    }

    func delete(companyID: UUID, agencyID: UUID, id: UUID) async throws -> Bool {
        try await database.query("""
            DELETE FROM agency_team_members WHERE company_id = \(companyID) AND agency_id = \(agencyID) AND id = \(id) RETURNING id
            """).first { _ in true } ?? false
    }

    private static func lockAgency(_ connection: PostgresConnection, companyID: UUID, agencyID: UUID, logger: Logger) async throws -> Bool {
        try await connection.query("""
            SELECT 1 FROM agencies WHERE company_id = \(companyID) AND id = \(agencyID) FOR NO KEY UPDATE
            """, logger: logger).first({ _ in true }) != nil
    }

    private static func clearPrimary(_ connection: PostgresConnection, companyID: UUID, agencyID: UUID, except id: UUID?,
                                     logger: Logger) async throws {
        try await connection.query("""
            UPDATE agency_team_members SET is_primary = false, updated_at = now()
            WHERE company_id = \(companyID) AND agency_id = \(agencyID) AND is_primary AND (\(id)::uuid IS NULL OR id <> \(id))
            """, logger: logger)
    }
}

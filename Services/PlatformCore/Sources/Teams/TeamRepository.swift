import Foundation
import KisumKernel
import KisumPersistence
import Logging
import PostgresNIO

/// Teams and team members of one workspace; every query names the workspace.
struct TeamRepository: Sendable {
    let database: Database
    var logger: Logger { database.logger }

    static let nameTaken = APIError.conflict("team_name_taken", "A team with this name already exists in the workspace.")

    struct ListFilter: Sendable {
        var search: String?
        var isActive: Bool?
        var parentTeamID: UUID?
        var skip: Int
        var limit: Int
    }

    /// One page with member counts (one query) and the leads of the listed teams (one more).
    func list(workspaceID: UUID, filter: ListFilter) async throws -> (teams: [Team], total: Int) {
        let pattern = SQLPattern.contains(filter.search)
        let rows = try await database.query("""
            WITH filtered AS (
                SELECT t.* FROM teams t
                WHERE t.workspace_id = \(workspaceID)
                  AND (\(filter.isActive)::boolean IS NULL OR t.is_active = \(filter.isActive))
                  AND (\(filter.parentTeamID)::uuid IS NULL OR t.parent_team_id = \(filter.parentTeamID))
                  AND (\(pattern)::text IS NULL OR t.name ILIKE \(pattern) OR t.description ILIKE \(pattern))
            )
            SELECT c.total, p.*
            FROM (SELECT count(*) AS total FROM filtered) c
            LEFT JOIN LATERAL (
                SELECT \(unescaped: Self.columns) FROM filtered t ORDER BY lower(t.name), t.id LIMIT \(filter.limit) OFFSET \(filter.skip)
            ) p ON true
            """)
        var total = 0
        var teams: [Team] = []
        for try await row in rows {
            let c = Columns(row)
            total = try c("total")
            if try c("id", as: UUID?.self) != nil { teams.append(try Team(row: row)) }
        }
        return (try await withLeads(teams, workspaceID: workspaceID), total)
    }

    func find(workspaceID: UUID, teamID: UUID, on connection: PostgresConnection? = nil) async throws -> Team? {
        let query: PostgresQuery = "SELECT \(unescaped: Self.columns) FROM teams t WHERE t.workspace_id = \(workspaceID) AND t.id = \(teamID)"
        let team: Team?
        if let connection {
            team = try await connection.query(query, logger: logger).first(Team.init(row:))
        } else {
            team = try await database.query(query).first(Team.init(row:))
        }
        guard let team else { return nil }
        return try await withLeads([team], workspaceID: workspaceID, on: connection).first
    }

    private func withLeads(_ teams: [Team], workspaceID: UUID, on connection: PostgresConnection? = nil) async throws -> [Team] {
        guard !teams.isEmpty else { return teams }
        let query: PostgresQuery = """
            SELECT tm.team_id, tm.membership_id, m.user_id, u.email, u.full_name
            FROM team_members tm
            JOIN memberships m ON m.workspace_id = tm.workspace_id AND m.id = tm.membership_id
            JOIN users u ON u.id = m.user_id
            WHERE tm.workspace_id = \(workspaceID) AND tm.team_id = ANY(\(teams.map(\.id))) AND tm.role = 'lead'
            ORDER BY lower(COALESCE(u.full_name, u.email)), tm.membership_id
            """
        let decode: (PostgresRow) throws -> (UUID, TeamLead) = { row in
            let (teamID, memberID, userID, email, fullName) = try row.decode((UUID, UUID, UUID, String, String?).self)
            return (teamID, TeamLead(memberId: memberID, userId: userID, email: email, fullName: fullName))
        }
        let leads: [(UUID, TeamLead)]
        if let connection {
            leads = try await connection.query(query, logger: logger).collect(decode)
        } else {
            leads = try await database.query(query).collect(decode)
        }
        let byTeam = Dictionary(grouping: leads, by: \.0)
        return teams.map { team in
            var team = team
            team.leads = byTeam[team.id]?.map(\.1) ?? []
            return team
        }
    }

    struct Fields: Sendable {
        var name: String?
        var description: String?
        var clearDescription = false
        var parentTeamID: UUID?
        var clearParent = false
        var color: String?
        var clearColor = false
        var isActive: Bool?
    }

    func create(workspaceID: UUID, fields: Fields, createdBy: UUID, on connection: PostgresConnection) async throws -> UUID {
        do {
            return try await connection.query("""
                INSERT INTO teams (workspace_id, name, description, parent_team_id, color, is_active, created_by)
                VALUES (\(workspaceID), \(fields.name), \(fields.description), \(fields.parentTeamID), \(fields.color),
                        COALESCE(\(fields.isActive), true), \(createdBy))
                RETURNING id
                """, logger: logger).first { try $0.decode(UUID.self) }!
        } catch where error.postgresViolation?.constraint == "teams_name" {
            throw Self.nameTaken
        }
    }

    /// One UPDATE for the patch; false when the team is not in the workspace.
    func update(workspaceID: UUID, teamID: UUID, fields: Fields, on connection: PostgresConnection) async throws -> Bool {
        do {
            return try await connection.query("""
                UPDATE teams SET
                    name = COALESCE(\(fields.name), name),
                    description = CASE WHEN \(fields.clearDescription) THEN NULL ELSE COALESCE(\(fields.description), description) END,
                    parent_team_id = CASE WHEN \(fields.clearParent) THEN NULL ELSE COALESCE(\(fields.parentTeamID), parent_team_id) END,
                    color = CASE WHEN \(fields.clearColor) THEN NULL ELSE COALESCE(\(fields.color), color) END,
                    is_active = COALESCE(\(fields.isActive), is_active),
                    updated_at = now()
                WHERE workspace_id = \(workspaceID) AND id = \(teamID)
                RETURNING id
                """, logger: logger).first { _ in true } ?? false
        } catch where error.postgresViolation?.constraint == "teams_name" {
            throw Self.nameTaken
        }
    }

    /// The team's name, or nil when it does not exist here.
    func delete(workspaceID: UUID, teamID: UUID, on connection: PostgresConnection) async throws -> String? {
        try await connection.query("""
            DELETE FROM teams WHERE workspace_id = \(workspaceID) AND id = \(teamID) RETURNING name
            """, logger: logger).first { try $0.decode(String.self) }
    }

    func exists(workspaceID: UUID, teamID: UUID, on connection: PostgresConnection? = nil) async throws -> Bool {
        let query: PostgresQuery = "SELECT 1 FROM teams WHERE workspace_id = \(workspaceID) AND id = \(teamID)"
        if let connection { return try await connection.query(query, logger: logger).first { _ in true } ?? false }
        return try await database.query(query).first { _ in true } ?? false
    }

    /// Serialises changes of the team tree within one workspace (until the transaction ends), so two
    /// concurrent re-parentings cannot each pass the cycle check and together form a cycle.
    func lockHierarchy(workspaceID: UUID, on connection: PostgresConnection) async throws {
        try await connection.query("""
            SELECT pg_advisory_xact_lock(hashtextextended('platform.teams.hierarchy:' || \(workspaceID)::text, 0))
            """, logger: logger)
    }

    /// Whether making `parentID` the parent of `teamID` would close a loop: `teamID` is `parentID` or one
    /// of its ancestors.
    func wouldCycle(workspaceID: UUID, teamID: UUID, parentID: UUID, on connection: PostgresConnection) async throws -> Bool {
        try await connection.query("""
            WITH RECURSIVE ancestors(id, parent_team_id, depth) AS (
                SELECT id, parent_team_id, 0 FROM teams WHERE workspace_id = \(workspaceID) AND id = \(parentID)
                UNION ALL
                SELECT t.id, t.parent_team_id, a.depth + 1 FROM teams t JOIN ancestors a ON t.id = a.parent_team_id
                WHERE t.workspace_id = \(workspaceID) AND a.depth < 1000
            )
            SELECT EXISTS (SELECT 1 FROM ancestors WHERE id = \(teamID))
            """, logger: logger).first { try $0.decode(Bool.self) } ?? false
    }

    // MARK: Team members

    func members(workspaceID: UUID, teamID: UUID, skip: Int, limit: Int) async throws -> (members: [TeamMember], total: Int) {
        let rows = try await database.query("""
            SELECT \(unescaped: TeamMember.columns), count(*) OVER () AS total
            FROM team_members tm
            JOIN memberships m ON m.workspace_id = tm.workspace_id AND m.id = tm.membership_id
            JOIN users u ON u.id = m.user_id
            WHERE tm.workspace_id = \(workspaceID) AND tm.team_id = \(teamID)
            ORDER BY tm.role = 'lead' DESC, lower(COALESCE(u.full_name, u.display_name, u.email)), tm.membership_id
            LIMIT \(limit) OFFSET \(skip)
            """)
        var total = 0
        var members: [TeamMember] = []
        for try await row in rows {
            total = try Columns(row)("total", as: Int.self)
            members.append(try TeamMember(row: row))
        }
        if members.isEmpty, skip > 0 {
            total = try await database.query("""
                SELECT count(*) FROM team_members WHERE workspace_id = \(workspaceID) AND team_id = \(teamID)
                """).first { try $0.decode(Int.self) } ?? 0
        }
        return (members, total)
    }

    func member(workspaceID: UUID, teamID: UUID, memberID: UUID, on connection: PostgresConnection) async throws -> TeamMember? {
        try await connection.query("""
            SELECT \(unescaped: TeamMember.columns)
            FROM team_members tm
            JOIN memberships m ON m.workspace_id = tm.workspace_id AND m.id = tm.membership_id
            JOIN users u ON u.id = m.user_id
            WHERE tm.workspace_id = \(workspaceID) AND tm.team_id = \(teamID) AND tm.membership_id = \(memberID)
            """, logger: logger).first(TeamMember.init(row:))
    }

    /// Adds the member; false when they already are in the team.
    func addMember(workspaceID: UUID, teamID: UUID, memberID: UUID, role: String, addedBy: UUID,
                   on connection: PostgresConnection) async throws -> Bool {
        try await connection.query("""
            INSERT INTO team_members (workspace_id, team_id, membership_id, role, added_by)
            VALUES (\(workspaceID), \(teamID), \(memberID), \(role), \(addedBy))
            ON CONFLICT (workspace_id, team_id, membership_id) DO NOTHING
            RETURNING team_id
            """, logger: logger).first { _ in true } ?? false
    }

    func setMemberRole(workspaceID: UUID, teamID: UUID, memberID: UUID, role: String, on connection: PostgresConnection) async throws -> Bool {
        try await connection.query("""
            UPDATE team_members SET role = \(role), updated_at = now()
            WHERE workspace_id = \(workspaceID) AND team_id = \(teamID) AND membership_id = \(memberID)
            RETURNING team_id
            """, logger: logger).first { _ in true } ?? false
    }

    func removeMember(workspaceID: UUID, teamID: UUID, memberID: UUID, on connection: PostgresConnection) async throws -> Bool {
        try await connection.query("""
            DELETE FROM team_members WHERE workspace_id = \(workspaceID) AND team_id = \(teamID) AND membership_id = \(memberID)
            RETURNING team_id
            """, logger: logger).first { _ in true } ?? false
    }
}

extension TeamRepository {
    /// The columns `Team.init(row:)` reads. `t` = teams; the count is a correlated subquery so a list stays one query.
    static let columns = """
        t.id, t.workspace_id, t.name, t.description, t.parent_team_id, t.color, t.is_active, t.created_by, t.created_at, t.updated_at,
        (SELECT count(*) FROM team_members tm WHERE tm.workspace_id = t.workspace_id AND tm.team_id = t.id) AS member_count
        """
}

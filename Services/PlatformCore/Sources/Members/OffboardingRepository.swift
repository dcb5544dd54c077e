import Foundation
import Hummingbird
import KisumKernel
import KisumPersistence
import Logging
import PostgresNIO

/// Offboarding: what a member owns here, moving it to someone else, and what removing them would do.
///
/// Scope: only Platform Core's own items (teams, API keys, invitations, workspace ownership). Records of
/// the other services (bookings, deals, tasks …) live in their databases and are not visible here.
struct OffboardingRepository: Sendable {
    let database: Database
    var logger: Logger { database.logger }

    /// The member (any status, removed included: their items can still be handed over) with user id and role.
    func member(workspaceID: UUID, memberID: UUID, on connection: PostgresConnection? = nil) async throws
        -> (userID: UUID, role: String, status: String)?
    {
        let query: PostgresQuery = """
            SELECT user_id, role, status FROM memberships WHERE workspace_id = \(workspaceID) AND id = \(memberID)
            """
        let decode: (PostgresRow) throws -> (UUID, String, String) = { try $0.decode((UUID, String, String).self) }
        let row: (UUID, String, String)?
        if let connection {
            row = try await connection.query(query, logger: logger).first(decode)
        } else {
            row = try await database.query(query).first(decode)
        }
        return row.map { (userID: $0.0, role: $0.1, status: $0.2) }
    }

    /// Every owned item, one query (kinds tagged, ordered by kind and name).
    func ownedItems(workspaceID: UUID, memberID: UUID, userID: UUID) async throws -> OwnedItems {
        let rows = try await database.query("""
            SELECT 'teams_led' AS kind, t.id, t.name FROM team_members tm JOIN teams t ON t.workspace_id = tm.workspace_id AND t.id = tm.team_id
                WHERE tm.workspace_id = \(workspaceID) AND tm.membership_id = \(memberID) AND tm.role = 'lead'
            UNION ALL
            SELECT 'teams_created', t.id, t.name FROM teams t WHERE t.workspace_id = \(workspaceID) AND t.created_by = \(userID)
            UNION ALL
            SELECT 'api_keys', k.id, k.name FROM api_keys k
                WHERE k.workspace_id = \(workspaceID) AND k.created_by = \(userID) AND k.revoked_at IS NULL
            UNION ALL
            SELECT 'pending_invitations', i.id, i.email FROM invitations i
                WHERE i.workspace_id = \(workspaceID) AND i.invited_by = \(userID) AND i.status = 'pending'
            UNION ALL
            SELECT 'owned_workspaces', w.id, w.name FROM workspaces w WHERE w.id = \(workspaceID) AND w.owner_id = \(userID)
            ORDER BY 1, 3, 2
            """)
        var items = OwnedItems(memberId: memberID, userId: userID, teamsLed: [], teamsCreated: [], apiKeys: [],
                               pendingInvitations: [], ownedWorkspaces: [], total: 0)
        for try await row in rows {
            let (kind, id, name) = try row.decode((String, UUID, String).self)
            let item = OwnedItem(id: id, name: name)
            switch kind {
            case "teams_led": items.teamsLed.append(item)
            case "teams_created": items.teamsCreated.append(item)
            case "api_keys": items.apiKeys.append(item)
            case "pending_invitations": items.pendingInvitations.append(item)
            default: items.ownedWorkspaces.append(item)
            }
            items.total += 1
        }
        return items
    }

    /// Facts deciding whether the account can be deleted: workspaces besides this one (memberships not
    /// removed, or workspaces it owns — their foreign key would refuse the deletion anyway) and whether it
    /// is a platform staff account. Runs on the pool, or inside the caller's transaction.
    static func accountFactsQuery(userID: UUID, besides workspaceID: UUID) -> PostgresQuery {
        """
        SELECT (SELECT count(DISTINCT w) FROM (
                    SELECT workspace_id AS w FROM memberships
                    WHERE user_id = u.id AND status <> 'removed' AND workspace_id <> \(workspaceID)
                    UNION ALL
                    SELECT id FROM workspaces WHERE owner_id = u.id AND id <> \(workspaceID)) others),
               u.is_superuser
        FROM users u WHERE u.id = \(userID)
        """
    }

    func accountFacts(userID: UUID, besides workspaceID: UUID) async throws -> (otherWorkspaces: Int, isSuperuser: Bool) {
        try await database.query(Self.accountFactsQuery(userID: userID, besides: workspaceID))
            .first { try $0.decode((Int, Bool).self) } ?? (0, false)
    }

    /// Moves the source member's items to the target (an active member) inside the caller's transaction.
    /// Team leads: the target becomes lead of each team the source leads (joining it if needed) and the
    /// source stays in the team as a plain member.
    func reassign(workspaceID: UUID, from: (memberID: UUID, userID: UUID), to: (memberID: UUID, userID: UUID), by caller: UUID,
                  on connection: PostgresConnection) async throws -> ReassignResult {
        let ledTeams = try await connection.query("""
            UPDATE team_members SET role = 'member', updated_at = now()
            WHERE workspace_id = \(workspaceID) AND membership_id = \(from.memberID) AND role = 'lead'
            RETURNING team_id
            """, logger: logger).collect { try $0.decode(UUID.self) }
        if !ledTeams.isEmpty {
            try await connection.query("""
                INSERT INTO team_members (workspace_id, team_id, membership_id, role, added_by)
                SELECT \(workspaceID), team_id, \(to.memberID), 'lead', \(caller) FROM unnest(\(ledTeams)::uuid[]) AS team_id
                ON CONFLICT (workspace_id, team_id, membership_id) DO UPDATE SET role = 'lead', updated_at = now()
                """, logger: logger)
        }
        let teamsCreated = try await connection.query("""
            UPDATE teams SET created_by = \(to.userID), updated_at = now()
            WHERE workspace_id = \(workspaceID) AND created_by = \(from.userID) RETURNING id
            """, logger: logger).collect { _ in 1 }.count
        let apiKeys = try await connection.query("""
            UPDATE api_keys SET created_by = \(to.userID), updated_at = now()
            WHERE workspace_id = \(workspaceID) AND created_by = \(from.userID) AND revoked_at IS NULL RETURNING id
            """, logger: logger).collect { _ in 1 }.count
        let invitations = try await connection.query("""
            UPDATE invitations SET invited_by = \(to.userID), updated_at = now()
            WHERE workspace_id = \(workspaceID) AND invited_by = \(from.userID) AND status = 'pending' RETURNING id
            """, logger: logger).collect { _ in 1 }.count
        return ReassignResult(fromMemberId: from.memberID, toMemberId: to.memberID, teamsLed: ledTeams.count,
                              teamsCreated: teamsCreated, apiKeys: apiKeys, pendingInvitations: invitations)
    }
}

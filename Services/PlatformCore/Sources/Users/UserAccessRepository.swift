import Foundation
import KisumKernel
import KisumPersistence
import PostgresNIO

/// The membership reads behind `UserAccessPolicy` ("same or higher role").
struct UserAccessRepository: Sendable {
    let database: Database

    /// The active workspaces where the caller's membership is active and the target is a member (not
    /// removed), optionally only `workspaceID`, in the order the caller joined them, with the caller's and
    /// target's roles, whether the caller's role ranks at least as high, and whether it holds `members.update`.
    func sharedWorkspaces(caller: UUID, target: UUID, workspaceID: UUID?) async throws -> [UserAccessPolicy.Shared] {
        try await database.query("""
            SELECT me.workspace_id, me.role, them.role,
                   \(unescaped: Role.rankSQL("me.role")) >= \(unescaped: Role.rankSQL("them.role")),
                   me.role = 'owner' OR EXISTS (
                       SELECT 1 FROM role_permissions rp
                       WHERE rp.workspace_id = me.workspace_id AND rp.role = me.role AND rp.permission = \(Permission.membersUpdate))
            FROM memberships me
            JOIN memberships them ON them.workspace_id = me.workspace_id AND them.user_id = \(target) AND them.status <> 'removed'
            JOIN workspaces w ON w.id = me.workspace_id AND w.status = 'active'
            WHERE me.user_id = \(caller) AND me.status = 'active'
              AND (\(workspaceID)::uuid IS NULL OR me.workspace_id = \(workspaceID))
            ORDER BY me.created_at
            """).collect { row in
            let (workspace, callerRole, targetRole, rankAllows, canUpdate) = try row.decode((UUID, String, String, Bool, Bool).self)
            return UserAccessPolicy.Shared(workspaceID: workspace, callerRole: callerRole, targetRole: targetRole,
                                           rankAllows: rankAllows, canUpdate: canUpdate)
        }
    }

    /// How many workspaces (membership not removed) the user belongs to other than `workspaceID`.
    func countOtherWorkspaces(of user: UUID, besides workspaceID: UUID) async throws -> Int {
        try await database.query("""
            SELECT count(*) FROM memberships WHERE user_id = \(user) AND status <> 'removed' AND workspace_id <> \(workspaceID)
            """).first { try $0.decode(Int.self) } ?? 0
    }
}

import Foundation
import KisumKernel
import KisumPersistence
import PostgresNIO

/// "Same or higher role": who may see or edit another user. Both must be members of a common active
/// workspace where the caller's membership is active and the caller's role ranks at least as high as
/// the target's; editing also needs `members.update` there. Users who share no workspace do not exist
/// for each other (404).
struct UserAccessPolicy: Sendable {
    let database: Database

    struct Shared: Sendable {
        var workspaceID: UUID
        var callerRole: String
        var targetRole: String
        var rankAllows: Bool
        var canUpdate: Bool
    }

    /// The workspaces the caller shares with the target (optionally only `workspaceID`), one query.
    func shared(caller: UUID, target: UUID, workspaceID: UUID?) async throws -> [Shared] {
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
            return Shared(workspaceID: workspace, callerRole: callerRole, targetRole: targetRole, rankAllows: rankAllows, canUpdate: canUpdate)
        }
    }

    /// Throws unless the caller may view the target (themselves always).
    func requireView(caller: UUID, target: UUID, workspaceID: UUID?) async throws {
        guard caller != target else { return }
        let shared = try await shared(caller: caller, target: target, workspaceID: workspaceID)
        guard !shared.isEmpty else { throw APIError.notFound("user") }
        guard shared.contains(where: \.rankAllows) else {
            throw APIError.forbidden("insufficient_role", "You can only view users with the same or a lower role.")
        }
    }

    /// The workspace in which the caller may edit the target, or throws.
    func requireEdit(caller: UUID, target: UUID, workspaceID: UUID?) async throws -> Shared {
        let shared = try await shared(caller: caller, target: target, workspaceID: workspaceID)
        guard !shared.isEmpty else { throw APIError.notFound("user") }
        guard let allowed = shared.first(where: { $0.rankAllows && $0.canUpdate }) else {
            if !shared.contains(where: \.canUpdate) {
                throw APIError.permissionDenied(Permission.membersUpdate)
            }
            throw APIError.forbidden("insufficient_role", "You can only edit users with the same or a lower role.")
        }
        return allowed
    }

    /// Workspaces (not removed) the user belongs to other than `workspaceID`.
    func otherWorkspaces(of user: UUID, besides workspaceID: UUID) async throws -> Int {
        try await database.query("""
            SELECT count(*) FROM memberships WHERE user_id = \(user) AND status <> 'removed' AND workspace_id <> \(workspaceID)
            """).first { try $0.decode(Int.self) } ?? 0
    }
}

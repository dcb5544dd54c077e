import Foundation
import KisumKernel
import PostgresNIO

/// Platform Core's own notifications, each written in the transaction of the change it reports (the call
/// sites: `InvitationService.issue`, `InvitationAcceptance.accept`, `MemberHandlers.update`, `ProfileHandlers.updateUser`,
/// `MemberRemoval.remove`, `PermissionHandlers.change`; `APIKeyExpiryNotices` outside any request).
extension Notifier {
    /// To the role's active members but the one who changed it: what they may now do differently.
    func permissionsChanged(of role: String, in workspaceID: UUID, granted: [String], revoked: [String], by actor: UUID,
                            on connection: PostgresConnection) async throws {
        let holders = try await repository.activeMembers(workspaceID: workspaceID, role: role, on: connection).filter { $0 != actor }
        guard !holders.isEmpty else { return }
        let name = try await repository.workspaceName(workspaceID, on: connection) ?? "your workspace"
        var parts: [String] = []
        if !granted.isEmpty { parts.append("granted: \(granted.joined(separator: ", "))") }
        if !revoked.isEmpty { parts.append("revoked: \(revoked.joined(separator: ", "))") }
        _ = try await send(Draft(
            type: "permissions.updated", title: "The \(role) role's permissions in \(name) changed",
            body: "An administrator changed what the \(role) role may do (\(parts.joined(separator: "; "))).",
            data: .object(["workspace_id": .uuid(workspaceID), "role": .string(role),
                           "granted": .array(granted.map { .string($0) }), "revoked": .array(revoked.map { .string($0) })])),
            to: holders, workspaceID: workspaceID, audience: .activeMembers, on: connection)
    }

    func invited(_ userID: UUID, to workspaceID: UUID, role: String, by inviter: String?, invitationID: UUID,
                 on connection: PostgresConnection) async throws {
        let name = try await repository.workspaceName(workspaceID, on: connection) ?? "a workspace"
        try await notify(userID, in: workspaceID, Draft(
            type: "member.invited", title: "You were invited to join \(name)",
            body: "\(inviter ?? "A colleague") invited you to \(name) as \(role). Accept the invitation from the e-mail or link you received.",
            data: .object(["workspace_id": .uuid(workspaceID), "invitation_id": .uuid(invitationID), "role": .string(role)])), on: connection)
    }

    /// To whoever sent the invitation, while they are an active member.
    func joined(_ email: String, as role: String, in workspaceID: UUID, inviter: UUID, on connection: PostgresConnection) async throws {
        let name = try await repository.workspaceName(workspaceID, on: connection) ?? "your workspace"
        _ = try await send(Draft(
            type: "member.joined", title: "\(email) joined \(name)", body: "\(email) accepted your invitation and joined as \(role).",
            data: .object(["workspace_id": .uuid(workspaceID), "email": .string(email), "role": .string(role)])),
            to: [inviter], workspaceID: workspaceID, audience: .activeMembers, on: connection)
    }

    func roleChanged(_ userID: UUID, in workspaceID: UUID, from old: String, to new: String, on connection: PostgresConnection) async throws {
        let name = try await repository.workspaceName(workspaceID, on: connection) ?? "your workspace"
        try await notify(userID, in: workspaceID, Draft(
            type: "member.role_changed", title: "Your role in \(name) is now \(new)",
            body: "An administrator changed your role in \(name) from \(old) to \(new).",
            data: .object(["workspace_id": .uuid(workspaceID), "old_role": .string(old), "new_role": .string(new)])), on: connection)
    }

    func removed(_ userID: UUID, from workspaceID: UUID, on connection: PostgresConnection) async throws {
        let name = try await repository.workspaceName(workspaceID, on: connection) ?? "a workspace"
        try await notify(userID, in: workspaceID, Draft(
            type: "member.removed", title: "You were removed from \(name)",
            body: "An administrator removed you from \(name). Its records are no longer available to you.",
            data: .object(["workspace_id": .uuid(workspaceID)])), on: connection)
    }
}

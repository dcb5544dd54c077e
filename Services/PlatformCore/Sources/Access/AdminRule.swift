import Foundation
import KisumKernel

/// "Requires admin or owner role in the workspace" — the spec's rule for inviting, password resets, member
/// removal, workspace settings, the role matrix and module settings. The role is the rule; the permission
/// named beside it can only narrow it (an owner may take `members.invite` from the admin role), never widen
/// it: a member or viewer who was granted `permissions.manage` still cannot manage roles.
extension EffectiveAccess {
    var isAdminOrOwner: Bool { Role.ranks(role, atLeast: Role.admin.rawValue) }

    /// 403 `insufficient_role` below admin, then 403 `permission_denied` when `permission` was revoked.
    func requireAdminOrOwner(_ permission: String) throws {
        guard isAdminOrOwner else { throw APIError.adminOrOwnerRequired }
        guard permits(permission) else { throw APIError.permissionDenied(permission) }
    }
}

extension APIError {
    static var adminOrOwnerRequired: APIError {
        .forbidden("insufficient_role", "Requires admin or owner role in the workspace.")
    }
}

extension PlatformRequestContext {
    /// `tenant(permission:)` for the admin-or-owner routes of the `jwt+org` groups.
    func adminTenant(_ permission: String) throws -> (companyID: UUID, userID: UUID) {
        try requireAccess().requireAdminOrOwner(permission)
        return (try requireCompany(), try requireIdentity().userID)
    }
}

extension DatabaseAccessResolver {
    /// `workspaceAccess` for the admin-or-owner routes naming the workspace in the path.
    func adminWorkspaceAccess(userID: UUID, workspaceID: UUID, permission: String) async throws -> EffectiveAccess {
        let access = try await workspaceAccess(userID: userID, workspaceID: workspaceID, permission: nil)
        try access.requireAdminOrOwner(permission)
        return access
    }
}

import Foundation
import HTTPTypes
import KisumKernel

/// Who may change which role's permissions, and to what.
///
/// - Only admins and owners edit roles ("Only workspace admins and owners can modify permissions"; 403
///   `insufficient_role`); `permissions.manage` can narrow that (403 `permission_denied`), never widen it.
/// - The owner role is never edited: owners always hold the whole catalog ("Owner permissions cannot be
///   modified", 403 `owner_permissions_locked`). Every other role is editable, the admin role by admins too;
///   admins cannot escalate (next rule), and the owner, who always keeps everything, can always repair.
/// - `owner_only` permissions are never granted to another role (422 `owner_only`).
/// - A caller grants or revokes only permissions they hold themselves (403 `permission_not_held`); this
///   applies to what a request changes, not to names it repeats unchanged.
struct RoleEditPolicy {
    let access: EffectiveAccess

    /// The role named by the path (unknown → 404) when the caller may edit it.
    func editableRole(_ name: String?) throws -> Role {
        try access.requireAdminOrOwner(Permission.permissionsManage)
        let role = try Self.role(name)
        guard role != .owner else {
            throw APIError.forbidden("owner_permissions_locked", "Owner permissions cannot be modified.")
        }
        return role
    }

    func mayEdit(_ role: Role) -> Bool {
        role != .owner && access.isAdminOrOwner && access.permits(Permission.permissionsManage)
    }

    /// The roles the caller may edit (those whose defaults `POST /seed` may restore).
    var editableRoles: [Role] {
        Role.allCases.filter(mayEdit)
    }

    /// Names must exist (422 `unknown_permission`) and `owner_only` ones cannot be granted (422 `owner_only`).
    func validate(grant: [String], revoke: [String], catalog: PermissionCatalog, field: (String) -> String) throws {
        var v = Validator()
        for name in catalog.unknown(grant + revoke) {
            v.add(field(name), "unknown_permission", "\(name) is not a permission of the catalog.")
        }
        for name in grant where catalog.permission(name)?.ownerOnly == true {
            v.add(field(name), "owner_only", "\(name) belongs to the owner alone and cannot be granted to other roles.")
        }
        try v.validate()
    }

    /// The caller must hold every permission a change actually grants or revokes (403 `permission_not_held`);
    /// naming a permission without changing it is fine, so a UI can send a whole row of the matrix.
    func requireHeld(_ changed: [String]) throws {
        let notHeld = changed.filter { !access.permits($0) }
        guard notHeld.isEmpty else {
            throw APIError(.forbidden, code: "permission_not_held",
                           message: "You can only grant or revoke permissions you have yourself.",
                           info: ["permissions": .array(notHeld.map(JSONValue.string))])
        }
    }

    /// A role named in a path: the four roles, anything else is 404.
    static func role(_ name: String?) throws -> Role {
        guard let name, let role = Role(rawValue: name) else { throw APIError.notFound("role") }
        return role
    }
}

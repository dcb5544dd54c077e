import Foundation
import HTTPTypes
import KisumKernel

/// Who may change which role's permissions, and to what.
///
/// - The owner role is never edited: owners always hold the whole catalog (403 `owner_permissions_locked`).
/// - A caller edits only roles strictly below their own (owners: admin, member, viewer; admins: member,
///   viewer): admins cannot widen or narrow their own role, so they can neither escalate themselves nor
///   lock the other admins out; the owner, who always keeps everything, can always repair (403 `insufficient_role`).
/// - `owner_only` permissions are never granted to another role (422 `owner_only`).
/// - A caller grants or revokes only permissions they hold themselves (403 `permission_not_held`); this
///   applies to what a request changes, not to names it repeats unchanged.
struct RoleEditPolicy {
    let access: EffectiveAccess

    var callerRole: Role? { Role(rawValue: access.role) }

    /// The role named by the path (unknown → 404) when the caller may edit it.
    func editableRole(_ name: String?) throws -> Role {
        let role = try Self.role(name)
        guard role != .owner else {
            throw APIError.forbidden("owner_permissions_locked", "The owner role always has every permission and cannot be changed.")
        }
        guard mayEdit(role) else {
            throw APIError.forbidden("insufficient_role", "Only a higher role can change the \(role.rawValue) role's permissions.")
        }
        return role
    }

    func mayEdit(_ role: Role) -> Bool {
        role != .owner && (callerRole?.rank ?? 0) > role.rank && access.permits(Permission.permissionsManage)
    }

    /// The roles below the caller's (those whose defaults `POST /seed` may restore).
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

import Foundation
import KisumKernel

/// Workspace roles, highest first. "Same or higher role" rules compare `rank`.
public enum Role: String, Sendable, CaseIterable, Codable {
    case owner, admin, member, viewer

    public var rank: Int {
        switch self {
        case .owner: return 4
        case .admin: return 3
        case .member: return 2
        case .viewer: return 1
        }
    }

    /// The same ranks as a SQL expression over a role column, for comparisons inside one query.
    static func rankSQL(_ column: String) -> String {
        "CASE \(column) WHEN 'owner' THEN 4 WHEN 'admin' THEN 3 WHEN 'member' THEN 2 WHEN 'viewer' THEN 1 ELSE 0 END"
    }

    /// Roles that can be given through invitations and role changes (ownership moves only by transfer).
    public static let assignable: [String] = [Role.admin, .member, .viewer].map(\.rawValue)

    /// "Same or higher role": whether a member with role `caller` ranks at least as high as `role`. Names that
    /// are no role (the CHECK constraints keep them out of the database) never rank, so checks fail closed.
    static func ranks(_ caller: String, atLeast role: String) -> Bool {
        guard let caller = Role(rawValue: caller), let role = Role(rawValue: role) else { return false }
        return caller.rank >= role.rank
    }

    /// 403 `insufficient_role` with `message` unless `caller` ranks at least as high as `role`.
    static func require(_ caller: String, atLeast role: String, _ message: String) throws {
        guard ranks(caller, atLeast: role) else { throw APIError.forbidden("insufficient_role", message) }
    }
}

/// Membership states; only `active` grants access.
public enum MembershipStatus {
    public static let invited = "invited"
    public static let active = "active"
    public static let suspended = "suspended"
    public static let removed = "removed"
}

/// Names of the permissions Platform Core checks itself. The full catalog (with `basic.*`, `venue.*`,
/// `finance.*`, `promoter.*`) lives in Migrations/platform-core/0002_catalog.sql.
public enum Permission {
    public static let workspaceRead = "workspace.read"
    public static let workspaceUpdate = "workspace.update"
    public static let workspaceDelete = "workspace.delete"
    public static let ownershipTransfer = "ownership.transfer"
    public static let billingRead = "billing.read"
    public static let billingManage = "billing.manage"
    public static let membersRead = "members.read"
    public static let membersInvite = "members.invite"
    public static let membersUpdate = "members.update"
    public static let membersRemove = "members.remove"
    public static let teamsRead = "teams.read"
    /// Editing teams and their members (creating and deleting have the spec's own names below).
    public static let teamsManage = "teams.manage"
    /// "requires can_create_team permission" / "requires can_delete_team permission": the spec's names, kept as
    /// they are so `GET /permissions/check/can_create_team` answers.
    public static let canCreateTeam = "can_create_team"
    public static let canDeleteTeam = "can_delete_team"
    public static let permissionsRead = "permissions.read"
    public static let permissionsManage = "permissions.manage"
    public static let apiKeysRead = "api_keys.read"
    public static let apiKeysManage = "api_keys.manage"
    public static let modulesRead = "modules.read"
    public static let modulesManage = "modules.manage"
    public static let activityRead = "activity.read"
}

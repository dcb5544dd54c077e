import Foundation
import Hummingbird
import KisumKernel
import KisumPersistence
import PostgresNIO

/// The Permissions group (`/api/v1/permissions`, jwt+org). Reading the catalog and one's own access
/// needs only membership; the role matrix is for admins and owners ("Only admins and owners can view
/// this"; `permissions.read` can narrow it); changes follow `RoleEditPolicy`. Effective access is read from the database on every request, so a
/// change applies to the next call of every member.
struct PermissionHandlers {
    let database: Database
    let workspaces: WorkspaceRepository
    let emails: EmailComposer
    var repository: RolePermissionRepository { RolePermissionRepository(database: database) }

    // MARK: Catalog

    /// `GET /permissions[?module=&resource=]`: the catalog in display order.
    @Sendable func list(_ request: Request, context: PlatformRequestContext) async throws -> [CatalogPermission] {
        _ = try context.requireAccess()
        let (module, resource) = try Self.catalogFilters(request)
        return try await repository.catalog(module: module, resource: resource)
    }

    /// `GET /permissions/grouped[?module=&resource=]`: "grouped by resource": `{"teams": [...], "events": [...]}`,
    /// each list in catalog order. A resource several modules share (`events` of Base, Venue and Promoter) is one
    /// group; each entry's `module` tells them apart.
    @Sendable func grouped(_ request: Request, context: PlatformRequestContext) async throws -> [String: [CatalogPermission]] {
        _ = try context.requireAccess()
        let (module, resource) = try Self.catalogFilters(request)
        let permissions = try await repository.catalog(module: module, resource: resource)
        return Dictionary(grouping: permissions, by: \.resource)
    }

    static func catalogFilters(_ request: Request) throws -> (module: String?, resource: String?) {
        var query = QueryReader(request)
        let module = query.search("module", maxLength: 64)
        let resource = query.search("resource", maxLength: 64)
        try query.validate()
        return (module, resource)
    }

    // MARK: The caller

    struct CheckResult: ResponseEncodable, Sendable {
        var permission: String
        var granted: Bool
        var role: String
    }

    /// `GET /permissions/check/{permission}`: "Returns true/false" — also for a name the catalog does not
    /// know (nobody holds it, the owner included).
    @Sendable func check(_ request: Request, context: PlatformRequestContext) async throws -> CheckResult {
        let access = try context.requireAccess()
        let name = context.parameters.get("permission") ?? ""
        return CheckResult(permission: name, granted: access.permits(name), role: access.role)
    }

    struct MyAccess: ResponseEncodable, Sendable {
        var userId: UUID
        var workspaceId: UUID
        var role: String
        var permissions: [String]
        var modules: [String]
    }

    /// `GET /permissions/me`: the caller's role, effective permissions and enabled modules.
    @Sendable func me(_ request: Request, context: PlatformRequestContext) async throws -> MyAccess {
        let access = try context.requireAccess()
        return MyAccess(userId: access.userID, workspaceId: access.companyID, role: access.role,
                        permissions: access.permissions, modules: access.modules)
    }

    // MARK: Roles

    /// `GET /permissions/roles`: `{"owner": [...], "admin": [...], "member": [...], "viewer": [...]}`.
    @Sendable func roles(_ request: Request, context: PlatformRequestContext) async throws -> [String: [String]] {
        let scope = try context.adminTenant(Permission.permissionsRead)
        return try await repository.grantsByRole(workspaceID: scope.companyID)
    }

    struct RolePermissions: ResponseEncodable, Sendable {
        var role: String
        var permissions: [String]
        /// Differs from the role's defaults.
        var customized: Bool
        /// The caller may change this role (see `RoleEditPolicy`).
        var editable: Bool
    }

    /// `GET /permissions/roles/{role}`.
    /// One row of the same matrix, so the same rule as `GET /roles`.
    @Sendable func role(_ request: Request, context: PlatformRequestContext) async throws -> RolePermissions {
        let scope = try context.adminTenant(Permission.permissionsRead)
        let role = try RoleEditPolicy.role(context.parameters.get("role"))
        return try await rolePermissions(workspaceID: scope.companyID, role: role, policy: RoleEditPolicy(access: context.requireAccess()))
    }

    func rolePermissions(workspaceID: UUID, role: Role, policy: RoleEditPolicy,
                         on connection: PostgresConnection? = nil) async throws -> RolePermissions {
        let grants = try await repository.grants(workspaceID: workspaceID, role: role, on: connection)
        return RolePermissions(role: grants.role, permissions: grants.permissions, customized: grants.customized,
                               editable: policy.mayEdit(role))
    }

    /// `{"permissions": {"teams.manage": true, "teams.read": false}}`: true grants, false revokes,
    /// permissions not named stay as they are.
    struct RoleUpdate: ValidatableBody {
        var permissions: [String: Bool]?

        func validate(_ v: inout Validator) {
            guard let permissions else { return v.add("permissions", "required", "This field is required.") }
            v.check(!permissions.isEmpty, "permissions", "required", "Name at least one permission.")
            v.check(permissions.count <= 500, "permissions", "too_many", "At most 500 permissions at once.")
        }
    }

    /// `PUT /permissions/roles/{role}`: several grants and revokes in one transaction.
    @Sendable func updateRole(_ request: Request, context: PlatformRequestContext) async throws -> RolePermissions {
        let (role, workspaceID) = try editableRole(context)
        let body = try await request.decodeValid(as: RoleUpdate.self, context: context)
        let changes = body.permissions ?? [:]
        let grant = changes.filter(\.value).map(\.key).sorted()
        let revoke = changes.filter { !$0.value }.map(\.key).sorted()
        return try await change(role: role, workspaceID: workspaceID, grant: grant, revoke: revoke, context: context) { "permissions.\($0)" }
    }

    struct SinglePermission: ValidatableBody {
        var permission: String?
        var granted: Bool?

        func validate(_ v: inout Validator) {
            v.text(permission, "permission", maxLength: 200)
            v.check(granted != nil, "granted", "required", "This field is required.")
        }
    }

    /// `PATCH /permissions/roles/{role}`: `{"permission": "teams.manage", "granted": true}`.
    @Sendable func setPermission(_ request: Request, context: PlatformRequestContext) async throws -> RolePermissions {
        let (role, workspaceID) = try editableRole(context)
        let body = try await request.decodeValid(as: SinglePermission.self, context: context)
        let name = body.permission!
        let granted = body.granted!
        return try await change(role: role, workspaceID: workspaceID, grant: granted ? [name] : [], revoke: granted ? [] : [name],
                                context: context) { _ in "permission" }
    }

    /// `POST /permissions/roles/{role}/reset`: back to the role's defaults (delete + insert, one transaction).
    @Sendable func reset(_ request: Request, context: PlatformRequestContext) async throws -> RolePermissions {
        let (role, workspaceID) = try editableRole(context)
        let policy = try RoleEditPolicy(access: context.requireAccess())
        let identity = try context.requireIdentity()
        return try await database.transaction { connection in
            try await repository.lock(workspaceID: workspaceID, role: role, on: connection)
            let difference = try await repository.differenceFromDefaults(workspaceID: workspaceID, role: role, on: connection)
            // Resetting must not hand out (or take away) anything the caller could not change by hand.
            try policy.requireHeld(difference.grant + difference.revoke)
            _ = try await repository.apply(workspaceID: workspaceID, role: role, grant: difference.grant, revoke: difference.revoke,
                                           by: identity.userID, on: connection)
            if !difference.grant.isEmpty || !difference.revoke.isEmpty {
                try await workspaces.recordActivity(
                    workspaceID: workspaceID, userID: identity.userID, actor: identity.actor, action: "permissions.reset",
                    entityType: "role", entityID: role.rawValue,
                    description: Self.describe(role: role, granted: difference.grant, revoked: difference.revoke, prefix: "reset to defaults"),
                    on: connection)
            }
            return try await rolePermissions(workspaceID: workspaceID, role: role, policy: policy, on: connection)
        }
    }

    struct SeedResult: ResponseEncodable, Sendable {
        var added: Int
        var addedByRole: [String: Int]
    }

    /// `POST /permissions/seed` (201): adds the missing default grants of every role the caller may
    /// edit, limited to permissions the caller holds (for an owner: exactly `WorkspaceRepository.seedPermissions`).
    /// Without the limits an admin could re-grant defaults the owner had revoked from the admin role.
    /// Grants revoked on purpose come back too (a row is a grant; absence is not remembered).
    @Sendable func seed(_ request: Request, context: PlatformRequestContext) async throws -> EditedResponse<SeedResult> {
        let scope = try context.adminTenant(Permission.permissionsManage)
        let access = try context.requireAccess()
        let identity = try context.requireIdentity()
        let policy = RoleEditPolicy(access: access)
        // The owner's rows are only for display, but an owner seeding gets them too (as at creation).
        let roles = access.role == Role.owner.rawValue ? Role.allCases : policy.editableRoles
        let catalog = try await PermissionCatalog.load(database)
        let allowed = catalog.permissions.map(\.name).filter(access.permits)
        let result = try await database.transaction { connection in
            for role in roles { try await repository.lock(workspaceID: scope.companyID, role: role, on: connection) }
            let counts = try await repository.seedDefaults(workspaceID: scope.companyID, roles: roles, allowed: allowed, on: connection)
            let added = counts.values.reduce(0, +)
            if added > 0 {
                let summary = counts.filter { $0.value > 0 }.sorted { $0.key < $1.key }.map { "\($0.key) +\($0.value)" }.joined(separator: ", ")
                try await workspaces.recordActivity(
                    workspaceID: scope.companyID, userID: identity.userID, actor: identity.actor, action: "permissions.seeded",
                    entityType: "workspace", entityID: scope.companyID.uuidString.lowercased(),
                    description: "Default permissions restored: \(summary)", on: connection)
            }
            return SeedResult(added: added, addedByRole: counts)
        }
        return result.created()
    }

    // MARK: Changing grants

    func editableRole(_ context: PlatformRequestContext) throws -> (Role, UUID) {
        let role = try RoleEditPolicy(access: context.requireAccess()).editableRole(context.parameters.get("role"))
        return (role, try context.requireCompany())
    }

    func change(role: Role, workspaceID: UUID, grant: [String], revoke: [String], context: PlatformRequestContext,
                field: (String) -> String) async throws -> RolePermissions {
        let policy = try RoleEditPolicy(access: context.requireAccess())
        let identity = try context.requireIdentity()
        try policy.validate(grant: grant, revoke: revoke, catalog: try await PermissionCatalog.load(database), field: field)
        return try await database.transaction { connection in
            try await repository.lock(workspaceID: workspaceID, role: role, on: connection)
            let current = Set(try await repository.grants(workspaceID: workspaceID, role: role, on: connection).permissions)
            let toGrant = grant.filter { !current.contains($0) }
            let toRevoke = revoke.filter(current.contains)
            try policy.requireHeld(toGrant + toRevoke)
            let changed = try await repository.apply(workspaceID: workspaceID, role: role, grant: toGrant, revoke: toRevoke,
                                                     by: identity.userID, on: connection)
            if !changed.granted.isEmpty || !changed.revoked.isEmpty {
                try await workspaces.recordActivity(
                    workspaceID: workspaceID, userID: identity.userID, actor: identity.actor, action: "permissions.updated",
                    entityType: "role", entityID: role.rawValue,
                    description: Self.describe(role: role, granted: changed.granted, revoked: changed.revoked, prefix: "updated"),
                    on: connection)
                try await Notifier(logger: database.logger, emails: emails).permissionsChanged(
                    of: role.rawValue, in: workspaceID, granted: changed.granted, revoked: changed.revoked, by: identity.userID,
                    on: connection)
            }
            return try await rolePermissions(workspaceID: workspaceID, role: role, policy: policy, on: connection)
        }
    }

    static func describe(role: Role, granted: [String], revoked: [String], prefix: String) -> String {
        var parts: [String] = []
        if !granted.isEmpty { parts.append("granted \(granted.joined(separator: ", "))") }
        if !revoked.isEmpty { parts.append("revoked \(revoked.joined(separator: ", "))") }
        return "Permissions of \(role.rawValue) \(prefix)" + (parts.isEmpty ? "" : ": " + parts.joined(separator: "; "))
    }
}

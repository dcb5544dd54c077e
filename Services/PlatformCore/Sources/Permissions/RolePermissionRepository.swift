import Foundation
import KisumKernel
import KisumPersistence
import Logging
import PostgresNIO

/// The catalog for display and the per-workspace grants (`role_permissions`: a row = granted).
/// Owners always hold the whole catalog (the access resolver ignores their rows), so every read here
/// answers the catalog for the owner role too.
public struct RolePermissionRepository: Sendable {
    let database: Database
    var logger: Logger { database.logger }

    public init(database: Database) {
        self.database = database
    }

    /// The catalog in display order, optionally narrowed to one module and/or resource.
    public func catalog(module: String?, resource: String?) async throws -> [CatalogPermission] {
        try await database.query("""
            SELECT name, module, resource, action, description, owner_only FROM permissions
            WHERE (\(module)::text IS NULL OR module = \(module)) AND (\(resource)::text IS NULL OR resource = \(resource))
            ORDER BY sort_order
            """).collect(CatalogPermission.init(row:))
    }

    /// Every role's grants in the workspace, in catalog order (one query).
    public func grantsByRole(workspaceID: UUID) async throws -> [String: [String]] {
        let rows = try await database.query("""
            SELECT r.role,
                   CASE WHEN r.role = 'owner' THEN ARRAY(SELECT name FROM permissions ORDER BY sort_order)
                        ELSE ARRAY(SELECT rp.permission FROM role_permissions rp JOIN permissions p ON p.name = rp.permission
                                   WHERE rp.workspace_id = \(workspaceID) AND rp.role = r.role ORDER BY p.sort_order)
                   END
            FROM unnest(\(Role.allCases.map(\.rawValue))::text[]) AS r(role)
            """).collect { try $0.decode((String, [String]).self) }
        return Dictionary(uniqueKeysWithValues: rows)
    }

    /// One role's grants and whether they differ from the defaults.
    public func grants(workspaceID: UUID, role: Role, on connection: PostgresConnection? = nil) async throws -> RoleGrants {
        let query: PostgresQuery = """
            SELECT CASE WHEN \(role.rawValue) = 'owner' THEN ARRAY(SELECT name FROM permissions ORDER BY sort_order)
                        ELSE ARRAY(SELECT rp.permission FROM role_permissions rp JOIN permissions p ON p.name = rp.permission
                                   WHERE rp.workspace_id = \(workspaceID) AND rp.role = \(role.rawValue) ORDER BY p.sort_order)
                   END,
                   \(role.rawValue) <> 'owner' AND (
                       EXISTS (SELECT 1 FROM role_permissions rp WHERE rp.workspace_id = \(workspaceID) AND rp.role = \(role.rawValue)
                               AND NOT EXISTS (SELECT 1 FROM role_permission_defaults d WHERE d.role = rp.role AND d.permission = rp.permission))
                       OR EXISTS (SELECT 1 FROM role_permission_defaults d WHERE d.role = \(role.rawValue)
                               AND NOT EXISTS (SELECT 1 FROM role_permissions rp WHERE rp.workspace_id = \(workspaceID)
                                               AND rp.role = d.role AND rp.permission = d.permission)))
            """
        let rows = if let connection { try await QueryRows(reading: connection.query(query, logger: logger)) } else { try await database.query(query) }
        let (permissions, customized) = try await rows.first { try $0.decode(([String], Bool).self) } ?? ([], false)
        return RoleGrants(role: role.rawValue, permissions: permissions, customized: customized)
    }

    /// Grants and revokes in one go (the caller's transaction); answers what actually changed.
    public func apply(workspaceID: UUID, role: Role, grant: [String], revoke: [String], by userID: UUID,
                      on connection: PostgresConnection) async throws -> (granted: [String], revoked: [String]) {
        let granted = try await connection.query("""
            INSERT INTO role_permissions (workspace_id, role, permission, granted_by)
            SELECT \(workspaceID), \(role.rawValue), name, \(userID) FROM unnest(\(grant)::text[]) AS g(name)
            ON CONFLICT (workspace_id, role, permission) DO NOTHING
            RETURNING permission
            """, logger: logger).collect { try $0.decode(String.self) }
        let revoked = try await connection.query("""
            DELETE FROM role_permissions
            WHERE workspace_id = \(workspaceID) AND role = \(role.rawValue) AND permission = ANY(\(revoke)::text[])
            RETURNING permission
            """, logger: logger).collect { try $0.decode(String.self) }
        return (granted.sorted(), revoked.sorted())
    }

    /// What resetting `role` to its defaults would grant and revoke (read inside the transaction that applies it).
    public func differenceFromDefaults(workspaceID: UUID, role: Role,
                                       on connection: PostgresConnection) async throws -> (grant: [String], revoke: [String]) {
        let rows = try await connection.query("""
            SELECT d.permission, true FROM role_permission_defaults d
            WHERE d.role = \(role.rawValue) AND NOT EXISTS (
                SELECT 1 FROM role_permissions rp WHERE rp.workspace_id = \(workspaceID) AND rp.role = d.role AND rp.permission = d.permission)
            UNION ALL
            SELECT rp.permission, false FROM role_permissions rp
            WHERE rp.workspace_id = \(workspaceID) AND rp.role = \(role.rawValue) AND NOT EXISTS (
                SELECT 1 FROM role_permission_defaults d WHERE d.role = rp.role AND d.permission = rp.permission)
            """, logger: logger).collect { try $0.decode((String, Bool).self) }
        return (rows.filter(\.1).map(\.0).sorted(), rows.filter { !$0.1 }.map(\.0).sorted())
    }

    /// Inserts the missing default grants of `roles`, limited to `allowed` permissions; answers the
    /// number added per role.
    public func seedDefaults(workspaceID: UUID, roles: [Role], allowed: [String],
                             on connection: PostgresConnection) async throws -> [String: Int] {
        let added = try await connection.query("""
            INSERT INTO role_permissions (workspace_id, role, permission)
            SELECT \(workspaceID), d.role, d.permission FROM role_permission_defaults d
            WHERE d.role = ANY(\(roles.map(\.rawValue))::text[]) AND d.permission = ANY(\(allowed)::text[])
            ON CONFLICT (workspace_id, role, permission) DO NOTHING
            RETURNING role
            """, logger: logger).collect { try $0.decode(String.self) }
        var counts = Dictionary(uniqueKeysWithValues: roles.map { ($0.rawValue, 0) })
        for role in added { counts[role, default: 0] += 1 }
        return counts
    }

    /// Takes a transaction-scoped lock on one role of one workspace, so concurrent edits of the same
    /// role apply one after the other (each sees the other's result when checking what it changes).
    public func lock(workspaceID: UUID, role: Role, on connection: PostgresConnection) async throws {
        try await connection.query("""
            SELECT pg_advisory_xact_lock(hashtext(\("platform-core:role-permissions:\(workspaceID.uuidString.lowercased()):\(role.rawValue)")))
            """, logger: logger)
    }
}

/// One role's permissions in a workspace.
public struct RoleGrants: Sendable, Equatable {
    public var role: String
    public var permissions: [String]
    /// The grants differ from the role's defaults (POST …/reset would change something).
    public var customized: Bool
}

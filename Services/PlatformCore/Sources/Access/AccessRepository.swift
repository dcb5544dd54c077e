import Foundation
import KisumKernel
import KisumPersistence
import Logging
import PostgresNIO

/// Effective access straight from the database: Platform Core's own tenant routes use it as their
/// `EffectiveAccessResolver`, and `GET /internal/access` serves it to the other services.
///
/// A user has access when the membership is `active`, the user is `active` and the workspace is
/// `active`. Owners get the whole permission catalog (their rows cannot narrow it); other roles get
/// their workspace's `role_permissions`. Modules are the workspace's enabled modules. `staff` is the
/// user's `is_superuser` (platform staff: other services let it edit global reference data). One query.
public struct DatabaseAccessResolver: EffectiveAccessResolver {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    public func resolve(userID: UUID, companyID: UUID) async throws -> EffectiveAccess? {
        do {
            return try await database.query("""
                SELECT m.role,
                    CASE WHEN m.role = 'owner'
                        THEN ARRAY(SELECT p.name FROM permissions p ORDER BY p.sort_order)
                        ELSE ARRAY(SELECT rp.permission FROM role_permissions rp JOIN permissions p ON p.name = rp.permission
                                   WHERE rp.workspace_id = m.workspace_id AND rp.role = m.role ORDER BY p.sort_order)
                    END,
                    ARRAY(SELECT ms.module FROM module_settings ms JOIN modules mo ON mo.name = ms.module
                          WHERE ms.workspace_id = m.workspace_id AND ms.enabled ORDER BY mo.sort_order),
                    w.timezone, u.is_superuser
                FROM memberships m
                JOIN workspaces w ON w.id = m.workspace_id
                JOIN users u ON u.id = m.user_id
                WHERE m.workspace_id = \(companyID) AND m.user_id = \(userID)
                  AND m.status = 'active' AND w.status = 'active' AND u.status = 'active'
                """).first { row in
                let (role, permissions, modules, timezone, staff) = try row.decode((String, [String], [String], String?, Bool).self)
                return EffectiveAccess(userID: userID, companyID: companyID, role: role, permissions: permissions, modules: modules,
                                       timezone: timezone, staff: staff)
            }
        } catch let error as APIError {
            throw error
        } catch {
            // The database being away (or the pool failing) must never read as "not a member".
            database.logger.error("access resolution failed", metadata: ["error": "\(String(reflecting: error))"])
            throw APIError.unavailable("access_unavailable", "Access for this company cannot be resolved right now.")
        }
    }
}

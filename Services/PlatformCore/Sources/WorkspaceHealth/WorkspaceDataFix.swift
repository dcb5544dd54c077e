import Foundation

/// The registry of per-workspace data migrations: fix-ups of a workspace's own rows that the schema migrations
/// cannot do once for all (they depend on what each workspace already has). Each is convergent — it changes only
/// what is missing, so it is "pending" exactly while it would change something — and each application is recorded
/// in `workspace_data_migrations` (rows changed, when). A second run finds nothing pending and changes nothing.
///
/// Adding one: a case here, its `title`, and its two statements in `WorkspaceDataMigrationRepository`
/// (`needed` counts, `apply` changes and returns the count).
enum WorkspaceDataFix: String, CaseIterable, Sendable {
    /// Modules added to the catalog after the workspace was created have no `module_settings` row, so
    /// `/internal/access` reports them disabled everywhere: give them their catalog default.
    case moduleSettings = "module_settings_backfill"
    /// Catalog permissions the workspace never received (no role holds a row for them: owner rows cannot be
    /// removed, so a missing owner row means the workspace predates the permission) get the roles' defaults.
    /// Permissions an admin revoked from some role are not touched — the owner row is still there.
    case rolePermissionDefaults = "role_permission_defaults_backfill"

    var title: String {
        switch self {
        case .moduleSettings: return "Module settings for modules added to the catalog"
        case .rolePermissionDefaults: return "Default grants for permissions added to the catalog"
        }
    }
}

/// One fix-up's outcome in a run.
struct AppliedFix: Codable, Sendable, Equatable {
    var migration: String
    var title: String
    var changedRows: Int
}

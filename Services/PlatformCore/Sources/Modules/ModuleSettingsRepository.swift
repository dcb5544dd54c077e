import Foundation
import Hummingbird
import KisumKernel
import KisumPersistence
import Logging
import PostgresNIO

/// A module of the catalog with this workspace's switch and settings. A module without a
/// `module_settings` row (one added to the catalog after the workspace was created) is reported with
/// `configured: false` and `enabled: false`, because that is what effective access says: only enabled
/// rows count.
public struct ModuleSetting: ResponseEncodable, Sendable {
    public var module: String
    public var displayName: String
    public var description: String
    public var enabled: Bool
    /// What new workspaces get.
    public var defaultEnabled: Bool
    /// The workspace has a row for the module.
    public var configured: Bool
    /// Free-form object, passed through as stored.
    public var settings: JSONValue
    public var updatedBy: UUID?
    public var createdAt: Date?
    public var updatedAt: Date?

    static let columns = """
        mo.name, mo.display_name, mo.description, mo.default_enabled, ms.module IS NOT NULL AS configured,
        COALESCE(ms.enabled, false) AS enabled, COALESCE(ms.settings, '{}'::jsonb)::text AS settings, ms.updated_by,
        ms.created_at, ms.updated_at
        """

    init(row: PostgresRow) throws {
        let c = Columns(row)
        module = try c("name")
        displayName = try c("display_name")
        description = try c("description")
        defaultEnabled = try c("default_enabled")
        configured = try c("configured")
        enabled = try c("enabled")
        let text = try c("settings", as: String.self)
        settings = (try? JSONValueParser.parse(text)) ?? .object([:])
        updatedBy = try c("updated_by")
        createdAt = try c("created_at")
        updatedAt = try c("updated_at")
    }
}

/// `module_settings` of one workspace, joined to the `modules` catalog.
public struct ModuleSettingsRepository: Sendable {
    let database: Database
    var logger: Logger { database.logger }

    public init(database: Database) {
        self.database = database
    }

    public func list(workspaceID: UUID) async throws -> [ModuleSetting] {
        try await database.query("""
            SELECT \(unescaped: ModuleSetting.columns)
            FROM modules mo LEFT JOIN module_settings ms ON ms.workspace_id = \(workspaceID) AND ms.module = mo.name
            ORDER BY mo.sort_order
            """).collect(ModuleSetting.init(row:))
    }

    /// The module's entry (nil when the catalog has no such module).
    public func find(workspaceID: UUID, module: String, on connection: PostgresConnection? = nil) async throws -> ModuleSetting? {
        let query: PostgresQuery = """
            SELECT \(unescaped: ModuleSetting.columns)
            FROM modules mo LEFT JOIN module_settings ms ON ms.workspace_id = \(workspaceID) AND ms.module = mo.name
            WHERE mo.name = \(module)
            """
        if let connection { return try await connection.query(query, logger: logger).first(ModuleSetting.init(row:)) }
        return try await database.query(query).first(ModuleSetting.init(row:))
    }

    /// Serialises changes of one module of one workspace for the caller's transaction (the row may
    /// not exist yet, so a row lock is not enough).
    public func lock(workspaceID: UUID, module: String, on connection: PostgresConnection) async throws {
        try await connection.query("""
            SELECT pg_advisory_xact_lock(hashtext(\("platform-core:module-settings:\(workspaceID.uuidString.lowercased()):\(module)")))
            """, logger: logger)
    }

    /// Creates the workspace's row; false when it exists already.
    public func insert(workspaceID: UUID, module: String, enabled: Bool, settings: String, by userID: UUID,
                       on connection: PostgresConnection) async throws -> Bool {
        try await connection.query("""
            INSERT INTO module_settings (workspace_id, module, enabled, settings, updated_by)
            VALUES (\(workspaceID), \(module), \(enabled), \(settings)::jsonb, \(userID))
            ON CONFLICT (workspace_id, module) DO NOTHING
            RETURNING module
            """, logger: logger).first { try $0.decode(String.self) } != nil
    }

    /// Sets the switch and/or replaces the settings, creating the row when the workspace has none
    /// (a missing row counts as disabled with empty settings).
    public func upsert(workspaceID: UUID, module: String, enabled: Bool?, settings: String?, by userID: UUID,
                       on connection: PostgresConnection) async throws {
        try await connection.query("""
            INSERT INTO module_settings (workspace_id, module, enabled, settings, updated_by)
            VALUES (\(workspaceID), \(module), COALESCE(\(enabled)::boolean, false), COALESCE(\(settings)::jsonb, '{}'::jsonb), \(userID))
            ON CONFLICT (workspace_id, module) DO UPDATE SET
                enabled = COALESCE(\(enabled)::boolean, module_settings.enabled),
                settings = COALESCE(\(settings)::jsonb, module_settings.settings),
                updated_by = \(userID),
                updated_at = now()
            """, logger: logger)
    }
}

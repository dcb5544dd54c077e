import Foundation
import Hummingbird
import KisumKernel
import KisumPersistence
import Logging
import PostgresNIO

public struct Workspace: ResponseEncodable, Sendable, Equatable {
    public var id: UUID
    public var name: String
    public var slug: String
    public var description: String?
    public var logoUrl: String?
    public var website: String?
    public var timezone: String?
    public var currency: String?
    public var ownerId: UUID
    public var status: String
    public var createdAt: Date
    public var updatedAt: Date

    static let columns = """
        w.id, w.name, w.slug, w.description, w.logo_url, w.website, w.timezone, w.currency, w.owner_id, w.status,
        w.created_at, w.updated_at
        """

    init(row: PostgresRow) throws {
        let c = Columns(row)
        id = try c("id")
        name = try c("name")
        slug = try c("slug")
        description = try c("description")
        logoUrl = try c("logo_url")
        website = try c("website")
        timezone = try c("timezone")
        currency = try c("currency")
        ownerId = try c("owner_id")
        status = try c("status")
        createdAt = try c("created_at")
        updatedAt = try c("updated_at")
    }
}

/// A workspace the user belongs to, with their role there.
public struct WorkspaceMembershipSummary: ResponseEncodable, Sendable, Equatable {
    public var id: UUID
    public var name: String
    public var slug: String
    public var role: String
    public var status: String
    public var memberId: UUID
}

/// Workspaces, memberships and the per-workspace seed (role permissions, module settings).
public struct WorkspaceRepository: Sendable {
    let database: Database
    var logger: Logger { database.logger }

    public init(database: Database) {
        self.database = database
    }

    /// Creates a workspace owned by `ownerID` with its owner membership, the default role permissions
    /// and the default module settings — everything a workspace needs to be usable — inside the caller's
    /// transaction. The slug comes from the name; a taken slug gets a short random suffix.
    public func create(name: String, ownerID: UUID, createdBy: UUID?, on connection: PostgresConnection) async throws -> Workspace {
        let workspace = try await insert(name: name, ownerID: ownerID, createdBy: createdBy, on: connection)
        try await seedDefaults(workspaceID: workspace.id, on: connection)
        return workspace
    }

    /// The workspace row, its owner membership and the "created" activity entry (no permissions or modules yet).
    public func insert(name: String, ownerID: UUID, createdBy: UUID?, on connection: PostgresConnection) async throws -> Workspace {
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        let base = Self.slug(from: name)
        var workspaceID: UUID?
        for attempt in 0..<5 {
            let slug = attempt == 0 ? base : "\(base.prefix(55))-\(Self.randomSuffix())"
            workspaceID = try await connection.query("""
                INSERT INTO workspaces (name, slug, owner_id, created_by) VALUES (\(name), \(slug), \(ownerID), \(createdBy))
                ON CONFLICT (slug) DO NOTHING
                RETURNING id
                """, logger: logger).first { try $0.decode(UUID.self) }
            if workspaceID != nil { break }
        }
        guard let workspaceID else {
            throw APIError.conflict("slug_taken", "No free workspace address could be derived from this name.")
        }
        try await connection.query("""
            INSERT INTO memberships (workspace_id, user_id, role, status, joined_at)
            VALUES (\(workspaceID), \(ownerID), 'owner', 'active', now())
            """, logger: logger)
        try await recordActivity(workspaceID: workspaceID, userID: createdBy ?? ownerID, action: "workspace.created",
                                 entityType: "workspace", entityID: workspaceID.uuidString.lowercased(),
                                 description: "Workspace \(name) created", on: connection)
        return try await connection.query("SELECT \(unescaped: Workspace.columns) FROM workspaces w WHERE w.id = \(workspaceID)",
                                          logger: logger).first(Workspace.init(row:)).orNotFound("workspace")
    }

    /// Default role permissions and module settings (idempotent).
    public func seedDefaults(workspaceID: UUID, on connection: PostgresConnection) async throws {
        try await seedPermissions(workspaceID: workspaceID, on: connection)
        try await seedModules(workspaceID: workspaceID, on: connection)
    }

    /// Every module with its default (see the `modules` table: all enabled by default).
    public func seedModules(workspaceID: UUID, on connection: PostgresConnection) async throws {
        try await connection.query("""
            INSERT INTO module_settings (workspace_id, module, enabled)
            SELECT \(workspaceID), name, default_enabled FROM modules
            ON CONFLICT (workspace_id, module) DO NOTHING
            """, logger: logger)
    }

    /// Grants every role its default permissions where missing (idempotent: existing grants stay).
    public func seedPermissions(workspaceID: UUID, on connection: PostgresConnection) async throws {
        try await connection.query("""
            INSERT INTO role_permissions (workspace_id, role, permission)
            SELECT \(workspaceID), role, permission FROM role_permission_defaults
            ON CONFLICT (workspace_id, role, permission) DO NOTHING
            """, logger: logger)
    }

    public func find(id: UUID, on connection: PostgresConnection? = nil) async throws -> Workspace? {
        let query: PostgresQuery = "SELECT \(unescaped: Workspace.columns) FROM workspaces w WHERE w.id = \(id)"
        if let connection { return try await connection.query(query, logger: logger).first(Workspace.init(row:)) }
        return try await database.query(query).first(Workspace.init(row:))
    }

    /// Whether the user is the workspace's recorded owner (`workspaces.owner_id`), whose role only an
    /// ownership transfer moves.
    func isRecordedOwner(workspaceID: UUID, userID: UUID, on connection: PostgresConnection) async throws -> Bool {
        try await connection.query("""
            SELECT 1 FROM workspaces WHERE id = \(workspaceID) AND owner_id = \(userID)
            """, logger: logger).first { _ in true } ?? false
    }

    /// The workspaces where the user's membership is not removed, oldest first.
    public func memberships(userID: UUID) async throws -> [WorkspaceMembershipSummary] {
        try await database.query("""
            SELECT w.id, w.name, w.slug, m.role, m.status, m.id
            FROM memberships m JOIN workspaces w ON w.id = m.workspace_id
            WHERE m.user_id = \(userID) AND m.status IN ('active', 'invited', 'suspended') AND w.status = 'active'
            ORDER BY m.created_at
            """).collect { row in
            let (id, name, slug, role, status, memberID) = try row.decode((UUID, String, String, String, String, UUID).self)
            return WorkspaceMembershipSummary(id: id, name: name, slug: slug, role: role, status: status, memberId: memberID)
        }
    }

    /// Appends to the workspace's activity feed.
    public func recordActivity(workspaceID: UUID, userID: UUID?, actor: String? = nil, action: String, entityType: String?,
                               entityID: String?, description: String?, on connection: PostgresConnection) async throws {
        try await connection.query("""
            INSERT INTO activity (workspace_id, user_id, actor, action, entity_type, entity_id, description)
            VALUES (\(workspaceID), \(userID), \(actor), \(action), \(entityType), \(entityID), \(description))
            """, logger: logger)
    }

    static func randomSuffix() -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        return String((0..<6).map { _ in alphabet.randomElement() ?? "0" })
    }

    /// `"Paradiso Amsterdam!"` → `"paradiso-amsterdam"`; never empty.
    static func slug(from name: String) -> String {
        let folded = name.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: Locale(identifier: "en_US_POSIX")).lowercased()
        var slug = ""
        for scalar in folded.unicodeScalars {
            if (scalar >= "a" && scalar <= "z") || (scalar >= "0" && scalar <= "9") {
                slug.unicodeScalars.append(scalar)
            } else if !slug.isEmpty, !slug.hasSuffix("-") {
                slug += "-"
            }
        }
        while slug.hasSuffix("-") { slug.removeLast() }
        slug = String(slug.prefix(60))
        while slug.hasSuffix("-") { slug.removeLast() }
        return slug.isEmpty ? "workspace" : slug
    }
}

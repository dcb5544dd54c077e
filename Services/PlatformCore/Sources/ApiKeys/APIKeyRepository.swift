import Foundation
import Hummingbird
import KisumKernel
import KisumPersistence
import Logging
import PostgresNIO

/// An API key as the management routes show it: never the key or its hash, only the prefix. `key` is
/// set once, in the answers of create and rotate.
public struct APIKey: ResponseEncodable, Sendable {
    public var id: UUID
    public var name: String
    public var description: String?
    public var prefix: String
    public var scopes: [String]
    /// The enabled switch (toggle, `is_active` in PUT); a revoked or expired key stays unusable whatever it says.
    public var isActive: Bool
    public var isRevoked: Bool
    /// active | disabled | expired | revoked: whether the key authenticates now, and if not, why.
    public var status: String
    public var expiresAt: Date?
    public var lastUsedAt: Date?
    public var revokedAt: Date?
    public var revokedBy: UUID?
    /// The key this one replaced through rotation.
    public var rotatedFrom: UUID?
    public var createdBy: UUID?
    public var createdAt: Date
    public var updatedAt: Date
    /// The full key: only in the create and rotate answers.
    public var key: String?

    static let columns = """
        k.id, k.name, k.description, k.prefix, k.scopes, k.enabled, k.revoked_at IS NOT NULL AS is_revoked,
        CASE WHEN k.revoked_at IS NOT NULL THEN 'revoked' WHEN k.expires_at <= now() THEN 'expired'
             WHEN NOT k.enabled THEN 'disabled' ELSE 'active' END AS status,
        k.expires_at, k.last_used_at, k.revoked_at, k.revoked_by, k.rotated_from, k.created_by, k.created_at, k.updated_at
        """

    init(row: PostgresRow) throws {
        let c = Columns(row)
        id = try c("id")
        name = try c("name")
        description = try c("description")
        prefix = try c("prefix")
        scopes = try c("scopes")
        isActive = try c("enabled")
        isRevoked = try c("is_revoked")
        status = try c("status")
        expiresAt = try c("expires_at")
        lastUsedAt = try c("last_used_at")
        revokedAt = try c("revoked_at")
        revokedBy = try c("revoked_by")
        rotatedFrom = try c("rotated_from")
        createdBy = try c("created_by")
        createdAt = try c("created_at")
        updatedAt = try c("updated_at")
    }
}

/// The list filters (`is_active` = the enabled switch, `is_revoked`), shared by the list and the count.
public struct APIKeyFilter: Sendable {
    public var isActive: Bool?
    public var isRevoked: Bool?
}

/// The management side of `api_keys` (authentication is `APIKeyAuthenticator`). Every statement is
/// scoped by workspace.
public struct APIKeyRepository: Sendable {
    let database: Database
    var logger: Logger { database.logger }

    /// Keys that can still authenticate some day (not revoked, not expired) count against this limit.
    public static let maxLiveKeysPerWorkspace = 100

    public init(database: Database) {
        self.database = database
    }

    public func list(workspaceID: UUID, filter: APIKeyFilter, skip: Int, limit: Int) async throws -> [APIKey] {
        try await database.query(Self.filtered(select: APIKey.columns, workspaceID: workspaceID, filter: filter,
                                               page: (skip, limit))).collect(APIKey.init(row:))
    }

    public func count(workspaceID: UUID, filter: APIKeyFilter) async throws -> Int {
        try await database.query(Self.filtered(select: "count(*)", workspaceID: workspaceID, filter: filter, page: nil))
            .first { try $0.decode(Int.self) } ?? 0
    }

    /// One statement for the list and the count, so both always agree on what the filters mean.
    /// `select` is a constant column list; every value is a bound parameter.
    static func filtered(select: String, workspaceID: UUID, filter: APIKeyFilter, page: (skip: Int, limit: Int)?) -> PostgresQuery {
        """
        SELECT \(unescaped: select) FROM api_keys k
        WHERE k.workspace_id = \(workspaceID)
          AND (\(filter.isActive)::boolean IS NULL OR k.enabled = \(filter.isActive))
          AND (\(filter.isRevoked)::boolean IS NULL OR (k.revoked_at IS NOT NULL) = \(filter.isRevoked))
        \(unescaped: page == nil ? "" : "ORDER BY k.created_at DESC, k.id")
        LIMIT \(page?.limit)::bigint OFFSET \(page?.skip ?? 0)
        """
    }

    public func find(workspaceID: UUID, id: UUID, on connection: PostgresConnection? = nil) async throws -> APIKey? {
        let query: PostgresQuery = "SELECT \(unescaped: APIKey.columns) FROM api_keys k WHERE k.workspace_id = \(workspaceID) AND k.id = \(id)"
        if let connection { return try await connection.query(query, logger: logger).first(APIKey.init(row:)) }
        return try await database.query(query).first(APIKey.init(row:))
    }

    /// The key, locked for the rest of the caller's transaction (state checks and the change cannot interleave).
    public func lockedKey(workspaceID: UUID, id: UUID, on connection: PostgresConnection) async throws -> APIKey? {
        try await connection.query("""
            SELECT \(unescaped: APIKey.columns) FROM api_keys k WHERE k.workspace_id = \(workspaceID) AND k.id = \(id) FOR UPDATE
            """, logger: logger).first(APIKey.init(row:))
    }

    /// Serialises key creation per workspace so the limit holds under concurrent requests.
    public func liveKeyCount(workspaceID: UUID, lockingOn connection: PostgresConnection) async throws -> Int {
        try await connection.query("""
            SELECT pg_advisory_xact_lock(hashtext(\("platform-core:api-keys:\(workspaceID.uuidString.lowercased())")))
            """, logger: logger)
        return try await connection.query("""
            SELECT count(*) FROM api_keys
            WHERE workspace_id = \(workspaceID) AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())
            """, logger: logger).first { try $0.decode(Int.self) } ?? 0
    }

    public struct NewKey: Sendable {
        public var name: String
        public var description: String?
        public var scopes: [String]
        public var enabled: Bool
        public var expiresAt: Date?
        public var rotatedFrom: UUID?
    }

    /// Inserts a key with a fresh secret; the answer carries the full key (shown once).
    public func insert(workspaceID: UUID, _ key: NewKey, createdBy: UUID, on connection: PostgresConnection) async throws -> APIKey {
        let secret = APIKeySecret.generate()
        guard var created = try await connection.query("""
            WITH k AS (
                INSERT INTO api_keys (workspace_id, name, description, prefix, key_hash, scopes, enabled, expires_at, rotated_from, created_by)
                VALUES (\(workspaceID), \(key.name), \(key.description), \(secret.prefix), \(secret.hash), \(key.scopes), \(key.enabled),
                        \(key.expiresAt), \(key.rotatedFrom), \(createdBy))
                RETURNING *
            )
            SELECT \(unescaped: APIKey.columns) FROM k
            """, logger: logger).first(APIKey.init(row:))
        else { throw APIError.internalError }
        created.key = secret.key
        return created
    }

    public struct Patch: Sendable {
        public var name: String?
        public var description: String?
        public var clearDescription = false
        public var scopes: [String]?
        public var enabled: Bool?
    }

    public func update(workspaceID: UUID, id: UUID, patch: Patch, on connection: PostgresConnection) async throws -> APIKey? {
        try await connection.query("""
            WITH k AS (
                UPDATE api_keys SET
                    name = COALESCE(\(patch.name), name),
                    description = CASE WHEN \(patch.clearDescription) THEN NULL ELSE COALESCE(\(patch.description), description) END,
                    scopes = COALESCE(\(patch.scopes)::text[], scopes),
                    enabled = COALESCE(\(patch.enabled)::boolean, enabled),
                    updated_at = now()
                WHERE workspace_id = \(workspaceID) AND id = \(id)
                RETURNING *
            )
            SELECT \(unescaped: APIKey.columns) FROM k
            """, logger: logger).first(APIKey.init(row:))
    }

    public func revoke(workspaceID: UUID, id: UUID, by userID: UUID, on connection: PostgresConnection) async throws -> APIKey? {
        try await connection.query("""
            WITH k AS (
                UPDATE api_keys SET revoked_at = now(), revoked_by = \(userID), updated_at = now()
                WHERE workspace_id = \(workspaceID) AND id = \(id) AND revoked_at IS NULL
                RETURNING *
            )
            SELECT \(unescaped: APIKey.columns) FROM k
            """, logger: logger).first(APIKey.init(row:))
    }

    public func delete(workspaceID: UUID, id: UUID, on connection: PostgresConnection) async throws -> Bool {
        try await connection.query("""
            DELETE FROM api_keys WHERE workspace_id = \(workspaceID) AND id = \(id) RETURNING id
            """, logger: logger).first { try $0.decode(UUID.self) } != nil
    }
}

// MARK: Authentication (`APIKeyAuthenticator`)

extension APIKeyRepository {
    /// A key found by its digest, with what authentication checks.
    struct AuthenticationCandidate: Sendable {
        var id: UUID
        var workspaceID: UUID
        var name: String
        var scopes: [String]
        var keyHash: Data
        var enabled: Bool
        var revoked: Bool
        var expired: Bool
        var workspaceActive: Bool
        /// `last_used_at` is older than a minute (or unset): worth writing again.
        var lastUsedStale: Bool
        /// The workspace's enabled modules, in catalog order.
        var modules: [String]
    }

    func authenticationCandidate(keyHash hash: Data) async throws -> AuthenticationCandidate? {
        try await database.query("""
            SELECT k.id, k.workspace_id, k.name, k.scopes, k.key_hash, k.enabled, k.revoked_at IS NOT NULL,
                   COALESCE(k.expires_at <= now(), false), w.status = 'active',
                   k.last_used_at IS NULL OR k.last_used_at < now() - interval '1 minute',
                   ARRAY(SELECT ms.module FROM module_settings ms JOIN modules mo ON mo.name = ms.module
                         WHERE ms.workspace_id = k.workspace_id AND ms.enabled ORDER BY mo.sort_order)
            FROM api_keys k JOIN workspaces w ON w.id = k.workspace_id
            WHERE k.key_hash = \(hash)
            """).first { row in
            let (id, workspaceID, name, scopes, storedHash, enabled, revoked, expired, workspaceActive, stale, modules) =
                try row.decode((UUID, UUID, String, [String], Data, Bool, Bool, Bool, Bool, Bool, [String]).self)
            return AuthenticationCandidate(id: id, workspaceID: workspaceID, name: name, scopes: scopes, keyHash: storedHash,
                                           enabled: enabled, revoked: revoked, expired: expired, workspaceActive: workspaceActive,
                                           lastUsedStale: stale, modules: modules)
        }
    }

    func touchLastUsed(workspaceID: UUID, id: UUID) async throws {
        try await database.query("UPDATE api_keys SET last_used_at = now() WHERE workspace_id = \(workspaceID) AND id = \(id)")
    }
}

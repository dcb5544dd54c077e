import Foundation
import KisumPersistence
import Logging
import PostgresNIO

/// The reads and the lock behind `APIKeyExpiryNotices`.
struct APIKeyExpiryRepository: Sendable {
    let logger: Logger

    struct ExpiringKey: Sendable {
        var id: UUID
        var workspaceID: UUID
        var name: String
        var prefix: String
        var createdBy: UUID
        var expiresAt: Date
    }

    /// One pass at a time across replicas: the others skip theirs (the next pass comes soon enough).
    func tryLock(on connection: PostgresConnection) async throws -> Bool {
        try await connection.query("SELECT pg_try_advisory_xact_lock(hashtext('kisum.api_key_expiry_notices'))", logger: logger)
            .first { try $0.decode(Bool.self) } ?? false
    }

    /// Usable keys (enabled, not revoked, not yet expired) that expire within `window`, whose creator is still known.
    func expiring(within window: TimeInterval, limit: Int, on connection: PostgresConnection) async throws -> [ExpiringKey] {
        let horizon = Date().addingTimeInterval(window)
        return try await connection.query("""
            SELECT id, workspace_id, name, prefix, created_by, expires_at FROM api_keys
            WHERE revoked_at IS NULL AND enabled AND created_by IS NOT NULL
              AND expires_at > now() AND expires_at <= \(horizon)
            ORDER BY expires_at, id
            LIMIT \(limit)
            """, logger: logger).collect { row in
            let (id, workspace, name, prefix, creator, expires) = try row.decode((UUID, UUID, String, String, UUID, Date).self)
            return ExpiringKey(id: id, workspaceID: workspace, name: name, prefix: prefix, createdBy: creator, expiresAt: expires)
        }
    }
}

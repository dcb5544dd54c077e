import Foundation
import KisumKernel
import KisumPersistence
import Logging
import PostgresNIO

/// The `sessions` and `refresh_tokens` statements of `TokenService`. Functions taking a
/// `PostgresConnection` run inside the caller's transaction; the others use the pool.
struct SessionRepository: Sendable {
    let database: Database
    var logger: Logger { database.logger }

    /// A refresh token with its session and user, as `lockRefreshToken` reads it.
    struct RefreshTokenState: Sendable {
        var tokenID: UUID
        var sessionID: UUID
        var tokenExpired: Bool
        var used: Bool
        /// Spent less than the grace window ago.
        var usedWithinGrace: Bool
        var usedFingerprint: Data?
        var userID: UUID
        var sessionRevoked: Bool
        var sessionExpired: Bool
        var email: String
        var userStatus: String
    }

    func insertSession(userID: UUID, actor: String?, client: ClientInfo, lifetime: TimeInterval, on connection: PostgresConnection)
        async throws -> UUID
    {
        try await connection.query("""
            INSERT INTO sessions (user_id, actor, ip, user_agent, expires_at)
            VALUES (\(userID), \(actor), \(client.ip), \(client.userAgent), now() + make_interval(secs => \(lifetime)))
            RETURNING id
            """, logger: logger).first { try $0.decode(UUID.self) }!
    }

    /// Stores a refresh token (its SHA-256) of the session, expiring after `ttl`; returns its id.
    @discardableResult
    func insertRefreshToken(sessionID: UUID, tokenHash: Data, ttl: TimeInterval, on connection: PostgresConnection) async throws -> UUID {
        try await connection.query("""
            INSERT INTO refresh_tokens (session_id, token_hash, expires_at)
            VALUES (\(sessionID), \(tokenHash), now() + make_interval(secs => \(ttl)))
            RETURNING id
            """, logger: logger).first { try $0.decode(UUID.self) }!
    }

    /// Not revoked and not expired; unknown sessions are not active.
    func isSessionActive(_ sessionID: UUID) async throws -> Bool {
        try await database.query("""
            SELECT 1 FROM sessions WHERE id = \(sessionID) AND revoked_at IS NULL AND expires_at > now()
            """).first { _ in true } ?? false
    }

    func revokeSession(_ sessionID: UUID, userID: UUID, reason: String) async throws {
        try await database.query("""
            UPDATE sessions SET revoked_at = now(), revoked_reason = \(reason)
            WHERE id = \(sessionID) AND user_id = \(userID) AND revoked_at IS NULL
            """)
    }

    /// Revokes the session whatever its state (refresh of a disabled user, refresh-token reuse).
    func revokeSession(_ sessionID: UUID, reason: String, on connection: PostgresConnection) async throws {
        try await connection.query("""
            UPDATE sessions SET revoked_at = now(), revoked_reason = \(reason) WHERE id = \(sessionID)
            """, logger: logger)
    }

    /// Revokes every live session of the user except `keep`; returns how many.
    func revokeSessions(userID: UUID, except keep: UUID?, reason: String, on connection: PostgresConnection) async throws -> Int {
        try await connection.query("""
            UPDATE sessions SET revoked_at = now(), revoked_reason = \(reason)
            WHERE user_id = \(userID) AND revoked_at IS NULL AND (\(keep)::uuid IS NULL OR id <> \(keep))
            RETURNING id
            """, logger: logger).collect { _ in 1 }.count
    }

    /// Finds the refresh token by hash and locks it and its session for the rotation.
    func lockRefreshToken(hash: Data, grace: TimeInterval, on connection: PostgresConnection) async throws -> RefreshTokenState? {
        try await connection.query("""
            SELECT rt.id, rt.session_id, rt.expires_at <= now(), rt.used_at IS NOT NULL,
                   COALESCE(rt.used_at > now() - make_interval(secs => \(grace)), false), rt.used_fingerprint,
                   s.user_id, s.revoked_at IS NOT NULL, s.expires_at <= now(), u.email, u.status
            FROM refresh_tokens rt
            JOIN sessions s ON s.id = rt.session_id
            JOIN users u ON u.id = s.user_id
            WHERE rt.token_hash = \(hash)
            FOR UPDATE OF rt, s
            """, logger: logger).first { row in
            let (tokenID, sessionID, tokenExpired, used, withinGrace, usedBy, userID, sessionRevoked, sessionExpired, email, status) =
                try row.decode((UUID, UUID, Bool, Bool, Bool, Data?, UUID, Bool, Bool, String, String).self)
            return RefreshTokenState(tokenID: tokenID, sessionID: sessionID, tokenExpired: tokenExpired, used: used,
                                     usedWithinGrace: withinGrace, usedFingerprint: usedBy, userID: userID,
                                     sessionRevoked: sessionRevoked, sessionExpired: sessionExpired, email: email, userStatus: status)
        }
    }

    func recordRefreshTokenReuse(userID: UUID, sessionID: UUID, ip: String?, on connection: PostgresConnection) async throws {
        try await connection.query("""
            INSERT INTO security_events (user_id, kind, ip, detail)
            VALUES (\(userID), 'refresh_token_reuse', \(ip), jsonb_build_object('session_id', \(sessionID.uuidString.lowercased())))
            """, logger: logger)
    }

    /// Spends the token: who spent it (for the grace window) and which token replaced it.
    func markRefreshTokenUsed(_ tokenID: UUID, fingerprint: Data, replacedBy nextID: UUID, on connection: PostgresConnection) async throws {
        try await connection.query("""
            UPDATE refresh_tokens SET used_at = now(), used_fingerprint = \(fingerprint), replaced_by = \(nextID)
            WHERE id = \(tokenID)
            """, logger: logger)
    }

    /// Sliding expiry: an active family lives on; an idle one ends after the refresh TTL.
    func extendSession(_ sessionID: UUID, ttl: TimeInterval, on connection: PostgresConnection) async throws {
        try await connection.query("""
            UPDATE sessions SET last_used_at = now(), expires_at = now() + make_interval(secs => \(ttl)) WHERE id = \(sessionID)
            """, logger: logger)
    }
}

import Foundation
import HTTPTypes
import KisumKernel
import KisumPersistence
import Logging
import PostgresNIO

/// Kinds of `single_use_tokens`.
public enum SingleUseTokenKind: String, Sendable {
    case activation
    case passwordReset = "password_reset"
    case invitation
    case impersonation
}

/// A stored single-use token (never the secret itself).
public struct SingleUseTokenRecord: Sendable {
    public var id: UUID
    public var kind: String
    public var userID: UUID?
    public var workspaceID: UUID?
    public var email: String?
    public var createdBy: UUID?
    public var actor: String?
    public var expiresAt: Date
}

/// Activation, password-reset, invitation and impersonation tokens: random, stored as SHA-256,
/// expiring, single-use. Issuing a token can revoke the subject's earlier unused tokens of the same
/// kind, so only the newest link works.
public struct SingleUseTokenRepository: Sendable {
    let database: Database
    var logger: Logger { database.logger }

    public init(database: Database) {
        self.database = database
    }

    /// Creates a token and returns its id and the secret (to put in a link; it is not stored).
    public func issue(
        _ kind: SingleUseTokenKind, userID: UUID?, workspaceID: UUID? = nil, email: String? = nil, createdBy: UUID? = nil,
        actor: String? = nil, ttl: TimeInterval, revokePrevious: Bool = true, on connection: PostgresConnection
    ) async throws -> (id: UUID, token: String) {
        if revokePrevious, let userID {
            try await connection.query("""
                UPDATE single_use_tokens SET revoked_at = now()
                WHERE user_id = \(userID) AND kind = \(kind.rawValue) AND used_at IS NULL AND revoked_at IS NULL
                  AND (\(workspaceID)::uuid IS NULL OR workspace_id = \(workspaceID))
                """, logger: logger)
        }
        let token = OpaqueToken.generate()
        let id = try await connection.query("""
            INSERT INTO single_use_tokens (kind, token_hash, user_id, workspace_id, email, created_by, actor, expires_at)
            VALUES (\(kind.rawValue), \(OpaqueToken.hash(token)), \(userID), \(workspaceID), \(email), \(createdBy), \(actor),
                    now() + make_interval(secs => \(ttl)))
            RETURNING id
            """, logger: logger).first { try $0.decode(UUID.self) }!
        return (id, token)
    }

    /// Validates without spending (the "is this link still good" GETs).
    public func peek(_ kind: SingleUseTokenKind, token: String) async throws -> SingleUseTokenRecord {
        try await database.transaction { connection in
            try await find(kind, token: token, forUpdate: false, on: connection)
        }
    }

    /// Validates and spends the token inside the caller's transaction (row-locked, so two concurrent
    /// uses cannot both succeed).
    public func consume(_ kind: SingleUseTokenKind, token: String, on connection: PostgresConnection) async throws -> SingleUseTokenRecord {
        let record = try await find(kind, token: token, forUpdate: true, on: connection)
        try await connection.query("UPDATE single_use_tokens SET used_at = now() WHERE id = \(record.id)", logger: logger)
        return record
    }

    private func find(_ kind: SingleUseTokenKind, token: String, forUpdate: Bool, on connection: PostgresConnection) async throws
        -> SingleUseTokenRecord
    {
        guard OpaqueToken.looksValid(token) else { throw Self.invalid }
        let lock = forUpdate ? "FOR UPDATE" : ""
        let row = try await connection.query("""
            SELECT id, kind, user_id, workspace_id, email, created_by, actor, expires_at,
                   used_at IS NOT NULL, revoked_at IS NOT NULL, expires_at <= now()
            FROM single_use_tokens WHERE token_hash = \(OpaqueToken.hash(token)) AND kind = \(kind.rawValue)
            \(unescaped: lock)
            """, logger: logger).first { row in
            try row.decode((UUID, String, UUID?, UUID?, String?, UUID?, String?, Date, Bool, Bool, Bool).self)
        }
        guard let (id, kindName, userID, workspaceID, email, createdBy, actor, expiresAt, used, revoked, expired) = row else {
            throw Self.invalid
        }
        if revoked { throw Self.invalid }
        if used { throw APIError(.unprocessableContent, code: "token_used", message: "This link was already used.") }
        if expired { throw APIError(.unprocessableContent, code: "token_expired", message: "This link has expired; ask for a new one.") }
        return SingleUseTokenRecord(id: id, kind: kindName, userID: userID, workspaceID: workspaceID, email: email,
                                    createdBy: createdBy, actor: actor, expiresAt: expiresAt)
    }

    /// 422, like `token_used` and `token_expired`: the request is well-formed, the link it names is not
    /// usable (unknown, superseded, cancelled) — a fact of stored data, not of the request's syntax.
    static let invalid = APIError(.unprocessableContent, code: "token_invalid", message: "This link is not valid.")
}

import Crypto
import Foundation
import Hummingbird
import KisumKernel
import KisumPersistence
import Logging
import PostgresNIO

/// Who is asking, for session records and the refresh grace window.
public struct ClientInfo: Sendable {
    public var ip: String?
    public var userAgent: String?

    public init(ip: String?, userAgent: String?) {
        self.ip = ip
        self.userAgent = userAgent
    }

    /// Ties a spent refresh token to the client that spent it.
    var fingerprint: Data {
        Data(SHA256.hash(data: Data("\(ip ?? "")\n\(userAgent ?? "")".utf8)))
    }
}

/// The tokens a sign-in returns.
public struct TokenPair: ResponseEncodable, Sendable {
    public var accessToken: String
    /// Nil for impersonation sessions, which cannot be refreshed.
    public var refreshToken: String?
    public var tokenType: String = "bearer"
    /// Seconds until the access token expires.
    public var expiresIn: Int
    public var sessionId: UUID
}

/// A session (refresh-token family) started inside a transaction; signing happens after commit.
struct StartedSession: Sendable {
    var sessionID: UUID
    var refreshToken: String?
}

/// Access tokens (ES256, short-lived) and refresh-token families (opaque, hashed, rotated on use).
public struct TokenService: Sendable {
    let database: Database
    let keys: KeyStore
    let issuer: String
    let audience: String
    let settings: PlatformCoreSettings
    var logger: Logger { database.logger }
    var sessions: SessionRepository { SessionRepository(database: database) }

    // MARK: Access tokens

    /// Signs an access token; `sid` lets Platform Core refuse tokens of revoked sessions.
    public func accessToken(userID: UUID, email: String?, sessionID: UUID?, actor: String? = nil) async throws -> String {
        let now = Date()
        let claims = AccessTokenClaims(
            iss: issuer, aud: audience, sub: userID.uuidString.lowercased(),
            exp: Int64(now.addingTimeInterval(settings.accessTokenTTL).timeIntervalSince1970),
            nbf: Int64(now.timeIntervalSince1970), iat: Int64(now.timeIntervalSince1970),
            jti: UUID().uuidString.lowercased(), typ: "access",
            sid: sessionID?.uuidString.lowercased(), email: email, act: actor)
        return try await keys.signingKey().sign(claims)
    }

    /// The pair for a session started with `startSession`.
    func pair(for session: StartedSession, userID: UUID, email: String?, actor: String? = nil) async throws -> TokenPair {
        TokenPair(
            accessToken: try await accessToken(userID: userID, email: email, sessionID: session.sessionID, actor: actor),
            refreshToken: session.refreshToken,
            expiresIn: Int(settings.accessTokenTTL),
            sessionId: session.sessionID)
    }

    // MARK: Sessions

    /// Starts a refresh-token family inside the caller's transaction. Impersonation sessions (`actor`)
    /// get no refresh token: they end when their access token does.
    func startSession(userID: UUID, client: ClientInfo, actor: String? = nil, on connection: PostgresConnection) async throws -> StartedSession {
        let lifetime = actor == nil ? settings.refreshTokenTTL : settings.accessTokenTTL
        let sessionID = try await sessions.insertSession(userID: userID, actor: actor, client: client, lifetime: lifetime, on: connection)
        guard actor == nil else { return StartedSession(sessionID: sessionID, refreshToken: nil) }
        let token = try await insertRefreshToken(sessionID: sessionID, on: connection)
        return StartedSession(sessionID: sessionID, refreshToken: token)
    }

    /// Starts a session in its own transaction and returns the signed pair.
    public func signIn(userID: UUID, email: String, client: ClientInfo) async throws -> TokenPair {
        let session = try await database.transaction { connection in
            try await startSession(userID: userID, client: client, on: connection)
        }
        return try await pair(for: session, userID: userID, email: email)
    }

    private func insertRefreshToken(sessionID: UUID, on connection: PostgresConnection) async throws -> String {
        let token = OpaqueToken.generate()
        try await sessions.insertRefreshToken(sessionID: sessionID, tokenHash: OpaqueToken.hash(token), ttl: settings.refreshTokenTTL,
                                              on: connection)
        return token
    }

    /// Whether a session may still be used (not revoked, not expired). Unknown sessions are not usable.
    func isSessionActive(_ sessionID: UUID) async throws -> Bool {
        try await sessions.isSessionActive(sessionID)
    }

    func revokeSession(_ sessionID: UUID, userID: UUID, reason: String) async throws {
        try await sessions.revokeSession(sessionID, userID: userID, reason: reason)
    }

    /// Revokes every live session of the user except `keep` (the caller's own, on a password change).
    @discardableResult
    func revokeSessions(userID: UUID, except keep: UUID?, reason: String, on connection: PostgresConnection) async throws -> Int {
        try await sessions.revokeSessions(userID: userID, except: keep, reason: reason, on: connection)
    }

    // MARK: Refresh

    enum RefreshOutcome: Sendable {
        case rotated(token: String, sessionID: UUID, userID: UUID, email: String)
        case invalid, expired, revoked, reused, inactiveUser
    }

    /// Spends a refresh token and returns the next pair. A spent token presented again revokes the whole
    /// family, except within the grace window from the same client (two tabs refreshing at once), which
    /// gets a sibling token. The revocation is committed before the 401 is returned.
    public func refresh(_ token: String, client: ClientInfo) async throws -> TokenPair {
        guard OpaqueToken.looksValid(token) else {
            throw APIError.unauthenticated("refresh_token_invalid", "The refresh token is not valid.")
        }
        let hash = OpaqueToken.hash(token)
        let grace = settings.refreshReuseGrace
        let ttl = settings.refreshTokenTTL
        let sessions = self.sessions
        let outcome = try await database.transaction { connection -> RefreshOutcome in
            guard let found = try await sessions.lockRefreshToken(hash: hash, grace: grace, on: connection) else { return .invalid }
            let (tokenID, sessionID, tokenExpired, used, withinGrace, usedBy, userID, sessionRevoked, sessionExpired, email, status) =
                (found.tokenID, found.sessionID, found.tokenExpired, found.used, found.usedWithinGrace, found.usedFingerprint,
                 found.userID, found.sessionRevoked, found.sessionExpired, found.email, found.userStatus)
            if sessionRevoked { return .revoked }
            if status != User.Status.active {
                try await sessions.revokeSession(sessionID, reason: "user_disabled", on: connection)
                return .inactiveUser
            }
            if used {
                let sameClient = usedBy.map { ConstantTime.equals($0.base64EncodedString(), client.fingerprint.base64EncodedString()) } ?? false
                guard withinGrace && sameClient && !sessionExpired else {
                    try await sessions.revokeSession(sessionID, reason: "refresh_token_reuse", on: connection)
                    try await sessions.recordRefreshTokenReuse(userID: userID, sessionID: sessionID, ip: client.ip, on: connection)
                    return .reused
                }
            } else if tokenExpired || sessionExpired {
                return .expired
            }
            let next = OpaqueToken.generate()
            let nextID = try await sessions.insertRefreshToken(sessionID: sessionID, tokenHash: OpaqueToken.hash(next), ttl: ttl,
                                                               on: connection)
            if !used {
                try await sessions.markRefreshTokenUsed(tokenID, fingerprint: client.fingerprint, replacedBy: nextID, on: connection)
            }
            // Sliding expiry: an active family lives on; an idle one ends after the refresh TTL.
            try await sessions.extendSession(sessionID, ttl: ttl, on: connection)
            return .rotated(token: next, sessionID: sessionID, userID: userID, email: email)
        }
        switch outcome {
        case .rotated(let next, let sessionID, let userID, let email):
            return try await pair(for: StartedSession(sessionID: sessionID, refreshToken: next), userID: userID, email: email)
        case .invalid:
            throw APIError.unauthenticated("refresh_token_invalid", "The refresh token is not valid.")
        case .expired:
            throw APIError.unauthenticated("refresh_token_expired", "The refresh token has expired; sign in again.")
        case .revoked:
            throw APIError.unauthenticated("session_revoked", "This session has ended; sign in again.")
        case .inactiveUser:
            throw APIError.unauthenticated("account_inactive", "This account cannot sign in.")
        case .reused:
            logger.warning("refresh token reuse detected; session revoked")
            throw APIError.unauthenticated("refresh_token_reused", "This refresh token was already used; the session has been ended.")
        }
    }
}

import Crypto
import Foundation

/// The caller an access token identifies.
public struct Identity: Sendable, Equatable {
    public var userID: UUID
    public var sessionID: UUID?
    public var email: String?
    public var tokenID: String
    /// The administrator acting as this user, when the token came from impersonation.
    public var actor: String?
    /// Set when the caller is a workspace API key (then `userID` is the key's id, not a person's).
    public var apiKeyID: UUID?

    public init(userID: UUID, sessionID: UUID? = nil, email: String? = nil, tokenID: String = "", actor: String? = nil,
                apiKeyID: UUID? = nil) {
        self.userID = userID
        self.sessionID = sessionID
        self.email = email
        self.tokenID = tokenID
        self.actor = actor
        self.apiKeyID = apiKeyID
    }
}

/// Where verification keys come from: Platform Core's JWKS over HTTP elsewhere, its key store in Platform Core.
public protocol VerificationKeySource: Sendable {
    /// The key for `kid`. Implementations may refresh on an unknown kid; nil means "no such key".
    func key(for kid: String) async throws -> VerificationKey?
}

/// An ES256 public key. swift-crypto 3 does not mark its key types Sendable; a public key is an
/// immutable value, so sharing it across tasks is safe.
public struct VerificationKey: @unchecked Sendable {
    public let key: P256.Signing.PublicKey

    public init(_ key: P256.Signing.PublicKey) { self.key = key }
}

/// Verifies ES256 access tokens: algorithm allow-list, known `kid`, signature, `exp`/`nbf` with a small
/// leeway, `iss`, `aud` and token type. Every failure is a 401 with its own code.
public struct AccessTokenVerifier: Sendable {
    public var keys: any VerificationKeySource
    public var issuer: String
    public var audience: String
    public var leeway: TimeInterval
    public var now: @Sendable () -> Date
    /// Tokens already verified (nil: verify every time). See `VerifiedTokenCache` for what a hit re-checks.
    public var cache: VerifiedTokenCache?

    public init(keys: any VerificationKeySource, issuer: String, audience: String, leeway: TimeInterval = 30,
                now: @escaping @Sendable () -> Date = Date.init,
                cache: VerifiedTokenCache? = VerifiedTokenCache(capacity: VerifiedTokenCache.defaultCapacity)) {
        self.keys = keys
        self.issuer = issuer
        self.audience = audience
        self.leeway = leeway
        self.now = now
        self.cache = cache
    }

    public func verify(_ token: String) async throws -> (identity: Identity, claims: AccessTokenClaims) {
        if let hit = cache?.entry(for: token) {
            try checkTimes(hit.claims)
            return (hit.identity, hit.claims)
        }
        let verified = try await verifyUncached(token)
        cache?.store(.init(identity: verified.identity, claims: verified.claims), for: token)
        return verified
    }

    /// `exp` and `nbf` with the leeway, against this verifier's clock; the checks a cached token still needs.
    func checkTimes(_ claims: AccessTokenClaims) throws {
        let now = self.now().timeIntervalSince1970
        guard Double(claims.exp) + leeway > now else {
            throw APIError.unauthenticated("token_expired", "The access token has expired.")
        }
        guard Double(claims.nbf) - leeway <= now else {
            throw APIError.unauthenticated("token_not_yet_valid", "The access token is not valid yet.")
        }
    }

    private func verifyUncached(_ token: String) async throws -> (identity: Identity, claims: AccessTokenClaims) {
        guard let parts = JWT.parse(token) else {
            throw APIError.unauthenticated("token_malformed", "The access token is malformed.")
        }
        guard parts.header.alg == "ES256" else {
            throw APIError.unauthenticated("token_algorithm_not_allowed", "The token's signing algorithm is not accepted.")
        }
        guard let kid = parts.header.kid, !kid.isEmpty else {
            throw APIError.unauthenticated("token_key_unknown", "The token names no signing key.")
        }
        guard let key = try await keys.key(for: kid) else {
            throw APIError.unauthenticated("token_key_unknown", "The token's signing key is not known.")
        }
        guard JWT.isValidSignature(parts, key: key.key) else {
            throw APIError.unauthenticated("token_signature_invalid", "The token's signature is invalid.")
        }
        guard let claims = try? JWT.decoder.decode(AccessTokenClaims.self, from: parts.payload) else {
            throw APIError.unauthenticated("token_malformed", "The token's claims are incomplete.")
        }
        try checkTimes(claims)
        guard claims.iss == issuer else {
            throw APIError.unauthenticated("token_issuer_invalid", "The token was not issued by Kisum.")
        }
        guard claims.aud.values.contains(audience) else {
            throw APIError.unauthenticated("token_audience_invalid", "The token is not meant for this service.")
        }
        guard claims.typ == "access" else {
            throw APIError.unauthenticated("token_type_invalid", "Only access tokens are accepted here.")
        }
        guard let userID = UUID(uuidString: claims.sub) else {
            throw APIError.unauthenticated("token_malformed", "The token's subject is not a user id.")
        }
        let identity = Identity(
            userID: userID,
            sessionID: claims.sid.flatMap(UUID.init(uuidString:)),
            email: claims.email,
            tokenID: claims.jti,
            actor: claims.act
        )
        return (identity, claims)
    }
}

/// A fixed set of keys (tests, and Platform Core's own store wraps its keys the same way).
public struct StaticKeySource: VerificationKeySource {
    public var keys: [String: VerificationKey]

    public init(_ keys: [String: P256.Signing.PublicKey]) { self.keys = keys.mapValues(VerificationKey.init) }

    public func key(for kid: String) async throws -> VerificationKey? { keys[kid] }
}

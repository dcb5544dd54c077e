import Crypto
import Foundation
import KisumKernel
import NIOConcurrencyHelpers

/// A signing key for tests, standing in for Platform Core's key store.
public struct TestKeys: Sendable {
    public let signingKey: SigningKey
    public var privateKey: P256.Signing.PrivateKey { signingKey.key }
    public var kid: String { signingKey.kid }
    public let issuer: String
    public let audience: String

    public init(kid: String = "test-key-1", issuer: String = "kisum-platform-core", audience: String = "kisum") {
        self.signingKey = SigningKey(key: P256.Signing.PrivateKey(), kid: kid)
        self.issuer = issuer
        self.audience = audience
    }

    public var jwks: JWKS { JWKS(keys: [JWK(publicKey: privateKey.publicKey, kid: kid)]) }

    public var keySource: StaticKeySource { StaticKeySource([kid: privateKey.publicKey]) }

    public var verifier: AccessTokenVerifier {
        AccessTokenVerifier(keys: keySource, issuer: issuer, audience: audience)
    }

    /// An access token for `userID`; override claims to build invalid tokens.
    public func token(
        userID: UUID,
        lifetime: TimeInterval = 900,
        notBefore: Date = Date(),
        issuer: String? = nil,
        audience: String? = nil,
        type: String = "access",
        email: String? = nil
    ) -> String {
        let now = Date()
        let claims = AccessTokenClaims(
            iss: issuer ?? self.issuer,
            aud: audience ?? self.audience,
            sub: userID.uuidString.lowercased(),
            exp: Int64(now.addingTimeInterval(lifetime).timeIntervalSince1970),
            nbf: Int64(notBefore.timeIntervalSince1970),
            iat: Int64(now.timeIntervalSince1970),
            jti: UUID().uuidString,
            typ: type,
            email: email
        )
        return try! signingKey.sign(claims)
    }
}

/// A test double for Platform Core's access answer: memberships set by the test, plus an outage switch.
public final class TestAccessResolver: EffectiveAccessResolver {
    private let state = NIOLockedValueBox<(grants: [String: EffectiveAccess], down: Bool, calls: Int)>(([:], false, 0))

    public init() {}

    public func grant(user: UUID, company: UUID, role: String = "admin", permissions: [String], modules: [String],
                      timezone: String? = nil, staff: Bool = false) {
        state.withLockedValue {
            $0.grants[Self.key(user, company)] = EffectiveAccess(userID: user, companyID: company, role: role,
                                                                 permissions: permissions, modules: modules, timezone: timezone,
                                                                 staff: staff)
        }
    }

    public func revoke(user: UUID, company: UUID) {
        _ = state.withLockedValue { $0.grants.removeValue(forKey: Self.key(user, company)) }
    }

    public func setDown(_ down: Bool) {
        state.withLockedValue { $0.down = down }
    }

    public var calls: Int { state.withLockedValue { $0.calls } }

    public func resolve(userID: UUID, companyID: UUID) async throws -> EffectiveAccess? {
        try state.withLockedValue {
            $0.calls += 1
            if $0.down { throw APIError.unavailable("access_unavailable", "Access for this company cannot be resolved right now.") }
            return $0.grants[Self.key(userID, companyID)]
        }
    }

    private static func key(_ user: UUID, _ company: UUID) -> String { "\(user)|\(company)" }
}

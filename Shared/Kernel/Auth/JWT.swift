import Crypto
import Foundation

/// The claims of a Kisum access token.
public struct AccessTokenClaims: Codable, Sendable, Equatable {
    public var iss: String
    public var aud: Audience
    /// The user id.
    public var sub: String
    public var exp: Int64
    public var nbf: Int64
    public var iat: Int64
    public var jti: String
    /// Token type; only `access` is accepted on API routes.
    public var typ: String
    /// Session (refresh-token family) id, so logout can revoke it.
    public var sid: String?
    public var email: String?
    /// Set when an administrator acts as this user.
    public var act: String?

    public init(iss: String, aud: String, sub: String, exp: Int64, nbf: Int64, iat: Int64, jti: String,
                typ: String = "access", sid: String? = nil, email: String? = nil, act: String? = nil) {
        self.iss = iss
        self.aud = Audience([aud])
        self.sub = sub
        self.exp = exp
        self.nbf = nbf
        self.iat = iat
        self.jti = jti
        self.typ = typ
        self.sid = sid
        self.email = email
        self.act = act
    }

    /// `aud` may be a string or an array of strings (RFC 7519 §4.1.3).
    public struct Audience: Codable, Sendable, Equatable {
        public var values: [String]

        public init(_ values: [String]) { self.values = values }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let single = try? container.decode(String.self) {
                values = [single]
            } else {
                values = try container.decode([String].self)
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            if values.count == 1 { try container.encode(values[0]) } else { try container.encode(values) }
        }
    }
}

public struct JWTHeader: Codable, Sendable {
    public var alg: String
    public var kid: String?
    public var typ: String?

    public init(alg: String, kid: String?, typ: String? = "JWT") {
        self.alg = alg
        self.kid = kid
        self.typ = typ
    }
}

/// An ES256 private key with its key id. swift-crypto 3 does not mark key types Sendable; the key
/// is never mutated after creation, so sharing it is safe.
public struct SigningKey: @unchecked Sendable {
    public let key: P256.Signing.PrivateKey
    public let kid: String

    public init(key: P256.Signing.PrivateKey, kid: String) {
        self.key = key
        self.kid = kid
    }

    public func sign(_ claims: some Encodable) throws -> String {
        try JWT.sign(claims, key: key, kid: kid)
    }

    public var jwk: JWK { JWK(publicKey: key.publicKey, kid: kid) }
}

/// ES256 compact JWS, on swift-crypto's P-256. Only ES256 exists here, so algorithm confusion
/// (`none`, HS256 keyed with the public key) has nothing to confuse.
public enum JWT {
    public static func sign(_ claims: some Encodable, key: P256.Signing.PrivateKey, kid: String) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let header = Base64URL.encode(try encoder.encode(JWTHeader(alg: "ES256", kid: kid)))
        let payload = Base64URL.encode(try encoder.encode(claims))
        let signingInput = "\(header).\(payload)"
        let signature = try key.signature(for: Data(signingInput.utf8))
        return "\(signingInput).\(Base64URL.encode(signature.rawRepresentation))"
    }

    public struct Parts: Sendable {
        public var header: JWTHeader
        public var payload: Data
        public var signingInput: Data
        public var signature: Data
    }

    /// Splits and decodes a compact token without verifying it. Works on the token's UTF-8 bytes: no
    /// Foundation string API sits on this path (it ran on every request before tokens were cached).
    public static func parse(_ token: String) -> Parts? {
        let bytes = Array(token.utf8)
        guard let firstDot = bytes.firstIndex(of: 0x2E),
              let secondDot = bytes[(firstDot + 1)...].firstIndex(of: 0x2E),
              !bytes[(secondDot + 1)...].contains(0x2E),
              let headerData = Base64URL.decodeBytes(bytes[..<firstDot]),
              let header = try? decoder.decode(JWTHeader.self, from: Data(headerData)),
              let payload = Base64URL.decodeBytes(bytes[(firstDot + 1)..<secondDot]),
              let signature = Base64URL.decodeBytes(bytes[(secondDot + 1)...])
        else { return nil }
        return Parts(header: header, payload: Data(payload), signingInput: Data(bytes[..<secondDot]), signature: Data(signature))
    }

    /// One decoder for headers and claims (a `JSONDecoder` is safe to share once configured).
    static let decoder = JSONDecoder()

    public static func isValidSignature(_ parts: Parts, key: P256.Signing.PublicKey) -> Bool {
        guard parts.signature.count == 64,
              let signature = try? P256.Signing.ECDSASignature(rawRepresentation: parts.signature)
        else { return false }
        return key.isValidSignature(signature, for: parts.signingInput)
    }
}

/// One key of a JSON Web Key Set (RFC 7517), EC P-256 only.
public struct JWK: Codable, Sendable, Equatable {
    public var kty: String
    public var crv: String?
    public var x: String?
    public var y: String?
    public var kid: String?
    public var alg: String?
    public var use: String?

    public init(publicKey: P256.Signing.PublicKey, kid: String) {
        let raw = publicKey.rawRepresentation
        self.kty = "EC"
        self.crv = "P-256"
        self.x = Base64URL.encode(raw.prefix(32))
        self.y = Base64URL.encode(raw.suffix(32))
        self.kid = kid
        self.alg = "ES256"
        self.use = "sig"
    }

    /// The P-256 key, or nil for any other kind of key (which is then ignored).
    public var p256PublicKey: P256.Signing.PublicKey? {
        guard kty == "EC", crv == "P-256", alg == nil || alg == "ES256", use == nil || use == "sig",
              let x = x.flatMap(Base64URL.decode), let y = y.flatMap(Base64URL.decode), x.count == 32, y.count == 32
        else { return nil }
        return try? P256.Signing.PublicKey(rawRepresentation: x + y)
    }
}

public struct JWKS: Codable, Sendable, Equatable {
    public var keys: [JWK]

    public init(keys: [JWK]) { self.keys = keys }
}

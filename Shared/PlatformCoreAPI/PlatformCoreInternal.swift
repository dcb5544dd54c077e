import Foundation
import KisumKernel

/// Platform Core's internal API, defined once: the routes other services call, the bodies they exchange
/// and the API-key format. Platform Core answers with these types and the clients in this target
/// (`PlatformAccessResolver`, `PlatformAPIKeyVerifier`) read them, so the two sides cannot drift.
public enum PlatformCoreInternal {
    /// `GET ?user_id=&company_id=` → `InternalAccessAnswer`.
    public static let accessPath = "/internal/access"
    /// `POST {"key": "kisum_sk_…"}` → `APIKeyAuthentication`, or 401 with an `api_key_*` code.
    public static let authenticateAPIKeyPath = "/internal/api-keys/authenticate"
}

/// The body of Platform Core's `GET /internal/access` (snake_case, like Platform Core's wire style).
public struct InternalAccessAnswer: Codable, Sendable {
    public var member: Bool
    public var access: EffectiveAccess?

    public init(member: Bool, access: EffectiveAccess?) {
        self.member = member
        self.access = access
    }
}

/// The body of `POST /internal/api-keys/authenticate`: what an accepted key may do.
public struct APIKeyAuthentication: Codable, Sendable, Equatable {
    public var keyId: UUID
    public var workspaceId: UUID
    public var name: String?
    public var scopes: [String]
    public var modules: [String]

    public init(keyId: UUID, workspaceId: UUID, name: String?, scopes: [String], modules: [String]) {
        self.keyId = keyId
        self.workspaceId = workspaceId
        self.name = name
        self.scopes = scopes
        self.modules = modules
    }

    enum CodingKeys: String, CodingKey {
        case keyId = "key_id", workspaceId = "workspace_id", name, scopes, modules
    }
}

/// Workspace API keys: `kisum_sk_` + 43 base64url characters. The typed prefix makes leaked keys
/// recognisable to secret scanners. The kernel needs none of this: it tells a key from an access token by
/// shape (a JWT has dots, a key none) and hands keys to an `APIKeyVerifier`.
public enum APIKeyFormat {
    public static let marker = "kisum_sk_"
    /// The role an API key acts with in `EffectiveAccess`.
    public static let role = "api_key"
}

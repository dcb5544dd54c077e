import Crypto
import Foundation
import KisumServiceClient
import NIOConcurrencyHelpers

/// Workspace API keys (`kisum_sk_…`, created through Platform Core's API Keys routes) let machine callers
/// use a company's tenant routes: the key is sent as the bearer token, with `x-org` naming the key's company.
/// The key's scopes are its permissions (`venue.*` style wildcards included) and the company's enabled
/// modules gate routes exactly as for people.
public protocol APIKeyVerifier: Sendable {
    /// The key's effective access: `userID` is the key's id, `companyID` its workspace, `role` `api_key`,
    /// `permissions` its scopes, `modules` the workspace's enabled modules. Unknown, revoked, disabled or
    /// expired keys throw 401; when that cannot be decided the answer is 503, never "allow".
    func authenticate(_ key: String) async throws -> EffectiveAccess
}

public enum APIKeyFormat {
    /// The typed prefix of every workspace API key (Platform Core's `APIKeySecret.marker`).
    public static let marker = "kisum_sk_"
    public static let role = "api_key"

    public static func isAPIKey(_ bearer: String) -> Bool {
        bearer.hasPrefix(marker)
    }
}

/// Asks Platform Core's `POST /internal/api-keys/authenticate` and caches accepted keys for a short TTL
/// (keyed by the key's SHA-256, so the cache holds no usable secret). A revoked or disabled key therefore
/// keeps working here for at most the TTL — the same bound as cached effective access. Refusals are not
/// cached: a key that starts working (re-enabled) does so at once.
public final class PlatformAPIKeyVerifier: APIKeyVerifier {
    private struct Entry { let access: EffectiveAccess; let expires: ContinuousClock.Instant }

    /// The body Platform Core answers (snake_case, like its wire style).
    struct Answer: Decodable {
        var keyId: UUID
        var workspaceId: UUID
        var scopes: [String]
        var modules: [String]

        enum CodingKeys: String, CodingKey {
            case keyId = "key_id", workspaceId = "workspace_id", scopes, modules
        }
    }

    private let client: ServiceClient
    private let ttl: Duration
    private let cache = NIOLockedValueBox<[Data: Entry]>([:])

    public init(client: ServiceClient, ttl: Duration = .seconds(30)) {
        self.client = client
        self.ttl = ttl
    }

    public func authenticate(_ key: String) async throws -> EffectiveAccess {
        let digest = Data(SHA256.hash(data: Data(key.utf8)))
        let now = ContinuousClock.now
        if let entry = cache.withLockedValue({ $0[digest] }), entry.expires > now {
            return entry.access
        }
        let response: OutboundResponse
        do {
            response = try await client.send("POST", "/internal/api-keys/authenticate",
                                             body: Array(try client.encoder.encode(["key": key])))
        } catch {
            throw Self.unavailable
        }
        switch response.status {
        case 200:
            guard let answer = try? client.decoder.decode(Answer.self, from: Data(response.body)) else { throw Self.unavailable }
            let access = EffectiveAccess(userID: answer.keyId, companyID: answer.workspaceId, role: APIKeyFormat.role,
                                         permissions: answer.scopes, modules: answer.modules)
            cache.withLockedValue { cache in
                if cache.count > 10_000 {
                    cache = cache.filter { $0.value.expires > now }
                }
                cache[digest] = Entry(access: access, expires: now + ttl)
            }
            return access
        case 401, 422:
            // Platform Core's reason (api_key_revoked, api_key_disabled, …) is kept so callers can tell why. A
            // 401 about anything else (our own internal key refused) is a misconfiguration here, not the
            // caller's fault: fail closed with 503.
            let code = (try? client.decoder.decode(ErrorBody.self, from: Data(response.body)))?.error.code ?? ""
            if code.hasPrefix("api_key_") { throw APIError.unauthenticated(code, "The API key is not valid.") }
            if response.status == 422 { throw APIError.unauthenticated("api_key_invalid", "The API key is not valid.") }
            throw Self.unavailable
        default:
            throw Self.unavailable
        }
    }

    private struct ErrorBody: Decodable {
        struct Detail: Decodable { var code: String }
        var error: Detail
    }

    static let unavailable = APIError.unavailable("api_key_unavailable", "The API key cannot be checked right now.")
}

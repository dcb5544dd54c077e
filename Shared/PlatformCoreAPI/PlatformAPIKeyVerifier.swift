import Crypto
import Foundation
import KisumKernel
import KisumServiceClient
import NIOConcurrencyHelpers

/// Asks Platform Core's `POST /internal/api-keys/authenticate` and caches accepted keys for a short TTL
/// (keyed by the key's SHA-256, so the cache holds no usable secret). A revoked or disabled key therefore
/// keeps working here for at most the TTL — the same bound as cached effective access. Refusals are not
/// cached: a key that starts working (re-enabled) does so at once. Like `PlatformAccessResolver`, an
/// accepted key is re-checked ahead, in the last quarter of its TTL, by one background call, so a busy
/// integration never waits on Platform Core; a refusal then drops the entry at once.
public final class PlatformAPIKeyVerifier: APIKeyVerifier {
    private struct Entry { let access: EffectiveAccess; let expires: ContinuousClock.Instant }

    private let client: ServiceClient
    private let ttl: Duration
    private let cache = NIOLockedValueBox<[Data: Entry]>([:])
    private let renewing = NIOLockedValueBox<Set<Data>>([])

    public init(client: ServiceClient, ttl: Duration = .seconds(30)) {
        self.client = client
        self.ttl = ttl
    }

    public func recognizes(_ bearer: String) -> Bool { bearer.hasPrefix(APIKeyFormat.marker) }

    public func authenticate(_ key: String) async throws -> EffectiveAccess {
        let digest = Data(SHA256.hash(data: Data(key.utf8)))
        let now = ContinuousClock.now
        if let entry = cache.withLockedValue({ $0[digest] }), entry.expires > now {
            if entry.expires - now < ttl / 4, renewing.withLockedValue({ $0.insert(digest).inserted }) {
                Task { [self] in
                    defer { _ = renewing.withLockedValue { $0.remove(digest) } }
                    _ = try? await check(key, digest: digest)
                }
            }
            return entry.access
        }
        return try await check(key, digest: digest)
    }

    /// One call to Platform Core: an accepted key is cached, a refused one is dropped from the cache.
    private func check(_ key: String, digest: Data) async throws -> EffectiveAccess {
        let response: OutboundResponse
        do {
            response = try await client.send("POST", PlatformCoreInternal.authenticateAPIKeyPath,
                                             body: Array(try client.encoder.encode(["key": key])))
        } catch {
            throw Self.unavailable
        }
        switch response.status {
        case 200:
            guard let answer = try? client.decoder.decode(APIKeyAuthentication.self, from: Data(response.body)) else { throw Self.unavailable }
            let access = EffectiveAccess(userID: answer.keyId, companyID: answer.workspaceId, role: APIKeyFormat.role,
                                         permissions: answer.scopes, modules: answer.modules)
            let now = ContinuousClock.now
            cache.withLockedValue { cache in
                if cache.count > 10_000 {
                    cache = cache.filter { $0.value.expires > now }
                }
                cache[digest] = Entry(access: access, expires: now + ttl)
            }
            return access
        case 401, 422:
            _ = cache.withLockedValue { $0.removeValue(forKey: digest) }
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

/// For routes meant for people (Platform Core's own): a workspace API key is refused with 401
/// `api_key_not_accepted` rather than failing as a malformed access token.
public struct APIKeysNotAccepted: APIKeyVerifier {
    public init() {}

    public func recognizes(_ bearer: String) -> Bool { bearer.hasPrefix(APIKeyFormat.marker) }

    public func authenticate(_ key: String) async throws -> EffectiveAccess {
        throw APIError.unauthenticated("api_key_not_accepted", "API keys are not accepted here; sign in for an access token.")
    }
}

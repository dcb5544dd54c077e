import Crypto
import Foundation
import KisumServiceClient

/// Platform Core's JWKS fetched over HTTP and cached. An unknown `kid` triggers one refresh (a key
/// rotation published since the last fetch), but refreshes are spaced by `minRefreshInterval` so
/// tokens with made-up kids cannot turn every request into a JWKS fetch.
public actor JWKSKeySource: VerificationKeySource {
    private let client: ServiceClient
    private let path: String
    private let minRefreshInterval: Duration
    private let maxAge: Duration
    private var keys: [String: VerificationKey] = [:]
    private var fetchedAt: ContinuousClock.Instant?
    private var inFlight: Task<[String: VerificationKey], any Error>?

    /// - Parameter url: full JWKS URL, e.g. `http://platform-core:8000/.well-known/jwks.json`.
    public init(url: String, transport: any HTTPTransport = CurlTransport.shared,
                minRefreshInterval: Duration = .seconds(10), maxAge: Duration = .seconds(600)) {
        let parsed = URL(string: url)
        let path = parsed?.path ?? "/.well-known/jwks.json"
        let base = url.hasSuffix(path) ? String(url.dropLast(path.count)) : url
        self.client = ServiceClient(name: "platform-core", baseURL: base, internalAPIKey: nil, transport: transport,
                                    timeout: .seconds(3))
        self.path = path
        self.minRefreshInterval = minRefreshInterval
        self.maxAge = maxAge
    }

    public func key(for kid: String) async throws -> VerificationKey? {
        let now = ContinuousClock.now
        let stale = fetchedAt.map { now - $0 > maxAge } ?? true
        if let key = keys[kid], !stale { return key }
        let mayRefresh = fetchedAt.map { now - $0 >= minRefreshInterval } ?? true
        if mayRefresh || stale {
            do {
                try await refresh()
            } catch {
                // A cached key still verifies while Platform Core is briefly away; with nothing cached, fail closed.
                if let key = keys[kid] { return key }
                if keys.isEmpty { throw APIError.unavailable("auth_unavailable", "Token keys cannot be loaded from Platform Core.") }
                return nil
            }
        }
        return keys[kid]
    }

    private func refresh() async throws {
        // Concurrent misses share one fetch.
        if let inFlight {
            keys = try await inFlight.value
            return
        }
        let client = self.client
        let path = self.path
        let task = Task { () throws -> [String: VerificationKey] in
            let jwks: JWKS = try await client.json("GET", path)
            var result: [String: VerificationKey] = [:]
            for jwk in jwks.keys {
                if let kid = jwk.kid, let key = jwk.p256PublicKey { result[kid] = VerificationKey(key) }
            }
            return result
        }
        inFlight = task
        defer { inFlight = nil }
        let fetched = try await task.value
        keys = fetched
        fetchedAt = ContinuousClock.now
    }
}

import Foundation
import Hummingbird
import HummingbirdTesting
import KisumKernel
import KisumServiceClient
import KisumTesting
import NIOConcurrencyHelpers
import PlatformCoreAPI
import Testing

/// Workspace API keys as bearer tokens on tenant routes: checked with Platform Core, scoped, bound to
/// their own company, refused where a service does not take them, and never "allowed" when unverifiable.
@Suite("API keys on tenant routes")
struct APIKeyAuthTests {
    let keys = TestKeys()
    let keyID = UUID()
    let company = UUID()
    let secret = "kisum_sk_" + String(repeating: "a", count: 43)

    func access(_ permissions: [String], modules: [String] = ["venue"]) -> EffectiveAccess {
        EffectiveAccess(userID: keyID, companyID: company, role: "api_key", permissions: permissions, modules: modules)
    }

    /// Calls `GET /api/things` (needs `venue.things.read` and module `venue`) with `bearer` and `org`.
    func call(_ apiKeys: (any APIKeyVerifier)?, bearer: String? = nil, org: UUID? = nil) async throws -> (Int, String?) {
        let app = KernelTestApp.make(verifier: keys.verifier, resolver: TestAccessResolver(), apiKeys: apiKeys)
        return try await app.test(.router) { client in
            let response = try await APITestClient(client, token: bearer ?? secret, org: org ?? company).get("/api/things")
            return (Int(response.status.code), response.errorCode ?? response.json["role"]?.stringValue)
        }
    }

    @Test func aScopedKeyOpensItsOwnCompanyAndTheAnswerIsCached() async throws {
        let core = FakePlatformCore()
        core.apiKey(secret, .success(access(["venue.*"])))
        try await withRunningApplication({ core.application(onRunning: $0) }) { port async throws in
            let verifier = core.apiKeyVerifier(port: port)
            #expect(try await call(verifier) == (200, "api_key"))
            #expect(try await call(verifier) == (200, "api_key"))
            #expect(core.calls.withLockedValue { $0 } == 1)
            // Another company's x-org: the key is no member there.
            #expect(try await call(verifier, org: UUID()) == (403, "not_a_member"))
        }
    }

    @Test func scopesAndModulesGateLikePermissions() async throws {
        let core = FakePlatformCore()
        let narrow = "kisum_sk_" + String(repeating: "b", count: 43)
        let noModule = "kisum_sk_" + String(repeating: "c", count: 43)
        core.apiKey(narrow, .success(access(["venue.other.read"])))
        core.apiKey(noModule, .success(access(["venue.things.read"], modules: ["finance"])))
        try await withRunningApplication({ core.application(onRunning: $0) }) { port async throws in
            let verifier = core.apiKeyVerifier(port: port)
            #expect(try await call(verifier, bearer: narrow) == (403, "permission_denied"))
            #expect(try await call(verifier, bearer: noModule) == (403, "module_disabled"))
        }
    }

    @Test func platformCoresRefusalIsPassedOnAndNotCached() async throws {
        let core = FakePlatformCore()
        core.apiKey(secret, .failure(APIError.unauthenticated("api_key_revoked", "")))
        try await withRunningApplication({ core.application(onRunning: $0) }) { port async throws in
            let verifier = core.apiKeyVerifier(port: port)
            #expect(try await call(verifier) == (401, "api_key_revoked"))
            #expect(try await call(verifier, bearer: "kisum_sk_unknown") == (401, "api_key_invalid"))
            core.apiKey(secret, .success(access(["venue.things.read"])))
            #expect(try await call(verifier) == (200, "api_key"))
        }
    }

    @Test func aKeyNearTheEndOfItsTTLIsRecheckedAheadAndARevocationDropsIt() async throws {
        let core = FakePlatformCore()
        core.apiKey(secret, .success(access(["venue.*"])))
        try await withRunningApplication({ core.application(onRunning: $0) }) { port async throws in
            let verifier = core.apiKeyVerifier(port: port, ttl: .seconds(4))
            #expect(try await call(verifier) == (200, "api_key"))
            core.apiKey(secret, .failure(APIError.unauthenticated("api_key_revoked", "")))
            // In the last quarter of the TTL the cached answer still serves, and one background check starts…
            try await Task.sleep(for: .milliseconds(3300))
            #expect(try await call(verifier) == (200, "api_key"))
            for _ in 0..<50 where core.calls.withLockedValue({ $0 }) < 2 { try await Task.sleep(for: .milliseconds(20)) }
            try await Task.sleep(for: .milliseconds(50))
            // …whose refusal removed the key before its TTL ran out.
            #expect(try await call(verifier) == (401, "api_key_revoked"))
            #expect(core.calls.withLockedValue { $0 } == 3)
        }
    }

    @Test func unverifiableKeysFailClosed() async throws {
        let down = PlatformAPIKeyVerifier(client: ServiceClient(name: "platform-core", baseURL: "http://127.0.0.1:1", internalAPIKey: "k",
                                                                timeout: .seconds(1), retry: .none))
        #expect(try await call(down) == (503, "api_key_unavailable"))
        // Platform Core refusing our own internal key is our misconfiguration, not the caller's bad key.
        let core = FakePlatformCore()
        core.apiKey(secret, .success(access(["venue.things.read"])))
        try await withRunningApplication({ core.application(onRunning: $0) }) { port async throws in
            #expect(try await call(core.apiKeyVerifier(port: port, internalKey: "wrong")) == (503, "api_key_unavailable"))
        }
    }

    @Test func routesThatDoNotTakeAPIKeysRefuseThem() async throws {
        #expect(try await call(APIKeysNotAccepted()) == (401, "api_key_not_accepted"))
        // Access tokens keep going through the resolver there (this one knows nobody).
        #expect(try await call(APIKeysNotAccepted(), bearer: keys.token(userID: UUID())) == (403, "not_a_member"))
    }
}

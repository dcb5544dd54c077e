import Foundation
import KisumKernel
import KisumRuntime
import KisumServiceClient
import KisumTesting
import PlatformCore
import PlatformCoreAPI
import Testing

/// Platform Core running live with one owner signed up: where every cross-service system test starts. The
/// verifier and resolver are the kernel pieces a business service builds from AUTH_JWKS_URL and PLATFORM_CORE_URL,
/// with no access cache, so every change made through Platform Core shows on the next request elsewhere.
struct LiveCore: Sendable {
    let url: String
    let verifier: AccessTokenVerifier
    let resolver: PlatformAccessResolver
    /// The owner's workspace (= company, the `x-org`) and access token.
    let workspace: UUID
    let token: String?
    /// A scratch directory for the business services' files, removed afterwards.
    let storage: String

    static func withSignedUpOwner(email: String, company: String, _ body: @Sendable (LiveCore) async throws -> Void) async throws {
        let platformRuntime = try await PlatformCoreService.testRuntime(settings: PlatformAndVenueTests.platformSettings())
        defer { try? FileManager.default.removeItem(atPath: platformRuntime.settings.storageDirectory) }
        let storage = FileManager.default.temporaryDirectory.appendingPathComponent("kisum-system-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: storage) }

        try await PlatformCoreService.withLive(platformRuntime) { corePort async throws in
            let core = "http://127.0.0.1:\(corePort)"
            let verifier = AccessTokenVerifier(keys: JWKSKeySource(url: "\(core)/.well-known/jwks.json"), issuer: "kisum-platform-core",
                                               audience: "kisum")
            let resolver = PlatformAccessResolver(client: ServiceClient(name: "platform-core", baseURL: core,
                                                                        internalAPIKey: TestDefaults.internalKeys[1],
                                                                        timeout: .seconds(15), retry: .none), ttl: .zero)
            let signup = try await Caller(baseURL: core).call("POST", "/api/v1/auth/signup", [
                "email": .string(email), "password": "owner password 1", "full_name": "Olga Owner", "company_name": .string(company),
            ])
            #expect(signup.status == 201)
            let workspace = try #require(signup.json["workspace"]?["id"]?.stringValue.flatMap(UUID.init(uuidString:)))
            try await body(LiveCore(url: core, verifier: verifier, resolver: resolver, workspace: workspace,
                                    token: signup.json["access_token"]?.stringValue, storage: storage))
        }
    }
}

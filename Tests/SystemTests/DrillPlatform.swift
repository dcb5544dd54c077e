import Foundation
import KisumKernel
import KisumTesting
import Testing

/// Platform Core and Venue as real processes (the built executables) on a PostgreSQL cluster of their own, with one
/// owner signed up and a venue created: what the failure drills stop, restart, signal and load.
struct DrillPlatform: Sendable {
    let postgres: PrivatePostgres
    let core: ServiceProcess
    let venue: ServiceProcess
    let coreKey = "drill-platform-core-key-000000000001"
    /// The owner's access token and workspace (`x-org`).
    let token: String
    let workspace: String

    static var available: Bool { ServiceProcess.isBuilt("platform-core") && ServiceProcess.isBuilt("venue") }

    /// Everything stopped and deleted afterwards, whatever `body` does.
    static func with(accessCacheSeconds: Int = 60, _ body: (DrillPlatform) async throws -> Void) async throws {
        let postgres = try PrivatePostgres.start(databases: ["kisum_platform", "kisum_venue"])
        defer { postgres.remove() }
        let coreKey = "drill-platform-core-key-000000000001"
        let core = try await ServiceProcess.start("platform-core", environment: [
            "DATABASE_URL": postgres.url(database: "kisum_platform"), "INTERNAL_API_KEYS": coreKey, "AUTO_MIGRATE": "true",
            "SIGNING_KEY_ENCRYPTION_KEY": Data(repeating: 7, count: 32).base64EncodedString(), "DATABASE_POOL_SIZE": "4",
            "PASSWORD_HASH_THREADS": "1", "STORAGE_DIR": FileManager.default.temporaryDirectory.path + "/kisum-drill-storage",
        ])
        defer { core.remove() }
        let venue = try await ServiceProcess.start("venue", environment: [
            "DATABASE_URL": postgres.url(database: "kisum_venue"), "INTERNAL_API_KEYS": "drill-venue-key-0000000000000000001",
            "AUTO_MIGRATE": "true", "DATABASE_POOL_SIZE": "4", "AUTH_JWKS_URL": "\(core.baseURL)/.well-known/jwks.json",
            "PLATFORM_CORE_URL": core.baseURL, "PLATFORM_CORE_API_KEY": coreKey, "ACCESS_CACHE_TTL_SECONDS": "\(accessCacheSeconds)",
            "STORAGE_DIR": FileManager.default.temporaryDirectory.path,
        ])
        defer { venue.remove() }
        let (token, workspace) = try await signUp(core: core, email: "owner@drill.example", company: "Drill Hall")
        let platform = DrillPlatform(postgres: postgres, core: core, venue: venue, token: token, workspace: workspace)
        #expect(try await platform.venueCall("POST", "/api/v1/venues", body: #"{"name":"Paradiso","city":"Amsterdam"}"#).status == 201)
        try await body(platform)
    }

    /// A new owner and workspace through Platform Core's sign-up: (access token, workspace id).
    static func signUp(core: ServiceProcess, email: String, company: String) async throws -> (String, String) {
        let body = #"{"email":"\#(email)","password":"owner password 1","full_name":"Olga Owner","company_name":"\#(company)"}"#
        let answer = await RawHTTP.send(port: core.port, "POST", "/api/v1/auth/signup", headers: ["Content-Type": "application/json"],
                                        body: body, timeout: 60)
        guard case .answered(let response) = answer, response.status == 201 else { throw TestSetupError("sign-up failed: \(answer)") }
        let json = try JSONCoding.decoder.decode(JSONValue.self, from: Data(response.body.utf8))
        return (try #require(json["access_token"]?.stringValue), try #require(json["workspace"]?["id"]?.stringValue))
    }

    /// One request to Venue as the owner (or as `token`/`workspace`), with how long it took.
    func venueCall(_ method: String, _ path: String, body: String? = nil, token: String? = nil, workspace: String? = nil,
                   timeout: Double = 30) async throws -> (outcome: RawHTTP.Outcome, status: Int?, elapsed: Duration) {
        var headers = ["Authorization": "Bearer \(token ?? self.token)", "x-org": workspace ?? self.workspace]
        if body != nil { headers["Content-Type"] = "application/json" }
        let started = ContinuousClock.now
        let outcome = await RawHTTP.send(port: venue.port, method, path, headers: headers, body: body, timeout: timeout)
        return (outcome, outcome.status, started.duration(to: .now))
    }

    /// A bare GET (health routes), with how long it took.
    static func get(_ service: ServiceProcess, _ path: String) async -> (status: Int?, elapsed: Duration) {
        let started = ContinuousClock.now
        let outcome = await RawHTTP.send(port: service.port, "GET", path, timeout: 30)
        return (outcome.status, started.duration(to: .now))
    }
}

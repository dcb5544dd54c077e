import Foundation
import Hummingbird
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumServiceClient
import KisumTesting
import PlatformCore
import PlatformCoreAPI
import PostgresNIO
import Testing

/// Another service, assembled from the kernel exactly as services do (JWKS key source + Platform Core's
/// internal access route), against a live Platform Core: its tokens verify through the JWKS and the
/// effective access it resolves gates the routes.
@Suite("Cross-service: tokens and effective access through Platform Core")
struct CrossServiceAccessTests {
    struct Echo: ResponseEncodable {
        var role: String?
    }

    /// The kernel pieces another service builds from AUTH_JWKS_URL and PLATFORM_CORE_URL.
    static func clients(platformPort: Int) -> (AccessTokenVerifier, PlatformAccessResolver) {
        let base = "http://127.0.0.1:\(platformPort)"
        let verifier = AccessTokenVerifier(keys: JWKSKeySource(url: "\(base)/.well-known/jwks.json"), issuer: "kisum-platform-core", audience: "kisum")
        let resolver = PlatformAccessResolver(
            client: ServiceClient(name: "platform-core", baseURL: base, internalAPIKey: TestDefaults.internalKeys[1], timeout: .seconds(15),
                                  retry: .none),
            ttl: .seconds(30))
        return (verifier, resolver)
    }

    /// A venue-like route group gated by module `venue` and the venue permissions.
    static func otherService(verifier: AccessTokenVerifier, resolver: PlatformAccessResolver) -> some ApplicationProtocol {
        let router = Router<ServiceRequestContext>.kisum()
        let group = router.group("/api/v1/venues")
            .add(middleware: AuthMiddleware<ServiceRequestContext>(verifier: verifier))
            .add(middleware: TenantMiddleware<ServiceRequestContext>())
            .add(middleware: AccessMiddleware<ServiceRequestContext>(resolver: resolver, module: "venue"))
        group.get { _, context in
            _ = try context.tenant(permission: "venue.venues.read")
            return Echo(role: context.kisum.access?.role)
        }
        group.post { _, context in
            _ = try context.tenant(permission: "venue.venues.write")
            return Echo(role: context.kisum.access?.role)
        }
        return Application(router: router)
    }

    @Test func platformCoreTokensAndAccessGateAnotherService() async throws {
        let h = try await Harness.make()
        let owner = try await h.user()
        let viewer = try await h.user()
        let outsider = try await h.user()
        let lateComer = try await h.user()
        let workspace = try await h.workspace(owner: owner)
        let noVenue = try await h.workspace(owner: owner)
        try await h.addMember(viewer, to: workspace, role: "viewer")
        try await h.addMember(lateComer, to: workspace, role: "member")
        try await h.core.database.query("UPDATE module_settings SET enabled = false WHERE workspace_id = \(noVenue.id) AND module = 'venue'")
        let ownerToken = try await h.token(for: owner)
        let (verifier, resolver) = try await withRunningApplication({ onRunning in try await h.application(onRunning: onRunning) }) {
            port async throws in
            let (verifier, resolver) = Self.clients(platformPort: port)
            // A token from Platform Core's own login, as a browser would hold it.
            // Login hashes with Argon2id; on a loaded CI machine (tests run in parallel) that can take a while,
            // and this test is about tokens, not speed.
            let loginToken = try await ServiceClient(name: "platform-core", baseURL: "http://127.0.0.1:\(port)", internalAPIKey: nil,
                                                     timeout: .seconds(60))
                .json("POST", "/api/v1/auth/login", body: ["email": owner.email, "password": Harness.password], as: JSONValue.self)["access_token"]!.string!
            let app = Self.otherService(verifier: verifier, resolver: resolver)
            let viewerToken = try await h.token(for: viewer)
            try await app.test(.router) { client in
                let api = APITestClient(client, org: workspace.id)
                let asOwner = try await api.with(token: loginToken).get("/api/v1/venues")
                #expect(asOwner.status == .ok)
                #expect(asOwner.json["role"] == "owner")
                // Member with the permission → 200; without it → 403.
                #expect(try await api.with(token: viewerToken).get("/api/v1/venues").status == .ok)
                let write = try await api.with(token: viewerToken).post("/api/v1/venues")
                #expect(write.status == .forbidden)
                #expect(write.errorCode == "permission_denied")
                // Not a member → 403.
                let outside = try await api.with(token: try await h.token(for: outsider)).get("/api/v1/venues")
                #expect(outside.status == .forbidden)
                #expect(outside.errorCode == "not_a_member")
                // Module switched off for that company → 403 module_disabled.
                let disabled = try await api.with(token: ownerToken).with(org: noVenue.id).get("/api/v1/venues")
                #expect(disabled.errorCode == "module_disabled")
                // A token signed elsewhere is refused.
                #expect(try await api.with(token: TestKeys().token(userID: owner.id)).get("/api/v1/venues").status == .unauthorized)
            }
            return (verifier, resolver)
        }
        // Platform Core is stopped: what was cached still answers; anything not cached is 503, never "allow".
        let lateToken = try await h.token(for: lateComer)
        try await Self.otherService(verifier: verifier, resolver: resolver).test(.router) { client in
            let api = APITestClient(client, org: workspace.id)
            let unresolved = try await api.with(token: lateToken).get("/api/v1/venues")
            #expect(unresolved.status == .serviceUnavailable)
            #expect(unresolved.errorCode == "access_unavailable")
            #expect(try await api.with(token: ownerToken).get("/api/v1/venues").status == .ok)
        }
    }
}

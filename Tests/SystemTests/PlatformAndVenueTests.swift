import Foundation
import KisumKernel
import KisumPersistence
import KisumRuntime
import KisumServiceClient
import KisumTesting
import PlatformCore
import PlatformCoreAPI
import PostgresNIO
import Testing
import Venue

/// Platform Core and Venue as two live servers talking HTTP, wired the way `serve` wires them
/// (AUTH_JWKS_URL and PLATFORM_CORE_URL): a workspace signed up and administered through Platform Core's
/// routes decides, request by request, what its people (and its API keys) may do in Venue.
@Suite("System: Platform Core administers access to Venue", .timeLimit(.minutes(10)))
struct PlatformAndVenueTests {
    @Test func signUpInviteGrantDisableRemoveThenPlatformCoreDown() async throws {
        let platformRuntime = try await PlatformCoreService.testRuntime(settings: Self.platformSettings())
        defer { try? FileManager.default.removeItem(atPath: platformRuntime.settings.storageDirectory) }
        let storage = FileManager.default.temporaryDirectory.appendingPathComponent("kisum-system-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: storage) }

        let (verifier, resolver, lateToken) = try await PlatformCoreService.withLive(platformRuntime) { port async throws in
            let base = "http://127.0.0.1:\(port)"
            let platform = Caller(baseURL: base)
            // The kernel pieces Venue builds from AUTH_JWKS_URL and PLATFORM_CORE_URL; no access cache, so every
            // change made through Platform Core shows on Venue's next request.
            let verifier = AccessTokenVerifier(keys: JWKSKeySource(url: "\(base)/.well-known/jwks.json"),
                                               issuer: "kisum-platform-core", audience: "kisum")
            let toPlatformCore = ServiceClient(name: "platform-core", baseURL: base, internalAPIKey: TestDefaults.internalKeys[1],
                                               timeout: .seconds(15), retry: .none)
            let resolver = PlatformAccessResolver(client: toPlatformCore, ttl: .zero)
            let venueRuntime = try await VenueService.testRuntime(settings: VenueSettings(storageDirectory: storage),
                                                                  accessResolver: resolver, verifier: verifier,
                                                                  apiKeyVerifier: PlatformAPIKeyVerifier(client: toPlatformCore, ttl: .zero))

            // An owner signs up: account, workspace (= company) and tokens.
            let signup = try await platform.call("POST", "/api/v1/auth/signup", [
                "email": "owner@paradiso.example", "password": "owner password 1", "full_name": "Olga Owner", "company_name": "Paradiso",
            ])
            #expect(signup.status == 201)
            let workspaceID = try #require(signup.json["workspace"]?["id"]?.stringValue.flatMap(UUID.init(uuidString:)))
            let owner = platform.with(token: signup.json["access_token"]?.stringValue, org: workspaceID)

            try await VenueService.withLive(venueRuntime) { venuePort async throws in
                let venue = Caller(baseURL: "http://127.0.0.1:\(venuePort)")
                let asOwner = venue.with(token: owner.token, org: workspaceID)
                #expect(try await asOwner.call("POST", "/api/v1/venues", ["name": "Paradiso", "city": "Amsterdam"]).status == 201)

                // The owner invites a newcomer as viewer with an invite link (e-mail invitations are for registered
                // users); Bob accepts it, choosing his password, and is signed in.
                let invited = try await owner.call("POST", "/api/v1/workspaces/\(workspaceID)/invite-link",
                                                   ["email": "bob@paradiso.example", "role": "viewer"])
                #expect(invited.status == 200)
                let link = try #require(invited.json["invite_url"]?.stringValue)
                let token = try #require(URLComponents(string: link)?.queryItems?.first { $0.name == "token" }?.value)
                let accepted = try await platform.call("POST", "/api/v1/workspaces/invitations/accept",
                                                       ["token": .string(token), "password": "bob password 12"])
                #expect(accepted.status == 200)
                let asBob = venue.with(token: accepted.json["access_token"]?.stringValue, org: workspaceID)

                // A viewer reads but does not write, until the owner grants the permission through Platform Core.
                #expect(try await asBob.call("GET", "/api/v1/venues").json["total"]?.int == 1)
                #expect(try await asBob.call("POST", "/api/v1/venues", ["name": "Bitterzoet"]).errorCode == "permission_denied")
                #expect(try await owner.call("PATCH", "/api/v1/permissions/roles/viewer",
                                             ["permission": "venue.venues.write", "granted": true]).status == 200)
                #expect(try await asBob.call("POST", "/api/v1/venues", ["name": "Bitterzoet"]).status == 201)

                // The module switched off for the workspace closes Venue for everyone in it, owner included.
                #expect(try await owner.call("POST", "/api/v1/modules/venue/toggle").json["enabled"] == false)
                #expect(try await asBob.call("GET", "/api/v1/venues").errorCode == "module_disabled")
                #expect(try await asOwner.call("GET", "/api/v1/venues").errorCode == "module_disabled")
                #expect(try await owner.call("POST", "/api/v1/modules/venue/toggle").json["enabled"] == true)
                #expect(try await asOwner.call("GET", "/api/v1/venues").json["total"]?.int == 2)

                // Removed from the workspace: Bob's still-valid token no longer opens it.
                let bob = try await owner.call("GET", "/api/v1/members?search=bob")
                let bobMemberID = try #require(bob.json["items"]?[0]?["id"]?.stringValue)
                #expect(try await owner.call("DELETE", "/api/v1/members/\(bobMemberID)").status == 204)
                #expect(try await asBob.call("GET", "/api/v1/venues").errorCode == "not_a_member")

                // A machine caller with a workspace API key: its scopes are its permissions, in its own company only.
                let created = try await owner.call("POST", "/api/v1/api-keys", ["name": "Ticketing sync", "scopes": ["venue.venues.read"]])
                #expect(created.status == 201)
                let apiKeyID = try #require(created.json["id"]?.stringValue)
                let machine = venue.with(token: created.json["key"]?.stringValue, org: workspaceID)
                #expect(try await machine.call("GET", "/api/v1/venues").json["total"]?.int == 2)
                #expect(try await machine.call("POST", "/api/v1/venues", ["name": "Melkweg"]).errorCode == "permission_denied")
                #expect(try await machine.with(token: machine.token, org: UUID()).call("GET", "/api/v1/venues").errorCode == "not_a_member")
                #expect(try await owner.call("POST", "/api/v1/api-keys/\(apiKeyID)/revoke").status == 200)
                #expect(try await machine.call("GET", "/api/v1/venues").errorCode == "api_key_revoked")
                // Platform Core's own routes are for people: a key is refused there.
                #expect(try await platform.with(token: machine.token, org: workspaceID).call("GET", "/api/v1/members").errorCode
                    == "api_key_not_accepted")

                // Someone with an account of their own is a stranger here; tokens signed elsewhere are refused.
                let stranger = try await platform.call("POST", "/api/v1/auth/signup", [
                    "email": "eve@elsewhere.example", "password": "eve password 123", "full_name": "Eve", "company_name": "Elsewhere",
                ])
                let asStranger = venue.with(token: stranger.json["access_token"]?.stringValue, org: workspaceID)
                #expect(try await asStranger.call("GET", "/api/v1/venues").errorCode == "not_a_member")
                let forged = venue.with(token: TestKeys().token(userID: UUID()), org: workspaceID)
                #expect(try await forged.call("GET", "/api/v1/venues").status == 401)
            }
            // A member whose access Venue has never resolved (so nothing about them can be cached).
            let core = PlatformServices(runtime: platformRuntime)
            let late = try await core.database.transaction { connection in
                try await core.users.create(email: "late@paradiso.example", fullName: nil, status: "active", passwordHash: nil,
                                            emailVerified: true, on: connection)
            }
            try await core.database.query("""
                INSERT INTO memberships (workspace_id, user_id, role, status, joined_at) VALUES (\(workspaceID), \(late.id), 'admin', 'active', now())
                """)
            let lateToken = try await core.tokens.signIn(userID: late.id, email: late.email, client: ClientInfo(ip: nil, userAgent: nil)).accessToken
            _ = try await verifier.verify(lateToken)
            return (verifier, resolver, (lateToken, workspaceID))
        }

        // Platform Core is down: Venue cannot resolve access and answers 503, never "allow".
        let venueRuntime = try await VenueService.testRuntime(settings: VenueSettings(storageDirectory: storage),
                                                              accessResolver: resolver, verifier: verifier)
        try await VenueService.withLive(venueRuntime) { venuePort async throws in
            let answer = try await Caller(baseURL: "http://127.0.0.1:\(venuePort)").with(token: lateToken.0, org: lateToken.1)
                .call("GET", "/api/v1/venues")
            #expect(answer.status == 503)
            #expect(answer.errorCode == "access_unavailable")
        }
    }

    static func platformSettings() -> PlatformCoreSettings {
        var settings = PlatformCoreSettings()
        // Normal priority for hashing: at nice 19 beside the rest of the suite, signups starve past the caller's deadline.
        settings.passwords.niceness = 0
        // Cheap Argon2id parameters: the suite's hundreds of seeded users share one process-wide hashing pool, and at
        // the production cost (19 MiB, 2 passes) its queue held sign-ups past the callers' deadlines. The production
        // parameters are tested on their own (EmailDeliveryTests, SettingsTests).
        settings.passwords.memoryKiB = 1024
        settings.passwords.iterations = 1
        settings.storageDirectory = FileManager.default.temporaryDirectory
            .appendingPathComponent("kisum-system-core-\(UUID().uuidString.prefix(8))").path
        settings.mail.tls = "none"
        return settings
    }
}

import Foundation
import Hummingbird
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumRuntime
import KisumTesting
import PlatformCore
import PostgresNIO
import Testing

@Suite("Keys: JWKS, persistence and rotation")
struct KeyStoreTests {
    @Test func jwksPublishesActiveAndStandbyAndVerifiesIssuedTokens() async throws {
        let h = try await Harness.make()
        let user = try await h.user()
        try await h.run { api async throws in
            let response = try await api.get("/.well-known/jwks.json")
            #expect(response.status == .ok)
            #expect(response.headers[.cacheControl]?.contains("max-age") == true)
            let jwks = try response.decode(JWKS.self)
            #expect(jwks.keys.count == 2)
            #expect(jwks.keys.allSatisfy { $0.p256PublicKey != nil && $0.alg == "ES256" })

            // A verifier that only knows the published JWKS (as other services do) accepts Platform Core's token.
            let token = try await api.login(user.email).json["access_token"]!.string!
            let keys = Dictionary(uniqueKeysWithValues: jwks.keys.map { ($0.kid!, $0.p256PublicKey!) })
            let verifier = AccessTokenVerifier(keys: StaticKeySource(keys), issuer: "kisum-platform-core", audience: "kisum")
            let verified = try await verifier.verify(token)
            #expect(verified.identity.userID == user.id)
            #expect(verified.identity.sessionID != nil)
            #expect(verified.claims.typ == "access")
            #expect(JWT.parse(token)?.header.kid == jwks.keys[0].kid)
        }
    }

    @Test func keysSurviveRestartsAndAreStoredSealed() async throws {
        let h = try await Harness.make()
        let first = try await h.core.keys.jwks()
        // A second process with the same sealing key sees the same keys.
        let again = KeyStore(database: h.core.database, sealingKey: h.runtime.settings.signingKeyEncryptionKey, retiredGrace: 900)
        #expect(try await again.jwks() == first)
        #expect(try await again.signingKey().kid == (try await h.core.keys.signingKey().kid))
        #expect(try await h.count("SELECT count(*) FROM signing_keys") == 2)
        // A wrong sealing key cannot open the private key.
        let wrong = KeyStore(database: h.core.database, sealingKey: PlatformCoreSettings.randomKey(), retiredGrace: 900)
        await #expect(throws: (any Error).self) { try await wrong.signingKey() }
    }

    @Test func concurrentFirstStartsCreateOnePair() async throws {
        let h = try await Harness.make()
        let stores = (0..<5).map { _ in
            KeyStore(database: h.core.database, sealingKey: h.runtime.settings.signingKeyEncryptionKey, retiredGrace: 900)
        }
        let kids = try await withThrowingTaskGroup(of: String.self) { group in
            for store in stores { group.addTask { try await store.signingKey().kid } }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(kids.count == 1)
        #expect(try await h.count("SELECT count(*) FROM signing_keys") == 2)
    }

    @Test func rotationPromotesTheStandbyAndOldTokensStillVerify() async throws {
        let h = try await Harness.make()
        let user = try await h.user()
        try await h.run { api async throws in
            let before = try await h.core.keys.jwks()
            let oldToken = try await api.login(user.email).json["access_token"]!.string!
            let rotated = try await api.internalKey().post("/internal/signing-keys/rotate")
            #expect(rotated.status == .ok)
            let newKid = rotated.json["active_kid"]!.string!
            // The new active key was already published as the standby.
            #expect(before.keys.contains { $0.kid == newKid })
            let after = try await api.get("/.well-known/jwks.json").decode(JWKS.self)
            #expect(after.keys.count == 3)
            let newToken = try await api.login(user.email).json["access_token"]!.string!
            #expect(JWT.parse(newToken)?.header.kid == newKid)
            #expect(try await api.with(token: oldToken).get("/api/v1/auth/me").status == .ok)
            #expect(try await api.with(token: newToken).get("/api/v1/auth/me").status == .ok)
            #expect(try await api.post("/internal/signing-keys/rotate").status == .unauthorized)
        }
    }
}

@Suite("Internal routes: effective access, API keys, outbox")
struct InternalRouteTests {
    @Test func effectiveAccessReflectsMembershipRoleAndModules() async throws {
        let h = try await Harness.make()
        let owner = try await h.user()
        let viewer = try await h.user()
        let stranger = try await h.user()
        let workspace = try await h.workspace(owner: owner)
        try await h.addMember(viewer, to: workspace, role: "viewer")
        try await h.run { api async throws in
            let internalAPI = api.internalKey()
            func access(_ user: User) async throws -> JSONValue {
                let r = try await internalAPI.get("/internal/access?user_id=\(user.id)&company_id=\(workspace.id)")
                #expect(r.status == .ok)
                return r.json
            }
            let ownerAccess = try await access(owner)
            #expect(ownerAccess["member"] == true)
            #expect(ownerAccess["access"]?["role"] == "owner")
            #expect(ownerAccess["access"]?["company_id"]?.uuid == workspace.id)
            let all = try await h.count("SELECT count(*) FROM permissions")
            #expect(ownerAccess["access"]?["permissions"]?.arrayValue?.count == all)
            #expect(ownerAccess["access"]?["modules"] == ["basic", "venue", "finance", "promoter"])
            // The workspace's time zone travels with access (reports bucket by it); none set reads as null.
            #expect(ownerAccess["access"]?["timezone"] == .null)
            try await h.core.database.query("UPDATE workspaces SET timezone = 'Europe/Amsterdam' WHERE id = \(workspace.id)")
            #expect(try await access(owner)["access"]?["timezone"] == "Europe/Amsterdam")
            // Platform staff (users.is_superuser) travels with access too: Base lets staff edit reference data.
            #expect(ownerAccess["access"]?["is_staff"] == false)
            try await h.core.database.query("UPDATE users SET is_superuser = true WHERE id = \(owner.id)")
            #expect(try await access(owner)["access"]?["is_staff"] == true)

            let viewerAccess = try await access(viewer)
            let permissions = viewerAccess["access"]?["permissions"]?.arrayValue?.compactMap(\.stringValue) ?? []
            #expect(permissions.contains("venue.bookings.read"))
            #expect(!permissions.contains("venue.bookings.write"))
            #expect(!permissions.contains("members.invite"))

            #expect(try await access(stranger)["member"] == false)
            #expect(try await access(stranger)["access"] == .null)

            // Module switched off → no longer reported; suspended member / disabled workspace → not a member.
            try await h.core.database.query("UPDATE module_settings SET enabled = false WHERE workspace_id = \(workspace.id) AND module = 'promoter'")
            #expect(try await access(owner)["access"]?["modules"] == ["basic", "venue", "finance"])
            try await h.core.database.query("UPDATE memberships SET status = 'suspended' WHERE user_id = \(viewer.id)")
            #expect(try await access(viewer)["member"] == false)
            try await h.core.database.query("UPDATE workspaces SET status = 'disabled' WHERE id = \(workspace.id)")
            #expect(try await access(owner)["member"] == false)

            // Guarded and validated.
            #expect(try await api.get("/internal/access?user_id=\(owner.id)&company_id=\(workspace.id)").status == .unauthorized)
            #expect(try await internalAPI.get("/internal/access?user_id=\(owner.id)").status == .badRequest)
            #expect(try await internalAPI.get("/internal/access?user_id=x&company_id=\(workspace.id)").errorCode == "invalid_query")
        }
    }

    @Test func apiKeysAuthenticateUntilRevokedDisabledOrExpired() async throws {
        let h = try await Harness.make()
        let owner = try await h.user()
        let workspace = try await h.workspace(owner: owner)
        func insertKey(enabled: Bool = true, revoked: Bool = false, expired: Bool = false) async throws -> String {
            let secret = APIKeySecret.generate()
            try await h.core.database.query("""
                INSERT INTO api_keys (workspace_id, name, prefix, key_hash, scopes, enabled, revoked_at, expires_at, created_by)
                VALUES (\(workspace.id), 'CI', \(secret.prefix), \(secret.hash), \(["venue.bookings.read"]), \(enabled),
                        CASE WHEN \(revoked) THEN now() END, CASE WHEN \(expired) THEN now() - interval '1 day' END, \(owner.id))
                """)
            return secret.key
        }
        let good = try await insertKey()
        let revoked = try await insertKey(revoked: true)
        let disabled = try await insertKey(enabled: false)
        let expired = try await insertKey(expired: true)
        #expect(good.hasPrefix("kisum_sk_"))
        try await h.run { api async throws in
            let internalAPI = api.internalKey()
            let ok = try await internalAPI.post("/internal/api-keys/authenticate", ["key": .string(good)])
            #expect(ok.status == .ok)
            #expect(ok.json["workspace_id"]?.uuid == workspace.id)
            #expect(ok.json["scopes"] == ["venue.bookings.read"])
            #expect(ok.json["modules"]?.arrayValue?.contains("venue") == true)
            #expect(try await h.count("SELECT count(*) FROM api_keys WHERE last_used_at IS NOT NULL") == 1)

            for (key, code) in [(revoked, "api_key_revoked"), (disabled, "api_key_disabled"), (expired, "api_key_expired"),
                                ("kisum_sk_" + OpaqueToken.generate(), "api_key_invalid"), ("garbage", "api_key_invalid")] {
                let r = try await internalAPI.post("/internal/api-keys/authenticate", ["key": .string(key)])
                #expect(r.status == .unauthorized)
                #expect(r.errorCode == code)
                #expect(!r.text.contains(key))
            }
            #expect(try await internalAPI.post("/internal/api-keys/authenticate", [:]).status == .unprocessableContent)
            #expect(try await api.post("/internal/api-keys/authenticate", ["key": .string(good)]).status == .unauthorized)
            try await h.core.database.query("UPDATE workspaces SET status = 'disabled' WHERE id = \(workspace.id)")
            #expect(try await internalAPI.post("/internal/api-keys/authenticate", ["key": .string(good)]).errorCode == "api_key_workspace_disabled")
        }
    }

    @Test func outboxEmailsAreReadableThroughTheInternalRoute() async throws {
        let h = try await Harness.make()
        try await h.core.database.transaction { connection in
            try await h.core.outbox.enqueue(EmailMessage(to: "Ann@example.com", subject: "Hi", text: "Open https://x/y", kind: "activation",
                                                         links: ["activation": "https://x/y"]), on: connection)
            try await h.core.outbox.enqueue(EmailMessage(to: "bob@example.com", subject: "Yo", text: "…", kind: "password_reset"), on: connection)
        }
        try await h.run { api async throws in
            let internalAPI = api.internalKey()
            let ann = try await internalAPI.get("/internal/outbox/emails?to=ann@example.com")
            #expect(ann.status == .ok)
            #expect(ann.json["total"]?.int == 1)
            #expect(ann.json["delivery_mode"] == "local")
            #expect(ann.json["items"]?[0]?["links"]?["activation"] == "https://x/y")
            let resets = try await internalAPI.get("/internal/outbox/emails?kind=password_reset")
            #expect(resets.json["items"]?[0]?["to"] == "bob@example.com")
            #expect(try await internalAPI.get("/internal/outbox/emails?limit=0").status == .badRequest)
            #expect(try await api.get("/internal/outbox/emails").status == .unauthorized)
        }
    }
}

import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumTesting
import NIOConcurrencyHelpers
import PlatformCore
import PostgresNIO
import Testing

@Suite("Authentication: Clerk check-user")
struct ClerkTests {
    static let secret = "clerk-shared-secret-0123456789"

    @Test func withoutClerkConfiguredTheRouteIsUnavailable() async throws {
        let h = try await Harness.make()
        try await h.run { api async throws in
            let r = try await api.with(header: "X-Clerk-Secret", Self.secret).post("/api/v1/auth/clerk/check-user", ["clerk_id": "user_1", "email": "a@example.com"])
            #expect(r.status == .serviceUnavailable)
            #expect(r.errorCode == "provider_not_configured")
        }
    }

    @Test func theSharedSecretGuardsTheRouteAndUnknownUsersAreNotCreated() async throws {
        let h = try await Harness.make { $0.clerk = .init(sharedSecret: Self.secret) }
        let user = try await h.user("clerky@example.com", status: "pending")
        try await h.run { api async throws in
            let body: JSONValue = ["clerk_id": "user_2abc", "email": "Clerky@example.com"]
            #expect(try await api.post("/api/v1/auth/clerk/check-user", body).errorCode == "clerk_secret_invalid")
            #expect(try await api.with(header: "X-Clerk-Secret", "wrong").post("/api/v1/auth/clerk/check-user", body).status == .unauthorized)
            let clerk = api.with(header: "X-Clerk-Secret", Self.secret)
            let unknown = try await clerk.post("/api/v1/auth/clerk/check-user", ["clerk_id": "user_9zz", "email": "nobody@example.com"])
            #expect(unknown.status == .ok)
            // Issue 13, item 15: the token fields are sent as null, not left out.
            #expect(unknown.json == ["exists": false, "access_token": nil, "refresh_token": nil, "token_type": nil, "expires_in": nil,
                                     "session_id": nil, "user": nil, "workspaces": nil])
            #expect(try await h.count("SELECT count(*) FROM users WHERE email = 'nobody@example.com'") == 0)

            let known = try await clerk.post("/api/v1/auth/clerk/check-user", body)
            #expect(known.status == .ok)
            #expect(known.json["exists"] == true)
            #expect(known.json["user"]?["id"]?.uuid == user.id)
            #expect(known.json["user"]?["status"] == "active")
            #expect(try await api.with(token: known.json["access_token"]?.string).get("/api/v1/auth/me").status == .ok)
            // Linked: the Clerk id now finds the account; another Clerk id for the same e-mail does not take it over.
            #expect(try await clerk.post("/api/v1/auth/clerk/check-user", ["clerk_id": "user_2abc", "email": "clerky@example.com"]).json["exists"] == true)
            let hijack = try await clerk.post("/api/v1/auth/clerk/check-user", ["clerk_id": "user_other", "email": "clerky@example.com"])
            #expect(hijack.status == .conflict)
            #expect(try await clerk.post("/api/v1/auth/clerk/check-user", ["email": "x@example.com"]).status == .unprocessableContent)
        }
    }

    @Test func withTheBackendAPITheUserAndVerifiedEmailAreConfirmedWithClerk() async throws {
        let fake = FakeClerk()
        fake.addUser(id: "user_verified", email: "ver@example.com", verified: true)
        fake.addUser(id: "user_unverified", email: "unver@example.com", verified: false)
        try await withRunningApplication({ fake.application(onRunning: $0) }) { port async throws in
            let h = try await Harness.make {
                $0.clerk = .init(sharedSecret: Self.secret, apiURL: "http://127.0.0.1:\(port)", apiKey: "sk_test_clerk")
            }
            try await h.user("ver@example.com")
            try await h.user("unver@example.com")
            try await h.run { api async throws in
                let clerk = api.with(header: "X-Clerk-Secret", Self.secret)
                #expect(try await clerk.post("/api/v1/auth/clerk/check-user", ["clerk_id": "user_verified", "email": "ver@example.com"]).json["exists"] == true)
                let unverified = try await clerk.post("/api/v1/auth/clerk/check-user", ["clerk_id": "user_unverified", "email": "unver@example.com"])
                #expect(unverified.errorCode == "clerk_email_unverified")
                // The body cannot claim someone else's e-mail for a real Clerk user.
                let claimed = try await clerk.post("/api/v1/auth/clerk/check-user", ["clerk_id": "user_verified", "email": "unver@example.com"])
                #expect(claimed.errorCode == "clerk_email_unverified")
                #expect(try await clerk.post("/api/v1/auth/clerk/check-user", ["clerk_id": "user_missing", "email": "ver@example.com"]).errorCode
                    == "clerk_user_unknown")
            }
            #expect(fake.authorizations.withLockedValue { $0 }.allSatisfy { $0 == "Bearer sk_test_clerk" })
        }
    }
}

@Suite("Authentication: impersonation")
struct ImpersonationTests {
    @Test func anIssuedTokenExchangesOnceForAnActingAccessToken() async throws {
        let h = try await Harness.make()
        let user = try await h.user()
        try await h.run { api async throws in
            let issued = try await api.internalKey().post("/internal/impersonation-tokens",
                                                          ["user_id": .string(user.id.uuidString), "actor": "support@kisum.io", "reason": "ticket 42"])
            #expect(issued.status == .created)
            let token = issued.json["token"]!
            let exchanged = try await api.post("/api/v1/auth/impersonate/exchange", ["token": token])
            #expect(exchanged.status == .ok)
            #expect(exchanged.json["impersonated_by"] == "support@kisum.io")
            #expect(exchanged.json["refresh_token"] == .null)
            let access = exchanged.json["access_token"]!.string!
            let claims = try JSONDecoder().decode(AccessTokenClaims.self, from: JWT.parse(access)!.payload)
            #expect(claims.act == "support@kisum.io")
            #expect(claims.sub == user.id.uuidString.lowercased())

            let asUser = api.with(token: access)
            #expect(try await asUser.get("/api/v1/auth/me").status == .ok)
            let sensitive = try await asUser.put("/api/v1/auth/me", ["new_password": "hijacked password", "current_password": .string(Harness.password)])
            #expect(sensitive.errorCode == "impersonation_forbidden")
            #expect(try await api.post("/api/v1/auth/impersonate/exchange", ["token": token]).errorCode == "token_used")
            #expect(try await h.count("SELECT count(*) FROM security_events WHERE kind = 'impersonation_started'") == 1)
        }
    }

    @Test func issuingIsInternalAndValidated() async throws {
        let h = try await Harness.make()
        let disabled = try await h.user(status: "disabled")
        try await h.run { api async throws in
            #expect(try await api.post("/internal/impersonation-tokens", ["user_id": .string(UUID().uuidString), "actor": "x"]).status == .unauthorized)
            let internalAPI = api.internalKey()
            #expect(try await internalAPI.post("/internal/impersonation-tokens", ["user_id": .string(UUID().uuidString), "actor": "x"]).status == .notFound)
            #expect(try await internalAPI.post("/internal/impersonation-tokens", ["actor": "x"]).status == .unprocessableContent)
            #expect(try await internalAPI.post("/internal/impersonation-tokens", ["user_id": .string(disabled.id.uuidString), "actor": "x"]).errorCode
                == "account_inactive")
            #expect(try await api.post("/api/v1/auth/impersonate/exchange", ["token": .string(OpaqueToken.generate())]).errorCode == "token_invalid")
        }
    }

    @Test func expiredImpersonationTokensAreRefused() async throws {
        let h = try await Harness.make()
        let user = try await h.user()
        try await h.run { api async throws in
            let token = try await api.internalKey().post("/internal/impersonation-tokens", ["user_id": .string(user.id.uuidString), "actor": "ops"]).json["token"]!
            try await h.core.database.query("UPDATE single_use_tokens SET expires_at = now() - interval '1 second'")
            #expect(try await api.post("/api/v1/auth/impersonate/exchange", ["token": token]).errorCode == "token_expired")
        }
    }
}

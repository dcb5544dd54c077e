import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumTesting
import PlatformCore
import Testing

@Suite("Authentication: login, logout, me")
struct LoginTests {
    @Test func signInReturnsTokensTheUserAndWorkspaces() async throws {
        let h = try await Harness.make()
        let user = try await h.user("Ada@Example.com")
        let workspace = try await h.workspace(owner: user, name: "Paradiso")
        try await h.run { api async throws in
            // E-mail is matched case-insensitively.
            let response = try await api.login("ada@EXAMPLE.com")
            #expect(response.status == .ok)
            let body = response.json
            #expect(body["token_type"]?.string == "bearer")
            #expect(body["expires_in"]?.int == 900)
            #expect(body["refresh_token"]?.string?.isEmpty == false)
            #expect(body["user"]?["email"]?.string == "ada@example.com")
            #expect(body["user"]?["password_hash"] == nil)
            #expect(body["workspaces"]?[0]?["id"]?.uuid == workspace.id)
            #expect(body["workspaces"]?[0]?["role"]?.string == "owner")

            let me = try await api.with(token: body["access_token"]?.string).get("/api/v1/auth/me?workspace_id=\(workspace.id)")
            #expect(me.status == .ok)
            #expect(me.json["user"]?["id"]?.uuid == user.id)
            #expect(me.json["member"]?["role"]?.string == "owner")
            #expect(me.json["member"]?["permissions"]?.arrayValue?.contains("workspace.delete") == true)
            #expect(me.json["member"]?["modules"]?.arrayValue?.contains("venue") == true)
        }
    }

    @Test func wrongPasswordAndUnknownEmailAnswerTheSame() async throws {
        let h = try await Harness.make()
        let user = try await h.user()
        try await h.run { api async throws in
            let wrong = try await api.login(user.email, "not the password")
            let unknown = try await api.login("nobody@example.com", "not the password")
            #expect(wrong.status == .unauthorized)
            #expect(unknown.status == .unauthorized)
            #expect(wrong.errorCode == "invalid_credentials")
            #expect(unknown.errorCode == "invalid_credentials")
            #expect(wrong.json["error"]?["message"] == unknown.json["error"]?["message"])
        }
    }

    @Test func validationErrorsAre422AndOverlongPasswordsAreRejectedBeforeHashing() async throws {
        let h = try await Harness.make()
        try await h.run { api async throws in
            let missing = try await api.post("/api/v1/auth/login", ["email": "a@example.com"])
            #expect(missing.status == .unprocessableContent)
            #expect(missing.errorCode == "validation_failed")
            let long = try await api.login("a@example.com", String(repeating: "x", count: 129))
            #expect(long.status == .unprocessableContent)
            #expect(long.json["error"]?["details"]?[0]?["code"]?.string == "too_long")
            let notJSON = try await api.request(.post, "/api/v1/auth/login", rawBody: "{nope")
            #expect(notJSON.status == .badRequest)
        }
    }

    @Test func pendingAndDisabledAccountsCannotSignIn() async throws {
        let h = try await Harness.make()
        let pending = try await h.user(status: "pending")
        let disabled = try await h.user(status: "disabled")
        try await h.run { api async throws in
            let p = try await api.login(pending.email)
            #expect(p.status == .forbidden)
            #expect(p.errorCode == "account_not_activated")
            let d = try await api.login(disabled.email)
            #expect(d.status == .forbidden)
            #expect(d.errorCode == "account_disabled")
            // The status is only revealed to someone who knows the password.
            let wrong = try await api.login(disabled.email, "wrong password!")
            #expect(wrong.errorCode == "invalid_credentials")
        }
    }

    @Test func logoutEndsTheSession() async throws {
        let h = try await Harness.make()
        let user = try await h.user()
        try await h.run { api async throws in
            let login = try await api.login(user.email).json
            let signedIn = api.with(token: login["access_token"]?.string)
            #expect(try await signedIn.get("/api/v1/auth/me").status == .ok)
            let out = try await signedIn.post("/api/v1/auth/logout")
            #expect(out.status == .ok)
            let after = try await signedIn.get("/api/v1/auth/me")
            #expect(after.status == .unauthorized)
            #expect(after.errorCode == "session_revoked")
            let refresh = try await api.post("/api/v1/auth/refresh", ["refresh_token": login["refresh_token"]!])
            #expect(refresh.status == .unauthorized)
            #expect(refresh.errorCode == "session_revoked")
        }
    }

    @Test func meRequiresATokenAndHidesOtherWorkspaces() async throws {
        let h = try await Harness.make()
        let user = try await h.user()
        let stranger = try await h.user()
        let theirs = try await h.workspace(owner: stranger)
        try await h.run { api async throws in
            #expect(try await api.get("/api/v1/auth/me").status == .unauthorized)
            #expect(try await api.with(token: "not-a-jwt").get("/api/v1/auth/me").errorCode == "token_malformed")
            let signedIn = api.with(token: try await h.token(for: user))
            let other = try await signedIn.get("/api/v1/auth/me?workspace_id=\(theirs.id)")
            #expect(other.status == .notFound)
            #expect(try await signedIn.get("/api/v1/auth/me?workspace_id=nope").status == .badRequest)
        }
    }

    @Test func loginIsRateLimitedPerClientAddress() async throws {
        let h = try await Harness.make { $0.loginRateLimit = .init(burst: 3, perMinute: 1) }
        let user = try await h.user()
        try await h.run { api async throws in
            let a = api.from("203.0.113.7")
            for _ in 0..<3 { #expect(try await a.login(user.email, "wrong password!").status == .unauthorized) }
            let limited = try await a.login(user.email)
            #expect(limited.status == .tooManyRequests)
            #expect(limited.errorCode == "rate_limited")
            #expect(Int(limited.headers[.retryAfter] ?? "") ?? 0 >= 1)
            // Another address has its own budget.
            #expect(try await api.from("203.0.113.8").login(user.email).status == .ok)
        }
    }
}

import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumTesting
import PlatformCore
import PostgresNIO
import Testing

@Suite("Authentication: register, signup, activation")
struct SignupTests {
    static let body: JSONValue = ["email": "Founder@Example.com", "password": "a long enough password", "full_name": "Fay Founder",
                                  "company_name": "Fay's Venues"]

    @Test func signupInLocalBillingModeCreatesEverythingAndSignsIn() async throws {
        let h = try await Harness.make()
        try await h.run { api async throws in
            let response = try await api.post("/api/v1/auth/signup", Self.body)
            #expect(response.status == .created)
            let json = response.json
            #expect(json["access_token"]?.string?.isEmpty == false)
            #expect(json["refresh_token"]?.string?.isEmpty == false)
            #expect(json["user"]?["email"] == "founder@example.com")
            #expect(json["user"]?["status"] == "active")
            #expect(json["user"]?["email_verified"] == false)
            #expect(json["workspace"]?["name"] == "Fay's Venues")
            #expect(json["workspace"]?["slug"] == "fay-s-venues")
            // Local billing: an honest local trial, no invented checkout.
            #expect(json["subscription"]?["provider"] == "local")
            #expect(json["subscription"]?["status"] == "trialing")
            #expect(json["subscription"]?["trial_ends_at"]?.string != nil)
            #expect(json["checkout_url"] == .null)

            let workspaceID = json["workspace"]!["id"]!.uuid!
            #expect(try await h.count("SELECT count(*) FROM memberships WHERE workspace_id = '\(workspaceID)' AND role = 'owner' AND status = 'active'") == 1)
            #expect(try await h.count("SELECT count(*) FROM role_permissions WHERE workspace_id = '\(workspaceID)'")
                == (try await h.count("SELECT count(*) FROM role_permission_defaults")))
            #expect(try await h.count("SELECT count(*) FROM module_settings WHERE workspace_id = '\(workspaceID)' AND enabled") == 4)
            #expect(try await h.count("SELECT count(*) FROM billing_subscriptions WHERE workspace_id = '\(workspaceID)' AND provider = 'local'") == 1)

            // The confirmation e-mail is in the outbox with its link, and the link verifies the e-mail.
            let mail = try await h.emails(to: "founder@example.com")
            #expect(mail.count == 1)
            #expect(mail[0]["kind"] == "verification")
            let link = mail[0]["links"]!["activation"]!.string!
            #expect(link.hasPrefix("http://localhost:8080/activate?token="))
            let token = URLComponents(string: link)!.queryItems!.first { $0.name == "token" }!.value!
            let activated = try await api.post("/api/v1/auth/activate", ["token": .string(token)])
            #expect(activated.status == .ok)
            #expect(activated.json["user"]?["email_verified"] == true)

            // The new owner can use the workspace and sign in with the password.
            let me = try await api.with(token: json["access_token"]?.string).get("/api/v1/auth/me?workspace_id=\(workspaceID)")
            #expect(me.json["member"]?["role"] == "owner")
            #expect(try await api.login("founder@example.com", "a long enough password").status == .ok)
        }
    }

    @Test func signupValidatesAndRefusesATakenEmail() async throws {
        let h = try await Harness.make()
        try await h.user("taken@example.com")
        try await h.run { api async throws in
            var short = Self.body.objectValue!
            short["password"] = "short"
            short["company_name"] = nil
            let invalid = try await api.post("/api/v1/auth/signup", .object(short))
            #expect(invalid.status == .unprocessableContent)
            let fields = Set(invalid.json["error"]?["details"]?.arrayValue?.compactMap { $0["field"]?.string } ?? [])
            #expect(fields == ["password", "company_name"])

            var long = Self.body.objectValue!
            long["password"] = .string(String(repeating: "p", count: 129))
            #expect(try await api.post("/api/v1/auth/signup", .object(long)).json["error"]?["details"]?[0]?["code"] == "too_long")

            var taken = Self.body.objectValue!
            taken["email"] = "TAKEN@example.com"
            let conflict = try await api.post("/api/v1/auth/signup", .object(taken))
            #expect(conflict.status == .conflict)
            #expect(conflict.errorCode == "email_taken")
            #expect(try await h.count("SELECT count(*) FROM workspaces") == 0)
        }
    }

    @Test func registerCreatesAPendingAccountThatActivatesByEmail() async throws {
        let h = try await Harness.make()
        try await h.run { api async throws in
            let registered = try await api.post("/api/v1/auth/register",
                                                ["email": "new@example.com", "password": "a long enough password", "full_name": "New"])
            #expect(registered.status == .created)
            #expect(registered.json["user"]?["status"] == "pending")
            #expect(try await api.login("new@example.com", "a long enough password").errorCode == "account_not_activated")
            #expect(try await api.post("/api/v1/auth/register", ["email": "new@example.com", "password": "a long enough password"]).errorCode
                == "email_taken")
            #expect(try await api.post("/api/v1/auth/register", ["email": "not-an-email", "password": "x"]).status == .unprocessableContent)

            let mail = try await h.emails(to: "new@example.com")
            #expect(mail[0]["kind"] == "activation")
            let token = URLComponents(string: mail[0]["links"]!["activation"]!.string!)!.queryItems!.first { $0.name == "token" }!.value!

            let check = try await api.get("/api/v1/auth/activate?token=\(token)")
            #expect(check.status == .ok)
            #expect(check.json["valid"] == true)
            #expect(check.json["requires_password"] == false)
            #expect(check.json["user"]?["email"] == "new@example.com")

            let activated = try await api.post("/api/v1/auth/activate", ["token": .string(token)])
            #expect(activated.status == .ok)
            #expect(activated.json["user"]?["status"] == "active")
            #expect(activated.json["access_token"]?.string != nil)
            // Single use.
            #expect(try await api.post("/api/v1/auth/activate", ["token": .string(token)]).errorCode == "token_used")
            #expect(try await api.get("/api/v1/auth/activate?token=\(token)").errorCode == "token_used")
            #expect(try await api.login("new@example.com", "a long enough password").status == .ok)
        }
    }

    @Test func activationTokensExpireAndUnknownTokensAreInvalid() async throws {
        let h = try await Harness.make()
        try await h.run { api async throws in
            _ = try await api.post("/api/v1/auth/register", ["email": "late@example.com", "password": "a long enough password"])
            let token = URLComponents(string: try await h.lastEmail(to: "late@example.com")["links"]!["activation"]!.string!)!
                .queryItems!.first { $0.name == "token" }!.value!
            #expect(try await api.get("/api/v1/auth/activate?token=\(OpaqueToken.generate())").errorCode == "token_invalid")
            #expect(try await api.get("/api/v1/auth/activate").status == .badRequest)
            try await h.core.database.query("UPDATE single_use_tokens SET expires_at = now() - interval '1 second'")
            #expect(try await api.post("/api/v1/auth/activate", ["token": .string(token)]).errorCode == "token_expired")
        }
    }
}

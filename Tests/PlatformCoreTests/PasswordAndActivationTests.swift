import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumTesting
import PlatformCore
import PostgresNIO
import Testing

func tokenParameter(_ link: JSONValue?) -> String {
    URLComponents(string: link?.stringValue ?? "")?.queryItems?.first { $0.name == "token" }?.value ?? ""
}

@Suite("Authentication: password reset")
struct PasswordResetTests {
    @Test func forgotPasswordAnswersTheSameAndOnlyMailsRealAccounts() async throws {
        let h = try await Harness.make()
        let user = try await h.user("known@example.com")
        let disabled = try await h.user("off@example.com", status: "disabled")
        try await h.run { api async throws in
            let known = try await api.post("/api/v1/auth/forgot-password", ["email": "KNOWN@example.com"])
            let unknown = try await api.post("/api/v1/auth/forgot-password", ["email": "ghost@example.com"])
            let off = try await api.post("/api/v1/auth/forgot-password", ["email": .string(disabled.email)])
            #expect(known.status == .ok)
            #expect(known.text == unknown.text)
            #expect(known.text == off.text)
            #expect(try await h.emails(to: user.email).count == 1)
            #expect(try await h.emails(to: "ghost@example.com").isEmpty)
            #expect(try await h.emails(to: disabled.email).isEmpty)
            #expect(try await api.post("/api/v1/auth/forgot-password", ["email": "nope"]).status == .unprocessableContent)
        }
    }

    @Test func resetSetsTheNewPasswordAndEndsEverySession() async throws {
        let h = try await Harness.make()
        let user = try await h.user()
        try await h.run { api async throws in
            let session = try await api.login(user.email).json
            _ = try await api.post("/api/v1/auth/forgot-password", ["email": .string(user.email)])
            let first = tokenParameter(try await h.lastEmail(to: user.email)["links"]?["reset"])
            // A newer link revokes the older one.
            _ = try await api.post("/api/v1/auth/forgot-password", ["email": .string(user.email)])
            let second = tokenParameter(try await h.lastEmail(to: user.email)["links"]?["reset"])
            #expect(first != second)
            #expect(try await api.post("/api/v1/auth/reset-password", ["token": .string(first), "new_password": "brand new password"]).errorCode
                == "token_invalid")

            let short = try await api.post("/api/v1/auth/reset-password", ["token": .string(second), "new_password": "short"])
            #expect(short.status == .unprocessableContent)
            let done = try await api.post("/api/v1/auth/reset-password", ["token": .string(second), "new_password": "brand new password"])
            #expect(done.status == .ok)
            #expect(try await api.post("/api/v1/auth/reset-password", ["token": .string(second), "new_password": "another password"]).errorCode
                == "token_used")

            #expect(try await api.login(user.email).errorCode == "invalid_credentials")
            #expect(try await api.login(user.email, "brand new password").status == .ok)
            // The session from before the reset is over.
            #expect(try await api.with(token: session["access_token"]?.string).get("/api/v1/auth/me").errorCode == "session_revoked")
            #expect(try await api.post("/api/v1/auth/refresh", ["refresh_token": session["refresh_token"]!]).status == .unauthorized)
            #expect(try await h.lastEmail(to: user.email)["kind"] == "password_changed")
        }
    }

    @Test func expiredResetLinksAreRefused() async throws {
        let h = try await Harness.make()
        let user = try await h.user()
        try await h.run { api async throws in
            _ = try await api.post("/api/v1/auth/forgot-password", ["email": .string(user.email)])
            let token = tokenParameter(try await h.lastEmail(to: user.email)["links"]?["reset"])
            try await h.core.database.query("UPDATE single_use_tokens SET expires_at = now() - interval '1 minute'")
            #expect(try await api.post("/api/v1/auth/reset-password", ["token": .string(token), "new_password": "brand new password"]).errorCode
                == "token_expired")
        }
    }
}

@Suite("Authentication: activation links for invited members")
struct ActivationResendTests {
    /// An invited member without a password, as the Members/Workspaces flows create them.
    func invited(_ h: Harness, into workspace: Workspace) async throws -> User {
        let user = try await h.user(password: nil, status: "pending", name: "Ivy Invited")
        try await h.addMember(user, to: workspace, role: "member", status: "invited")
        return user
    }

    @Test func anAdminResendsTheLinkAndTheMemberActivatesIntoTheWorkspace() async throws {
        let h = try await Harness.make()
        let owner = try await h.user()
        let workspace = try await h.workspace(owner: owner, name: "Melkweg")
        let ivy = try await invited(h, into: workspace)
        try await h.run { api async throws in
            let asOwner = api.with(token: try await h.token(for: owner))
            let sent = try await asOwner.post("/api/v1/auth/activate/resend", ["user_id": .string(ivy.id.uuidString), "workspace_id": .string(workspace.id.uuidString)])
            #expect(sent.status == .ok)
            let first = tokenParameter(try await h.lastEmail(to: ivy.email)["links"]?["activation"])
            _ = try await asOwner.post("/api/v1/auth/activate/resend", ["user_id": .string(ivy.id.uuidString), "workspace_id": .string(workspace.id.uuidString)])
            let mail = try await h.lastEmail(to: ivy.email)
            #expect(mail["text"]?.string?.contains("Melkweg") == true)
            let second = tokenParameter(mail["links"]?["activation"])
            #expect(try await api.get("/api/v1/auth/activate?token=\(first)").errorCode == "token_invalid")

            let check = try await api.get("/api/v1/auth/activate?token=\(second)&workspace_id=\(workspace.id)")
            #expect(check.json["requires_password"] == true)
            #expect(check.json["workspace"]?["name"] == "Melkweg")
            #expect(try await api.get("/api/v1/auth/activate?token=\(second)&workspace_id=\(UUID())").errorCode == "token_invalid")

            let noPassword = try await api.post("/api/v1/auth/activate", ["token": .string(second)])
            #expect(noPassword.status == .unprocessableContent)
            let activated = try await api.post("/api/v1/auth/activate", ["token": .string(second), "password": "ivy's own password",
                                                                         "workspace_id": .string(workspace.id.uuidString)])
            #expect(activated.status == .ok)
            #expect(activated.json["workspaces"]?[0]?["status"] == "active")
            #expect(try await api.login(ivy.email, "ivy's own password").status == .ok)
            // Now active: nothing to resend.
            #expect(try await asOwner.post("/api/v1/auth/activate/resend", ["user_id": .string(ivy.id.uuidString),
                                                                            "workspace_id": .string(workspace.id.uuidString)]).errorCode == "already_active")
        }
    }

    @Test func resendNeedsThePermissionAndStaysInsideTheWorkspace() async throws {
        let h = try await Harness.make()
        let owner = try await h.user()
        let viewer = try await h.user()
        let workspace = try await h.workspace(owner: owner)
        try await h.addMember(viewer, to: workspace, role: "viewer")
        let ivy = try await invited(h, into: workspace)
        let otherOwner = try await h.user()
        let other = try await h.workspace(owner: otherOwner)
        try await h.run { api async throws in
            let body: JSONValue = ["user_id": .string(ivy.id.uuidString), "workspace_id": .string(workspace.id.uuidString)]
            let denied = try await api.with(token: try await h.token(for: viewer)).post("/api/v1/auth/activate/resend", body)
            #expect(denied.status == .forbidden)
            #expect(denied.errorCode == "permission_denied")
            // Another workspace's owner cannot reach this workspace's member, not even through their own workspace id.
            let asOther = api.with(token: try await h.token(for: otherOwner))
            #expect(try await asOther.post("/api/v1/auth/activate/resend", body).status == .notFound)
            let viaOwn = try await asOther.post("/api/v1/auth/activate/resend", ["user_id": .string(ivy.id.uuidString),
                                                                                 "workspace_id": .string(other.id.uuidString)])
            #expect(viaOwn.status == .notFound)
            #expect(try await api.with(token: try await h.token(for: owner)).post("/api/v1/auth/activate/resend", ["user_id": .string(ivy.id.uuidString)])
                .status == .unprocessableContent)
            #expect(try await api.post("/api/v1/auth/activate/resend", body).status == .unauthorized)
            #expect(try await h.emails(to: ivy.email).isEmpty)
        }
    }
}

import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumTesting
import PlatformCore
import Testing

@Suite("Authentication: profiles")
struct ProfileTests {
    @Test func updateMeEditsTheProfileAndClearsTheAvatarWithNull() async throws {
        let h = try await Harness.make()
        let user = try await h.user()
        try await h.run { api async throws in
            let me = api.with(token: try await h.token(for: user))
            let updated = try await me.put("/api/v1/auth/me", ["full_name": "Ada Lovelace", "title": "Booker", "timezone": "Europe/Amsterdam",
                                                                "avatar_url": "https://cdn.example.com/a.png"])
            #expect(updated.status == .ok)
            #expect(updated.json["full_name"] == "Ada Lovelace")
            #expect(updated.json["title"] == "Booker")
            #expect(updated.json["avatar_url"] == "https://cdn.example.com/a.png")
            // Absent fields stay, null clears the avatar.
            let cleared = try await me.put("/api/v1/auth/me", ["avatar_url": nil])
            #expect(cleared.json["full_name"] == "Ada Lovelace")
            #expect(cleared.json["avatar_url"] == .null)

            let invalid = try await me.put("/api/v1/auth/me", ["timezone": "Mars/Olympus", "avatar_url": "javascript:alert(1)", "role": "owner"])
            #expect(invalid.status == .unprocessableContent)
            let fields = Set(invalid.json["error"]?["details"]?.arrayValue?.compactMap { $0["field"]?.string } ?? [])
            #expect(fields == ["timezone", "avatar_url", "role"])
            #expect(try await api.put("/api/v1/auth/me", ["title": "x"]).status == .unauthorized)
        }
    }

    @Test func passwordChangeNeedsTheCurrentPasswordAndEndsOtherSessions() async throws {
        let h = try await Harness.make()
        let user = try await h.user()
        try await h.run { api async throws in
            let laptop = try await api.login(user.email).json
            let phone = try await api.login(user.email).json
            let me = api.with(token: laptop["access_token"]?.string)
            let wrong = try await me.put("/api/v1/auth/me", ["current_password": "not it at all", "new_password": "a new long password"])
            #expect(wrong.status == .unprocessableContent)
            #expect(wrong.json["error"]?["details"]?[0]?["field"] == "current_password")
            let missing = try await me.put("/api/v1/auth/me", ["new_password": "a new long password"])
            #expect(missing.status == .unprocessableContent)

            let changed = try await me.put("/api/v1/auth/me", ["current_password": .string(Harness.password), "new_password": "a new long password"])
            #expect(changed.status == .ok)
            // This session continues; the other one is over.
            #expect(try await me.get("/api/v1/auth/me").status == .ok)
            #expect(try await api.with(token: phone["access_token"]?.string).get("/api/v1/auth/me").errorCode == "session_revoked")
            #expect(try await api.post("/api/v1/auth/refresh", ["refresh_token": phone["refresh_token"]!]).status == .unauthorized)
            #expect(try await api.post("/api/v1/auth/refresh", ["refresh_token": laptop["refresh_token"]!]).status == .ok)
            #expect(try await api.login(user.email, "a new long password").status == .ok)
            #expect(try await h.lastEmail(to: user.email)["kind"] == "password_changed")
        }
    }

    @Test func emailChangeNeedsConfirmationAndMustBeFree() async throws {
        let h = try await Harness.make()
        let user = try await h.user()
        try await h.user("taken@example.com")
        try await h.run { api async throws in
            let me = api.with(token: try await h.token(for: user))
            let taken = try await me.put("/api/v1/auth/me", ["email": "Taken@example.com", "current_password": .string(Harness.password)])
            #expect(taken.status == .conflict)
            #expect(taken.errorCode == "email_taken")
            let moved = try await me.put("/api/v1/auth/me", ["email": "New.Address@example.com", "current_password": .string(Harness.password)])
            #expect(moved.status == .ok)
            #expect(moved.json["email"] == "new.address@example.com")
            #expect(moved.json["email_verified"] == false)
            #expect(try await h.lastEmail(to: "new.address@example.com")["kind"] == "verification")
        }
    }

    @Test func viewingOtherUsersFollowsSameOrHigherRole() async throws {
        let h = try await Harness.make()
        let owner = try await h.user()
        let admin = try await h.user()
        let member = try await h.user()
        let viewer = try await h.user()
        let stranger = try await h.user()
        let workspace = try await h.workspace(owner: owner)
        try await h.workspace(owner: stranger)
        try await h.addMember(admin, to: workspace, role: "admin")
        try await h.addMember(member, to: workspace, role: "member")
        try await h.addMember(viewer, to: workspace, role: "viewer")
        try await h.run { api async throws in
            let asMember = api.with(token: try await h.token(for: member))
            #expect(try await asMember.get("/api/v1/auth/\(viewer.id)").json["id"]?.uuid == viewer.id)
            #expect(try await asMember.get("/api/v1/auth/\(member.id)").status == .ok)
            let higher = try await asMember.get("/api/v1/auth/\(admin.id)")
            #expect(higher.status == .forbidden)
            #expect(higher.errorCode == "insufficient_role")
            // No shared workspace: the user does not exist for the caller.
            #expect(try await asMember.get("/api/v1/auth/\(stranger.id)").status == .notFound)
            #expect(try await asMember.get("/api/v1/auth/\(UUID())").status == .notFound)
            #expect(try await asMember.get("/api/v1/auth/not-a-uuid").status == .notFound)
            #expect(try await api.with(token: try await h.token(for: owner)).get("/api/v1/auth/\(admin.id)?workspace_id=\(workspace.id)").status == .ok)
        }
    }

    @Test func editingOtherUsersNeedsMembersUpdateAndRespectsRoles() async throws {
        let h = try await Harness.make()
        let owner = try await h.user()
        let admin = try await h.user()
        let member = try await h.user()
        let viewer = try await h.user()
        let workspace = try await h.workspace(owner: owner)
        let otherOwner = try await h.user()
        let other = try await h.workspace(owner: otherOwner)
        try await h.addMember(admin, to: workspace, role: "admin")
        try await h.addMember(member, to: workspace, role: "member")
        try await h.addMember(viewer, to: workspace, role: "viewer")
        try await h.run { api async throws in
            let asAdmin = api.with(token: try await h.token(for: admin))
            let edited = try await asAdmin.put("/api/v1/auth/\(member.id)", ["title": "Head of Bookings"])
            #expect(edited.status == .ok)
            #expect(edited.json["title"] == "Head of Bookings")

            // Role changes: within the workspace, not above one's own, never the owner's.
            let promoted = try await asAdmin.put("/api/v1/auth/\(viewer.id)", ["role": "member", "workspace_id": .string(workspace.id.uuidString)])
            #expect(promoted.status == .ok)
            #expect(try await h.count("SELECT count(*) FROM memberships WHERE user_id = '\(viewer.id)' AND role = 'member'") == 1)
            #expect(try await asAdmin.put("/api/v1/auth/\(viewer.id)", ["role": "owner", "workspace_id": .string(workspace.id.uuidString)]).status
                == .unprocessableContent)
            #expect(try await asAdmin.put("/api/v1/auth/\(viewer.id)", ["role": "admin"]).status == .unprocessableContent)
            let ownerRole = try await asAdmin.put("/api/v1/auth/\(owner.id)", ["title": "x"])
            #expect(ownerRole.errorCode == "insufficient_role")
            let asOwner = api.with(token: try await h.token(for: owner))
            #expect(try await asOwner.put("/api/v1/auth/\(owner.id)", ["role": "admin", "workspace_id": .string(workspace.id.uuidString)]).errorCode
                == "own_role")

            // Members lack members.update.
            let denied = try await api.with(token: try await h.token(for: member)).put("/api/v1/auth/\(viewer.id)", ["title": "x"])
            #expect(denied.status == .forbidden)
            #expect(denied.errorCode == "permission_denied")
            // Another workspace's owner cannot touch this workspace's members.
            let foreign = try await api.with(token: try await h.token(for: otherOwner)).put("/api/v1/auth/\(member.id)", ["title": "x"])
            #expect(foreign.status == .notFound)
            #expect(try await asAdmin.put("/api/v1/auth/\(member.id)", ["title": "x", "workspace_id": .string(other.id.uuidString)]).status == .notFound)
        }
    }

    @Test func adminsChangeEmailsOnlyOfUsersWhoBelongNowhereElse() async throws {
        let h = try await Harness.make()
        let owner = try await h.user()
        let local = try await h.user()
        let shared = try await h.user()
        let workspace = try await h.workspace(owner: owner)
        let elsewhere = try await h.workspace(owner: try await h.user())
        try await h.addMember(local, to: workspace, role: "member")
        try await h.addMember(shared, to: workspace, role: "member")
        try await h.addMember(shared, to: elsewhere, role: "member")
        try await h.run { api async throws in
            let asOwner = api.with(token: try await h.token(for: owner))
            let moved = try await asOwner.put("/api/v1/auth/\(local.id)", ["email": "moved@example.com"])
            #expect(moved.status == .ok)
            #expect(moved.json["email"] == "moved@example.com")
            let refused = try await asOwner.put("/api/v1/auth/\(shared.id)", ["email": "stolen@example.com"])
            #expect(refused.status == .forbidden)
            #expect(refused.errorCode == "email_change_not_allowed")
        }
    }
}

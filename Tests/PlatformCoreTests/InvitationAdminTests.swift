import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumTesting
import PlatformCore
import Testing

private typealias F = WorkspaceFixtures

/// The administrators' side of invitations: invite, copy link, resend, cancel, `POST /members`.
@Suite("Workspaces: managing invitations")
struct InvitationAdminTests {
    @Test func inviteValidatesChecksPermissionAndRefusesMembers() async throws {
        let h = try await Harness.make()
        let owner = try await h.user()
        let viewer = try await h.user()
        let member = try await h.user()
        let stranger = try await h.user()
        let workspace = try await h.workspace(owner: owner)
        let other = try await h.workspace(owner: stranger)
        try await h.addMember(viewer, to: workspace, role: "viewer")
        try await h.addMember(member, to: workspace, role: "member")
        try await h.run { api async throws in
            let asOwner = api.with(token: try await h.token(for: owner))
            let path = "/api/v1/workspaces/\(workspace.id)/invite"
            let invalid = try await asOwner.post(path, ["email": "not-an-email", "role": "owner", "full_name": ""])
            #expect(invalid.status == .unprocessableContent)
            #expect(F.fields(invalid) == ["email", "role", "full_name"])
            #expect(F.fields(try await asOwner.post(path, ["role": "admin"])) == ["email"])
            #expect(try await asOwner.request(.post, path, rawBody: "{\"email\"").errorCode == "invalid_body")

            let already = try await asOwner.post(path, ["email": .string(member.email.uppercased())])
            #expect(already.status == .conflict)
            #expect(already.errorCode == "already_member")
            #expect(try await asOwner.post(path, ["email": .string(owner.email)]).errorCode == "already_member")

            // Spec: "Requires admin or owner role in the workspace."
            let denied = try await api.with(token: try await h.token(for: viewer)).post(path, ["email": "x@example.com"])
            #expect(denied.status == .forbidden)
            #expect(denied.errorCode == "insufficient_role")
            #expect(try await api.with(token: try await h.token(for: stranger)).post(path, ["email": "x@example.com"]).status == .notFound)
            #expect(try await asOwner.post("/api/v1/workspaces/\(other.id)/invite", ["email": "x@example.com"]).status == .notFound)
            #expect(try await asOwner.post("/api/v1/workspaces/nope/invite", ["email": "x@example.com"]).status == .notFound)
            #expect(try await api.post(path, ["email": "x@example.com"]).status == .unauthorized)
            // Nothing was created by the refused attempts.
            #expect(try await h.count("SELECT count(*) FROM invitations") == 0)
            #expect(try await h.count("SELECT count(*) FROM users WHERE email = 'x@example.com'") == 0)
        }
    }

    /// Spec (invite, invite-link, resend-invite, invitations/cancel): "Requires admin or owner role in the
    /// workspace." `members.invite` is a role rule: granting it to members gives them nothing, revoking it from
    /// the admin role takes it from admins.
    @Test func invitingIsForAdminsAndOwnersWhatEverIsGranted() async throws {
        let h = try await Harness.make()
        let owner = try await h.user()
        let admin = try await h.user()
        let member = try await h.user()
        let workspace = try await h.workspace(owner: owner)
        try await h.addMember(admin, to: workspace, role: "admin")
        try await h.addMember(member, to: workspace, role: "member")
        for email in ["peer@example.com", "boss@example.com", "helper@example.com"] { try await h.user(email) }
        // This workspace tries to let members invite.
        try await F.setPermission(h, Permission.membersInvite, role: "member", in: workspace)
        try await h.run { api async throws in
            let path = "/api/v1/workspaces/\(workspace.id)/invite"
            let asAdmin = api.with(token: try await h.token(for: admin))
            #expect(try await asAdmin.post(path, ["email": "peer@example.com", "role": "admin"]).status == .created)
            let asMember = api.with(token: try await h.token(for: member))
            let refused = try await asMember.post(path, ["email": "helper@example.com", "role": "viewer"])
            #expect(refused.status == .forbidden)
            #expect(refused.errorCode == "insufficient_role")
            #expect(try await asMember.post("/api/v1/workspaces/\(workspace.id)/invite-link", ["email": "boss@example.com", "role": "viewer"])
                .errorCode == "insufficient_role")
            #expect(try await asMember.post(path, ["email": "peer@example.com", "role": "viewer"]).errorCode == "insufficient_role")
            let peerID = try #require(try await h.core.users.find(email: "peer@example.com")?.id)
            #expect(try await asMember.post("/api/v1/workspaces/\(workspace.id)/resend-invite", ["user_id": F.id(peerID)])
                .errorCode == "insufficient_role")
            #expect(try await asMember.post("/api/v1/workspaces/invitations/cancel", ["workspace_id": F.id(workspace.id), "email": "peer@example.com"])
                .errorCode == "insufficient_role")
            #expect(try await asMember.with(token: try await h.token(for: member)).workspaceHeader(workspace.id)
                .post("/api/v1/members", ["email": "helper@example.com"]).errorCode == "insufficient_role")
            #expect(try await h.count("SELECT count(*) FROM invitations WHERE status = 'pending'") == 1)

            // The permission narrows the rule: revoked from the admin role, admins no longer invite.
            try await F.setPermission(h, Permission.membersInvite, role: "admin", in: workspace, granted: false)
            let narrowed = try await asAdmin.post(path, ["email": "boss@example.com", "role": "viewer"])
            #expect(narrowed.status == .forbidden)
            #expect(narrowed.errorCode == "permission_denied")
        }
    }

    @Test func resendIssuesANewLinkAndKillsTheOldOne() async throws {
        let h = try await Harness.make()
        let owner = try await h.user()
        let active = try await h.user()
        let stranger = try await h.user()
        let workspace = try await h.workspace(owner: owner)
        let other = try await h.workspace(owner: stranger)
        let strangersInvitee = try await h.user()
        try await h.addMember(active, to: workspace, role: "member")
        try await h.addMember(strangersInvitee, to: other, role: "member", status: "invited")
        try await h.user("again@example.com")
        try await h.run { api async throws in
            let asOwner = api.with(token: try await h.token(for: owner))
            let invited = try await asOwner.post("/api/v1/workspaces/\(workspace.id)/invite", ["email": "again@example.com"])
            let memberID = try #require(invited.json["member_id"]?.uuid)
            let userID = try #require(invited.json["user_id"]?.uuid)
            let first = try await F.invitationToken(h, to: "again@example.com")
            let path = "/api/v1/workspaces/\(workspace.id)/resend-invite"

            let resent = try await asOwner.post(path, ["member_id": F.id(memberID)])
            #expect(resent.status == .ok)
            #expect(resent.json["invitation"]?["id"] == invited.json["id"])
            let second = try await F.invitationToken(h, to: "again@example.com")
            #expect(second != first)
            #expect(try await h.emails(to: "again@example.com").count == 2)
            #expect(try await api.get("/api/v1/workspaces/invitations/details?token=\(first)").errorCode == "token_invalid")
            #expect(try await api.get("/api/v1/workspaces/invitations/details?token=\(second)").status == .ok)
            #expect(try await asOwner.post(path, ["user_id": F.id(userID)]).status == .ok)

            #expect(F.fields(try await asOwner.post(path, [:])) == ["member_id"])
            #expect(F.fields(try await asOwner.post(path, ["member_id": F.id(memberID), "user_id": F.id(userID)])) == ["user_id"])
            let joined = try await asOwner.post(path, ["user_id": F.id(active.id)])
            #expect(joined.status == .conflict)
            #expect(joined.errorCode == "invitation_not_pending")
            #expect(try await asOwner.post(path, ["member_id": F.id(UUID())]).status == .notFound)
            // Another workspace's invitee does not exist here.
            #expect(try await asOwner.post(path, ["user_id": F.id(strangersInvitee.id)]).status == .notFound)
            #expect(try await asOwner.post("/api/v1/workspaces/\(other.id)/resend-invite", ["user_id": F.id(strangersInvitee.id)]).status == .notFound)
            let asMember = api.with(token: try await h.token(for: active))
            #expect(try await asMember.post(path, ["member_id": F.id(memberID)]).errorCode == "insufficient_role")
        }
    }

    @Test func cancelTakesBackTheMembershipOnce() async throws {
        let h = try await Harness.make()
        let owner = try await h.user()
        let viewer = try await h.user()
        let stranger = try await h.user()
        let workspace = try await h.workspace(owner: owner)
        let other = try await h.workspace(owner: stranger)
        try await h.addMember(viewer, to: workspace, role: "viewer")
        for email in ["one@example.com", "two@example.com", "three@example.com"] { try await h.user(email) }
        try await h.run { api async throws in
            let asOwner = api.with(token: try await h.token(for: owner))
            let asStranger = api.with(token: try await h.token(for: stranger))
            let byEmail = try await asOwner.post("/api/v1/workspaces/\(workspace.id)/invite", ["email": "one@example.com"])
            let byMember = try await asOwner.post("/api/v1/workspaces/\(workspace.id)/invite", ["email": "two@example.com"])
            let foreign = try await asStranger.post("/api/v1/workspaces/\(other.id)/invite", ["email": "three@example.com"])
            let cancel = "/api/v1/workspaces/invitations/cancel"
            let ws = F.id(workspace.id)

            let invalid = try await asOwner.post(cancel, ["workspace_id": ws])
            #expect(invalid.status == .unprocessableContent)
            #expect(F.fields(invalid) == ["invitation_id"])
            #expect(F.fields(try await asOwner.post(cancel, ["workspace_id": ws, "email": "one@example.com", "member_id": byMember.json["member_id"]!]))
                == ["invitation_id"])
            #expect(F.fields(try await asOwner.post(cancel, ["email": "one@example.com"])) == ["workspace_id"])
            #expect(try await api.with(token: try await h.token(for: viewer)).post(cancel, ["workspace_id": ws, "email": "one@example.com"])
                .errorCode == "insufficient_role")
            // Another workspace's invitation, named with this workspace: not found; its own workspace: not a member.
            #expect(try await asOwner.post(cancel, ["workspace_id": ws, "invitation_id": foreign.json["id"]!]).status == .notFound)
            #expect(try await asOwner.post(cancel, ["workspace_id": F.id(other.id), "invitation_id": foreign.json["id"]!]).status == .notFound)

            let one = try await asOwner.post(cancel, ["workspace_id": ws, "email": "ONE@example.com"])
            #expect(one.status == .ok)
            #expect(one.json["cancelled_at"]?.isNull == false)
            let two = try await asOwner.post(cancel, ["workspace_id": ws, "member_id": byMember.json["member_id"]!])
            #expect(two.status == .ok)
            #expect(two.json["id"] == byMember.json["id"])
            let again = try await asOwner.post(cancel, ["workspace_id": ws, "invitation_id": byEmail.json["id"]!])
            #expect(again.status == .conflict)
            #expect(again.errorCode == "invitation_not_pending")

            let members = try await asOwner.get("/api/v1/workspaces/\(workspace.id)/members")
            #expect(members.totalCount == 2)
            #expect(try await h.count("SELECT count(*) FROM memberships WHERE workspace_id = '\(workspace.id)' AND status = 'removed'") == 2)
            #expect(try await h.count("SELECT count(*) FROM invitations WHERE workspace_id = '\(other.id)' AND status = 'pending'") == 1)
            #expect(try await h.count("SELECT count(*) FROM activity WHERE workspace_id = '\(workspace.id)' AND action = 'member.invitation_cancelled'") == 2)
            // A cancelled invitee can be invited again.
            let back = try await asOwner.post("/api/v1/workspaces/\(workspace.id)/invite", ["email": "one@example.com"])
            #expect(back.status == .created)
            #expect(back.json["member_id"] == byEmail.json["member_id"])
            #expect(back.json["id"] != byEmail.json["id"])
        }
    }

    @Test func createMemberInvitesIntoTheHeadersWorkspace() async throws {
        let h = try await Harness.make()
        let owner = try await h.user()
        let viewer = try await h.user()
        let workspace = try await h.workspace(owner: owner)
        let other = try await h.workspace(owner: try await h.user())
        try await h.addMember(viewer, to: workspace, role: "viewer")
        try await h.user("hire@example.com", name: "Hiro Hire")
        try await h.run { api async throws in
            let asOwner = api.with(token: try await h.token(for: owner))
            let created = try await asOwner.workspaceHeader(workspace.id).post("/api/v1/members",
                                                                              ["email": "hire@example.com", "role": "viewer", "full_name": "Hiro Hire"])
            #expect(created.status == .created)
            let memberID = try #require(created.json["id"]?.uuid)
            #expect(created.json["status"] == "invited")
            #expect(created.json["role"] == "viewer")
            #expect(created.json["full_name"] == "Hiro Hire")
            #expect(created.json["is_active"] == false)
            // The same record the Members group reads back.
            let readBack = try await asOwner.workspaceHeader(workspace.id).get("/api/v1/members/\(memberID)")
            #expect(readBack.json == created.json)
            #expect(try await h.count("SELECT count(*) FROM memberships WHERE id = '\(memberID)' AND workspace_id = '\(workspace.id)'") == 1)
            #expect(try await h.lastEmail(to: "hire@example.com")["kind"] == "invitation")

            #expect(try await asOwner.workspaceHeader(workspace.id).post("/api/v1/members", ["email": "hire@example.com"]).status == .created)
            #expect(F.fields(try await asOwner.workspaceHeader(workspace.id).post("/api/v1/members", ["role": "boss"])) == ["email", "role"])
            #expect(try await asOwner.post("/api/v1/members", ["email": "x@example.com"]).errorCode == "tenant_required")
            #expect(try await asOwner.workspaceHeader(other.id).post("/api/v1/members", ["email": "x@example.com"]).errorCode == "not_a_member")
            let denied = try await api.with(token: try await h.token(for: viewer)).workspaceHeader(workspace.id)
                .post("/api/v1/members", ["email": "x@example.com"])
            #expect(denied.status == .forbidden)
            #expect(denied.errorCode == "insufficient_role")
        }
    }
}

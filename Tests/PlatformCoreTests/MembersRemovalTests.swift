import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumTesting
import PlatformCore
import PostgresNIO
import Testing

@Suite("Members: removal (the three cases) and permanent deletion")
struct MembersRemovalTests {
    @Test func caseOneCancelsTheInvitationAndRevokesItsLink() async throws {
        let h = try await Harness.make()
        let crew = try await Crew.make(h)
        // Invited here, and a member elsewhere: the account stays.
        let invitee = try await h.user(name: "Ina Invitee")
        try await h.addMember(invitee, to: crew.otherWorkspace, role: "member")
        let (memberID, invitationID, tokenID) = try await h.invite(invitee, to: crew.workspace, by: crew.admin)
        try await h.run { api async throws in
            let removed = try await api.with(token: try await h.token(for: crew.admin))
                .delete("/api/v1/workspaces/\(crew.workspace.id)/members/\(memberID)")
            #expect(removed.status == .ok)
            #expect(removed.json["outcome"] == "invitation_cancelled")
            #expect(removed.json["invitations_cancelled"]?.int == 1)
            #expect(removed.json["tokens_revoked"]?.int == 1)
            #expect(removed.json["user_deleted"] == false)
            #expect(try await h.count("SELECT count(*) FROM memberships WHERE id = '\(memberID)'") == 0)
            #expect(try await h.text("""
                SELECT status || '/' || (cancelled_at IS NOT NULL) || '/' || (membership_id IS NULL) FROM invitations WHERE id = '\(invitationID)'
                """) == "cancelled/true/true", "the invitation is kept as cancelled history")
            #expect(try await h.count("SELECT count(*) FROM single_use_tokens WHERE id = '\(tokenID)' AND revoked_at IS NOT NULL") == 1)
            #expect(try await h.count("SELECT count(*) FROM users WHERE id = '\(invitee.id)'") == 1)
            #expect(try await h.count("SELECT count(*) FROM activity WHERE action = 'member.invitation_cancelled'") == 1)
        }
    }

    @Test func caseTwoKeepsAHistoryRowAndEndsAccessImmediately() async throws {
        let h = try await Harness.make()
        let crew = try await Crew.make(h)
        try await h.addMember(crew.member, to: crew.otherWorkspace, role: "viewer")
        let teamID = try await h.core.database.query("""
            INSERT INTO teams (workspace_id, name) VALUES (\(crew.workspace.id), 'Bookers') RETURNING id
            """).first { try $0.decode(UUID.self) }!
        let memberID = try await crew.memberID(crew.member)
        try await h.core.database.query("""
            INSERT INTO team_members (workspace_id, team_id, membership_id, role) VALUES (\(crew.workspace.id), \(teamID), \(memberID), 'lead')
            """)
        try await h.run { api async throws in
            let memberToken = try await h.token(for: crew.member)
            let asMember = api.with(token: memberToken).workspaceHeader(crew.workspace.id)
            #expect(try await asMember.get("/api/v1/members").status == .ok)

            let removed = try await api.with(token: try await h.token(for: crew.owner))
                .delete("/api/v1/workspaces/\(crew.workspace.id)/members/\(memberID)")
            #expect(removed.status == .ok)
            #expect(removed.json["outcome"] == "membership_removed")
            #expect(removed.json["team_memberships_removed"]?.int == 1)
            #expect(removed.json["user_deleted"] == false)
            #expect(try await h.text("""
                SELECT status || '/' || (removed_at IS NOT NULL) FROM memberships WHERE id = '\(memberID)'
                """) == "removed/true")
            #expect(try await h.count("SELECT count(*) FROM team_members WHERE membership_id = '\(memberID)'") == 0)

            // The same token: refused here at once, still fine in the other workspace.
            let refused = try await asMember.get("/api/v1/members")
            #expect(refused.status == .forbidden)
            #expect(refused.errorCode == "not_a_member")
            #expect(try await api.with(token: memberToken).workspaceHeader(crew.otherWorkspace.id).get("/api/v1/members/me").status == .ok)
            #expect(try await h.count("SELECT count(*) FROM sessions WHERE user_id = '\(crew.member.id)' AND revoked_at IS NULL") == 1)
            // Gone from lists; removing again finds nothing.
            let list = try await crew.client(api, as: crew.owner).get("/api/v1/members")
            #expect(list.json["total"]?.int == 3)
            #expect(try await api.with(token: try await h.token(for: crew.owner))
                .delete("/api/v1/workspaces/\(crew.workspace.id)/members/\(memberID)").status == .notFound)
        }
    }

    @Test func caseThreeDeletesAnAccountLeftInNoWorkspace() async throws {
        let h = try await Harness.make()
        let crew = try await Crew.make(h)
        let memberID = try await crew.memberID(crew.member)
        try await h.apiKey(named: "Ticket scanner", in: crew.workspace, createdBy: crew.member)
        try await h.run { api async throws in
            let memberToken = try await h.token(for: crew.member)
            let removed = try await api.with(token: try await h.token(for: crew.admin))
                .delete("/api/v1/workspaces/\(crew.workspace.id)/members/\(memberID)")
            #expect(removed.status == .ok)
            #expect(removed.json["outcome"] == "membership_removed")
            #expect(removed.json["user_deleted"] == true)
            #expect(removed.json["email"]?.string == crew.member.email)
            #expect(try await h.count("SELECT count(*) FROM users WHERE id = '\(crew.member.id)'") == 0)
            #expect(try await h.count("SELECT count(*) FROM memberships WHERE user_id = '\(crew.member.id)'") == 0)
            #expect(try await h.count("SELECT count(*) FROM sessions WHERE user_id = '\(crew.member.id)'") == 0)
            #expect(try await h.count("SELECT count(*) FROM api_keys WHERE name = 'Ticket scanner' AND created_by IS NULL") == 1,
                    "what they created stays, without the creator")
            #expect(try await h.count("SELECT count(*) FROM activity WHERE action = 'user.deleted' AND workspace_id = '\(crew.workspace.id)'") == 1)
            let gone = try await api.with(token: memberToken).get("/api/v1/auth/me")
            #expect(gone.status == .unauthorized)

            // An invited person with no other workspace goes the same way (cases 1 + 3).
            let invitee = try await h.user(status: "pending", name: "Nora New")
            let (invitedID, _, _) = try await h.invite(invitee, to: crew.workspace, by: crew.owner)
            let cancelled = try await api.with(token: try await h.token(for: crew.owner))
                .delete("/api/v1/workspaces/\(crew.workspace.id)/members/\(invitedID)")
            #expect(cancelled.json["outcome"] == "invitation_cancelled")
            #expect(cancelled.json["user_deleted"] == true)
            #expect(try await h.count("SELECT count(*) FROM users WHERE id = '\(invitee.id)'") == 0)
        }
    }

    @Test func theWorkspaceRouteRefusesSelfOwnersHigherRolesAndStrangers() async throws {
        let h = try await Harness.make()
        let crew = try await Crew.make(h)
        let coOwner = try await h.user(name: "Cora Co-owner")
        try await h.addMember(coOwner, to: crew.workspace, role: "owner")
        try await h.run { api async throws in
            let path = { (member: UUID) in "/api/v1/workspaces/\(crew.workspace.id)/members/\(member)" }
            let asOwner = api.with(token: try await h.token(for: crew.owner))
            let asAdmin = api.with(token: try await h.token(for: crew.admin))
            let ownerID = try await crew.memberID(crew.owner)

            let itself = try await asOwner.delete(path(ownerID))
            #expect(itself.status == .conflict)
            #expect(itself.errorCode == "cannot_remove_self")
            let coOwnerRemoval = try await asOwner.delete(path(try await crew.memberID(coOwner)))
            #expect(coOwnerRemoval.status == .conflict)
            #expect(coOwnerRemoval.errorCode == "owner_protected")
            let byAdmin = try await asAdmin.delete(path(ownerID))
            #expect(byAdmin.status == .forbidden)
            #expect(byAdmin.errorCode == "insufficient_role")
            #expect(try await h.count("SELECT count(*) FROM memberships WHERE workspace_id = '\(crew.workspace.id)' AND role = 'owner' AND status = 'active'") == 2)

            let asMember = api.with(token: try await h.token(for: crew.member))
            // Spec: "Requires admin or owner role in the workspace."
            let denied = try await asMember.delete(path(try await crew.memberID(crew.viewer)))
            #expect(denied.status == .forbidden)
            #expect(denied.errorCode == "insufficient_role")
            // Not a member of the workspace in the path, or its member id elsewhere: 404.
            let asStranger = api.with(token: try await h.token(for: crew.stranger))
            #expect(try await asStranger.delete(path(try await crew.memberID(crew.viewer))).status == .notFound)
            let foreign = try await crew.memberID(crew.stranger, in: crew.otherWorkspace)
            #expect(try await asOwner.delete(path(foreign)).status == .notFound)
            #expect(try await asOwner.delete("/api/v1/workspaces/nope/members/\(foreign)").status == .notFound)
            #expect(try await api.delete(path(foreign)).status == .unauthorized)
            // An admin may remove another admin (same role).
            let otherAdmin = try await h.user()
            try await h.addMember(otherAdmin, to: crew.workspace, role: "admin")
            #expect(try await asAdmin.delete(path(try await crew.memberID(otherAdmin))).status == .ok)
        }
    }

    @Test func deleteMemberNeverDeletesTheAccount() async throws {
        let h = try await Harness.make()
        let crew = try await Crew.make(h)
        let invitee = try await h.user(status: "pending")
        let (invitedID, invitationID, _) = try await h.invite(invitee, to: crew.workspace, by: crew.owner)
        try await h.run { api async throws in
            let asAdmin = try await crew.client(api, as: crew.admin)
            let memberID = try await crew.memberID(crew.member)
            let removed = try await asAdmin.delete("/api/v1/members/\(memberID)")
            #expect(removed.status == .noContent)
            #expect(try await h.text("SELECT status FROM memberships WHERE id = '\(memberID)'") == "removed")
            #expect(try await h.count("SELECT count(*) FROM users WHERE id = '\(crew.member.id)'") == 1, "only in this workspace, yet kept")
            #expect(try await asAdmin.delete("/api/v1/members/\(memberID)").status == .notFound)

            #expect(try await asAdmin.delete("/api/v1/members/\(invitedID)").status == .noContent)
            #expect(try await h.text("SELECT status FROM invitations WHERE id = '\(invitationID)'") == "cancelled")
            #expect(try await h.count("SELECT count(*) FROM users WHERE id = '\(invitee.id)'") == 1)

            #expect(try await asAdmin.delete("/api/v1/members/\(try await crew.memberID(crew.admin))").errorCode == "cannot_remove_self")
            #expect(try await asAdmin.delete("/api/v1/members/\(try await crew.memberID(crew.owner))").errorCode == "insufficient_role")
            let asViewer = try await crew.client(api, as: crew.viewer)
            #expect(try await asViewer.delete("/api/v1/members/\(try await crew.memberID(crew.admin))").errorCode == "insufficient_role")
            let foreign = try await crew.memberID(crew.stranger, in: crew.otherWorkspace)
            #expect(try await asAdmin.delete("/api/v1/members/\(foreign)").status == .notFound)
            #expect(try await asAdmin.delete("/api/v1/members/123").status == .notFound)
        }
    }

    @Test func permanentDeletionOnlyForPeopleInThisWorkspaceAlone() async throws {
        let h = try await Harness.make()
        let crew = try await Crew.make(h)
        try await h.addMember(crew.viewer, to: crew.otherWorkspace, role: "viewer")
        try await h.run { api async throws in
            let asAdmin = try await crew.client(api, as: crew.admin)
            let viewerID = try await crew.memberID(crew.viewer)
            let elsewhere = try await asAdmin.delete("/api/v1/members/\(viewerID)/permanent")
            #expect(elsewhere.status == .conflict)
            #expect(elsewhere.errorCode == "user_in_other_workspaces")
            #expect(try await h.text("SELECT status FROM memberships WHERE id = '\(viewerID)'") == "active", "nothing changed")

            let memberID = try await crew.memberID(crew.member)
            try await h.core.database.query("UPDATE users SET is_superuser = true WHERE id = \(crew.member.id)")
            #expect(try await asAdmin.delete("/api/v1/members/\(memberID)/permanent").errorCode == "staff_account_protected")
            try await h.core.database.query("UPDATE users SET is_superuser = false WHERE id = \(crew.member.id)")

            #expect(try await crew.client(api, as: crew.member).delete("/api/v1/members/\(viewerID)/permanent").errorCode == "insufficient_role")
            #expect(try await asAdmin.delete("/api/v1/members/\(try await crew.memberID(crew.admin))/permanent").errorCode == "cannot_remove_self")
            #expect(try await asAdmin.delete("/api/v1/members/\(try await crew.memberID(crew.owner))/permanent").errorCode == "insufficient_role")
            let foreign = try await crew.memberID(crew.stranger, in: crew.otherWorkspace)
            #expect(try await asAdmin.delete("/api/v1/members/\(foreign)/permanent").status == .notFound)

            let deleted = try await asAdmin.delete("/api/v1/members/\(memberID)/permanent")
            #expect(deleted.status == .noContent)
            #expect(try await h.count("SELECT count(*) FROM users WHERE id = '\(crew.member.id)'") == 0)
            #expect(try await h.count("SELECT count(*) FROM memberships WHERE id = '\(memberID)'") == 0)
        }
    }
}

import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumTesting
import PlatformCore
import Testing

/// Invitations (Workspaces group) and removals (Members group) working on the same membership row:
/// a removed member can be invited back, accepts, and is an ordinary active member again.
@Suite("Members: removal, then invited back")
struct MembershipLifecycleTests {
    @Test func aRemovedMemberIsInvitedBackAndRegainsAccess() async throws {
        let h = try await Harness.make()
        let crew = try await Crew.make(h)
        try await h.run { api async throws in
            let asOwner = try await crew.client(api, as: crew.owner)
            let asMember = try await crew.client(api, as: crew.member)
            let memberID = try await crew.memberID(crew.member)
            #expect(try await asOwner.delete("/api/v1/members/\(memberID)").status == .noContent)
            #expect(try await asMember.get("/api/v1/members/me").errorCode == "not_a_member")

            let invited = try await asOwner.post("/api/v1/workspaces/\(crew.workspace.id)/invite",
                                                 ["email": .string(crew.member.email), "role": "viewer"])
            #expect(invited.status == .created)
            #expect(invited.json["member_id"]?.uuid == memberID, "the history row is reused, not duplicated")
            #expect(try await asMember.get("/api/v1/members/me").errorCode == "not_a_member", "invited is not yet a member")

            let token = try await WorkspaceFixtures.invitationToken(h, to: crew.member.email)
            // An existing account accepts without choosing a password.
            let accepted = try await api.post("/api/v1/workspaces/invitations/accept", ["token": .string(token)])
            #expect(accepted.status == .ok)
            let me = try await asMember.get("/api/v1/members/me")
            #expect(me.status == .ok)
            #expect(me.json["role"] == "viewer")
            #expect(try await h.count("SELECT count(*) FROM memberships WHERE user_id = '\(crew.member.id)'") == 1)
        }
    }
}

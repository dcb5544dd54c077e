import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumTesting
import PlatformCore
import PostgresNIO
import Testing

@Suite("Members: editing roles, status and profile")
struct MembersUpdateTests {
    @Test func adminsChangeRolesWithinTheirOwnRank() async throws {
        let h = try await Harness.make()
        let crew = try await Crew.make(h)
        try await h.run { api async throws in
            let asAdmin = try await crew.client(api, as: crew.admin)
            let memberID = try await crew.memberID(crew.member)
            let promoted = try await asAdmin.put("/api/v1/members/\(memberID)", ["role": "admin", "title": "Head booker"])
            #expect(promoted.status == .ok)
            #expect(promoted.json["role"] == "admin")
            #expect(promoted.json["title"] == "Head booker")
            #expect(try await h.count("""
                SELECT count(*) FROM activity WHERE workspace_id = '\(crew.workspace.id)' AND action = 'member.role_changed'
                  AND entity_id = '\(memberID.uuidString.lowercased())' AND user_id = '\(crew.admin.id)'
                """) == 1)
            #expect(try await h.count("SELECT count(*) FROM activity WHERE action = 'member.updated' AND entity_id = '\(memberID.uuidString.lowercased())'") == 1)
            // The new role takes effect at once: an admin may update members now.
            let asPromoted = try await crew.client(api, as: crew.member)
            let viewerID = try await crew.memberID(crew.viewer)
            #expect(try await asPromoted.put("/api/v1/members/\(viewerID)", ["department": "Bar"]).status == .ok)

            // Admins cannot touch owners.
            let ownerID = try await crew.memberID(crew.owner)
            let onOwner = try await asAdmin.put("/api/v1/members/\(ownerID)", ["role": "viewer"])
            #expect(onOwner.status == .forbidden)
            #expect(onOwner.errorCode == "insufficient_role")
            #expect(try await asAdmin.put("/api/v1/members/\(ownerID)", ["title": "Boss"]).errorCode == "insufficient_role")
            #expect(try await h.text("SELECT role FROM memberships WHERE id = '\(ownerID)'") == "owner")

            // Nobody grants owner here (not a choice), and validation lists every field.
            let invalid = try await asAdmin.put("/api/v1/members/\(viewerID)",
                                                ["role": "owner", "status": "removed", "title": .string(String(repeating: "x", count: 201))])
            #expect(invalid.status == .unprocessableContent)
            #expect(invalid.errorCode == "validation_failed")
            #expect(Set(invalid.json["error"]?["details"]?.arrayValue?.compactMap { $0["field"]?.string } ?? []) == ["role", "status", "title"])
            let malformed = try await asAdmin.request(.put, "/api/v1/members/\(viewerID)", rawBody: "{role")
            #expect(malformed.status == .badRequest)

            // Members and viewers cannot edit others.
            let asViewer = try await crew.client(api, as: crew.viewer)
            let denied = try await asViewer.put("/api/v1/members/\(ownerID)", ["title": "x"])
            #expect(denied.status == .forbidden)
            #expect(denied.errorCode == "permission_denied")

            // Another workspace's member, malformed ids.
            let foreign = try await crew.memberID(crew.stranger, in: crew.otherWorkspace)
            #expect(try await asAdmin.put("/api/v1/members/\(foreign)", ["role": "viewer"]).status == .notFound)
            #expect(try await asAdmin.put("/api/v1/members/nope", ["role": "viewer"]).status == .notFound)
        }
    }

    @Test func nobodyPromotesThemselvesOrGrantsAboveTheirRole() async throws {
        let h = try await Harness.make()
        let crew = try await Crew.make(h)
        try await h.run { api async throws in
            let asMember = try await crew.client(api, as: crew.member)
            let memberID = try await crew.memberID(crew.member)
            let selfPromotion = try await asMember.put("/api/v1/members/\(memberID)", ["role": "admin"])
            #expect(selfPromotion.status == .forbidden)
            #expect(selfPromotion.errorCode == "own_role")
            // Even an admin cannot change their own role, nor suspend themselves.
            let asAdmin = try await crew.client(api, as: crew.admin)
            let adminID = try await crew.memberID(crew.admin)
            #expect(try await asAdmin.put("/api/v1/members/\(adminID)", ["role": "viewer"]).errorCode == "own_role")
            #expect(try await asAdmin.put("/api/v1/members/\(adminID)", ["status": "suspended"]).errorCode == "own_status")
            #expect(try await h.text("SELECT role FROM memberships WHERE id = '\(memberID)'") == "member")

            // Own title and department need no permission; null clears them.
            let own = try await asMember.put("/api/v1/members/\(memberID)", ["title": "Runner", "department": "Crew", "role": "member"])
            #expect(own.status == .ok)
            #expect(own.json["department"] == "Crew")
            let cleared = try await asMember.put("/api/v1/members/\(memberID)", ["title": nil])
            #expect(cleared.json["title"] == .null)
            #expect(cleared.json["department"] == "Crew")

            // A member granted members.update still cannot lift someone above their own role.
            try await h.core.database.query("""
                INSERT INTO role_permissions (workspace_id, role, permission) VALUES (\(crew.workspace.id), 'member', 'members.update')
                """)
            let viewerID = try await crew.memberID(crew.viewer)
            let above = try await asMember.put("/api/v1/members/\(viewerID)", ["role": "admin"])
            #expect(above.status == .forbidden)
            #expect(above.errorCode == "insufficient_role")
            #expect(try await asMember.put("/api/v1/members/\(viewerID)", ["role": "member"]).status == .ok)
            #expect(try await asMember.put("/api/v1/members/\(adminID)", ["title": "x"]).errorCode == "insufficient_role")
        }
    }

    @Test func theOwnerRoleIsProtected() async throws {
        let h = try await Harness.make()
        let crew = try await Crew.make(h)
        let coOwner = try await h.user(name: "Cora Co-owner")
        try await h.addMember(coOwner, to: crew.workspace, role: "owner")
        try await h.run { api async throws in
            let ownerID = try await crew.memberID(crew.owner)
            let asOwner = try await crew.client(api, as: crew.owner)
            // The only owner who can act cannot demote themselves.
            #expect(try await asOwner.put("/api/v1/members/\(ownerID)", ["role": "admin"]).errorCode == "own_role")
            // The workspace's recorded owner keeps the role; ownership moves by transfer.
            let asCoOwner = try await crew.client(api, as: coOwner)
            let demoteRecorded = try await asCoOwner.put("/api/v1/members/\(ownerID)", ["role": "admin"])
            #expect(demoteRecorded.status == .conflict)
            #expect(demoteRecorded.errorCode == "owner_protected")
            let suspendOwner = try await asCoOwner.put("/api/v1/members/\(ownerID)", ["status": "suspended"])
            #expect(suspendOwner.errorCode == "owner_protected")
            #expect(try await h.text("SELECT role || '/' || status FROM memberships WHERE id = '\(ownerID)'") == "owner/active")
            // Another owner can be demoted by an owner while an active owner remains.
            let coOwnerID = try await crew.memberID(coOwner)
            let demoted = try await asOwner.put("/api/v1/members/\(coOwnerID)", ["role": "admin"])
            #expect(demoted.status == .ok)
            #expect(demoted.json["role"] == "admin")
        }
    }

    @Test func suspendingEndsAccessAtOnceAndReactivatingRestoresIt() async throws {
        let h = try await Harness.make()
        let crew = try await Crew.make(h)
        let invited = try await h.user(name: "Ivy Invited")
        let (invitedID, _, _) = try await h.invite(invited, to: crew.workspace, by: crew.owner)
        try await h.run { api async throws in
            let asAdmin = try await crew.client(api, as: crew.admin)
            let asMember = try await crew.client(api, as: crew.member)
            let memberID = try await crew.memberID(crew.member)
            #expect(try await asMember.get("/api/v1/members/me").status == .ok)

            let suspended = try await asAdmin.put("/api/v1/members/\(memberID)", ["status": "suspended"])
            #expect(suspended.status == .ok)
            #expect(suspended.json["status"] == "suspended")
            #expect(suspended.json["is_active"] == false)
            let refused = try await asMember.get("/api/v1/members/me")
            #expect(refused.status == .forbidden)
            #expect(refused.errorCode == "not_a_member")
            #expect(try await h.count("SELECT count(*) FROM sessions WHERE user_id = '\(crew.member.id)' AND revoked_at IS NULL") == 1,
                    "sessions stay: they may serve other workspaces")
            #expect(try await h.count("SELECT count(*) FROM activity WHERE action = 'member.suspended'") == 1)

            let back = try await asAdmin.put("/api/v1/members/\(memberID)", ["status": "active"])
            #expect(back.json["status"] == "active")
            #expect(try await asMember.get("/api/v1/members/me").status == .ok)
            #expect(try await h.count("SELECT count(*) FROM activity WHERE action = 'member.reactivated'") == 1)

            // An invitation is accepted by the person, not activated by an admin.
            let notYet = try await asAdmin.put("/api/v1/members/\(invitedID)", ["status": "active"])
            #expect(notYet.status == .conflict)
            #expect(notYet.errorCode == "member_invited")
            // Changing an invited person's role changes the role their invitation grants.
            #expect(try await asAdmin.put("/api/v1/members/\(invitedID)", ["role": "viewer"]).status == .ok)
            #expect(try await h.text("SELECT role FROM invitations WHERE membership_id = '\(invitedID)'") == "viewer")
        }
    }

    @Test func avatarsForOneselfOrWithTheEditRule() async throws {
        let h = try await Harness.make()
        let crew = try await Crew.make(h)
        try await h.run { api async throws in
            let png = AvatarTests.png
            let memberID = try await crew.memberID(crew.member)
            let own = try await crew.client(api, as: crew.member).uploadFile("/api/v1/members/\(memberID)/avatar", png)
            #expect(own.status == .ok)
            let url = try #require(own.json["avatar_url"]?.string)
            #expect(url.contains("/api/v1/auth/avatars/\(crew.member.id.uuidString.lowercased())/"))
            #expect(try await h.text("SELECT avatar_url FROM users WHERE id = '\(crew.member.id)'") == url)
            let served = try await api.get(String(url.dropFirst("http://localhost:8080/platform".count)))
            #expect(served.status == .ok)

            let asAdmin = try await crew.client(api, as: crew.admin)
            let forMember = try await asAdmin.uploadFile("/api/v1/members/\(memberID)/avatar", png)
            #expect(forMember.status == .ok)
            #expect(forMember.json["user"]?["id"]?.uuid == crew.member.id)
            #expect(try await api.get(String(url.dropFirst("http://localhost:8080/platform".count))).status == .notFound,
                    "the replaced file is deleted")

            let ownerID = try await crew.memberID(crew.owner)
            #expect(try await asAdmin.uploadFile("/api/v1/members/\(ownerID)/avatar", png).errorCode == "insufficient_role")
            let byViewer = try await crew.client(api, as: crew.viewer).uploadFile("/api/v1/members/\(memberID)/avatar", png)
            #expect(byViewer.errorCode == "permission_denied")
            let notAnImage = try await asAdmin.uploadFile("/api/v1/members/\(memberID)/avatar", Array("hello".utf8))
            #expect(notAnImage.status == .unprocessableContent)
            let foreign = try await crew.memberID(crew.stranger, in: crew.otherWorkspace)
            #expect(try await asAdmin.uploadFile("/api/v1/members/\(foreign)/avatar", png).status == .notFound)
        }
    }
}

import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumTesting
import PlatformCore
import PostgresNIO
import Testing

@Suite("Members: offboarding (deletion info, owned items, reassign)")
struct MembersOffboardingTests {
    /// The member leads "Bookers", created "Runners", created two API keys (one revoked) and sent an invitation.
    struct Holdings {
        let bookers: UUID
        let runners: UUID
        let key: UUID
        let invitation: UUID
    }

    static func holdings(_ h: Harness, _ crew: Crew) async throws -> Holdings {
        let memberID = try await crew.memberID(crew.member)
        let bookers = try await h.core.database.query("""
            INSERT INTO teams (workspace_id, name, created_by) VALUES (\(crew.workspace.id), 'Bookers', \(crew.owner.id)) RETURNING id
            """).first { try $0.decode(UUID.self) }!
        let runners = try await h.core.database.query("""
            INSERT INTO teams (workspace_id, name, created_by) VALUES (\(crew.workspace.id), 'Runners', \(crew.member.id)) RETURNING id
            """).first { try $0.decode(UUID.self) }!
        try await h.core.database.query("""
            INSERT INTO team_members (workspace_id, team_id, membership_id, role) VALUES (\(crew.workspace.id), \(bookers), \(memberID), 'lead')
            """)
        let key = try await h.apiKey(named: "Box office sync", in: crew.workspace, createdBy: crew.member)
        let revoked = try await h.apiKey(named: "Old key", in: crew.workspace, createdBy: crew.member)
        try await h.core.database.query("UPDATE api_keys SET revoked_at = now() WHERE id = \(revoked)")
        // The member's key in another workspace is not theirs to hand over here.
        try await h.addMember(crew.member, to: crew.otherWorkspace, role: "admin")
        try await h.apiKey(named: "Elsewhere", in: crew.otherWorkspace, createdBy: crew.member)
        let invitee = try await h.user("guest@example.com", status: "pending")
        let (_, invitation, _) = try await h.invite(invitee, to: crew.workspace, by: crew.member)
        return Holdings(bookers: bookers, runners: runners, key: key, invitation: invitation)
    }

    @Test func ownedItemsAreGroupedByKind() async throws {
        let h = try await Harness.make()
        let crew = try await Crew.make(h)
        let held = try await Self.holdings(h, crew)
        try await h.run { api async throws in
            let asAdmin = try await crew.client(api, as: crew.admin)
            let memberID = try await crew.memberID(crew.member)
            let owned = try await asAdmin.get("/api/v1/members/\(memberID)/owned-items")
            #expect(owned.status == .ok)
            #expect(owned.json["teams_led"]?.arrayValue?.count == 1)
            #expect(owned.json["teams_led"]?[0]?["id"]?.uuid == held.bookers)
            #expect(owned.json["teams_led"]?[0]?["name"] == "Bookers")
            #expect(owned.json["teams_created"]?[0]?["id"]?.uuid == held.runners)
            #expect(owned.json["api_keys"]?.arrayValue?.count == 1)
            #expect(owned.json["api_keys"]?[0]?["name"] == "Box office sync")
            #expect(owned.json["pending_invitations"]?[0]?["name"] == "guest@example.com")
            #expect(owned.json["owned_workspaces"] == [])
            #expect(owned.json["total"]?.int == 4)

            let ownerOwned = try await asAdmin.get("/api/v1/members/\(try await crew.memberID(crew.owner))/owned-items")
            #expect(ownerOwned.json["owned_workspaces"]?[0]?["id"]?.uuid == crew.workspace.id)
            #expect(ownerOwned.json["teams_created"]?.arrayValue?.count == 1)

            #expect(try await crew.client(api, as: crew.viewer).get("/api/v1/members/\(memberID)/owned-items").errorCode == "insufficient_role")
            let foreign = try await crew.memberID(crew.stranger, in: crew.otherWorkspace)
            #expect(try await asAdmin.get("/api/v1/members/\(foreign)/owned-items").status == .notFound)
        }
    }

    @Test func deletionInfoExplainsWhatRemovalWouldDo() async throws {
        let h = try await Harness.make()
        let crew = try await Crew.make(h)
        _ = try await Self.holdings(h, crew)
        try await h.run { api async throws in
            let asAdmin = try await crew.client(api, as: crew.admin)
            let memberInfo = try await asAdmin.get("/api/v1/members/\(try await crew.memberID(crew.member))/deletion-info")
            #expect(memberInfo.status == .ok)
            #expect(memberInfo.json["workspace_count"]?.int == 2)
            #expect(memberInfo.json["can_remove"] == true)
            #expect(memberInfo.json["can_delete_user"] == false)
            #expect(memberInfo.json["blockers"] == ["user_in_other_workspaces"])
            #expect(memberInfo.json["owned_items"]?["teams_led"]?.int == 1)
            #expect(memberInfo.json["owned_items"]?["api_keys"]?.int == 1)
            #expect(memberInfo.json["owned_items"]?["pending_invitations"]?.int == 1)

            let viewerInfo = try await asAdmin.get("/api/v1/members/\(try await crew.memberID(crew.viewer))/deletion-info")
            #expect(viewerInfo.json["workspace_count"]?.int == 1)
            #expect(viewerInfo.json["can_delete_user"] == true)
            #expect(viewerInfo.json["blockers"] == [])

            let ownerInfo = try await asAdmin.get("/api/v1/members/\(try await crew.memberID(crew.owner))/deletion-info")
            #expect(ownerInfo.json["can_remove"] == false)
            #expect(ownerInfo.json["blockers"] == ["is_owner", "insufficient_role"])
            let selfInfo = try await asAdmin.get("/api/v1/members/\(try await crew.memberID(crew.admin))/deletion-info")
            #expect(selfInfo.json["blockers"] == ["is_self"])

            #expect(try await crew.client(api, as: crew.member).get("/api/v1/members/\(try await crew.memberID(crew.viewer))/deletion-info")
                .errorCode == "insufficient_role")
            let foreign = try await crew.memberID(crew.stranger, in: crew.otherWorkspace)
            #expect(try await asAdmin.get("/api/v1/members/\(foreign)/deletion-info").status == .notFound)
        }
    }

    @Test func reassignMovesTeamLeadsKeysTeamsAndInvitations() async throws {
        let h = try await Harness.make()
        let crew = try await Crew.make(h)
        let held = try await Self.holdings(h, crew)
        try await h.run { api async throws in
            let asAdmin = try await crew.client(api, as: crew.admin)
            let memberID = try await crew.memberID(crew.member)
            let viewerID = try await crew.memberID(crew.viewer)
            let moved = try await asAdmin.post("/api/v1/members/\(memberID)/reassign", ["to_member_id": .string(viewerID.uuidString)])
            #expect(moved.status == .ok)
            #expect(moved.json["teams_led"]?.int == 1)
            #expect(moved.json["teams_created"]?.int == 1)
            #expect(moved.json["api_keys"]?.int == 1)
            #expect(moved.json["pending_invitations"]?.int == 1)

            // The receiver leads Bookers (added to it); the previous lead stays as a plain member.
            #expect(try await h.text("SELECT role FROM team_members WHERE team_id = '\(held.bookers)' AND membership_id = '\(viewerID)'") == "lead")
            #expect(try await h.text("SELECT role FROM team_members WHERE team_id = '\(held.bookers)' AND membership_id = '\(memberID)'") == "member")
            #expect(try await h.text("SELECT created_by::text FROM api_keys WHERE id = '\(held.key)'") == crew.viewer.id.uuidString.lowercased())
            #expect(try await h.count("SELECT count(*) FROM api_keys WHERE name = 'Old key' AND created_by = '\(crew.member.id)'") == 1,
                    "revoked keys are history and stay")
            #expect(try await h.count("SELECT count(*) FROM api_keys WHERE name = 'Elsewhere' AND created_by = '\(crew.member.id)'") == 1,
                    "another workspace's keys are untouched")
            #expect(try await h.text("SELECT created_by::text FROM teams WHERE id = '\(held.runners)'") == crew.viewer.id.uuidString.lowercased())
            #expect(try await h.text("SELECT invited_by::text FROM invitations WHERE id = '\(held.invitation)'") == crew.viewer.id.uuidString.lowercased())
            #expect(try await h.count("SELECT count(*) FROM activity WHERE action = 'member.items_reassigned'") == 1)
            let after = try await asAdmin.get("/api/v1/members/\(memberID)/owned-items")
            #expect(after.json["total"]?.int == 0)

            // A receiver who already leads a team simply stays lead; nothing left to move.
            let again = try await asAdmin.post("/api/v1/members/\(memberID)/reassign", ["to_member_id": .string(viewerID.uuidString)])
            #expect(again.json["api_keys"]?.int == 0)
        }
    }

    @Test func reassignValidatesTheReceiverAndTheCaller() async throws {
        let h = try await Harness.make()
        let crew = try await Crew.make(h)
        let suspended = try await h.user()
        try await h.addMember(suspended, to: crew.workspace, role: "member", status: "suspended")
        try await h.run { api async throws in
            let asAdmin = try await crew.client(api, as: crew.admin)
            let memberID = try await crew.memberID(crew.member)
            let path = "/api/v1/members/\(memberID)/reassign"
            let same = try await asAdmin.post(path, ["to_member_id": .string(memberID.uuidString)])
            #expect(same.status == .unprocessableContent)
            #expect(same.json["error"]?["details"]?[0]?["code"] == "same_member")
            let missing = try await asAdmin.post(path, [:])
            #expect(missing.json["error"]?["details"]?[0]?["code"] == "required")
            let notUUID = try await asAdmin.post(path, ["to_member_id": "bob"])
            #expect(notUUID.json["error"]?["details"]?[0]?["code"] == "invalid_uuid")
            let foreign = try await crew.memberID(crew.stranger, in: crew.otherWorkspace)
            let elsewhere = try await asAdmin.post(path, ["to_member_id": .string(foreign.uuidString)])
            #expect(elsewhere.status == .unprocessableContent)
            #expect(elsewhere.json["error"]?["details"]?[0]?["code"] == "not_an_active_member")
            let inactive = try await asAdmin.post(path, ["to_member_id": .string(try await crew.memberID(suspended).uuidString)])
            #expect(inactive.json["error"]?["details"]?[0]?["code"] == "not_an_active_member")
            #expect(try await asAdmin.request(.post, path, rawBody: "[").status == .badRequest)

            let viewerID = try await crew.memberID(crew.viewer)
            #expect(try await crew.client(api, as: crew.member).post(path, ["to_member_id": .string(viewerID.uuidString)])
                .errorCode == "insufficient_role")
            let ownerItems = try await asAdmin.post("/api/v1/members/\(try await crew.memberID(crew.owner))/reassign",
                                                   ["to_member_id": .string(viewerID.uuidString)])
            #expect(ownerItems.errorCode == "insufficient_role")
            #expect(try await asAdmin.post("/api/v1/members/\(foreign)/reassign", ["to_member_id": .string(viewerID.uuidString)])
                .status == .notFound)
        }
    }
}

import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumTesting
import PlatformCore
import PostgresNIO
import Testing

@Suite("Teams")
struct TeamsTests {
    @Test func teamsAreCreatedListedUpdatedAndDeleted() async throws {
        let h = try await Harness.make()
        let crew = try await Crew.make(h)
        try await h.run { api async throws in
            let asAdmin = try await crew.client(api, as: crew.admin)
            let created = try await asAdmin.post("/api/v1/teams", ["name": "  Bookers ", "description": "Who books", "color": "#ff8800"])
            #expect(created.status == .created)
            let bookers = try #require(created.json["id"]?.uuid)
            #expect(created.json["name"] == "Bookers")
            #expect(created.json["is_active"] == true)
            #expect(created.json["member_count"]?.int == 0)
            #expect(created.json["leads"] == [])
            #expect(created.json["created_by"]?.uuid == crew.admin.id)
            #expect(try await h.count("SELECT count(*) FROM activity WHERE action = 'team.created' AND entity_id = '\(bookers.uuidString.lowercased())'") == 1)

            let child = try await asAdmin.post("/api/v1/teams", ["name": "Club bookers", "parent_team_id": .string(bookers.uuidString)])
            #expect(child.json["parent_team_id"]?.uuid == bookers)
            let childID = try #require(child.json["id"]?.uuid)
            let archived = try await asAdmin.post("/api/v1/teams", ["name": "Old crew", "is_active": false])
            #expect(archived.json["is_active"] == false)

            let duplicate = try await asAdmin.post("/api/v1/teams", ["name": "BOOKERS"])
            #expect(duplicate.status == .conflict)
            #expect(duplicate.errorCode == "team_name_taken")

            // Lists: counts, filters, paging. Everyone with teams.read may read.
            try await h.core.database.query("""
                INSERT INTO team_members (workspace_id, team_id, membership_id, role)
                VALUES (\(crew.workspace.id), \(bookers), \(try await crew.memberID(crew.member)), 'lead'),
                       (\(crew.workspace.id), \(bookers), \(try await crew.memberID(crew.viewer)), 'member')
                """)
            let asViewer = try await crew.client(api, as: crew.viewer)
            let all = try await asViewer.get("/api/v1/teams")
            #expect(all.status == .ok)
            #expect(all.totalCount == 3)
            #expect(all.json.arrayValue?.compactMap { $0["name"]?.string } == ["Bookers", "Club bookers", "Old crew"])
            #expect(all.json[0]?["member_count"]?.int == 2)
            #expect(all.json[0]?["leads"]?[0]?["user_id"]?.uuid == crew.member.id)
            #expect(all.json[0]?["leads"]?.arrayValue?.count == 1)
            #expect(try await asViewer.get("/api/v1/teams?search=club").totalCount == 1)
            #expect(try await asViewer.get("/api/v1/teams?search=who%20books").totalCount == 1, "description matches too")
            #expect(try await asViewer.get("/api/v1/teams?is_active=false").json[0]?["name"] == "Old crew")
            let children = try await asViewer.get("/api/v1/teams?parent_team_id=\(bookers)")
            #expect(children.json.arrayValue?.compactMap { $0["id"]?.uuid } == [childID])
            let page = try await asViewer.get("/api/v1/teams?skip=2&limit=1")
            #expect(page.json[0]?["name"] == "Old crew")
            #expect(page.totalCount == 3)
            #expect(try await asViewer.get("/api/v1/teams?parent_team_id=x").errorCode == "invalid_query")

            let one = try await asViewer.get("/api/v1/teams/\(bookers)")
            #expect(one.json["member_count"]?.int == 2)
            #expect(one.json["leads"]?[0]?["email"]?.string == crew.member.email)

            // Patch: rename, clear the parent and the colour with null.
            let renamed = try await asAdmin.put("/api/v1/teams/\(childID)", ["name": "Club team", "parent_team_id": nil])
            #expect(renamed.status == .ok)
            #expect(renamed.json["name"] == "Club team")
            #expect(renamed.json["parent_team_id"] == .null)
            let uncoloured = try await asAdmin.put("/api/v1/teams/\(bookers)", ["color": nil, "is_active": false])
            #expect(uncoloured.json["color"] == .null)
            #expect(uncoloured.json["description"] == "Who books")
            #expect(uncoloured.json["is_active"] == false)
            #expect(try await asAdmin.put("/api/v1/teams/\(childID)", ["name": "old CREW"]).errorCode == "team_name_taken")

            // Deleting a parent moves its children to the top level.
            _ = try await asAdmin.put("/api/v1/teams/\(childID)", ["parent_team_id": .string(bookers.uuidString)])
            let deleted = try await asAdmin.delete("/api/v1/teams/\(bookers)")
            #expect(deleted.status == .noContent)
            #expect(try await asViewer.get("/api/v1/teams/\(bookers)").status == .notFound)
            #expect(try await asViewer.get("/api/v1/teams/\(childID)").json["parent_team_id"] == .null)
            #expect(try await h.count("SELECT count(*) FROM team_members WHERE team_id = '\(bookers)'") == 0)
            #expect(try await asAdmin.delete("/api/v1/teams/\(bookers)").status == .notFound)
        }
    }

    @Test func inputIsValidatedAndCyclesAreRejected() async throws {
        let h = try await Harness.make()
        let crew = try await Crew.make(h)
        let foreignTeam = try await h.core.database.query("""
            INSERT INTO teams (workspace_id, name) VALUES (\(crew.otherWorkspace.id), 'Theirs') RETURNING id
            """).first { try $0.decode(UUID.self) }!
        try await h.run { api async throws in
            let asAdmin = try await crew.client(api, as: crew.admin)
            let missing = try await asAdmin.post("/api/v1/teams", ["description": .string(String(repeating: "d", count: 2001))])
            #expect(missing.status == .unprocessableContent)
            #expect(Set(missing.json["error"]?["details"]?.arrayValue?.compactMap { $0["field"]?.string } ?? []) == ["name", "description"])
            #expect(try await asAdmin.post("/api/v1/teams", ["name": "   "]).json["error"]?["details"]?[0]?["code"] == "blank")
            #expect(try await asAdmin.post("/api/v1/teams", ["name": "A", "parent_team_id": "nope"])
                .json["error"]?["details"]?[0]?["code"] == "invalid_uuid")
            let foreignParent = try await asAdmin.post("/api/v1/teams", ["name": "A", "parent_team_id": .string(foreignTeam.uuidString)])
            #expect(foreignParent.status == .unprocessableContent)
            #expect(foreignParent.json["error"]?["details"]?[0]?["field"] == "parent_team_id")
            #expect(foreignParent.json["error"]?["details"]?[0]?["code"] == "not_found")
            #expect(try await asAdmin.request(.post, "/api/v1/teams", rawBody: "{\"name\":").status == .badRequest)
            #expect(try await asAdmin.post("/api/v1/teams", ["name": 5]).status == .badRequest)

            // a ← b ← c: a under c (or under itself) would close a loop.
            let a = try #require(try await asAdmin.post("/api/v1/teams", ["name": "A"]).json["id"]?.uuid)
            let b = try #require(try await asAdmin.post("/api/v1/teams", ["name": "B", "parent_team_id": .string(a.uuidString)]).json["id"]?.uuid)
            let c = try #require(try await asAdmin.post("/api/v1/teams", ["name": "C", "parent_team_id": .string(b.uuidString)]).json["id"]?.uuid)
            let cycle = try await asAdmin.put("/api/v1/teams/\(a)", ["parent_team_id": .string(c.uuidString)])
            #expect(cycle.status == .unprocessableContent)
            #expect(cycle.json["error"]?["details"]?[0]?["code"] == "parent_cycle")
            #expect(try await asAdmin.put("/api/v1/teams/\(a)", ["parent_team_id": .string(a.uuidString)])
                .json["error"]?["details"]?[0]?["code"] == "parent_cycle")
            #expect(try await h.text("SELECT parent_team_id::text FROM teams WHERE id = '\(a)'") == nil)
            #expect(try await asAdmin.put("/api/v1/teams/\(c)", ["parent_team_id": .string(a.uuidString)]).status == .ok, "moving up is fine")
            #expect(try await asAdmin.put("/api/v1/teams/\(a)", ["parent_team_id": .string(foreignTeam.uuidString)])
                .json["error"]?["details"]?[0]?["code"] == "not_found")

            // Permissions and other workspaces.
            let asMember = try await crew.client(api, as: crew.member)
            #expect(try await asMember.get("/api/v1/teams/\(a)").status == .ok)
            let denied = try await asMember.post("/api/v1/teams", ["name": "Mine"])
            #expect(denied.status == .forbidden)
            #expect(denied.errorCode == "permission_denied")
            #expect(try await asMember.put("/api/v1/teams/\(a)", ["name": "x"]).errorCode == "permission_denied")
            #expect(try await asMember.delete("/api/v1/teams/\(a)").errorCode == "permission_denied")
            try await h.revoke(Permission.teamsRead, from: "member", in: crew.workspace)
            #expect(try await asMember.get("/api/v1/teams").errorCode == "permission_denied")
            #expect(try await asMember.get("/api/v1/teams/\(a)").errorCode == "permission_denied")

            #expect(try await asAdmin.get("/api/v1/teams/\(foreignTeam)").status == .notFound)
            #expect(try await asAdmin.put("/api/v1/teams/\(foreignTeam)", ["name": "Mine now"]).status == .notFound)
            #expect(try await asAdmin.put("/api/v1/teams/\(foreignTeam)", ["parent_team_id": .string(a.uuidString)]).status == .notFound)
            #expect(try await asAdmin.delete("/api/v1/teams/\(foreignTeam)").status == .notFound)
            #expect(try await asAdmin.get("/api/v1/teams/not-a-team").status == .notFound)
            #expect(try await h.text("SELECT name FROM teams WHERE id = '\(foreignTeam)'") == "Theirs")
        }
    }

    @Test func teamMembersAreAddedChangedAndRemoved() async throws {
        let h = try await Harness.make()
        let crew = try await Crew.make(h)
        let invitee = try await h.user(status: "pending", name: "Ina Invited")
        let (invitedID, _, _) = try await h.invite(invitee, to: crew.workspace, by: crew.owner)
        let suspended = try await h.user(name: "Sue Suspended")
        try await h.addMember(suspended, to: crew.workspace, role: "member", status: "suspended")
        let foreignTeam = try await h.core.database.query("""
            INSERT INTO teams (workspace_id, name) VALUES (\(crew.otherWorkspace.id), 'Theirs') RETURNING id
            """).first { try $0.decode(UUID.self) }!
        try await h.run { api async throws in
            let asAdmin = try await crew.client(api, as: crew.admin)
            let team = try #require(try await asAdmin.post("/api/v1/teams", ["name": "Stage crew"]).json["id"]?.uuid)
            let path = "/api/v1/teams/\(team)/members"
            let memberID = try await crew.memberID(crew.member)
            let viewerID = try await crew.memberID(crew.viewer)

            let added = try await asAdmin.post(path, ["member_id": .string(memberID.uuidString)])
            #expect(added.status == .created)
            #expect(added.json["role"] == "member")
            #expect(added.json["member_id"]?.uuid == memberID)
            #expect(added.json["user_id"]?.uuid == crew.member.id)
            #expect(added.json["workspace_role"] == "member")
            #expect(added.json["added_by"]?.uuid == crew.admin.id)
            let lead = try await asAdmin.post(path, ["member_id": .string(viewerID.uuidString), "role": "lead"])
            #expect(lead.json["role"] == "lead")
            #expect(try await asAdmin.post(path, ["member_id": .string(invitedID.uuidString)]).status == .created, "invited people can be placed")

            let again = try await asAdmin.post(path, ["member_id": .string(memberID.uuidString)])
            #expect(again.status == .conflict)
            #expect(again.errorCode == "already_team_member")
            let notEligible = try await asAdmin.post(path, ["member_id": .string(try await crew.memberID(suspended).uuidString)])
            #expect(notEligible.status == .unprocessableContent)
            #expect(notEligible.json["error"]?["details"]?[0]?["code"] == "not_an_eligible_member")
            let foreignMember = try await crew.memberID(crew.stranger, in: crew.otherWorkspace)
            #expect(try await asAdmin.post(path, ["member_id": .string(foreignMember.uuidString)])
                .json["error"]?["details"]?[0]?["code"] == "not_an_eligible_member")
            let invalid = try await asAdmin.post(path, ["role": "boss"])
            #expect(Set(invalid.json["error"]?["details"]?.arrayValue?.compactMap { $0["field"]?.string } ?? []) == ["member_id", "role"])
            #expect(try await asAdmin.request(.post, path, rawBody: "nope").status == .badRequest)

            // Listing: leads first, then by name; the team's count follows.
            let asViewer = try await crew.client(api, as: crew.viewer)
            let listed = try await asViewer.get(path)
            #expect(listed.status == .ok)
            #expect(listed.totalCount == 3)
            #expect(listed.json.arrayValue?.compactMap { $0["full_name"]?.string } == ["Victor Viewer", "Ina Invited", "Mia Member"])
            #expect(listed.json[1]?["member_status"] == "invited")
            #expect(try await asViewer.get("/api/v1/teams/\(team)").json["member_count"]?.int == 3)
            #expect(try await asViewer.get("\(path)?skip=5").totalCount == 3)

            let promoted = try await asAdmin.put("\(path)/\(memberID)", ["role": "lead"])
            #expect(promoted.status == .ok)
            #expect(promoted.json["role"] == "lead")
            #expect(try await asViewer.get("/api/v1/teams/\(team)").json["leads"]?.arrayValue?.count == 2)
            #expect(try await asAdmin.put("\(path)/\(memberID)", ["role": "captain"]).status == .unprocessableContent)
            #expect(try await asAdmin.put("\(path)/\(memberID)", [:]).json["error"]?["details"]?[0]?["code"] == "required")
            #expect(try await asAdmin.put("\(path)/\(try await crew.memberID(crew.owner))", ["role": "lead"]).status == .notFound)

            let removed = try await asAdmin.delete("\(path)/\(memberID)")
            #expect(removed.status == .noContent)
            #expect(try await asAdmin.delete("\(path)/\(memberID)").status == .notFound)
            #expect(try await h.count("SELECT count(*) FROM team_members WHERE team_id = '\(team)'") == 2)
            #expect(try await h.count("""
                SELECT count(*) FROM activity WHERE entity_id = '\(team.uuidString.lowercased())'
                  AND action IN ('team.member_added', 'team.member_role_changed', 'team.member_removed')
                """) == 5)

            // Permissions and other workspaces.
            let asMember = try await crew.client(api, as: crew.member)
            #expect(try await asMember.get(path).status == .ok)
            #expect(try await asMember.post(path, ["member_id": .string(memberID.uuidString)]).errorCode == "permission_denied")
            #expect(try await asMember.put("\(path)/\(viewerID)", ["role": "member"]).errorCode == "permission_denied")
            #expect(try await asMember.delete("\(path)/\(viewerID)").errorCode == "permission_denied")
            let theirs = "/api/v1/teams/\(foreignTeam)/members"
            #expect(try await asAdmin.get(theirs).status == .notFound)
            #expect(try await asAdmin.post(theirs, ["member_id": .string(memberID.uuidString)]).status == .notFound)
            #expect(try await asAdmin.put("\(theirs)/\(foreignMember)", ["role": "lead"]).status == .notFound)
            #expect(try await asAdmin.delete("\(theirs)/\(foreignMember)").status == .notFound)
            #expect(try await asAdmin.delete("\(path)/not-an-id").status == .notFound)
        }
    }
}

import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumTesting
import PlatformCore
import PostgresNIO
import Testing

private typealias F = WorkspaceFixtures

/// Issue 13: rules and shapes the spec states that earlier code answered differently. Each test quotes the
/// spec line it holds the server to.
@Suite("Platform Core: spec conformance (issue 13)")
struct SpecConformanceTests {
    /// "Requires admin or owner role in the workspace" (invite, password resets, member removal), "Update a
    /// workspace (requires owner or admin role)", "Only admins and owners can view this" (role matrix),
    /// "Required permissions: Admin" (module settings): the role decides; a permission granted to a member or
    /// viewer does not widen it.
    @Test func adminOrOwnerRulesAreNotWidenedByGrants() async throws {
        let h = try await Harness.make()
        let crew = try await Crew.make(h)
        for permission in [Permission.membersInvite, Permission.membersRemove, Permission.membersUpdate, Permission.workspaceUpdate,
                           Permission.permissionsRead, Permission.permissionsManage, Permission.modulesManage] {
            try await F.setPermission(h, permission, role: "viewer", in: crew.workspace)
        }
        try await h.user("registered@example.com")
        try await h.run { api async throws in
            let asViewer = try await crew.client(api, as: crew.viewer)
            let ws = crew.workspace.id
            let memberID = try await crew.memberID(crew.member)
            var refused: [TestResponse] = []
            refused.append(try await asViewer.post("/api/v1/workspaces/\(ws)/invite", ["email": "registered@example.com"]))
            refused.append(try await asViewer.post("/api/v1/workspaces/\(ws)/invite-link", ["email": "registered@example.com"]))
            refused.append(try await asViewer.post("/api/v1/members", ["email": "registered@example.com"]))
            refused.append(try await asViewer.post("/api/v1/workspaces/\(ws)/users/\(crew.member.id)/password-reset"))
            refused.append(try await asViewer.post("/api/v1/workspaces/\(ws)/users/\(crew.member.id)/password-reset-link"))
            refused.append(try await asViewer.delete("/api/v1/workspaces/\(ws)/members/\(memberID)"))
            refused.append(try await asViewer.delete("/api/v1/members/\(memberID)"))
            refused.append(try await asViewer.put("/api/v1/workspaces/\(ws)", ["name": "Taken over"]))
            refused.append(try await asViewer.get("/api/v1/permissions/roles"))
            refused.append(try await asViewer.put("/api/v1/permissions/roles/viewer", ["permissions": ["venue.bookings.write": true]]))
            refused.append(try await asViewer.patch("/api/v1/permissions/roles/viewer", ["permission": "venue.bookings.write", "granted": true]))
            refused.append(try await asViewer.post("/api/v1/modules/venue/toggle"))
            refused.append(try await asViewer.put("/api/v1/modules/venue", ["enabled": false]))
            refused.append(try await asViewer.post("/api/v1/modules", ["module": "venue"]))
            for response in refused {
                #expect(response.status == .forbidden)
                #expect(response.errorCode == "insufficient_role")
            }
            #expect(try await h.count("SELECT count(*) FROM memberships WHERE id = '\(memberID)' AND status = 'active'") == 1)
            #expect(try await h.count("SELECT count(*) FROM invitations") == 0)
            // The admin, with the default grants, passes the same rule.
            #expect(try await crew.client(api, as: crew.admin).put("/api/v1/workspaces/\(ws)", ["name": "Renamed"]).status == .ok)
        }
    }

    /// "Create a new team (requires can_create_team permission)", "Delete a team (requires can_delete_team
    /// permission)": the spec's names are catalog permissions, checked by those routes.
    @Test func teamsAreCreatedAndDeletedWithTheSpecsPermissions() async throws {
        let h = try await Harness.make()
        let crew = try await Crew.make(h)
        try await h.run { api async throws in
            let asAdmin = try await crew.client(api, as: crew.admin)
            let asMember = try await crew.client(api, as: crew.member)
            #expect(try await asAdmin.get("/api/v1/permissions/check/can_create_team").json["granted"] == true)
            #expect(try await asAdmin.get("/api/v1/permissions/check/can_delete_team").json["granted"] == true)
            #expect(try await asMember.get("/api/v1/permissions/check/can_create_team").json["granted"] == false)

            // teams.manage alone (editing) does not create or delete.
            try await F.setPermission(h, Permission.teamsManage, role: "member", in: crew.workspace)
            let refused = try await asMember.post("/api/v1/teams", ["name": "Runners"])
            #expect(refused.status == .forbidden)
            #expect(refused.json["error"]?["info"]?["permission"] == "can_create_team")

            try await F.setPermission(h, Permission.canCreateTeam, role: "member", in: crew.workspace)
            let created = try await asMember.post("/api/v1/teams", ["name": "Runners"])
            #expect(created.status == .created)
            let teamID = try #require(created.json["id"]?.uuid)
            #expect(try await asMember.put("/api/v1/teams/\(teamID)", ["description": "Door and floor"]).status == .ok)
            let notDeleted = try await asMember.delete("/api/v1/teams/\(teamID)")
            #expect(notDeleted.status == .forbidden)
            #expect(notDeleted.json["error"]?["info"]?["permission"] == "can_delete_team")
            #expect(try await asAdmin.delete("/api/v1/teams/\(teamID)").status == .noContent)

            // Both are ordinary grants of the role matrix.
            let roles = try await asAdmin.get("/api/v1/permissions/roles")
            #expect(roles.json["admin"]?.strings.contains("can_create_team") == true)
            #expect(roles.json["member"]?.strings.contains("can_create_team") == true)
            #expect(roles.json["viewer"]?.strings.contains("can_delete_team") == false)
        }
    }

    /// "List all teams in the current workspace.", "List all members of a team", "List all API keys …
    /// Returns: List of API keys", "List all workspaces for the current user", "List all members of a workspace":
    /// plain arrays, with every row (not the first 50); `skip`/`limit` page on request, `X-Total-Count` counts.
    @Test func documentedListsAreArraysAndNotCutAtFifty() async throws {
        let h = try await Harness.make()
        let crew = try await Crew.make(h)
        try await h.core.database.query("""
            INSERT INTO teams (workspace_id, name, created_by)
            SELECT \(crew.workspace.id), 'Team ' || lpad(n::text, 3, '0'), \(crew.owner.id) FROM generate_series(1, 60) AS n
            """)
        let teamID = try #require(try await h.core.database.query("""
            SELECT id FROM teams WHERE workspace_id = \(crew.workspace.id) AND name = 'Team 001'
            """).first { try $0.decode(UUID.self) })
        for _ in 0..<55 {
            let user = try await h.user(password: nil)
            try await h.addMember(user, to: crew.workspace, role: "viewer")
            try await h.core.database.query("""
                INSERT INTO team_members (workspace_id, team_id, membership_id, role)
                SELECT workspace_id, \(teamID), id, 'member' FROM memberships WHERE workspace_id = \(crew.workspace.id) AND user_id = \(user.id)
                """)
        }
        try await h.run { api async throws in
            let asOwner = try await crew.client(api, as: crew.owner)
            let teams = try await asOwner.get("/api/v1/teams")
            #expect(teams.status == .ok)
            #expect(teams.json.arrayValue?.count == 60)
            #expect(teams.totalCount == 60)
            let page = try await asOwner.get("/api/v1/teams?skip=50&limit=5")
            #expect(page.json.arrayValue?.compactMap { $0["name"]?.stringValue } == ["Team 051", "Team 052", "Team 053", "Team 054", "Team 055"])
            #expect(page.totalCount == 60)

            let teamMembers = try await asOwner.get("/api/v1/teams/\(teamID)/members")
            #expect(teamMembers.json.arrayValue?.count == 55)
            #expect(teamMembers.totalCount == 55)

            let members = try await api.with(token: try await h.token(for: crew.owner)).get("/api/v1/workspaces/\(crew.workspace.id)/members")
            #expect(members.json.arrayValue?.count == 59)
            #expect(members.totalCount == 59)

            let workspaces = try await api.with(token: try await h.token(for: crew.owner)).get("/api/v1/workspaces")
            #expect(workspaces.json.arrayValue?.count == 1)
            #expect(workspaces.totalCount == 1)

            let keys = try await asOwner.get("/api/v1/api-keys")
            #expect(keys.json == [])
            #expect(keys.totalCount == 0)
            #expect(try await asOwner.get("/api/v1/teams?limit=1001").errorCode == "invalid_query")
        }
    }

    /// `PUT /auth/{user_id}`: "Can update: name, email, title, phone, bio, avatar_url, role." `name` is the full
    /// name; a role change without `workspace_id` uses the request's workspace (`x-workspace-id` / `x-org`).
    @Test func updateUserTakesNameAndTheRequestsWorkspace() async throws {
        let h = try await Harness.make()
        let crew = try await Crew.make(h)
        try await h.run { api async throws in
            let asAdmin = try await crew.client(api, as: crew.admin)
            let renamed = try await asAdmin.put("/api/v1/auth/\(crew.viewer.id)", ["name": "Valerie Viewer"])
            #expect(renamed.status == .ok)
            #expect(renamed.json["full_name"] == "Valerie Viewer")
            #expect(try await asAdmin.put("/api/v1/auth/\(crew.viewer.id)", ["name": "A", "full_name": "B"]).errorFields == ["name"])

            let promoted = try await asAdmin.put("/api/v1/auth/\(crew.viewer.id)", ["role": "member"])
            #expect(promoted.status == .ok)
            #expect(try await h.text("SELECT role FROM memberships WHERE workspace_id = '\(crew.workspace.id)' AND user_id = '\(crew.viewer.id)'")
                == "member")
            // x-org names the workspace as well; another workspace's header finds nobody to edit there.
            let viaOrg = api.with(token: try await h.token(for: crew.admin)).with(header: "x-org", crew.workspace.id.uuidString)
            #expect(try await viaOrg.put("/api/v1/auth/\(crew.viewer.id)", ["role": "viewer"]).status == .ok)
            let elsewhere = try await crew.client(api, as: crew.admin, in: crew.otherWorkspace)
            #expect(try await elsewhere.put("/api/v1/auth/\(crew.viewer.id)", ["role": "member"]).status == .notFound)
            // Without a workspace anywhere, a role change cannot say where it applies.
            let bare = api.with(token: try await h.token(for: crew.admin))
            #expect(try await bare.put("/api/v1/auth/\(crew.viewer.id)", ["role": "member"]).errorFields == ["workspace_id"])
            #expect(try await api.with(token: try await h.token(for: crew.admin)).with(header: "x-org", "nope")
                .put("/api/v1/auth/\(crew.viewer.id)", ["role": "member"]).errorCode == "tenant_invalid")
        }
    }

    /// `GET /members/{id}/owned-items` and `POST /members/{id}/reassign` cover every kind Platform Core has,
    /// and the three offboarding answers name the same kinds.
    @Test func offboardingNamesEveryKindOfOwnedItem() async throws {
        let h = try await Harness.make()
        let crew = try await Crew.make(h)
        try await h.run { api async throws in
            let asAdmin = try await crew.client(api, as: crew.admin)
            let memberID = try await crew.memberID(crew.member)
            let kinds: Set<String> = ["teams_led", "teams_created", "api_keys", "pending_invitations", "owned_workspaces"]
            let owned = try await asAdmin.get("/api/v1/members/\(memberID)/owned-items")
            #expect(Set(owned.json.objectValue?.keys.map { $0 } ?? []) == kinds.union(["member_id", "user_id", "total"]))
            let info = try await asAdmin.get("/api/v1/members/\(memberID)/deletion-info")
            #expect(Set(info.json["owned_items"]?.objectValue?.keys.map { $0 } ?? []) == kinds)
            let moved = try await asAdmin.post("/api/v1/members/\(memberID)/reassign",
                                               ["to_member_id": .string(try await crew.memberID(crew.viewer).uuidString)])
            // Ownership of the workspace moves only by transfer.
            #expect(Set(moved.json.objectValue?.keys.map { $0 } ?? []) == kinds.subtracting(["owned_workspaces"]).union(["from_member_id", "to_member_id"]))
        }
    }
}

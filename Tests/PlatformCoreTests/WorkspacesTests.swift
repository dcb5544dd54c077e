import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumTesting
import PlatformCore
import Testing

private typealias F = WorkspaceFixtures

@Suite("Workspaces: workspaces")
struct WorkspacesTests {
    @Test func createSeedsTheWorkspaceAndValidates() async throws {
        let h = try await Harness.make()
        let user = try await h.user()
        try await h.run { api async throws in
            let me = api.with(token: try await h.token(for: user))
            let created = try await me.post("/api/v1/workspaces?skip_seed=true", [
                "name": "Paradiso Amsterdam", "timezone": "Europe/Amsterdam", "currency": "eur", "website": "https://paradiso.nl",
                "settings": ["defaultView": "calendar", "nested_key": ["a": 1]],
            ])
            #expect(created.status == .created)
            let id = try #require(created.json["id"]?.uuid)
            #expect(created.json["slug"] == "paradiso-amsterdam")
            #expect(created.json["role"] == "owner")
            #expect(created.json["membership_status"] == "active")
            #expect(created.json["currency"] == "EUR")
            #expect(created.json["timezone"] == "Europe/Amsterdam")
            #expect(created.json["member_count"]?.int == 1)
            // Settings keys travel exactly as sent (no case conversion).
            #expect(created.json["settings"]?["defaultView"] == "calendar")
            #expect(created.json["settings"]?["nested_key"]?["a"]?.int == 1)
            // Seeded in the same transaction: owner membership, role permissions, every module.
            #expect(try await h.count("SELECT count(*) FROM memberships WHERE workspace_id = '\(id)' AND role = 'owner' AND status = 'active'") == 1)
            #expect(try await h.count("SELECT count(*) FROM role_permissions WHERE workspace_id = '\(id)' AND role = 'viewer'") > 0)
            #expect(try await h.count("SELECT count(*) FROM module_settings WHERE workspace_id = '\(id)' AND enabled") == 4)
            #expect(try await h.count("SELECT count(*) FROM activity WHERE workspace_id = '\(id)' AND action = 'workspace.created'") == 1)
            // The new workspace is usable as a tenant at once.
            #expect(try await me.get("/api/v1/workspaces/\(id)").status == .ok)
            // A second one with the same name gets a different slug.
            let second = try await me.post("/api/v1/workspaces", ["name": "Paradiso Amsterdam"])
            #expect(second.status == .created)
            #expect(second.json["slug"] != "paradiso-amsterdam")

            let invalid = try await me.post("/api/v1/workspaces", ["timezone": "Mars/Olympus", "currency": "euro", "logo_url": "ftp://x",
                                                                   "slug": "-bad-", "settings": [1, 2]])
            #expect(invalid.status == .unprocessableContent)
            #expect(invalid.errorCode == "validation_failed")
            #expect(F.fields(invalid) == ["name", "timezone", "currency", "logo_url", "slug", "settings"])
            #expect(try await me.post("/api/v1/workspaces", ["name": "   "]).status == .unprocessableContent)
            let malformed = try await me.request(.post, "/api/v1/workspaces", rawBody: "{\"name\": ")
            #expect(malformed.status == .badRequest)
            #expect(malformed.errorCode == "invalid_body")
            #expect(try await me.post("/api/v1/workspaces?skip_seed=maybe", ["name": "X"]).errorCode == "invalid_query")
            // A taken slug, asked for explicitly.
            let taken = try await me.post("/api/v1/workspaces", ["name": "Other", "slug": "paradiso-amsterdam"])
            #expect(taken.status == .conflict)
            #expect(taken.errorCode == "slug_taken")
            #expect(try await api.post("/api/v1/workspaces", ["name": "X"]).status == .unauthorized)
        }
    }

    @Test func listShowsTheCallersWorkspacesWithRoleAndStatus() async throws {
        let h = try await Harness.make()
        let user = try await h.user()
        let owner = try await h.user()
        let mine = try await h.workspace(owner: user, name: "Alpha Bookings")
        let shared = try await h.workspace(owner: owner, name: "Beta Venue")
        let invitedTo = try await h.workspace(owner: owner, name: "Gamma Festival")
        let removedFrom = try await h.workspace(owner: owner, name: "Delta Club")
        try await h.workspace(owner: owner, name: "Epsilon (not mine)")
        try await h.addMember(user, to: shared, role: "viewer")
        try await h.addMember(user, to: invitedTo, role: "member", status: "invited")
        try await h.addMember(user, to: removedFrom, role: "member", status: "removed")
        try await h.run { api async throws in
            let me = api.with(token: try await h.token(for: user))
            let all = try await me.get("/api/v1/workspaces")
            #expect(all.status == .ok)
            #expect(all.totalCount == 3)
            let names = all.json.arrayValue?.compactMap { $0["name"]?.stringValue }
            #expect(names == ["Alpha Bookings", "Beta Venue", "Gamma Festival"])
            #expect(all.json[0]?["role"] == "owner")
            #expect(all.json[1]?["role"] == "viewer")
            #expect(all.json[2]?["membership_status"] == "invited")
            #expect(all.json[0]?["id"]?.uuid == mine.id)

            let page = try await me.get("/api/v1/workspaces?skip=1&limit=1")
            #expect(page.totalCount == 3)
            #expect(page.json.arrayValue?.count == 1)
            #expect(page.json[0]?["name"] == "Beta Venue")
            let searched = try await me.get("/api/v1/workspaces?q=venu")
            #expect(searched.json.arrayValue?.count == 1)
            #expect(searched.json[0]?["id"]?.uuid == shared.id)
            #expect(try await me.get("/api/v1/workspaces?q=%25").totalCount == 0)
            let invited = try await me.get("/api/v1/workspaces?status=invited")
            #expect(invited.json[0]?["id"]?.uuid == invitedTo.id)
            #expect(invited.totalCount == 1)

            let bad = try await me.get("/api/v1/workspaces?limit=0&status=gone")
            #expect(bad.status == .badRequest)
            #expect(bad.errorCode == "invalid_query")
            #expect(try await api.get("/api/v1/workspaces").status == .unauthorized)
        }
    }

    @Test func getIsForActiveMembersOnly() async throws {
        let h = try await Harness.make()
        let owner = try await h.user()
        let member = try await h.user()
        let invited = try await h.user()
        let stranger = try await h.user()
        let workspace = try await h.workspace(owner: owner)
        let other = try await h.workspace(owner: stranger)
        try await h.addMember(member, to: workspace, role: "member")
        try await h.addMember(invited, to: workspace, role: "member", status: "invited")
        try await h.run { api async throws in
            let asMember = api.with(token: try await h.token(for: member))
            let got = try await asMember.get("/api/v1/workspaces/\(workspace.id)")
            #expect(got.status == .ok)
            #expect(got.json["name"]?.stringValue == workspace.name)
            #expect(got.json["role"] == "member")
            #expect(got.json["member_count"]?.int == 2)
            #expect(try await asMember.get("/api/v1/workspaces/\(other.id)").status == .notFound)
            #expect(try await asMember.get("/api/v1/workspaces/\(UUID())").status == .notFound)
            #expect(try await asMember.get("/api/v1/workspaces/not-a-uuid").status == .notFound)
            #expect(try await api.with(token: try await h.token(for: invited)).get("/api/v1/workspaces/\(workspace.id)").status == .notFound)
        }
    }

    @Test func updatePatchesClearsAndChecksPermission() async throws {
        let h = try await Harness.make()
        let owner = try await h.user()
        let admin = try await h.user()
        let viewer = try await h.user()
        let stranger = try await h.user()
        let workspace = try await h.workspace(owner: owner, name: "Before")
        let other = try await h.workspace(owner: stranger, name: "Taken Slug")
        try await h.addMember(admin, to: workspace, role: "admin")
        try await h.addMember(viewer, to: workspace, role: "viewer")
        try await h.run { api async throws in
            let asAdmin = api.with(token: try await h.token(for: admin))
            let path = "/api/v1/workspaces/\(workspace.id)"
            let updated = try await asAdmin.put(path, ["name": "After", "description": "Club in Amsterdam", "timezone": "Europe/Amsterdam",
                                                       "currency": "USD", "settings": ["theme": "dark"]])
            #expect(updated.status == .ok)
            #expect(updated.json["name"] == "After")
            #expect(updated.json["description"] == "Club in Amsterdam")
            #expect(updated.json["role"] == "admin")
            #expect(updated.json["settings"]?["theme"] == "dark")
            // Absent fields stay, null clears, settings are replaced as a whole.
            let cleared = try await asAdmin.put(path, ["description": nil, "slug": "after-club", "settings": ["layout": "grid"]])
            #expect(cleared.status == .ok)
            #expect(cleared.json["description"] == .null)
            #expect(cleared.json["timezone"] == "Europe/Amsterdam")
            #expect(cleared.json["slug"] == "after-club")
            #expect(cleared.json["settings"]?["theme"] == nil)
            #expect(cleared.json["settings"]?["layout"] == "grid")
            #expect(try await h.count("SELECT count(*) FROM activity WHERE workspace_id = '\(workspace.id)' AND action = 'workspace.updated'") == 2)

            let invalid = try await asAdmin.put(path, ["timezone": "Nowhere/City", "currency": "E1R", "website": "not a url", "name": ""])
            #expect(invalid.status == .unprocessableContent)
            #expect(F.fields(invalid) == ["timezone", "currency", "website", "name"])
            #expect(try await asAdmin.request(.put, path, rawBody: "[").errorCode == "invalid_body")
            let taken = try await asAdmin.put(path, ["slug": .string(other.slug)])
            #expect(taken.status == .conflict)
            #expect(taken.errorCode == "slug_taken")

            // Spec: "Update a workspace (requires owner or admin role)".
            let denied = try await api.with(token: try await h.token(for: viewer)).put(path, ["name": "Viewer was here"])
            #expect(denied.status == .forbidden)
            #expect(denied.errorCode == "insufficient_role")
            #expect(try await api.with(token: try await h.token(for: stranger)).put(path, ["name": "x"]).status == .notFound)
            #expect(try await asAdmin.put("/api/v1/workspaces/\(other.id)", ["name": "x"]).status == .notFound)
            #expect(try await h.core.workspaces.find(id: other.id)?.name == "Taken Slug")
        }
    }

    @Test func switchRemembersTheWorkspaceAndReturnsAccess() async throws {
        let h = try await Harness.make()
        let user = try await h.user()
        let owner = try await h.user()
        let own = try await h.workspace(owner: user)
        let shared = try await h.workspace(owner: owner)
        let invitedTo = try await h.workspace(owner: owner)
        try await h.addMember(user, to: shared, role: "viewer")
        try await h.addMember(user, to: invitedTo, role: "viewer", status: "invited")
        try await h.run { api async throws in
            let me = api.with(token: try await h.token(for: user))
            let switched = try await me.post("/api/v1/workspaces/switch", ["workspace_id": F.id(shared.id)])
            #expect(switched.status == .ok)
            #expect(switched.json["workspace"]?["id"]?.uuid == shared.id)
            #expect(switched.json["workspace"]?["is_current"] == true)
            #expect(switched.json["role"] == "viewer")
            let permissions = switched.json["permissions"]?.arrayValue?.compactMap(\.stringValue) ?? []
            #expect(permissions.contains("members.read"))
            #expect(!permissions.contains("members.invite"))
            #expect(switched.json["modules"]?.arrayValue?.count == 4)
            let list = try await me.get("/api/v1/workspaces")
            let current = list.json.arrayValue?.filter { $0["is_current"] == true }.compactMap { $0["id"]?.uuid }
            #expect(current == [shared.id])
            #expect(try await me.post("/api/v1/workspaces/switch", ["workspace_id": F.id(own.id)]).status == .ok)
            #expect(try await h.count("SELECT count(*) FROM users WHERE id = '\(user.id)' AND current_workspace_id = '\(own.id)'") == 1)

            // Not an active member (invited only, or a stranger's workspace): 404.
            #expect(try await me.post("/api/v1/workspaces/switch", ["workspace_id": F.id(invitedTo.id)]).status == .notFound)
            #expect(try await me.post("/api/v1/workspaces/switch", ["workspace_id": F.id(UUID())]).status == .notFound)
            let missing = try await me.post("/api/v1/workspaces/switch", [:])
            #expect(missing.status == .unprocessableContent)
            #expect(F.fields(missing) == ["workspace_id"])
            #expect(try await me.post("/api/v1/workspaces/switch", ["workspace_id": "nope"]).errorCode == "invalid_body")
        }
    }
}

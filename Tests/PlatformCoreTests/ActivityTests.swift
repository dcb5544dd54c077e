import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumTesting
import PlatformCore
import PostgresNIO
import Testing

/// Issue 11: "Activity feed over the `activity` table that already exists, filled by every state-changing Platform
/// Core route; stats; exports are asynchronous jobs (CSV and JSON) run by a background worker, with status,
/// download and a short-lived signed download URL."
@Suite("Activity feed")
struct ActivityTests {
    static func memberID(_ h: Harness, _ user: User, _ workspace: Workspace) async throws -> UUID {
        try await h.core.database.query("""
            SELECT id FROM memberships WHERE workspace_id = \(workspace.id) AND user_id = \(user.id)
            """).first { try $0.decode(UUID.self) } ?? UUID()
    }

    static func actions(_ h: Harness, _ workspace: Workspace) async throws -> [String] {
        try await h.core.database.query("""
            SELECT action FROM activity WHERE workspace_id = \(workspace.id) ORDER BY created_at, action
            """).collect { try $0.decode(String.self) }
    }

    /// A representative state change of each Platform Core group writes its row (in the change's transaction).
    @Test func stateChangingRoutesEachWriteTheirRow() async throws {
        let h = try await Harness.make()
        let crew = try await AccessCrew.make(h)
        let ws = crew.workspace
        try await h.run { api async throws in
            let owner = crew.client(api, "owner")
            let team = try await owner.post("/api/v1/teams", ["name": "Bookers"])
            #expect(team.status == .created)
            let teamID = team.json["id"]?.stringValue ?? ""
            #expect(try await owner.put("/api/v1/teams/\(teamID)", ["name": "Booking"]).status == .ok)
            #expect(try await owner.delete("/api/v1/teams/\(teamID)").status == .noContent)
            #expect(try await owner.post("/api/v1/modules/venue/toggle").status == .ok)
            #expect(try await owner.post("/api/v1/api-keys", ["name": "CI", "scopes": ["teams.read"]]).status == .created)
            #expect(try await owner.patch("/api/v1/permissions/roles/viewer", ["permission": "teams.read", "granted": false]).status == .ok)
            #expect(try await owner.put("/api/v1/workspaces/\(ws.id)", ["name": "Renamed"]).status == .ok)
            let memberID = try await Self.memberID(h, crew.member, ws)
            #expect(try await owner.put("/api/v1/members/\(memberID)", ["role": "viewer"]).status == .ok)
            let invited = try await owner.post("/api/v1/workspaces/\(ws.id)/invite-link", ["email": "new-person@example.com"])
            #expect(invited.status == .ok)
            let newUser = try await h.core.database.query("SELECT id FROM users WHERE email = 'new-person@example.com'")
                .first { try $0.decode(UUID.self) } ?? UUID()
            // Routes that wrote no activity before issue 11: activation resend, and an export request.
            #expect(try await owner.post("/api/v1/auth/activate/resend", ["user_id": .uuid(newUser), "workspace_id": .uuid(ws.id)]).status == .ok)
            #expect(try await owner.post("/api/v1/activity/export", ["format": "json"]).status == .ok)

            let recorded = Set(try await Self.actions(h, ws))
            for action in ["team.created", "team.updated", "team.deleted", "module.disabled", "api_key.created", "permissions.updated",
                           "workspace.updated", "member.role_changed", "member.invited", "member.activation_resent",
                           "activity.export_requested"] {
                #expect(recorded.contains(action), "no activity row for \(action)")
            }
            // The feed shows them, newest first, with the actor's name.
            let feed = try await owner.get("/api/v1/activity?limit=100")
            #expect(feed.status == .ok)
            let items = feed.json["items"]?.arrayValue ?? []
            #expect(items.first?["action"] == "activity.export_requested")
            #expect(items.first?["user_id"]?.uuid == crew.owner.id)
            #expect(feed.json["total"]?.int == items.count)
        }
    }

    /// Activating through an invitation's activation link records `member.joined` with the new member as actor.
    @Test func activationJoinIsRecorded() async throws {
        let h = try await Harness.make()
        let crew = try await AccessCrew.make(h)
        try await h.run { api async throws in
            let owner = crew.client(api, "owner")
            #expect(try await owner.post("/api/v1/workspaces/\(crew.workspace.id)/invite-link", ["email": "joiner@example.com"]).status == .ok)
            let joiner = try await h.core.database.query("SELECT id FROM users WHERE email = 'joiner@example.com'").first { try $0.decode(UUID.self) } ?? UUID()
            #expect(try await owner.post("/api/v1/auth/activate/resend", ["user_id": .uuid(joiner), "workspace_id": .uuid(crew.workspace.id)]).status == .ok)
            let link = try await h.lastEmail(to: "joiner@example.com")["links"]?["activation"]?.stringValue ?? ""
            let token = URLComponents(string: link)?.queryItems?.first { $0.name == "token" }?.value ?? ""
            let activated = try await api.post("/api/v1/auth/activate", ["token": .string(token), "password": .string(Harness.password)])
            #expect(activated.status == .ok)
            #expect(try await h.count("""
                SELECT count(*) FROM activity WHERE workspace_id = '\(crew.workspace.id)' AND action = 'member.joined' AND user_id = '\(joiner)'
                """) == 1)
        }
    }

    @Test func feedFiltersPagesAndRefuses() async throws {
        let h = try await Harness.make()
        let crew = try await AccessCrew.make(h)
        let other = try await h.user()
        let otherWorkspace = try await h.workspace(owner: other)
        let ws = crew.workspace.id
        let db = h.core.database
        // Rows spread over time and actors; the other workspace's rows never show here.
        try await db.query("""
            INSERT INTO activity (workspace_id, user_id, action, entity_type, entity_id, description, created_at) VALUES
            (\(ws), \(crew.admin.id), 'team.created', 'team', 't1', 'Team Alpha created', '2026-01-05T10:00:00Z'),
            (\(ws), \(crew.admin.id), 'team.deleted', 'team', 't1', 'Team Alpha deleted', '2026-01-06T10:00:00Z'),
            (\(ws), \(crew.member.id), 'api_key.created', 'api_key', 'k1', 'API key 50% off created', '2026-01-07T10:00:00Z'),
            (\(ws), \(crew.viewer.id), 'module.enabled', 'module', 'venue', 'Module venue enabled', '2026-01-08T10:00:00Z'),
            (\(otherWorkspace.id), \(other.id), 'team.created', 'team', 't9', 'Elsewhere', '2026-01-05T11:00:00Z')
            """)
        let teamID = UUID()
        let memberID = try await Self.memberID(h, crew.member, crew.workspace)
        try await db.query("INSERT INTO teams (id, workspace_id, name) VALUES (\(teamID), \(ws), 'Crew')")
        try await db.query("INSERT INTO team_members (workspace_id, team_id, membership_id) VALUES (\(ws), \(teamID), \(memberID))")
        try await h.run { api async throws in
            let asViewer = crew.client(api, "viewer")
            func actions(_ query: String) async throws -> [String] {
                // A January window unless the case sets its own (a repeated parameter counts once).
                let start = query.contains("start_date") ? "" : "start_date=2026-01-01&"
                let end = query.contains("end_date") ? "" : "end_date=2026-01-31&"
                let r = try await asViewer.get("/api/v1/activity?\(start)\(end)\(query)")
                #expect(r.status == .ok, "\(query): \(r.text)")
                return r.json["items"]?.arrayValue?.compactMap { $0["action"]?.stringValue } ?? []
            }
            #expect(try await actions("") == ["module.enabled", "api_key.created", "team.deleted", "team.created"])
            #expect(try await actions("types=team,module") == ["module.enabled", "team.deleted", "team.created"])
            #expect(try await actions("actions=team.created") == ["team.created"])
            #expect(try await actions("user_ids=\(crew.admin.id)") == ["team.deleted", "team.created"])
            #expect(try await actions("user_ids=\(memberID)") == ["api_key.created"])
            #expect(try await actions("team_ids=\(teamID)") == ["api_key.created"])
            #expect(try await actions("search=50%25") == ["api_key.created"])
            #expect(try await actions("end_date=2026-01-06") == ["team.deleted", "team.created"])
            #expect(try await actions("start_date=2026-01-07T00:00:00Z") == ["module.enabled", "api_key.created"])
            #expect(try await actions("scope=mine") == ["module.enabled"])
            let page = try await asViewer.get("/api/v1/activity?start_date=2026-01-01&end_date=2026-01-31&limit=2&offset=1")
            #expect(page.json["total"]?.int == 4)
            #expect(page.json["items"]?.arrayValue?.compactMap { $0["action"]?.stringValue } == ["api_key.created", "team.deleted"])
            #expect(page.json["limit"]?.int == 2)

            for bad in ["limit=0", "limit=101", "offset=-1", "scope=everyone", "start_date=yesterday", "start_date=", "search=\(String(repeating: "x", count: 201))"] {
                let r = try await asViewer.get("/api/v1/activity?\(bad)")
                #expect(r.status == .badRequest, "\(bad)")
                #expect(r.errorCode == "invalid_query")
            }
            for invalid in ["user_ids=not-a-uuid", "team_ids=1,2", "start_date=2026-02-01&end_date=2026-01-01"] {
                #expect(try await asViewer.get("/api/v1/activity?\(invalid)").status == .unprocessableContent, "\(invalid)")
            }
            // Another workspace: not a member there (403), and its rows never appear here.
            #expect(try await api.with(token: crew.tokens["viewer"]).workspaceHeader(otherWorkspace.id).get("/api/v1/activity").status == .forbidden)
            #expect(try await actions("search=Elsewhere") == [])
            // activity.read is needed.
            _ = try await crew.client(api, "owner").patch("/api/v1/permissions/roles/viewer", ["permission": "activity.read", "granted": false])
            let denied = try await asViewer.get("/api/v1/activity")
            #expect(denied.status == .forbidden)
            #expect(denied.errorCode == "permission_denied")
            #expect(try await asViewer.get("/api/v1/activity/stats").errorCode == "permission_denied")
        }
    }

    @Test func statsCountTheStoredRows() async throws {
        let h = try await Harness.make()
        let crew = try await AccessCrew.make(h)
        let ws = crew.workspace.id
        try await h.core.database.query("DELETE FROM activity WHERE workspace_id = \(ws)")
        try await h.core.database.query("""
            INSERT INTO activity (workspace_id, user_id, action, entity_type, created_at) VALUES
            (\(ws), \(crew.admin.id), 'team.created', 'team', now()),
            (\(ws), \(crew.admin.id), 'team.created', 'team', now() - interval '2 days'),
            (\(ws), \(crew.member.id), 'module.enabled', 'module', now() - interval '10 days'),
            (\(ws), \(crew.member.id), 'module.enabled', 'module', now() - interval '100 days')
            """)
        try await h.run { api async throws in
            let r = try await crew.client(api, "admin").get("/api/v1/activity/stats")
            #expect(r.status == .ok)
            #expect(r.json["total"]?.int == 4)
            #expect(r.json["last_seven_days"]?.int == 2)
            #expect(r.json["last_thirty_days"]?.int == 3)
            #expect(r.json["mine"]?.int == 2)
            #expect(r.json["active_users_last_thirty_days"]?.int == 2)
            #expect(r.json["by_action"]?.arrayValue?.first?["key"] == "team.created")
            #expect(r.json["by_action"]?.arrayValue?.first?["count"]?.int == 2)
            #expect(r.json["top_users"]?.arrayValue?.first?["user_id"]?.uuid == crew.admin.id)
            #expect((r.json["by_day"]?.arrayValue?.count ?? 0) >= 2)
        }
    }
}

import Foundation
import Hummingbird
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumTesting
import PlatformCore
import PostgresNIO
import Testing

@Suite("Permissions: catalog and the caller's access")
struct PermissionsCatalogTests {
    @Test func anyMemberReadsTheCatalogFlatOrGrouped() async throws {
        let h = try await Harness.make()
        let crew = try await AccessCrew.make(h)
        let total = try await h.count("SELECT count(*) FROM permissions")
        try await h.run { api async throws in
            let asViewer = crew.client(api, "viewer")
            let all = try await asViewer.get("/api/v1/permissions")
            #expect(all.status == .ok)
            #expect(all.json.arrayValue?.count == total)
            #expect(all.json[0]?["name"] == "workspace.read")
            #expect(all.json[0]?["module"] == "platform")
            #expect(all.json[0]?["owner_only"] == false)
            #expect(all.json.arrayValue?.contains { $0["name"] == "workspace.delete" && $0["owner_only"] == true } == true)

            let teams = try await asViewer.get("/api/v1/permissions?resource=teams")
            #expect(teams.json.arrayValue?.compactMap { $0["name"]?.stringValue } == ["teams.read", "can_create_team", "can_delete_team", "teams.manage"])
            let venueEvents = try await asViewer.get("/api/v1/permissions?module=venue&resource=events")
            #expect(venueEvents.json.arrayValue?.compactMap { $0["name"]?.stringValue } == ["venue.events.read", "venue.events.write"])
            #expect(try await asViewer.get("/api/v1/permissions?module=nothing").json == [])
            #expect(try await asViewer.get("/api/v1/permissions?resource=\(String(repeating: "x", count: 65))").errorCode == "invalid_query")

            // Spec: "List all permissions grouped by resource for easier UI display." — `{resource: [permission]}`.
            let grouped = try await asViewer.get("/api/v1/permissions/grouped")
            #expect(grouped.status == .ok)
            let groups = grouped.json.objectValue ?? [:]
            #expect(groups["workspace"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["workspace.read", "workspace.update", "workspace.delete"])
            #expect(groups["teams"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["teams.read", "can_create_team", "can_delete_team", "teams.manage"])
            // A resource several modules share is one group; each entry names its module.
            #expect(Set(groups["events"]?.arrayValue?.compactMap { $0["module"]?.stringValue } ?? []) == ["basic", "venue", "promoter"])
            #expect(groups.values.reduce(0) { $0 + ($1.arrayValue?.count ?? 0) } == total)
            let financeOnly = try await asViewer.get("/api/v1/permissions/grouped?module=finance")
            #expect(Set(financeOnly.json.objectValue?.keys.map { $0 } ?? []) == ["income", "bills", "payments"])

            // Tenant routes: the workspace header is required, and only members get in.
            #expect(try await api.with(token: crew.tokens["viewer"]).get("/api/v1/permissions").errorCode == "tenant_required")
            let stranger = try await h.user()
            let foreign = try await api.with(token: try await h.token(for: stranger)).workspaceHeader(crew.workspace.id).get("/api/v1/permissions")
            #expect(foreign.errorCode == "not_a_member")
            #expect(try await api.workspaceHeader(crew.workspace.id).get("/api/v1/permissions").status == .unauthorized)
        }
    }

    @Test func checkAndMeAnswerForTheCaller() async throws {
        let h = try await Harness.make()
        let crew = try await AccessCrew.make(h)
        let total = try await h.count("SELECT count(*) FROM permissions")
        try await h.run { api async throws in
            let asViewer = crew.client(api, "viewer")
            let read = try await asViewer.get("/api/v1/permissions/check/teams.read")
            #expect(read.status == .ok)
            #expect(read.json == ["permission": "teams.read", "granted": true, "role": "viewer"])
            #expect(try await asViewer.get("/api/v1/permissions/check/members.invite").json["granted"] == false)
            #expect(try await asViewer.get("/api/v1/permissions/check/venue.bookings.write").json["granted"] == false)
            // Spec: "Returns true/false based on the user's role and the permission settings." — a name nobody
            // knows is simply not held.
            let unknown = try await asViewer.get("/api/v1/permissions/check/teams.fly")
            #expect(unknown.status == .ok)
            #expect(unknown.json == ["permission": "teams.fly", "granted": false, "role": "viewer"])
            #expect(try await crew.client(api, "owner").get("/api/v1/permissions/check/teams.fly").json["granted"] == false)
            // The spec's team permission names answer too ("requires can_create_team permission").
            #expect(try await crew.client(api, "admin").get("/api/v1/permissions/check/can_create_team").json["granted"] == true)
            #expect(try await asViewer.get("/api/v1/permissions/check/can_create_team").json["granted"] == false)
            #expect(try await crew.client(api, "owner").get("/api/v1/permissions/check/workspace.delete").json["granted"] == true)
            #expect(try await crew.client(api, "admin").get("/api/v1/permissions/check/workspace.delete").json["granted"] == false)

            let me = try await crew.client(api, "member").get("/api/v1/permissions/me")
            #expect(me.status == .ok)
            #expect(me.json["role"] == "member")
            #expect(me.json["user_id"]?.uuid == crew.member.id)
            #expect(me.json["workspace_id"]?.uuid == crew.workspace.id)
            #expect(me.json["permissions"]?.strings.contains("basic.artists.write") == true)
            #expect(me.json["permissions"]?.strings.contains("members.invite") == false)
            #expect(me.json["modules"] == ["basic", "venue", "finance", "promoter"])
            #expect(try await crew.client(api, "owner").get("/api/v1/permissions/me").json["permissions"]?.arrayValue?.count == total)
        }
    }
}

@Suite("Permissions: role matrix")
struct PermissionsRoleTests {
    @Test func adminsAndOwnersReadEveryRole() async throws {
        let h = try await Harness.make()
        let crew = try await AccessCrew.make(h)
        let total = try await h.count("SELECT count(*) FROM permissions")
        try await h.run { api async throws in
            let asAdmin = crew.client(api, "admin")
            let roles = try await asAdmin.get("/api/v1/permissions/roles")
            #expect(roles.status == .ok)
            #expect(Set(roles.json.objectValue?.keys.map { $0 } ?? []) == ["owner", "admin", "member", "viewer"])
            #expect(roles.json["owner"]?.arrayValue?.count == total)
            #expect(roles.json["admin"]?.strings.contains("workspace.delete") == false)
            #expect(roles.json["admin"]?.strings.contains("permissions.manage") == true)
            #expect(roles.json["viewer"]?.strings.contains("venue.bookings.write") == false)
            #expect(roles.json["member"]?.strings.contains("venue.bookings.write") == true)

            let member = try await asAdmin.get("/api/v1/permissions/roles/member")
            #expect(member.status == .ok)
            #expect(member.json["role"] == "member")
            #expect(member.json["permissions"] == roles.json["member"])
            #expect(member.json["customized"] == false)
            #expect(member.json["editable"] == true)
            // Spec: only "Owner permissions cannot be modified"; admins edit the admin role too.
            #expect(try await asAdmin.get("/api/v1/permissions/roles/admin").json["editable"] == true)
            #expect(try await asAdmin.get("/api/v1/permissions/roles/owner").json["editable"] == false)
            #expect(try await asAdmin.get("/api/v1/permissions/roles/owner").json["permissions"]?.arrayValue?.count == total)
            #expect(try await crew.client(api, "owner").get("/api/v1/permissions/roles/admin").json["editable"] == true)
            #expect(try await asAdmin.get("/api/v1/permissions/roles/superuser").status == .notFound)

            // Spec (GET /permissions/roles): "Only admins and owners can view this." — whatever is granted.
            try await WorkspaceFixtures.setPermission(h, Permission.permissionsRead, role: "viewer", in: crew.workspace)
            for role in ["member", "viewer"] {
                let denied = try await crew.client(api, role).get("/api/v1/permissions/roles")
                #expect(denied.status == .forbidden)
                #expect(denied.errorCode == "insufficient_role")
                #expect(try await crew.client(api, role).get("/api/v1/permissions/roles/member").errorCode == "insufficient_role")
            }
        }
    }

    /// A route of another group that needs teams.read, as the Teams routes will (they sit in the same tenant group).
    func probe(_ h: Harness) -> some ApplicationProtocol {
        let router = Router<PlatformRequestContext>.kisum()
        h.core.routeGroups(router).tenant("/api/v1/probe").get("teams") { _, context -> MessageResponse in
            _ = try context.tenant(permission: Permission.teamsRead)
            return MessageResponse("ok")
        }
        return Application(router: router)
    }

    @Test func changesApplyToTheNextRequestAndAreRecorded() async throws {
        let h = try await Harness.make()
        let crew = try await AccessCrew.make(h)
        try await probe(h).test(.router) { client async throws in
            let asMember = APITestClient(client).with(token: crew.tokens["member"]).workspaceHeader(crew.workspace.id)
            #expect(try await asMember.get("/api/v1/probe/teams").status == .ok)
        }
        try await h.run { api async throws in
            let asAdmin = crew.client(api, "admin")
            let asMember = crew.client(api, "member")
            let updated = try await asAdmin.put("/api/v1/permissions/roles/member",
                                                ["permissions": ["teams.read": false, "teams.manage": true, "api_keys.read": true]])
            #expect(updated.status == .ok)
            #expect(updated.json["role"] == "member")
            #expect(updated.json["customized"] == true)
            #expect(updated.json["permissions"]?.strings.contains("teams.read") == false)
            #expect(updated.json["permissions"]?.strings.contains("teams.manage") == true)
            #expect(updated.json["permissions"]?.strings.contains("api_keys.read") == true)

            #expect(try await asMember.get("/api/v1/permissions/check/teams.read").json["granted"] == false)
            #expect(try await asMember.get("/api/v1/permissions/me").json["permissions"]?.strings.contains("teams.read") == false)
            #expect(try await asMember.get("/api/v1/api-keys").status == .ok)
            // Other roles are untouched.
            #expect(try await crew.client(api, "viewer").get("/api/v1/permissions/check/teams.read").json["granted"] == true)
            #expect(try await h.count("""
                SELECT count(*) FROM activity WHERE workspace_id = '\(crew.workspace.id)' AND action = 'permissions.updated'
                  AND entity_id = 'member' AND user_id = '\(crew.admin.id)'
                """) == 1)
            // Repeating the same change changes nothing and records nothing.
            #expect(try await asAdmin.put("/api/v1/permissions/roles/member", ["permissions": ["teams.read": false]]).status == .ok)
            #expect(try await h.count("SELECT count(*) FROM activity WHERE action = 'permissions.updated'") == 1)
        }
        try await probe(h).test(.router) { client async throws in
            let asMember = APITestClient(client).with(token: crew.tokens["member"]).workspaceHeader(crew.workspace.id)
            let denied = try await asMember.get("/api/v1/probe/teams")
            #expect(denied.status == .forbidden)
            #expect(denied.errorCode == "permission_denied")
        }
        try await h.run { api async throws in
            let patched = try await crew.client(api, "admin").patch("/api/v1/permissions/roles/member",
                                                                     ["permission": "teams.read", "granted": true])
            #expect(patched.status == .ok)
            #expect(patched.json["permissions"]?.strings.contains("teams.read") == true)
            #expect(try await crew.client(api, "member").get("/api/v1/permissions/check/teams.read").json["granted"] == true)
            #expect(try await h.count("SELECT count(*) FROM activity WHERE action = 'permissions.updated'") == 2)
        }
    }

    @Test func theRulesOfChangingRoles() async throws {
        let h = try await Harness.make()
        let crew = try await AccessCrew.make(h)
        try await h.run { api async throws in
            let asOwner = crew.client(api, "owner")
            let asAdmin = crew.client(api, "admin")
            // The owner role is locked, for everyone.
            for client in [asOwner, asAdmin] {
                let locked = try await client.put("/api/v1/permissions/roles/owner", ["permissions": ["teams.read": false]])
                #expect(locked.status == .forbidden)
                #expect(locked.errorCode == "owner_permissions_locked")
                #expect(try await client.patch("/api/v1/permissions/roles/owner", ["permission": "teams.read", "granted": false])
                    .errorCode == "owner_permissions_locked")
                #expect(try await client.post("/api/v1/permissions/roles/owner/reset").errorCode == "owner_permissions_locked")
            }
            // Spec: "Owner permissions cannot be modified" is the only lock: an admin edits the admin role too.
            let own = try await asAdmin.put("/api/v1/permissions/roles/admin", ["permissions": ["teams.manage": false]])
            #expect(own.status == .ok)
            #expect(own.json["permissions"]?.strings.contains("teams.manage") == false)
            #expect(try await asAdmin.get("/api/v1/permissions/check/teams.manage").json["granted"] == false)
            // Having given it up, the admin cannot take it back (only what one holds is granted); the owner can.
            #expect(try await asAdmin.patch("/api/v1/permissions/roles/admin", ["permission": "teams.manage", "granted": true])
                .errorCode == "permission_not_held")
            #expect(try await asOwner.patch("/api/v1/permissions/roles/admin", ["permission": "teams.manage", "granted": true]).status == .ok)
            #expect(try await asAdmin.get("/api/v1/permissions/check/teams.manage").json["granted"] == true)
            // Unknown roles.
            #expect(try await asOwner.put("/api/v1/permissions/roles/guest", ["permissions": ["teams.read": true]]).status == .notFound)

            // Unknown names and owner-only permissions: 422 listing them.
            let unknown = try await asOwner.put("/api/v1/permissions/roles/member",
                                                ["permissions": ["teams.fly": true, "nope.read": false, "teams.read": true]])
            #expect(unknown.status == .unprocessableContent)
            #expect(unknown.errorCode == "validation_failed")
            #expect(Set(unknown.errorFields) == ["permissions.teams.fly", "permissions.nope.read"])
            #expect(Set(unknown.errorDetailCodes) == ["unknown_permission"])
            let ownerOnly = try await asOwner.put("/api/v1/permissions/roles/admin", ["permissions": ["workspace.delete": true]])
            #expect(ownerOnly.status == .unprocessableContent)
            #expect(ownerOnly.errorDetailCodes == ["owner_only"])
            #expect(try await asOwner.patch("/api/v1/permissions/roles/viewer", ["permission": "ownership.transfer", "granted": true])
                .errorFields == ["permission"])

            // Nobody grants or revokes what they do not hold; naming a permission without changing it is no change.
            #expect(try await asOwner.patch("/api/v1/permissions/roles/admin", ["permission": "finance.bills.write", "granted": false]).status == .ok)
            let revoke = try await asAdmin.patch("/api/v1/permissions/roles/member", ["permission": "finance.bills.write", "granted": false])
            #expect(revoke.status == .forbidden)
            #expect(revoke.errorCode == "permission_not_held")
            #expect(revoke.json["error"]?["info"]?["permissions"] == ["finance.bills.write"])
            let unchanged = try await asAdmin.put("/api/v1/permissions/roles/member",
                                                  ["permissions": ["finance.bills.write": true, "finance.bills.read": false]])
            #expect(unchanged.status == .ok)
            #expect(unchanged.json["permissions"]?.strings.contains("finance.bills.write") == true)
            #expect(unchanged.json["permissions"]?.strings.contains("finance.bills.read") == false)
            _ = try await asOwner.patch("/api/v1/permissions/roles/member", ["permission": "finance.bills.write", "granted": false])
            let grant = try await asAdmin.put("/api/v1/permissions/roles/member",
                                              ["permissions": ["finance.bills.write": true, "finance.bills.read": true]])
            #expect(grant.errorCode == "permission_not_held")
            #expect(grant.json["error"]?["info"]?["permissions"] == ["finance.bills.write"])
            // Refused as a whole: finance.bills.read was not granted either.
            #expect(try await asAdmin.get("/api/v1/permissions/roles/member").json["permissions"]?.strings.contains("finance.bills.read") == false)

            // Spec: "Only workspace admins and owners can modify permissions." permissions.manage granted to the
            // viewer role does not make viewers role managers.
            #expect(try await asOwner.patch("/api/v1/permissions/roles/viewer", ["permission": "permissions.manage", "granted": true]).status == .ok)
            let asViewer = crew.client(api, "viewer")
            #expect(try await asViewer.get("/api/v1/permissions/check/permissions.manage").json["granted"] == true)
            let denied = try await crew.client(api, "member").put("/api/v1/permissions/roles/viewer", ["permissions": ["teams.read": false]])
            #expect(denied.status == .forbidden)
            #expect(denied.errorCode == "insufficient_role")
            #expect(try await asViewer.put("/api/v1/permissions/roles/viewer", ["permissions": ["venue.bookings.write": true]]).errorCode == "insufficient_role")
            #expect(try await asViewer.patch("/api/v1/permissions/roles/member", ["permission": "teams.read", "granted": false]).errorCode == "insufficient_role")
            #expect(try await asViewer.post("/api/v1/permissions/roles/member/reset").errorCode == "insufficient_role")
            #expect(try await asViewer.post("/api/v1/permissions/seed").errorCode == "insufficient_role")
            // …and revoked from the admin role it narrows the admins' rule.
            _ = try await asOwner.patch("/api/v1/permissions/roles/admin", ["permission": "permissions.manage", "granted": false])
            #expect(try await asAdmin.put("/api/v1/permissions/roles/member", ["permissions": ["teams.read": false]]).errorCode == "permission_denied")
            _ = try await asOwner.patch("/api/v1/permissions/roles/admin", ["permission": "permissions.manage", "granted": true])

            // Body validation.
            #expect(try await asAdmin.put("/api/v1/permissions/roles/member", [:]).errorFields == ["permissions"])
            #expect(try await asAdmin.put("/api/v1/permissions/roles/member", ["permissions": [:]]).errorFields == ["permissions"])
            #expect(try await asAdmin.put("/api/v1/permissions/roles/member", ["permissions": ["teams.read"]]).errorCode == "invalid_body")
            #expect(try await asAdmin.request(.put, "/api/v1/permissions/roles/member", rawBody: "{\"permissions\": ").errorCode == "invalid_body")
            let missing = try await asAdmin.patch("/api/v1/permissions/roles/member", ["permission": "teams.read"])
            #expect(missing.status == .unprocessableContent)
            #expect(missing.errorFields == ["granted"])
            #expect(try await asAdmin.patch("/api/v1/permissions/roles/member", ["granted": true]).errorFields == ["permission"])
        }
    }

    @Test func resetRestoresTheDefaultsAndSeedAddsMissingOnes() async throws {
        let h = try await Harness.make()
        let crew = try await AccessCrew.make(h)
        let ws = crew.workspace.id
        try await h.run { api async throws in
            let asOwner = crew.client(api, "owner")
            let asAdmin = crew.client(api, "admin")
            let defaults = try await asAdmin.get("/api/v1/permissions/roles/member").json["permissions"]
            _ = try await asAdmin.put("/api/v1/permissions/roles/member", ["permissions": ["teams.read": false, "teams.manage": true]])
            let reset = try await asAdmin.post("/api/v1/permissions/roles/member/reset")
            #expect(reset.status == .ok)
            #expect(reset.json["permissions"] == defaults)
            #expect(reset.json["customized"] == false)
            #expect(try await h.count("SELECT count(*) FROM activity WHERE action = 'permissions.reset' AND entity_id = 'member'") == 1)
            // Nothing to reset → nothing recorded.
            #expect(try await asAdmin.post("/api/v1/permissions/roles/member/reset").status == .ok)
            #expect(try await h.count("SELECT count(*) FROM activity WHERE action = 'permissions.reset'") == 1)
            #expect(try await asAdmin.post("/api/v1/permissions/roles/admin/reset").status == .ok)
            #expect(try await asAdmin.post("/api/v1/permissions/roles/owner/reset").errorCode == "owner_permissions_locked")
            #expect(try await asAdmin.post("/api/v1/permissions/roles/nobody/reset").status == .notFound)
            #expect(try await crew.client(api, "member").post("/api/v1/permissions/roles/viewer/reset").errorCode == "insufficient_role")

            // A reset may not hand out what the caller lacks.
            _ = try await asOwner.put("/api/v1/permissions/roles/admin", ["permissions": ["basic.artists.write": false]])
            _ = try await asOwner.put("/api/v1/permissions/roles/member", ["permissions": ["basic.artists.write": false]])
            let notHeld = try await asAdmin.post("/api/v1/permissions/roles/member/reset")
            #expect(notHeld.errorCode == "permission_not_held")
            #expect(try await asOwner.post("/api/v1/permissions/roles/member/reset").json["customized"] == false)

            // Seed: missing defaults of the roles the caller may edit, limited to what the caller holds.
            try await h.core.database.query("""
                DELETE FROM role_permissions WHERE workspace_id = \(ws)
                  AND ((role = 'viewer' AND permission IN ('teams.read', 'members.read')) OR (role = 'admin' AND permission = 'api_keys.manage'))
                """)
            let seededByAdmin = try await asAdmin.post("/api/v1/permissions/seed")
            #expect(seededByAdmin.status == .created)
            #expect(seededByAdmin.json["added"] == 2)
            #expect(seededByAdmin.json["added_by_role"] == ["admin": 0, "member": 0, "viewer": 2])
            // The admin could not give the admin role back api_keys.manage (nor basic.artists.write), not holding
            // them: the owner can.
            #expect(try await asAdmin.get("/api/v1/permissions/check/api_keys.manage").json["granted"] == false)
            let seededByOwner = try await asOwner.post("/api/v1/permissions/seed")
            #expect(seededByOwner.json["added"] == 2)
            #expect(seededByOwner.json["added_by_role"]?["admin"] == 2)
            #expect(try await asAdmin.get("/api/v1/permissions/check/api_keys.manage").json["granted"] == true)
            let again = try await asOwner.post("/api/v1/permissions/seed")
            #expect(again.status == .created)
            #expect(again.json["added"] == 0)
            #expect(try await h.count("SELECT count(*) FROM activity WHERE action = 'permissions.seeded'") == 2)
        }
    }
}

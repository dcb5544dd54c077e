import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumTesting
import PlatformCore
import PostgresNIO
import Testing

@Suite("Module settings")
struct ModulesTests {
    @Test func membersSeeEveryModuleOfTheCatalog() async throws {
        let h = try await Harness.make()
        let crew = try await AccessCrew.make(h)
        try await h.run { api async throws in
            let asViewer = crew.client(api, "viewer")
            let list = try await asViewer.get("/api/v1/modules")
            #expect(list.status == .ok)
            let modules = list.json.arrayValue ?? []
            #expect(modules.compactMap { $0["module"]?.stringValue } == ["basic", "venue", "finance", "promoter"])
            #expect(modules.allSatisfy { $0["enabled"] == true && $0["configured"] == true && $0["settings"] == [:] })
            #expect(modules[1]["display_name"] == "Venue")
            #expect(modules[1]["default_enabled"] == true)

            let venue = try await asViewer.get("/api/v1/modules/venue")
            #expect(venue.status == .ok)
            #expect(venue.json["module"] == "venue")
            #expect(venue.json["enabled"] == true)
            #expect(try await asViewer.get("/api/v1/modules/ticketing").status == .notFound)
            #expect(try await asViewer.get("/api/v1/modules/\(String(repeating: "x", count: 65))").status == .notFound)

            // A module without a row (added to the catalog after the workspace was made) reads as off, like access says.
            try await h.core.database.query("DELETE FROM module_settings WHERE workspace_id = \(crew.workspace.id) AND module = 'promoter'")
            let promoter = try await asViewer.get("/api/v1/modules/promoter")
            #expect(promoter.json["configured"] == false)
            #expect(promoter.json["enabled"] == false)
            #expect(promoter.json["updated_at"] == .null)

            // modules.read is needed.
            _ = try await crew.client(api, "owner").patch("/api/v1/permissions/roles/viewer", ["permission": "modules.read", "granted": false])
            let denied = try await asViewer.get("/api/v1/modules")
            #expect(denied.status == .forbidden)
            #expect(denied.errorCode == "permission_denied")
            #expect(try await asViewer.get("/api/v1/modules/venue").errorCode == "permission_denied")
        }
    }

    @Test func switchingAModuleIsReportedToOtherServicesAtOnce() async throws {
        let h = try await Harness.make()
        let crew = try await AccessCrew.make(h)
        let otherOwner = try await h.user()
        let other = try await h.workspace(owner: otherOwner)
        try await h.run { api async throws in
            func modules(_ user: User, _ workspace: Workspace) async throws -> JSONValue? {
                try await api.internalKey().get("/internal/access?user_id=\(user.id)&company_id=\(workspace.id)").json["access"]?["modules"]
            }
            let asAdmin = crew.client(api, "admin")
            let off = try await asAdmin.post("/api/v1/modules/venue/toggle")
            #expect(off.status == .ok)
            #expect(off.json["enabled"] == false)
            #expect(off.json["updated_by"]?.uuid == crew.admin.id)
            #expect(try await modules(crew.member, crew.workspace) == ["basic", "finance", "promoter"])
            #expect(try await crew.client(api, "member").get("/api/v1/permissions/me").json["modules"] == ["basic", "finance", "promoter"])
            // Only this workspace.
            #expect(try await modules(otherOwner, other) == ["basic", "venue", "finance", "promoter"])

            #expect(try await asAdmin.post("/api/v1/modules/venue/toggle").json["enabled"] == true)
            #expect(try await modules(crew.member, crew.workspace) == ["basic", "venue", "finance", "promoter"])
            let put = try await asAdmin.put("/api/v1/modules/finance", ["enabled": false])
            #expect(put.status == .ok)
            #expect(put.json["enabled"] == false)
            #expect(try await modules(crew.member, crew.workspace) == ["basic", "venue", "promoter"])
            let actions = try await h.core.database.query("""
                SELECT action || ':' || entity_id FROM activity WHERE workspace_id = \(crew.workspace.id) AND entity_type = 'module' ORDER BY created_at
                """).collect { try $0.decode(String.self) }
            #expect(actions == ["module.disabled:venue", "module.enabled:venue", "module.disabled:finance"])

            // basic cannot be switched off.
            let basic = try await asAdmin.post("/api/v1/modules/basic/toggle")
            #expect(basic.status == .conflict)
            #expect(basic.errorCode == "module_required")
            #expect(try await asAdmin.put("/api/v1/modules/basic", ["enabled": false]).errorCode == "module_required")
            #expect(try await asAdmin.put("/api/v1/modules/basic", ["enabled": true, "settings": ["fiscal_year_start": "04-01"]]).status == .ok)

            // Spec: "Required permissions: Admin" — a role rule: modules.manage granted to members gives them
            // nothing; revoked from admins it narrows it. Unknown modules are 404.
            try await WorkspaceFixtures.setPermission(h, Permission.modulesManage, role: "member", in: crew.workspace)
            let asMember = crew.client(api, "member")
            #expect(try await asMember.post("/api/v1/modules/venue/toggle").errorCode == "insufficient_role")
            #expect(try await asMember.put("/api/v1/modules/venue", ["enabled": false]).errorCode == "insufficient_role")
            #expect(try await asMember.post("/api/v1/modules", ["module": "venue"]).errorCode == "insufficient_role")
            #expect(try await asAdmin.post("/api/v1/modules/ticketing/toggle").status == .notFound)
            #expect(try await asAdmin.put("/api/v1/modules/ticketing", ["enabled": true]).status == .notFound)
            #expect(try await modules(crew.member, crew.workspace) == ["basic", "venue", "promoter"])
        }
    }

    @Test func settingsAreAnObjectStoredAsGiven() async throws {
        let h = try await Harness.make()
        let crew = try await AccessCrew.make(h)
        try await h.run { api async throws in
            let asOwner = crew.client(api, "owner")
            let settings: JSONValue = ["defaultCurrency": "EUR", "deposit_percent": 25, "reminders": ["daysBefore": [7, 1], "enabled": true]]
            let updated = try await asOwner.put("/api/v1/modules/venue", ["settings": settings])
            #expect(updated.status == .ok)
            #expect(updated.json["settings"] == settings)
            #expect(updated.json["enabled"] == true)
            #expect(try await asOwner.get("/api/v1/modules/venue").json["settings"] == settings)
            // Replaced whole, the switch untouched.
            let replaced = try await asOwner.put("/api/v1/modules/venue", ["settings": ["a": 1]])
            #expect(replaced.json["settings"] == ["a": 1])
            #expect(try await h.count("SELECT count(*) FROM activity WHERE action = 'module.settings_updated'") == 2)
            // Same settings again: nothing recorded.
            _ = try await asOwner.put("/api/v1/modules/venue", ["settings": ["a": 1]])
            #expect(try await h.count("SELECT count(*) FROM activity WHERE action = 'module.settings_updated'") == 2)

            let notObject = try await asOwner.put("/api/v1/modules/venue", ["settings": [1, 2]])
            #expect(notObject.status == .unprocessableContent)
            #expect(notObject.errorDetailCodes == ["invalid_type"])
            let huge = try await asOwner.put("/api/v1/modules/venue", ["settings": ["blob": .string(String(repeating: "x", count: 17_000))]])
            #expect(huge.errorDetailCodes == ["too_large"])
            #expect(try await asOwner.put("/api/v1/modules/venue", [:]).errorFields == ["enabled"])
            #expect(try await asOwner.put("/api/v1/modules/venue", ["enabled": "no"]).errorCode == "invalid_body")
            #expect(try await asOwner.request(.put, "/api/v1/modules/venue", rawBody: "{").errorCode == "invalid_body")
        }
    }

    @Test func createAddsTheRowOfAModuleWithoutOne() async throws {
        let h = try await Harness.make()
        let crew = try await AccessCrew.make(h)
        let ws = crew.workspace.id
        try await h.run { api async throws in
            let asAdmin = crew.client(api, "admin")
            let exists = try await asAdmin.post("/api/v1/modules", ["module": "venue"])
            #expect(exists.status == .conflict)
            #expect(exists.errorCode == "module_settings_exist")

            try await h.core.database.query("DELETE FROM module_settings WHERE workspace_id = \(ws) AND module IN ('promoter', 'finance', 'basic')")
            let created = try await asAdmin.post("/api/v1/modules", ["module": "promoter", "settings": ["region": "EU"]])
            #expect(created.status == .created)
            #expect(created.json["module"] == "promoter")
            #expect(created.json["enabled"] == true)
            #expect(created.json["configured"] == true)
            #expect(created.json["settings"] == ["region": "EU"])
            #expect(try await asAdmin.post("/api/v1/modules", ["module": "finance", "enabled": false]).json["enabled"] == false)
            #expect(try await api.internalKey().get("/internal/access?user_id=\(crew.admin.id)&company_id=\(ws)").json["access"]?["modules"]
                == ["venue", "promoter"])
            #expect(try await asAdmin.post("/api/v1/modules", ["module": "basic", "enabled": false]).errorCode == "module_required")
            #expect(try await asAdmin.post("/api/v1/modules", ["module": "basic"]).status == .created)
            #expect(try await h.count("SELECT count(*) FROM activity WHERE action = 'module.created'") == 3)

            // A PUT or toggle on a module without a row creates it.
            try await h.core.database.query("DELETE FROM module_settings WHERE workspace_id = \(ws) AND module = 'finance'")
            let toggled = try await asAdmin.post("/api/v1/modules/finance/toggle")
            #expect(toggled.json["enabled"] == true)
            #expect(toggled.json["configured"] == true)

            let unknown = try await asAdmin.post("/api/v1/modules", ["module": "ticketing"])
            #expect(unknown.status == .unprocessableContent)
            #expect(unknown.errorFields == ["module"])
            #expect(unknown.errorDetailCodes == ["unknown_module"])
            #expect(try await asAdmin.post("/api/v1/modules", [:]).errorFields == ["module"])
            #expect(try await asAdmin.post("/api/v1/modules", ["module": "venue", "settings": "x"]).errorDetailCodes == ["invalid_type"])
        }
    }
}

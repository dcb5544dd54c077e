import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumTesting
import PlatformCore
import PostgresNIO
import Testing

/// Issue 11: "Webhooks: per company, URL validated (https except loopback in development; private and link-local
/// addresses refused …) … toggle, regenerate-secret, count" (deliveries: `WebhooksTests.swift`). The nine operations:
/// success, validation (422), malformed (400), permission (403), another workspace's ids (404).
/// "Required permissions: Admin or webhook management permission" — webhooks.manage / webhooks.read, admins by default.
@Suite("Webhooks: the operations")
struct WebhooksOperationsTests {
    @Test func crudToggleCountAndFilters() async throws {
        let h = try await Harness.make(backgroundJobs: true)
        let crew = try await AccessCrew.make(h)
        try await h.run { api async throws in
            let asAdmin = crew.client(api, "admin")
            let a = try await asAdmin.post("/api/v1/webhooks", [
                "name": " Bookings ", "url": "https://8.8.8.8/a", "description": "to the ERP", "events": ["booking.*", "booking.*", "member.invited"],
            ])
            #expect(a.status == .created)
            #expect(a.json["name"] == "Bookings")
            #expect(a.json["events"] == ["booking.*", "member.invited"], "duplicates dropped")
            #expect(a.json["is_active"] == true)
            #expect(a.json["created_by"]?.uuid == crew.admin.id)
            let b = try await asAdmin.post("/api/v1/webhooks", ["url": "https://1.1.1.1/b", "is_active": false, "events": ["x.y"]])
            #expect(b.status == .created)
            let aID = try #require(a.json["id"]?.string)
            let bID = try #require(b.json["id"]?.string)

            let all = try await asAdmin.get("/api/v1/webhooks")
            #expect(all.status == .ok)
            #expect(all.json.arrayValue?.count == 2)
            #expect(all.totalCount == 2)
            #expect(!all.text.contains(a.json["secret"]?.string ?? "-"))
            #expect(try await asAdmin.get("/api/v1/webhooks?is_active=true").json.arrayValue?.compactMap { $0["id"]?.string } == [aID])
            let page = try await asAdmin.get("/api/v1/webhooks?skip=1&limit=1")
            #expect(page.json.arrayValue?.compactMap { $0["id"]?.string } == [aID], "newest first")
            #expect(page.totalCount == 2)
            #expect(try await asAdmin.get("/api/v1/webhooks/count").json["count"] == 2)
            #expect(try await asAdmin.get("/api/v1/webhooks/count?is_active=false").json["count"] == 1)

            let updated = try await asAdmin.put("/api/v1/webhooks/\(aID)", ["description": .null, "events": ["team.*"], "url": "https://9.9.9.9/new"])
            #expect(updated.status == .ok)
            #expect(updated.json["description"] == .null)
            #expect(updated.json["events"] == ["team.*"])
            #expect(updated.json["url"] == "https://9.9.9.9/new")
            #expect(updated.json["name"] == "Bookings", "absent fields stay")

            let toggled = try await asAdmin.post("/api/v1/webhooks/\(bID)/toggle")
            #expect(toggled.status == .ok)
            #expect(toggled.json["is_active"] == true)
            #expect(try await asAdmin.get("/api/v1/webhooks/count?is_active=true").json["count"] == 2)

            #expect(try await asAdmin.delete("/api/v1/webhooks/\(bID)").status == .noContent)
            #expect(try await asAdmin.get("/api/v1/webhooks/\(bID)").status == .notFound)
            #expect(try await asAdmin.delete("/api/v1/webhooks/\(bID)").status == .notFound)
        }
        let actions = try await h.core.database.query("""
            SELECT action FROM activity WHERE workspace_id = \(crew.workspace.id) AND entity_type = 'webhook' ORDER BY created_at
            """).collect { try $0.decode(String.self) }
        #expect(actions == ["webhook.created", "webhook.created", "webhook.updated", "webhook.enabled", "webhook.deleted"])
    }

    @Test func urlsThatReachInsideAreRefused() async throws {
        let h = try await Harness.make(backgroundJobs: true)
        let crew = try await AccessCrew.make(h)
        try await h.run { api async throws in
            let asOwner = crew.client(api, "owner")
            for url in ["https://169.254.169.254/latest/meta-data", "https://10.0.0.1/hook", "https://[::ffff:10.0.0.1]/", "https://192.168.1.5/",
                        "https://127.0.0.1/hook", "https://[fd00:ec2::254]/"] {
                let r = try await asOwner.post("/api/v1/webhooks", ["url": .string(url)])
                #expect(r.status == .unprocessableContent, "\(url)")
                #expect(r.errorCode == "webhook_url_forbidden", "\(url)")
            }
            // Plain http is refused without the development setting (even to loopback), other schemes too.
            for url in ["http://8.8.8.8/hook", "http://127.0.0.1:9/hook", "ftp://8.8.8.8/"] {
                #expect(try await asOwner.post("/api/v1/webhooks", ["url": .string(url)]).errorCode == "webhook_url_insecure", "\(url)")
            }
            for url in ["not a url", "https://user:pw@8.8.8.8/", "https:///nohost"] {
                #expect(try await asOwner.post("/api/v1/webhooks", ["url": .string(url)]).errorCode == "webhook_url_invalid", "\(url)")
            }
            #expect(try await h.count("SELECT count(*) FROM webhooks") == 0)
            let ok = try await asOwner.post("/api/v1/webhooks", ["url": "https://8.8.8.8/hook", "events": ["x.y"]])
            let id = try #require(ok.json["id"]?.string)
            #expect(try await asOwner.put("/api/v1/webhooks/\(id)", ["url": "https://169.254.169.254/"]).errorCode == "webhook_url_forbidden")
            #expect(try await asOwner.get("/api/v1/webhooks/\(id)").json["url"] == "https://8.8.8.8/hook")
        }
    }

    @Test func validationAndMalformedRequests() async throws {
        let h = try await Harness.make(backgroundJobs: true)
        let crew = try await AccessCrew.make(h)
        try await h.run { api async throws in
            let asOwner = crew.client(api, "owner")
            let id = try #require(try await asOwner.post("/api/v1/webhooks", ["url": "https://8.8.8.8/hook", "events": ["x.y"]]).json["id"]?.string)
            // 422: missing url, blank or long name, bad event names, too many events, a test payload that is no object.
            #expect(try await asOwner.post("/api/v1/webhooks", ["name": "x"]).errorDetailCodes == ["required"])
            #expect(try await asOwner.post("/api/v1/webhooks", ["url": "https://8.8.8.8/", "name": " "]).status == .unprocessableContent)
            #expect(try await asOwner.post("/api/v1/webhooks", ["url": "https://8.8.8.8/", "name": .string(String(repeating: "n", count: 201))])
                .errorDetailCodes == ["too_long"])
            #expect(try await asOwner.post("/api/v1/webhooks", ["url": "https://8.8.8.8/", "events": ["Member.Invited", "a..b", "*.x", ""]])
                .errorDetailCodes == ["invalid_event", "invalid_event", "invalid_event", "invalid_event"])
            let many = JSONValue.array((0..<51).map { .string("e.n\($0)") })
            #expect(try await asOwner.post("/api/v1/webhooks", ["url": "https://8.8.8.8/", "events": many]).errorDetailCodes == ["too_many"])
            #expect(try await asOwner.put("/api/v1/webhooks/\(id)", ["events": ["bad event"]]).status == .unprocessableContent)
            #expect(try await asOwner.post("/api/v1/webhooks/\(id)/test", ["payload": [1, 2]]).errorDetailCodes == ["invalid_payload"])
            #expect(try await asOwner.post("/api/v1/webhooks/\(id)/test", ["event": "member.*"]).errorDetailCodes == ["invalid_event"])
            // 400: unreadable bodies and query parameters.
            #expect(try await asOwner.request(.post, "/api/v1/webhooks", rawBody: "{\"url\": ").errorCode == "invalid_body")
            #expect(try await asOwner.post("/api/v1/webhooks", ["url": 5]).errorCode == "invalid_body")
            #expect(try await asOwner.put("/api/v1/webhooks/\(id)", ["is_active": "yes"]).errorCode == "invalid_body")
            #expect(try await asOwner.get("/api/v1/webhooks?is_active=maybe").errorCode == "invalid_query")
            #expect(try await asOwner.get("/api/v1/webhooks/count?is_active=").errorCode == "invalid_query")
            #expect(try await asOwner.get("/api/v1/webhooks?limit=0").errorCode == "invalid_query")
        }
    }

    @Test func membersAndViewersAreRefusedAndOtherWorkspacesIdsAreNotFound() async throws {
        let h = try await Harness.make(backgroundJobs: true)
        let crew = try await AccessCrew.make(h)
        let other = try await AccessCrew.make(h)
        try await h.run { api async throws in
            let theirs = try #require(try await other.client(api, "owner")
                .post("/api/v1/webhooks", ["url": "https://8.8.8.8/theirs", "events": ["x.y"]]).json["id"]?.string)
            let mine = try #require(try await crew.client(api, "owner")
                .post("/api/v1/webhooks", ["url": "https://8.8.8.8/mine", "events": ["x.y"]]).json["id"]?.string)
            for role in ["member", "viewer"] {
                let client = crew.client(api, role)
                #expect(try await client.get("/api/v1/webhooks").errorCode == "permission_denied")
                #expect(try await client.get("/api/v1/webhooks/count").errorCode == "permission_denied")
                #expect(try await client.get("/api/v1/webhooks/\(mine)").errorCode == "permission_denied")
                #expect(try await client.post("/api/v1/webhooks", ["url": "https://8.8.8.8/x"]).errorCode == "permission_denied")
                #expect(try await client.put("/api/v1/webhooks/\(mine)", ["name": "x"]).errorCode == "permission_denied")
                #expect(try await client.delete("/api/v1/webhooks/\(mine)").errorCode == "permission_denied")
                for action in ["toggle", "test", "regenerate-secret"] {
                    #expect(try await client.post("/api/v1/webhooks/\(mine)/\(action)").errorCode == "permission_denied")
                }
            }
            // Another workspace's webhook, and ids that are no UUID: 404, nothing changed.
            let asAdmin = crew.client(api, "admin")
            for path in [theirs, "not-a-uuid"] {
                #expect(try await asAdmin.get("/api/v1/webhooks/\(path)").errorCode == "webhook_not_found")
                #expect(try await asAdmin.put("/api/v1/webhooks/\(path)", ["url": "https://169.254.169.254/"]).status == .notFound)
                #expect(try await asAdmin.delete("/api/v1/webhooks/\(path)").status == .notFound)
                for action in ["toggle", "test", "regenerate-secret"] {
                    #expect(try await asAdmin.post("/api/v1/webhooks/\(path)/\(action)").status == .notFound)
                }
            }
            #expect(try await other.client(api, "owner").get("/api/v1/webhooks/\(theirs)").json["is_active"] == true)
            #expect(try await asAdmin.get("/api/v1/webhooks").json.arrayValue?.count == 1)
        }
    }

    /// "Admin or webhook management permission": the permission decides, so an owner can hand webhooks to a member
    /// (grant) or take them from the admins (revoke); owners always keep them.
    @Test func thePermissionDecidesNotTheRole() async throws {
        let h = try await Harness.make(backgroundJobs: true)
        let crew = try await AccessCrew.make(h)
        try await h.core.database.query("""
            INSERT INTO role_permissions (workspace_id, role, permission) VALUES (\(crew.workspace.id), 'member', 'webhooks.manage')
            """)
        try await h.core.database.query("""
            DELETE FROM role_permissions WHERE workspace_id = \(crew.workspace.id) AND role = 'admin' AND permission = 'webhooks.manage'
            """)
        try await h.run { api async throws in
            #expect(try await crew.client(api, "member").post("/api/v1/webhooks", ["url": "https://8.8.8.8/m", "events": ["x.y"]]).status == .created)
            #expect(try await crew.client(api, "member").get("/api/v1/webhooks").errorCode == "permission_denied", "read is its own grant")
            #expect(try await crew.client(api, "admin").post("/api/v1/webhooks", ["url": "https://8.8.8.8/a"]).errorCode == "permission_denied")
            #expect(try await crew.client(api, "admin").get("/api/v1/webhooks/count").json["count"] == 1)
            #expect(try await crew.client(api, "owner").post("/api/v1/webhooks", ["url": "https://8.8.8.8/o", "events": ["x.y"]]).status == .created)
        }
    }
}

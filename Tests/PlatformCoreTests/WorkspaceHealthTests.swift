import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumTesting
import PlatformCore
import PostgresNIO
import Testing

/// Issue 11: "Workspace health: which features are configured (billing, e-mail, storage, modules); `migrate` runs
/// pending per-workspace data migrations as a job with SSE progress."
@Suite("Workspace health")
struct WorkspaceHealthTests {
    /// The features come from the settings the features use: local providers here, Stripe and SMTP when configured.
    @Test func healthReportsWhatIsConfigured() async throws {
        let local = try await Harness.make(backgroundJobs: true)
        let crew = try await AccessCrew.make(local)
        try await local.core.database.query("UPDATE workspaces SET logo_url = 'https://example.com/logo.png' WHERE id = \(crew.workspace.id)")
        try await local.core.database.query("UPDATE module_settings SET enabled = false WHERE workspace_id = \(crew.workspace.id) AND module = 'finance'")
        try await local.run { api async throws in
            let r = try await crew.client(api, "viewer").get("/api/v1/workspace-health")
            #expect(r.status == .ok)
            #expect(r.json["status"] == "ok")
            #expect(r.json["migration_required"] == false)
            #expect(r.json["brand"] == true)
            #expect(r.json["company_onboarding_complete"] == false)
            #expect(r.json["features"]?["billing"]?["provider"] == "local")
            #expect(r.json["features"]?["billing"]?["configured"] == false)
            #expect(r.json["features"]?["email"]?["provider"] == "local_mailbox")
            #expect(r.json["features"]?["storage"]?["provider"] == "local_disk")
            #expect(r.json["features"]?["modules"]?["disabled"]?.strings == ["finance"])
            #expect(r.json["features"]?["modules"]?["enabled"]?.strings == ["basic", "venue", "promoter"])
            // 400: a workspace header that is not an id; 403: not a member there, or workspace.read revoked.
            #expect(try await api.with(token: crew.tokens["viewer"]).with(header: "x-workspace-id", "nope").get("/api/v1/workspace-health").status == .badRequest)
            let stranger = try await local.user()
            #expect(try await api.with(token: try await local.token(for: stranger)).workspaceHeader(crew.workspace.id)
                .get("/api/v1/workspace-health").status == .forbidden)
            _ = try await crew.client(api, "owner").patch("/api/v1/permissions/roles/viewer", ["permission": "workspace.read", "granted": false])
            #expect(try await crew.client(api, "viewer").get("/api/v1/workspace-health").errorCode == "permission_denied")
        }

        let configured = try await Harness.make(backgroundJobs: true) {
            $0.stripe = .init(apiURL: "http://127.0.0.1:9", secretKey: "sk_test_x", priceID: "price_x")
            $0.mail.smtpURL = "smtp://127.0.0.1:2525"
        }
        let other = try await AccessCrew.make(configured)
        try await configured.run { api async throws in
            let r = try await other.client(api, "admin").get("/api/v1/workspace-health")
            #expect(r.json["features"]?["billing"]?["provider"] == "stripe")
            #expect(r.json["features"]?["billing"]?["configured"] == true)
            #expect(r.json["features"]?["email"]?["provider"] == "smtp")
            #expect(r.json["features"]?["email"]?["configured"] == true)
            #expect(!r.text.contains("2525"), "no SMTP URL (it may hold credentials) in the answer")
        }
    }

    /// A workspace missing a catalog module's settings and a permission's grants (as one created before they were
    /// added) needs the data migrations: health answers 503, `migrate` applies them with SSE progress, a second run
    /// changes nothing, and a grant an admin revoked stays revoked.
    @Test func migrateAppliesPendingFixupsOnce() async throws {
        let h = try await Harness.make(backgroundJobs: true) { $0.jobPollInterval = .milliseconds(50) }
        let crew = try await AccessCrew.make(h)
        let ws = crew.workspace.id
        let db = h.core.database
        try await db.query("DELETE FROM module_settings WHERE workspace_id = \(ws) AND module = 'promoter'")
        try await db.query("DELETE FROM role_permissions WHERE workspace_id = \(ws) AND permission = 'activity.read'")
        try await db.query("DELETE FROM role_permissions WHERE workspace_id = \(ws) AND permission = 'teams.read' AND role = 'viewer'")
        try await h.run { api async throws in
            let admin = crew.client(api, "admin")
            let before = try await admin.get("/api/v1/workspace-health")
            #expect(before.status == .serviceUnavailable)
            #expect(before.json["migration_required"] == true)
            #expect(before.json["features"]?["modules"]?["unconfigured"]?.strings == ["promoter"])
            let pending = before.json["pending_migrations"]?.arrayValue?.compactMap { $0["migration"]?.stringValue } ?? []
            #expect(pending == ["module_settings_backfill", "role_permission_defaults_backfill"])

            // Admins and owners only.
            let refused = try await crew.client(api, "member").post("/api/v1/workspace-health/migrate")
            #expect(refused.status == .forbidden)
            #expect(refused.errorCode == "insufficient_role")

            let started = try await admin.post("/api/v1/workspace-health/migrate")
            #expect(started.status == .ok)
            let jobID = started.json["job_id"]?.stringValue ?? ""
            #expect(started.json["stream_url"]?.stringValue?.hasSuffix("/api/v1/workspace-health/migration/\(jobID)/stream") == true)
            let stream = try await admin.get("/api/v1/workspace-health/migration/\(jobID)/stream")
            #expect(stream.status == .ok)
            #expect(stream.headers[.contentType]?.hasPrefix("text/event-stream") == true)
            let events = stream.text.components(separatedBy: "\n\n").filter { $0.hasPrefix("event: status") }
            let last = events.last.flatMap { $0.components(separatedBy: "data: ").last }
                .flatMap { try? JSONCoding.decoder.decode(JSONValue.self, from: Data($0.utf8)) } ?? .null
            #expect(last["status"] == "COMPLETED")
            #expect(last["progress"]?.int == 100)
            let applied = last["applied"]?.arrayValue ?? []
            #expect(applied.map { $0["changed_rows"]?.int ?? -1 } == [1, 4])

            #expect(try await admin.get("/api/v1/workspace-health").status == .ok)
            #expect(try await h.count("SELECT count(*) FROM module_settings WHERE workspace_id = '\(ws)' AND module = 'promoter' AND enabled") == 1)
            #expect(try await h.count("SELECT count(*) FROM role_permissions WHERE workspace_id = '\(ws)' AND permission = 'activity.read'") == 4)
            // Revoked by an admin (the owner row is there): not re-granted.
            #expect(try await h.count("SELECT count(*) FROM role_permissions WHERE workspace_id = '\(ws)' AND permission = 'teams.read' AND role = 'viewer'") == 0)

            // A second run finds nothing to do.
            let again = try await admin.post("/api/v1/workspace-health/migrate")
            let secondStream = try await admin.get("/api/v1/workspace-health/migration/\(again.json["job_id"]?.stringValue ?? "")/stream")
            #expect(secondStream.text.contains("\"changed_rows\":0"))
            #expect(!secondStream.text.contains("\"changed_rows\":1"))
            #expect(try await h.count("SELECT coalesce(sum(changed_rows), 0) FROM workspace_data_migrations WHERE workspace_id = '\(ws)'") == 5)
            #expect(try await h.count("SELECT count(*) FROM activity WHERE workspace_id = '\(ws)' AND action = 'workspace.data_migrated'") == 1)

            // Another workspace's job is 404; so is an id that is no job.
            let stranger = try await h.user()
            let elsewhere = try await h.workspace(owner: stranger)
            let asStranger = api.with(token: try await h.token(for: stranger)).workspaceHeader(elsewhere.id)
            #expect(try await asStranger.get("/api/v1/workspace-health/migration/\(jobID)/stream").status == .notFound)
            #expect(try await admin.get("/api/v1/workspace-health/migration/\(UUID())/stream").status == .notFound)
            #expect(try await admin.get("/api/v1/workspace-health/migration/not-an-id/stream").status == .notFound)
        }
    }

    /// "prevents duplicates": while a run is open, `migrate` answers it instead of starting another.
    @Test func oneRunAtATime() async throws {
        let h = try await Harness.make(backgroundJobs: true) { $0.jobPollInterval = .seconds(3600) }
        let crew = try await AccessCrew.make(h)
        let running = UUID()
        try await h.core.database.query("""
            INSERT INTO workspace_migration_jobs (id, workspace_id, status, attempts, lease_until)
            VALUES (\(running), \(crew.workspace.id), 'RUNNING', 1, now() + interval '1 hour')
            """)
        try await h.run { api async throws in
            let r = try await crew.client(api, "owner").post("/api/v1/workspace-health/migrate")
            #expect(r.status == .ok)
            #expect(r.json["job_id"]?.uuid == running)
            #expect(r.json["already_running"] == true)
            #expect(try await h.count("SELECT count(*) FROM workspace_migration_jobs") == 1)
        }
    }
}

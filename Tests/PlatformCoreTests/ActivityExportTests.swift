import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumRuntime
import KisumTesting
import PlatformCore
import PostgresNIO
import Testing

/// Issue 11: "exports are asynchronous jobs (CSV and JSON) run by a background worker, with status, download and a
/// short-lived signed download URL."
@Suite("Activity exports")
struct ActivityExportTests {
    static func fast(_ settings: inout PlatformCoreSettings) { settings.jobPollInterval = .milliseconds(50) }

    /// Polls the job until it is COMPLETED or FAILED (generous deadline: the machine is loaded).
    static func finished(_ client: APITestClient, _ id: String) async throws -> JSONValue {
        let deadline = Date().addingTimeInterval(120)
        var last = JSONValue.null
        while Date() < deadline {
            last = try await client.get("/api/v1/activity/export/jobs/\(id)").json
            if last["status"] == "COMPLETED" || last["status"] == "FAILED" { return last }
            try await Task.sleep(for: .milliseconds(100))
        }
        return last
    }

    /// The path of a link the API gave (it starts with PUBLIC_API_URL).
    static func path(_ h: Harness, _ url: String) -> String {
        String(url.dropFirst(h.runtime.settings.publicAPIURL.count))
    }

    @Test func exportsRunInTheBackgroundAndDownload() async throws {
        let h = try await Harness.make(backgroundJobs: true, Self.fast)
        let crew = try await AccessCrew.make(h)
        let ws = crew.workspace.id
        try await h.core.database.query("""
            INSERT INTO activity (workspace_id, user_id, action, entity_type, description, created_at) VALUES
            (\(ws), \(crew.admin.id), 'team.created', 'team', '=HYPERLINK("http://evil")', '2026-01-05T10:00:00Z'),
            (\(ws), \(crew.admin.id), 'team.deleted', 'team', 'Team "A", gone', '2026-01-06T10:00:00Z'),
            (\(ws), \(crew.member.id), 'module.enabled', 'module', 'Module venue enabled', '2026-01-07T10:00:00Z')
            """)
        try await h.run { api async throws in
            let owner = crew.client(api, "owner")
            let started = try await owner.post("/api/v1/activity/export", ["format": "csv", "types": "team", "start_date": "2026-01-01"])
            #expect(started.status == .ok)
            #expect(started.json["status"] == "QUEUED")
            let id = started.json["job_id"]?.stringValue ?? ""
            let job = try await Self.finished(owner, id)
            #expect(job["status"] == "COMPLETED")
            #expect(job["row_count"]?.int == 2)
            #expect(job["download_url"]?.stringValue?.hasSuffix("/api/v1/activity/export/jobs/\(id)/download") == true)

            let csv = try await owner.get("/api/v1/activity/export/jobs/\(id)/download")
            #expect(csv.status == .ok)
            #expect(csv.headers[.contentType]?.hasPrefix("text/csv") == true)
            #expect(csv.headers[.contentDisposition]?.contains("attachment") == true)
            let lines = csv.text.components(separatedBy: "\r\n").filter { !$0.isEmpty }
            #expect(lines.count == 3)
            #expect(lines.first?.hasPrefix("id,created_at,action,entity_type") == true)
            #expect(csv.text.contains("\"Team \"\"A\"\", gone\""))
            // A formula is neutralised for spreadsheets.
            #expect(csv.text.contains("\"'=HYPERLINK(\"\"http://evil\"\")\""))

            let jsonJob = try await owner.post("/api/v1/activity/export", ["format": "json", "actions": "module.enabled"])
            let jsonID = jsonJob.json["job_id"]?.stringValue ?? ""
            #expect(try await Self.finished(owner, jsonID)["status"] == "COMPLETED")
            let file = try await owner.get("/api/v1/activity/export/jobs/\(jsonID)/download")
            #expect(file.headers[.contentType]?.hasPrefix("application/json") == true)
            #expect(file.json.arrayValue?.compactMap { $0["action"]?.stringValue } == ["module.enabled"])
            #expect(file.json.arrayValue?.first?["user_id"]?.uuid == crew.member.id)

            let list = try await owner.get("/api/v1/activity/export/jobs?limit=1")
            #expect(list.json["total"]?.int == 2)
            #expect(list.json["items"]?.arrayValue?.first?["id"]?.stringValue == jsonID)

            // The signed link works without a bearer token; altered, it does not.
            let link = try await owner.get("/api/v1/activity/export/jobs/\(id)/download-url")
            #expect(link.status == .ok)
            let path = Self.path(h, link.json["url"]?.stringValue ?? "")
            let anonymous = try await api.get(path)
            #expect(anonymous.status == .ok)
            #expect(anonymous.text == csv.text)
            let last = path.last == "0" ? "1" : "0"
            let tampered = try await api.get(String(path.dropLast()) + last)
            #expect(tampered.status == .forbidden)
            #expect(tampered.errorCode == "invalid_link")
            // Malformed link parameters cannot be read (400), with or without a token.
            #expect(try await api.get("/api/v1/activity/export/jobs/\(id)/download?expires=soon&signature=\(String(repeating: "a", count: 64))").status == .badRequest)
            #expect(try await api.get("/api/v1/activity/export/jobs/\(id)/download?expires=1&signature=XYZ").status == .badRequest)
            #expect(try await owner.get("/api/v1/activity/export/jobs/\(id)/download?expires=").status == .badRequest)
            let otherJob = try await api.get(path.replacingOccurrences(of: id, with: jsonID))
            #expect(otherJob.errorCode == "invalid_link")
            #expect(try await api.get("/api/v1/activity/export/jobs/\(id)/download").status == .unauthorized)

            // Jobs are the caller's own: another member and another workspace get 404.
            let admin = crew.client(api, "admin")
            for route in ["", "/download", "/download-url"] {
                #expect(try await admin.get("/api/v1/activity/export/jobs/\(id)\(route)").status == .notFound, "\(route)")
            }
            #expect(try await admin.get("/api/v1/activity/export/jobs").json["total"]?.int == 0)
            let stranger = try await h.user()
            let elsewhere = try await h.workspace(owner: stranger)
            let asStranger = api.with(token: try await h.token(for: stranger)).workspaceHeader(elsewhere.id)
            #expect(try await asStranger.get("/api/v1/activity/export/jobs/\(id)").status == .notFound)
            #expect(try await asStranger.get("/api/v1/activity/export/jobs/\(id)/download").status == .notFound)

            // Validation: 422 for values the schema admits, 400 for a body that cannot be read, 403 without activity.read.
            #expect(try await owner.post("/api/v1/activity/export", ["format": "xml"]).status == .unprocessableContent)
            #expect(try await owner.post("/api/v1/activity/export", ["user_ids": "nope"]).status == .unprocessableContent)
            #expect(try await owner.post("/api/v1/activity/export", ["start_date": "2026-02-01", "end_date": "2026-01-01"]).status == .unprocessableContent)
            #expect(try await owner.request(.post, "/api/v1/activity/export", rawBody: "{").status == .badRequest)
            #expect(try await owner.get("/api/v1/activity/export/jobs?limit=0").status == .badRequest)
            _ = try await owner.patch("/api/v1/permissions/roles/viewer", ["permission": "activity.read", "granted": false])
            let denied = try await crew.client(api, "viewer").post("/api/v1/activity/export", ["format": "csv"])
            #expect(denied.status == .forbidden)
            #expect(denied.errorCode == "permission_denied")
            let asViewer = crew.client(api, "viewer")
            for route in ["/api/v1/activity/export/jobs", "/api/v1/activity/export/jobs/\(id)", "/api/v1/activity/export/jobs/\(id)/download",
                          "/api/v1/activity/export/jobs/\(id)/download-url"] {
                #expect(try await asViewer.get(route).errorCode == "permission_denied", "\(route)")
            }
        }
    }

    /// "survive restarts": a queued job waits for a worker; a running job whose worker died (lease passed) is run
    /// again; one that keeps killing its worker fails; one still leased to a live worker is left alone (409 until done).
    @Test func jobsSurviveRestartsAndBoundsHold() async throws {
        let h = try await Harness.make(backgroundJobs: true) {
            Self.fast(&$0)
            $0.activityExportMaxRows = 2
        }
        let crew = try await AccessCrew.make(h)
        let ws = crew.workspace.id, owner = crew.owner.id
        let db = h.core.database
        let orphan = UUID(), abandoned = UUID(), busy = UUID(), tooLarge = UUID()
        try await db.query("DELETE FROM activity WHERE workspace_id = \(ws)")
        try await db.query("""
            INSERT INTO activity (workspace_id, user_id, action, entity_type) VALUES
            (\(ws), \(owner), 'team.created', 'team'), (\(ws), \(owner), 'team.updated', 'team'), (\(ws), \(owner), 'module.enabled', 'module')
            """)
        try await db.query("""
            INSERT INTO activity_export_jobs (id, workspace_id, user_id, format, filters, status, attempts, lease_until) VALUES
            (\(orphan), \(ws), \(owner), 'csv', '{"types":["team"]}', 'RUNNING', 1, now() - interval '1 minute'),
            (\(abandoned), \(ws), \(owner), 'csv', '{}', 'RUNNING', 3, now() - interval '1 minute'),
            (\(busy), \(ws), \(owner), 'csv', '{}', 'RUNNING', 1, now() + interval '1 hour'),
            (\(tooLarge), \(ws), \(owner), 'json', '{}', 'QUEUED', 0, NULL)
            """)
        // Finished eight days ago: past the seven days' retention, so the idle worker deletes it (file included).
        let old = UUID()
        try await db.query("""
            INSERT INTO activity_export_jobs (id, workspace_id, user_id, format, status, content, completed_at)
            VALUES (\(old), \(ws), \(owner), 'csv', 'COMPLETED', '\\x00', now() - interval '8 days')
            """)
        try await h.run { api async throws in
            let client = crew.client(api, "owner")
            let recovered = try await Self.finished(client, orphan.uuidString)
            #expect(recovered["status"] == "COMPLETED")
            #expect(recovered["row_count"]?.int == 2)
            let dead = try await Self.finished(client, abandoned.uuidString)
            #expect(dead["error_code"] == "job_abandoned")
            let large = try await Self.finished(client, tooLarge.uuidString)
            #expect(large["status"] == "FAILED")
            #expect(large["error_code"] == "export_too_large")
            #expect(try await client.get("/api/v1/activity/export/jobs/\(busy)").json["status"] == "RUNNING")
            let notReady = try await client.get("/api/v1/activity/export/jobs/\(busy)/download")
            #expect(notReady.status == .conflict)
            #expect(notReady.errorCode == "export_not_ready")
            #expect(try await client.get("/api/v1/activity/export/jobs/\(busy)/download-url").errorCode == "export_not_ready")
            let deadline = Date().addingTimeInterval(120)
            while Date() < deadline, try await h.count("SELECT count(*) FROM activity_export_jobs WHERE id = '\(old)'") > 0 {
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(try await client.get("/api/v1/activity/export/jobs/\(old)").status == .notFound)
            #expect(try await client.get("/api/v1/activity/export/jobs/\(orphan)").status == .ok)
        }
    }

    /// "short-lived signed download URL": after `expires_at` the same link is refused.
    @Test func signedLinksExpire() async throws {
        let h = try await Harness.make(backgroundJobs: true) {
            Self.fast(&$0)
            $0.activityExportLinkTTL = 1
        }
        let crew = try await AccessCrew.make(h)
        try await h.run { api async throws in
            let owner = crew.client(api, "owner")
            let id = try await owner.post("/api/v1/activity/export").json["job_id"]?.stringValue ?? ""
            #expect(try await Self.finished(owner, id)["status"] == "COMPLETED")
            let link = try await owner.get("/api/v1/activity/export/jobs/\(id)/download-url")
            #expect(link.json["expires_in"]?.int == 1)
            let expiresAt = link.json["expires_at"]?.stringValue.flatMap(RFC3339.date(from:)) ?? Date()
            try await Task.sleep(for: .seconds(max(0, expiresAt.timeIntervalSinceNow) + 1.2))
            let expired = try await api.get(Self.path(h, link.json["url"]?.stringValue ?? ""))
            #expect(expired.status == .forbidden)
            #expect(expired.errorCode == "link_expired")
        }
    }
}

import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumTesting
import NIOCore
import PlatformCore
import PostgresNIO
import Testing

/// Issue 11: "company and user onboarding as server-side state machines with steps, skip, complete, health scores
/// computed from stored data; website scraping for context is a job that fetches the page with libcurl (size and time
/// limits, private addresses refused) and extracts title, description and links".
@Suite("Company onboarding")
struct CompanyOnboardingTests {
    @Test func theStateMachineMovesThroughItsStepsAndRefusesInvalidTransitions() async throws {
        let h = try await Harness.make()
        let crew = try await AccessCrew.make(h)
        try await h.run { api async throws in
            let admin = crew.client(api, "admin")
            let initial = try await crew.client(api, "viewer").get("/api/v1/onboarding/company/status")
            #expect(initial.status == .ok)
            #expect(initial.json["status"] == "not_started")
            #expect(initial.json["current_step"] == "company_profile")
            #expect(initial.json["progress"] == 0)

            // Nothing but start before start.
            for (method, path, body) in [("PUT", "context", ["industry": "music"] as JSONValue), ("POST", "goals", ["goals": [["title": "Grow"]]]),
                                         ("POST", "skip-step", ["step": "website"]), ("POST", "complete", nil)] {
                let r = method == "PUT" ? try await admin.put("/api/v1/onboarding/company/\(path)", body)
                    : try await admin.post("/api/v1/onboarding/company/\(path)", body)
                #expect(r.status == .conflict, "\(path)")
                #expect(r.errorCode == "onboarding_not_started", "\(path)")
            }

            let started = try await admin.post("/api/v1/onboarding/company/start",
                                               ["company_name": "Blue Note Club", "industry": "Music", "company_size": "11-50",
                                                "website": "https://bluenote.example", "description": "Jazz club"])
            #expect(started.status == .ok)
            #expect(started.json["status"] == "in_progress")
            #expect(started.json["completed_steps"] == ["company_profile"])
            #expect(started.json["current_step"] == "website")
            #expect(started.json["progress"] == 25)
            #expect(started.json["company"]?["name"] == "Blue Note Club")
            #expect(started.json["company"]?["industry"] == "Music")
            #expect(started.json["completed_at"] == .null)
            #expect(try await h.count("SELECT 1 FROM workspaces WHERE id = '\(crew.workspace.id)' AND website = 'https://bluenote.example'") == 1)

            let early = try await admin.post("/api/v1/onboarding/company/complete")
            #expect(early.status == .conflict)
            #expect(early.errorCode == "onboarding_incomplete")
            #expect(early.json["error"]?["info"]?["pending_steps"] == ["website", "context", "goals"])

            let context = try await admin.put("/api/v1/onboarding/company/context",
                                              ["target_audience": "Jazz fans", "competitors": ["Village Vanguard"], "industry": nil])
            #expect(context.status == .ok)
            #expect(context.json["company"]?["target_audience"] == "Jazz fans")
            #expect(context.json["company"]?["industry"] == "Music")
            #expect(context.json["company"]?["competitors"] == ["Village Vanguard"])
            #expect(context.json["steps"]?[2]?["state"] == "completed")

            let goals = try await admin.post("/api/v1/onboarding/company/goals",
                                             ["goals": [["title": "Sell out Fridays", "category": "revenue"], ["title": "Book 50 acts"]]])
            #expect(goals.status == .ok)
            #expect(goals.json["goals"]?.arrayValue?.count == 2)
            #expect(goals.json["goals"]?[0]?["title"] == "Sell out Fridays")
            #expect(goals.json["goals"]?[1]?["category"] == .null)
            #expect(try await h.count("SELECT count(*)::int FROM company_goals WHERE workspace_id = '\(crew.workspace.id)'") == 2)

            let notSkippable = try await admin.post("/api/v1/onboarding/company/skip-step", ["step": "company_profile"])
            #expect(notSkippable.status == .unprocessableContent)
            #expect(notSkippable.errorDetailCodes == ["step_not_skippable"])
            let unknown = try await admin.post("/api/v1/onboarding/company/skip-step", ["step": "payments"])
            #expect(unknown.status == .unprocessableContent)
            #expect(unknown.errorDetailCodes == ["unknown_step"])
            let done = try await admin.post("/api/v1/onboarding/company/skip-step", ["step": "context"])
            #expect(done.status == .conflict)
            #expect(done.errorCode == "step_already_completed")
            let skipped = try await admin.post("/api/v1/onboarding/company/skip-step", ["step": "website"])
            #expect(skipped.status == .ok)
            #expect(skipped.json["skipped_steps"] == ["website"])
            #expect(skipped.json["current_step"] == .null)
            #expect(skipped.json["progress"] == 100)

            let completed = try await admin.post("/api/v1/onboarding/company/complete")
            #expect(completed.status == .ok)
            #expect(completed.json["status"] == "completed")
            #expect(completed.json["completed_at"]?.stringValue != nil)
            #expect(try await h.count("SELECT 1 FROM workspaces WHERE id = '\(crew.workspace.id)' AND onboarding_completed_at IS NOT NULL") == 1)

            // Closed: no step changes, no second completion; the context stays editable.
            #expect(try await admin.post("/api/v1/onboarding/company/complete").errorCode == "onboarding_completed")
            #expect(try await admin.post("/api/v1/onboarding/company/start").errorCode == "onboarding_completed")
            #expect(try await admin.post("/api/v1/onboarding/company/goals", ["goals": [["title": "More"]]]).errorCode == "onboarding_completed")
            #expect(try await admin.post("/api/v1/onboarding/company/skip-step", ["step": "goals"]).errorCode == "onboarding_completed")
            let edited = try await admin.put("/api/v1/onboarding/company/context", ["brand_voice": "Warm"])
            #expect(edited.status == .ok)
            #expect(edited.json["status"] == "completed")
            #expect(try await h.count("SELECT count(*)::int FROM activity WHERE workspace_id = '\(crew.workspace.id)' AND action LIKE 'onboarding.company_%'") == 6)
        }
    }

    @Test func writesAreForAdminsAndBodiesAreChecked() async throws {
        let h = try await Harness.make()
        let crew = try await AccessCrew.make(h)
        let stranger = try await h.user()
        let elsewhere = try await h.workspace(owner: stranger)
        try await h.run { api async throws in
            let member = crew.client(api, "member")
            for (path, body) in [("start", [:] as JSONValue), ("goals", ["goals": [["title": "x"]]]), ("skip-step", ["step": "website"]),
                                 ("complete", nil), ("scrape", ["url": "https://example.com"])] {
                let r = try await member.post("/api/v1/onboarding/company/\(path)", body)
                #expect(r.status == .forbidden, "\(path)")
                #expect(r.errorCode == "insufficient_role", "\(path)")
            }
            #expect(try await member.put("/api/v1/onboarding/company/context", ["industry": "x"]).errorCode == "insufficient_role")
            #expect(try await member.get("/api/v1/onboarding/company/context-health").status == .ok)
            // Not a member of the workspace named in the header.
            let outsider = api.with(token: try await h.token(for: stranger)).workspaceHeader(crew.workspace.id)
            #expect(try await outsider.get("/api/v1/onboarding/company/status").errorCode == "not_a_member")
            _ = elsewhere

            let admin = crew.client(api, "admin")
            let malformed = try await admin.request(.post, "/api/v1/onboarding/company/start", rawBody: "{\"industry\":", headers: [.contentType: "application/json"])
            #expect(malformed.status == .badRequest)
            #expect(try await admin.post("/api/v1/onboarding/company/start", ["company_size": "huge"]).errorDetailCodes == ["invalid_choice"])
            #expect(try await admin.post("/api/v1/onboarding/company/start", ["website": "ftp://x.example"]).errorDetailCodes == ["invalid_url"])
            #expect(try await admin.post("/api/v1/onboarding/company/start", ["company_name": "  "]).errorDetailCodes == ["blank"])
            #expect(try await admin.post("/api/v1/onboarding/company/start").status == .ok)
            #expect(try await admin.put("/api/v1/onboarding/company/context", [:]).errorDetailCodes == ["empty_update"])
            #expect(try await admin.put("/api/v1/onboarding/company/context", ["competitors": .array(Array(repeating: "x", count: 21))])
                .errorDetailCodes == ["too_many"])
            #expect(try await admin.post("/api/v1/onboarding/company/goals", ["goals": []]).errorDetailCodes == ["out_of_range"])
            #expect(try await admin.post("/api/v1/onboarding/company/goals", ["goals": [["title": "x", "category": "fun"]]])
                .errorDetailCodes == ["invalid_choice"])
            #expect(try await admin.post("/api/v1/onboarding/company/skip-step", [:]).errorDetailCodes == ["required"])
            try await h.core.database.query("""
                INSERT INTO company_goals (workspace_id, title) SELECT \(crew.workspace.id), 'g' || n FROM generate_series(1, 99) n
                """)
            let tooMany = try await admin.post("/api/v1/onboarding/company/goals", ["goals": [["title": "a"], ["title": "b"]]])
            #expect(tooMany.status == .unprocessableContent)
            #expect(tooMany.errorDetailCodes == ["too_many_goals"])
            #expect(try await admin.post("/api/v1/onboarding/company/goals", ["goals": [["title": "a"]]]).status == .ok)
        }
    }

    /// The formula of the contract with fixed answers: profile 40 (8 each), context 30 (6 each), members 10 + 5, goals 10, modules 5.
    @Test func contextHealthIsComputedFromTheStoredWorkspace() async throws {
        let h = try await Harness.make()
        let owner = try await h.user()
        let workspace = try await h.workspace(owner: owner)
        try await h.run { api async throws in
            let asOwner = api.with(token: try await h.token(for: owner)).workspaceHeader(workspace.id)
            try await h.core.database.query("""
                UPDATE workspaces SET description = NULL, website = NULL, logo_url = NULL, timezone = NULL, currency = NULL
                WHERE id = \(workspace.id)
                """)
            let bare = try await asOwner.get("/api/v1/onboarding/company/context-health")
            #expect(bare.status == .ok)
            // One member, no context, no goals; the four default modules are on.
            #expect(bare.json["score"] == 5)
            #expect(bare.json["level"] == "low")
            #expect(bare.json["max_score"] == 100)
            #expect(bare.json["missing"]?.strings.contains("team_members") == true)
            #expect(bare.json["components"]?.arrayValue?.count == 14)

            _ = try await asOwner.post("/api/v1/onboarding/company/start", ["description": "Club", "website": "https://club.example",
                                                                            "industry": "Music", "company_size": "1-10"])
            for _ in 0..<4 { try await h.addMember(try await h.user(), to: workspace, role: "member") }
            _ = try await asOwner.post("/api/v1/onboarding/company/goals", ["goals": [["title": "Grow"]]])
            // 16 (description, website) + 12 (industry, size) + 15 (5 members) + 10 (goal) + 5 (modules).
            let filled = try await asOwner.get("/api/v1/onboarding/company/context-health")
            #expect(filled.json["score"] == 58)
            #expect(filled.json["level"] == "medium")
            try await h.core.database.query("UPDATE module_settings SET enabled = false WHERE workspace_id = \(workspace.id) AND module <> 'basic'")
            _ = try await asOwner.put("/api/v1/onboarding/company/context", ["target_audience": "a", "value_proposition": "b", "products_services": "c"])
            try await h.core.database.query("""
                UPDATE workspaces SET logo_url = 'https://x.example/l.png', timezone = 'Europe/Berlin', currency = 'EUR' WHERE id = \(workspace.id)
                """)
            let full = try await asOwner.get("/api/v1/onboarding/company/context-health")
            #expect(full.json["score"] == 95)
            #expect(full.json["level"] == "high")
            #expect(full.json["missing"] == ["modules"])
        }
    }
}

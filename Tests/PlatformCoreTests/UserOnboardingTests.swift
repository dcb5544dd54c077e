import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumTesting
import PlatformCore
import PostgresNIO
import Testing

/// Issue 11: "company and user onboarding as server-side state machines with steps, skip, complete, health scores
/// computed from stored data … or answers `503 provider_not_configured` where a model would be needed".
@Suite("User onboarding")
struct UserOnboardingTests {
    @Test func stepsGoInOrderAndCompleteOnlyWhenNothingIsPending() async throws {
        let h = try await Harness.make()
        let crew = try await AccessCrew.make(h)
        let other = try await h.workspace(owner: crew.owner)
        try await h.addMember(crew.member, to: other, role: "member")
        try await h.run { api async throws in
            let me = crew.client(api, "member")
            let fresh = try await me.get("/api/v1/onboarding/user/status")
            #expect(fresh.status == .ok)
            #expect(fresh.json["status"] == "not_started")
            #expect(fresh.json["current_step"] == "identity")

            let early = try await me.post("/api/v1/onboarding/user/role", ["job_title": "Booker"])
            #expect(early.status == .conflict)
            #expect(early.errorCode == "step_out_of_order")
            #expect(early.json["error"]?["info"]?["pending_steps"] == ["identity"])
            #expect(try await me.post("/api/v1/onboarding/user/skip-step", ["step": "role"]).errorCode == "step_out_of_order")
            #expect(try await me.post("/api/v1/onboarding/user/complete").errorCode == "onboarding_incomplete")

            let identity = try await me.post("/api/v1/onboarding/user/identity",
                                              ["full_name": "Mia Booker", "timezone": "Europe/Berlin", "phone": "+49 30 1234"])
            #expect(identity.status == .ok)
            #expect(identity.json["status"] == "in_progress")
            #expect(identity.json["current_step"] == "role")
            #expect(identity.json["answers"]?["full_name"] == "Mia Booker")
            #expect(try await h.count("SELECT 1 FROM users WHERE id = '\(crew.member.id)' AND full_name = 'Mia Booker' AND timezone = 'Europe/Berlin'") == 1)

            let role = try await me.post("/api/v1/onboarding/user/role",
                                          ["job_title": "Booker", "department": "Booking", "seniority": "senior", "years_experience": 7])
            #expect(role.status == .ok)
            #expect(role.json["answers"]?["job_title"] == "Booker")
            #expect(role.json["answers"]?["years_experience"] == 7)
            #expect(try await h.count("SELECT 1 FROM memberships WHERE user_id = '\(crew.member.id)' AND workspace_id = '\(crew.workspace.id)' AND title = 'Booker'") == 1)

            // No model is configured: the answers are checked, then 503; the step can be skipped instead.
            let personality = try await me.post("/api/v1/onboarding/user/personality", ["answers": [["question_id": "q1", "value": 4]]])
            #expect(personality.status == .serviceUnavailable)
            #expect(personality.errorCode == "provider_not_configured")
            #expect(try await me.post("/api/v1/onboarding/user/preferences", ["theme": "dark"]).errorCode == "step_out_of_order")
            let notSkippable = try await me.post("/api/v1/onboarding/user/skip-step", ["step": "identity"])
            #expect(notSkippable.status == .unprocessableContent)
            #expect(notSkippable.errorDetailCodes == ["step_not_skippable"])
            #expect(try await me.post("/api/v1/onboarding/user/skip-step", ["step": "role"]).errorCode == "step_already_completed")
            let skipped = try await me.post("/api/v1/onboarding/user/skip-step", ["step": "personality"])
            #expect(skipped.status == .ok)
            #expect(skipped.json["skipped_steps"] == ["personality"])

            let preferences = try await me.post("/api/v1/onboarding/user/preferences",
                                                 ["notification_frequency": "daily", "communication_channels": ["email", "in_app", "email"],
                                                  "interests": ["jazz", "booking"], "theme": "dark"])
            #expect(preferences.status == .ok)
            #expect(preferences.json["answers"]?["communication_channels"] == ["email", "in_app"])
            #expect(preferences.json["progress"] == 100)

            let done = try await me.post("/api/v1/onboarding/user/complete")
            #expect(done.status == .ok)
            #expect(done.json["status"] == "completed")
            let mine = try await me.get("/api/v1/members/me")
            #expect(mine.json["onboarding_completed_at"]?.stringValue != nil)
            #expect(try await me.post("/api/v1/onboarding/user/complete").errorCode == "onboarding_completed")
            #expect(try await me.post("/api/v1/onboarding/user/identity", ["full_name": "X"]).errorCode == "onboarding_completed")
            #expect(try await me.post("/api/v1/onboarding/user/personality", ["answers": [["question_id": "q1", "value": 4]]])
                .errorCode == "onboarding_completed")

            // Per workspace: the other workspace's onboarding of the same person has not started, and another
            // member's state is untouched.
            let there = try await api.with(token: crew.tokens["member"]).workspaceHeader(other.id).get("/api/v1/onboarding/user/status")
            #expect(there.json["status"] == "not_started")
            #expect(try await crew.client(api, "viewer").get("/api/v1/onboarding/user/status").json["status"] == "not_started")
            #expect(try await h.count("SELECT count(*)::int FROM activity WHERE workspace_id = '\(crew.workspace.id)' AND action LIKE 'onboarding.user_%'") == 5)
        }
    }

    @Test func bodiesAreCheckedAndOutsidersRefused() async throws {
        let h = try await Harness.make()
        let crew = try await AccessCrew.make(h)
        let stranger = try await h.user()
        try await h.run { api async throws in
            let me = crew.client(api, "viewer")
            #expect(try await me.post("/api/v1/onboarding/user/identity", [:]).errorDetailCodes == ["required"])
            #expect(try await me.post("/api/v1/onboarding/user/identity", ["full_name": "A", "timezone": "Mars/Olympus"])
                .errorDetailCodes == ["invalid_timezone"])
            #expect(try await me.request(.post, "/api/v1/onboarding/user/identity", rawBody: "{\"full_name\": 5}").status == .badRequest)
            _ = try await me.post("/api/v1/onboarding/user/identity", ["full_name": "Vera"])
            #expect(try await me.post("/api/v1/onboarding/user/role", ["job_title": "x", "years_experience": 81]).errorDetailCodes == ["out_of_range"])
            #expect(try await me.post("/api/v1/onboarding/user/role", ["job_title": "x", "seniority": "god"]).errorDetailCodes == ["invalid_choice"])
            #expect(try await me.post("/api/v1/onboarding/user/personality", ["answers": [["question_id": "q1", "value": 6]]])
                .errorDetailCodes == ["out_of_range"])
            #expect(try await me.post("/api/v1/onboarding/user/personality", ["answers": []]).errorDetailCodes == ["out_of_range"])
            #expect(try await me.post("/api/v1/onboarding/user/preferences", ["communication_channels": ["fax"]]).errorDetailCodes == ["invalid_choice"])
            #expect(try await me.post("/api/v1/onboarding/user/skip-step", ["step": "dance"]).errorDetailCodes == ["unknown_step"])

            let outsider = api.with(token: try await h.token(for: stranger)).workspaceHeader(crew.workspace.id)
            for path in ["status", "prefill", "profile-health"] {
                #expect(try await outsider.get("/api/v1/onboarding/user/\(path)").errorCode == "not_a_member", "\(path)")
            }
            #expect(try await outsider.post("/api/v1/onboarding/user/identity", ["full_name": "X"]).status == .forbidden)
            // workspace.read is what the routes need: revoked from viewers, they are refused.
            _ = try await crew.client(api, "owner").patch("/api/v1/permissions/roles/viewer", ["permission": "workspace.read", "granted": false])
            let denied = try await me.post("/api/v1/onboarding/user/complete")
            #expect(denied.status == .forbidden)
            #expect(denied.errorCode == "permission_denied")
        }
    }

    /// Full name 20, avatar 15, title 15, bio 15, phone 10, time zone 10, department 10, locale 5.
    @Test func profileHealthAndPrefillComeFromStoredData() async throws {
        let h = try await Harness.make()
        let crew = try await AccessCrew.make(h)
        try await h.run { api async throws in
            let me = crew.client(api, "member")
            let start = try await me.get("/api/v1/onboarding/user/profile-health")
            #expect(start.json["score"] == 20)  // the fixture's "Test User"
            #expect(start.json["level"] == "low")
            #expect(start.json["missing"] == ["avatar", "title", "bio", "phone", "timezone", "department", "locale"])

            // An admin filled the member profile first: the org chart knows this person.
            let memberID = try #require(try await crew.client(api, "admin").get("/api/v1/members").json["items"]?.arrayValue?
                .first { $0["user_id"]?.stringValue == crew.member.id.uuidString.lowercased() }?["id"]?.stringValue)
            _ = try await crew.client(api, "admin").put("/api/v1/members/\(memberID)", ["title": "Head of Booking", "department": "Booking"])
            _ = try await crew.client(api, "owner").post("/api/v1/onboarding/company/start", ["industry": "Music"])
            let prefill = try await me.get("/api/v1/onboarding/user/prefill")
            #expect(prefill.status == .ok)
            #expect(prefill.json["found_in_org_chart"] == true)
            #expect(prefill.json["role"]?["job_title"] == "Head of Booking")
            #expect(prefill.json["role"]?["workspace_role"] == "member")
            #expect(prefill.json["identity"]?["email"] == .string(crew.member.email))
            #expect(prefill.json["workspace"]?["industry"] == "Music")
            #expect(prefill.json["options"]?["departments"]?.strings.first == "Artist Management")
            #expect(prefill.json["invitation"] == .null)
            #expect(try await crew.client(api, "viewer").get("/api/v1/onboarding/user/prefill").json["found_in_org_chart"] == false)

            _ = try await me.post("/api/v1/onboarding/user/identity", ["full_name": "Mia", "phone": "+1 555", "timezone": "UTC", "bio": "Hi"])
            let later = try await me.get("/api/v1/onboarding/user/profile-health")
            #expect(later.json["score"] == 80)  // 20 + 15 title + 10 department + 10 phone + 10 time zone + 15 bio
            #expect(later.json["level"] == "high")
            try await h.core.database.query("UPDATE users SET locale = 'de-DE', avatar_url = 'https://x.example/a.png' WHERE id = \(crew.member.id)")
            let full = try await me.get("/api/v1/onboarding/user/profile-health")
            #expect(full.json["score"] == 100)
            #expect(full.json["missing"] == [])
        }
    }
}

import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumTesting
import PlatformCore
import PostgresNIO
import Testing

@Suite("Members: onboarding tours")
struct MembersToursTests {
    @Test func toursAreUpdatedAndResetPerMember() async throws {
        let h = try await Harness.make()
        let crew = try await Crew.make(h)
        try await h.run { api async throws in
            let asMember = try await crew.client(api, as: crew.member)
            #expect(try await asMember.get("/api/v1/members/me/tours").json == .object([:]))

            let done = try await asMember.post("/api/v1/members/me/tours", ["tour_id": "welcome", "completed": true])
            #expect(done.status == .ok)
            #expect(done.json["welcome"]?["completed"] == true)
            #expect(done.json["welcome"]?["skipped"] == false)
            let completedAt = try #require(done.json["welcome"]?["completed_at"]?.string)
            #expect(RFC3339.date(from: completedAt) != nil)

            let skipped = try await asMember.post("/api/v1/members/me/tours", ["tour_id": "venue-setup_2", "skipped": true])
            #expect(skipped.json["venue-setup_2"]?["skipped"] == true)
            #expect(skipped.json["venue-setup_2"]?["completed"] == false)
            #expect(skipped.json["venue-setup_2"]?["completed_at"] == .null)
            #expect(skipped.json["welcome"]?["completed_at"]?.string == completedAt, "other tours are untouched")

            // Completing again keeps the first completion time; un-completing clears it.
            let again = try await asMember.post("/api/v1/members/me/tours", ["tour_id": "welcome", "completed": true])
            #expect(again.json["welcome"]?["completed_at"]?.string == completedAt)
            let undone = try await asMember.post("/api/v1/members/me/tours", ["tour_id": "welcome", "completed": false])
            #expect(undone.json["welcome"]?["completed"] == false)
            #expect(undone.json["welcome"]?["completed_at"] == .null)
            _ = try await asMember.post("/api/v1/members/me/tours", ["tour_id": "welcome", "completed": true])

            let listed = try await asMember.get("/api/v1/members/me/tours")
            #expect(listed.json.objectValue?.keys.sorted() == ["venue-setup_2", "welcome"])
            // Another member's tours are their own.
            #expect(try await crew.client(api, as: crew.viewer).get("/api/v1/members/me/tours").json == .object([:]))

            let one = try await asMember.put("/api/v1/members/me/tours/reset", ["tour_id": "welcome"])
            #expect(one.status == .ok)
            #expect(one.json.objectValue?.keys.sorted() == ["venue-setup_2"])
            _ = try await asMember.post("/api/v1/members/me/tours", ["tour_id": "welcome", "completed": true])
            let viaQuery = try await asMember.request(.put, "/api/v1/members/me/tours/reset?tour_id=welcome")
            #expect(viaQuery.json.objectValue?.keys.sorted() == ["venue-setup_2"])
            let all = try await asMember.request(.put, "/api/v1/members/me/tours/reset")
            #expect(all.status == .ok)
            #expect(all.json == .object([:]))
            #expect(try await h.text("SELECT tours::text FROM memberships WHERE user_id = '\(crew.member.id)'") == "{}")
        }
    }

    @Test func tourInputIsValidated() async throws {
        let h = try await Harness.make()
        let crew = try await Crew.make(h)
        try await h.run { api async throws in
            let asMember = try await crew.client(api, as: crew.member)
            let badID = try await asMember.post("/api/v1/members/me/tours", ["tour_id": "Welcome Tour!", "completed": true])
            #expect(badID.status == .unprocessableContent)
            #expect(badID.errorCode == "validation_failed")
            #expect(badID.json["error"]?["details"]?[0]?["field"] == "tour_id")
            #expect(badID.json["error"]?["details"]?[0]?["code"] == "invalid_tour_id")
            let nothing = try await asMember.post("/api/v1/members/me/tours", ["completed": true])
            #expect(nothing.json["error"]?["details"]?[0]?["code"] == "required")
            let neither = try await asMember.post("/api/v1/members/me/tours", ["tour_id": "welcome"])
            #expect(neither.status == .unprocessableContent)
            #expect(neither.json["error"]?["details"]?[0]?["field"] == "completed")
            let malformed = try await asMember.request(.post, "/api/v1/members/me/tours", rawBody: "{\"tour_id\": ")
            #expect(malformed.status == .badRequest)
            #expect(malformed.errorCode == "invalid_body")
            let wrongType = try await asMember.post("/api/v1/members/me/tours", ["tour_id": "welcome", "completed": "yes"])
            #expect(wrongType.status == .badRequest)
            let badReset = try await asMember.put("/api/v1/members/me/tours/reset", ["tour_id": "../x"])
            #expect(badReset.status == .unprocessableContent)
            #expect(try await asMember.request(.put, "/api/v1/members/me/tours/reset?tour_id=BAD").status == .unprocessableContent)

            // The number of tours per member is bounded.
            try await h.core.database.query("""
                UPDATE memberships SET tours = (SELECT jsonb_object_agg('t' || n, '{"completed": true, "skipped": false}'::jsonb)
                                                FROM generate_series(1, 200) n)
                WHERE user_id = \(crew.member.id)
                """)
            let tooMany = try await asMember.post("/api/v1/members/me/tours", ["tour_id": "one-more", "completed": true])
            #expect(tooMany.status == .unprocessableContent)
            #expect(tooMany.json["error"]?["details"]?[0]?["code"] == "too_many_tours")
            #expect(try await asMember.post("/api/v1/members/me/tours", ["tour_id": "t7", "skipped": true]).status == .ok,
                    "existing tours can still change")
            // Suspended members have no access to the workspace at all.
            try await h.core.database.query("UPDATE memberships SET status = 'suspended' WHERE user_id = \(crew.member.id)")
            #expect(try await asMember.get("/api/v1/members/me/tours").errorCode == "not_a_member")
        }
    }
}

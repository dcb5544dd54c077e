import Base
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumTesting
import PostgresNIO
import Testing

/// Issue 14: "reviews are tenant-written ratings of artists, venues and vendors" (vendors once Base has them);
/// "… routed and tested (success, validation, permission, another company's ids)".
@Suite("Base reviews")
struct ReviewsTests {
    @Test func writeListFilterEditAndDelete() async throws {
        try await withInsights { t in
            let s = try await t.seedInsights()
            let api = t.a
            let first = try await api.post("/api/reviews", ["subjectType": "artist", "subjectId": .string(s.alpha.uuidString), "rating": 5,
                                                            "title": "  Great night ", "body": "Sold out, no issues."])
            #expect(first.status == .created)
            #expect(first.json["title"] == "Great night")
            #expect(first.json["subjectType"] == "artist")
            #expect(first.json["subjectId"]?.uuid == s.alpha)
            #expect(first.json["version"] == 1)
            let id = try #require(first.json["id"]?.uuid)
            let venue = try await api.post("/api/reviews", ["subjectType": "venue", "subjectId": .string(s.paradiso.uuidString), "rating": 3])
            #expect(venue.status == .created)
            #expect(venue.json["title"] == .null)
            #expect(venue.json["body"] == .null)
            _ = try await api.post("/api/reviews", ["subjectType": "artist", "subjectId": .string(s.alpha.uuidString), "rating": 2])

            #expect(try await api.get("/api/reviews").json["total"] == 3)
            #expect(try await api.get("/api/reviews?subjectType=venue").json["items"]?[0]?["rating"] == 3)
            let alphas = try await api.get("/api/reviews?subjectId=\(s.alpha)&minRating=4")
            #expect(alphas.json["items"]?.arrayValue?.map { $0["id"]?.uuid } == [id])
            #expect(try await api.get("/api/reviews?limit=1&page=3").json["items"]?.arrayValue?.count == 1)
            // A member who reads artists only sees the artists' reviews.
            let artistReader = t.a(permissions: [BasePermission.artistsRead])
            #expect(try await artistReader.get("/api/reviews").json["total"] == 2)
            #expect(try await artistReader.get("/api/reviews?subjectType=venue").status == .forbidden)

            let edited = try await api.put("/api/reviews/\(id)", ["rating": 4, "title": "Good night"])
            #expect(edited.status == .ok)
            #expect(edited.json["rating"] == 4)
            #expect(edited.json["body"] == .null, "a full replacement: the body left out is cleared")
            #expect(edited.json["version"] == 2)
            #expect(try await api.delete("/api/reviews/\(id)").status == .noContent)
            #expect(try await api.delete("/api/reviews/\(id)").status == .notFound)
            #expect(try await api.get("/api/reviews").json["total"] == 2)
        }
    }

    @Test func validationAndSubjectsOfTheCompanyOnly() async throws {
        try await withInsights { t in
            let s = try await t.seedInsights()
            let api = t.a
            let invalid = try await api.post("/api/reviews", ["subjectType": "vendor", "rating": 6, "title": " "])
            #expect(invalid.status == .unprocessableContent)
            #expect(Set(invalid.errorFields) == ["subjectType", "subjectId", "rating", "title"])
            #expect(try await api.post("/api/reviews", ["subjectType": "artist", "subjectId": "nope", "rating": 1]).status == .badRequest)
            #expect(try await api.post("/api/reviews", ["subjectType": "artist", "subjectId": .string(s.alpha.uuidString), "rating": "5"]).status == .badRequest)
            // Melkweg is on events but was never linked; B's member names A's artist.
            let unlinked = try await api.post("/api/reviews", ["subjectType": "venue", "subjectId": .string(s.melkweg.uuidString), "rating": 4])
            #expect(unlinked.status == .unprocessableContent)
            #expect(unlinked.errorFields == ["subjectId"])
            let foreign = try await t.b.post("/api/reviews", ["subjectType": "artist", "subjectId": .string(s.alpha.uuidString), "rating": 4])
            #expect(foreign.errorFields == ["subjectId"])
            #expect(try await api.get("/api/reviews?minRating=0").status == .badRequest)
            #expect(try await api.get("/api/reviews?subjectType=vendor").status == .badRequest)
        }
    }

    @Test func onlyTheAuthorChangesAReviewAndOtherCompaniesSeeNothing() async throws {
        try await withInsights { t in
            let s = try await t.seedInsights()
            let created = try await t.a.post("/api/reviews", ["subjectType": "artist", "subjectId": .string(s.beta.uuidString), "rating": 4])
            let id = try #require(created.json["id"]?.uuid)
            let colleague = t.a(permissions: [BasePermission.artistsRead, BasePermission.artistsWrite])
            let notAuthor = try await colleague.put("/api/reviews/\(id)", ["rating": 1])
            #expect(notAuthor.status == .forbidden)
            #expect(notAuthor.errorCode == "not_author")
            #expect(try await colleague.delete("/api/reviews/\(id)").errorCode == "not_author")
            #expect(try await colleague.get("/api/reviews").json["total"] == 1, "colleagues read it")
            let reader = t.a(permissions: [BasePermission.artistsRead])
            #expect(try await reader.post("/api/reviews", ["subjectType": "artist", "subjectId": .string(s.beta.uuidString), "rating": 4]).status == .forbidden)
            #expect(try await reader.put("/api/reviews/\(id)", ["rating": 2]).status == .forbidden)
            let venueWriter = t.a(permissions: [BasePermission.venuesWrite])
            #expect(try await venueWriter.post("/api/reviews", ["subjectType": "artist", "subjectId": .string(s.beta.uuidString), "rating": 4]).status == .forbidden)
            #expect(try await t.a(permissions: [BasePermission.eventsRead]).get("/api/reviews").status == .forbidden)

            #expect(try await t.b.get("/api/reviews").json["total"] == 0)
            #expect(try await t.b.put("/api/reviews/\(id)", ["rating": 1]).status == .notFound)
            #expect(try await t.b.delete("/api/reviews/\(id)").status == .notFound)
            #expect(try await t.a.put("/api/reviews/not-a-uuid", ["rating": 1]).status == .notFound)
            #expect(try await t.a.put("/api/reviews/\(id)", ["rating": 0]).errorFields == ["rating"])
        }
    }
}

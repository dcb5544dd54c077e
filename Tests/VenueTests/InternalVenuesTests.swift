import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumTesting
import Testing
@testable import Venue

@Suite("Internal Base-facing venue reads")
struct InternalVenuesTests {
    @Test func listGetAndInquiryAcrossCompanies() async throws {
        try await withVenueApp { clients in
            let ours = try requireUUID(try await clients.a.createVenue("Paradiso", extra: ["contactEmail": "info@paradiso.example", "capacity": 1500])["id"])
            try await clients.a.createSpace(venue: ours, name: "Main hall", extra: ["capacity": 1500])
            try await clients.a.createSpace(venue: ours, name: "Upstairs", extra: ["capacity": 250])
            try await clients.a.createSpace(venue: ours, name: "Closed", extra: ["status": "inactive", "capacity": 9000])
            try await clients.b.createVenue("Melkweg", extra: ["city": "Amsterdam"])
            try await clients.b.createVenue("Tivoli", extra: ["city": "Utrecht", "status": "inactive"])
            let sleeping = try await clients.internal.post("/internal/admin/venues", ["name": "Sleeper", "city": "Rotterdam"])
            let sleepingID = try requireUUID(sleeping.json["id"])
            let gone = try requireUUID(try await clients.b.createVenue("Gone")["id"])
            #expect(try await clients.b.delete("/api/v1/venues/\(gone)").status == .noContent)

            let api = clients.internal
            let all = try await api.get("/internal/venues")
            #expect(all.status == .ok)
            #expect(all.json["total"] == 4, "every company's live venues, deleted ones left out")
            #expect(try await api.get("/internal/venues?companyId=\(clients.env.companyB)").json["total"] == 2)
            #expect(try await api.get("/internal/venues?city=amsterdam").json["total"] == 2)
            #expect(try await api.get("/internal/venues?status=sleeping").json["items"]?[0]?["name"] == "Sleeper")
            #expect(try await api.get("/internal/venues?q=tiv&limit=1").json["items"]?[0]?["name"] == "Tivoli")

            let one = try await api.get("/internal/venues/\(ours)")
            #expect(one.json["name"] == "Paradiso")
            #expect(one.json["companyId"]?.uuid == clients.env.companyA)
            #expect(try await api.get("/internal/venues/\(gone)").status == .notFound)
            #expect(try await api.get("/internal/venues/\(UUID())").status == .notFound)
            #expect(try await api.get("/internal/venues/12").status == .notFound)

            let inquiry = try await api.get("/internal/venues/\(ours)/inquiry")
            #expect(inquiry.status == .ok)
            #expect(inquiry.json["managed"] == true)
            #expect(inquiry.json["inquiryRecipient"] == "venue")
            #expect(inquiry.json["acceptsInquiries"] == true)
            #expect(inquiry.json["spaces"]?.arrayValue?.count == 2, "only active spaces are offered")
            #expect(inquiry.json["largestSpaceCapacity"] == 1500)
            #expect(inquiry.json["contact"]?["email"] == "info@paradiso.example")
            let asleep = try await api.get("/internal/venues/\(sleepingID)/inquiry")
            #expect(asleep.json["managed"] == false)
            #expect(asleep.json["inquiryRecipient"] == "kisum")
            #expect(try await api.get("/internal/venues/\(gone)/inquiry").status == .notFound)
        }
    }

    @Test func internalKeyIsRequiredAndQueriesAreValidated() async throws {
        try await withVenueApp { clients in
            let venue = try requireUUID(try await clients.a.createVenue()["id"])
            for path in ["/internal/venues", "/internal/venues/\(venue)", "/internal/venues/\(venue)/inquiry"] {
                let none = try await clients.a.get(path)
                #expect(none.status == .unauthorized, "a tenant token is not an internal key: \(path)")
                #expect(none.errorCode == "internal_key_required")
                let wrong = try await APITestClient(clients.raw).with(header: "X-Internal-API-Key", "nope").get(path)
                #expect(wrong.errorCode == "internal_key_invalid")
                let rotated = try await APITestClient(clients.raw).with(header: "X-Internal-API-Key", TestDefaults.internalKeys[1]).get(path)
                #expect(rotated.status == .ok, "both rotation keys are accepted")
            }
            let bad = try await clients.internal.get("/internal/venues?companyId=acme&status=open&limit=1000")
            #expect(bad.status == .badRequest)
            #expect(Set(bad.errorFields) == ["companyId", "status", "limit"])
        }
    }
}

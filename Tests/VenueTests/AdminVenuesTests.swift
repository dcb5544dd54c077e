import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumTesting
import Testing
@testable import Venue

@Suite("Internal Admin-facing venue routes")
struct AdminVenuesTests {
    @Test func createGetUpdateDeleteByNumericVenueId() async throws {
        try await withVenueApp { clients in
            let admin = clients.internal
            let sleeping = try await admin.post("/internal/admin/venues", ["name": "Old Mill", "city": "Leiden", "uniqueId": "NL-LEI-1"])
            #expect(sleeping.status == .created)
            #expect(sleeping.json["status"] == "sleeping")
            #expect(sleeping.json["claimable"] == true)
            #expect(sleeping.json["companyId"]?.uuid == VenueSettings.defaultHoldingCompanyID)
            let number = try #require(sleeping.json["venueId"]?.int)

            let owned = try await admin.post("/internal/admin/venues", ["name": "Owned", "companyId": .string(clients.env.companyA.uuidString)])
            #expect(owned.json["status"] == "active")
            #expect(owned.json["claimable"] == false)
            let ownedNumber = try #require(owned.json["venueId"]?.int)
            #expect(try await clients.a.get("/api/v1/venues").json["total"] == 1, "the tenant sees the venue Admin created for it")

            #expect(try await admin.get("/internal/admin/venues/\(number)").json["name"] == "Old Mill")
            let patched = try await admin.patch("/internal/admin/venues/\(number)", ["claimable": false, "uniqueId": "NL-LEI-2", "city": nil])
            #expect(patched.json["claimable"] == false)
            #expect(patched.json["uniqueId"] == "NL-LEI-2")
            #expect(patched.json["city"] == .null)
            let woken = try await admin.patch("/internal/admin/venues/\(ownedNumber)", ["status": "inactive"])
            #expect(woken.json["status"] == "inactive")

            let managed = try await admin.get("/internal/admin/venues")
            #expect(managed.json["total"] == 1, "sleeping venues are listed separately")
            #expect(managed.json["items"]?[0]?["name"] == "Owned")
            #expect(try await admin.get("/internal/admin/venues?companyId=\(clients.env.companyB)").json["total"] == 0)
            #expect(try await admin.get("/internal/admin/venues/sleeping").json["total"] == 1)
            #expect(try await admin.get("/internal/admin/venues/sleeping?claimable=true").json["total"] == 0)

            #expect(try await admin.delete("/internal/admin/venues/\(number)").status == .noContent)
            #expect(try await admin.get("/internal/admin/venues/\(number)").status == .notFound)
            #expect(try await admin.get("/internal/admin/venues/sleeping").json["total"] == 0)
            #expect(try await admin.delete("/internal/admin/venues/\(number)").status == .notFound)
        }
    }

    @Test func validationAndUnknownIds() async throws {
        try await withVenueApp { clients in
            let admin = clients.internal
            let invalid = try await admin.post("/internal/admin/venues", ["status": "archived", "claimable": true, "capacity": -1])
            #expect(invalid.status == .unprocessableContent)
            #expect(Set(invalid.errorFields) == ["name", "status", "claimable", "capacity"])
            let claimableActive = try await admin.post("/internal/admin/venues", ["name": "X", "status": "active", "claimable": true])
            #expect(claimableActive.errorFields == ["claimable"])
            let number = try #require(try await admin.post("/internal/admin/venues", ["name": "Y"]).json["venueId"]?.int)
            #expect(try await admin.patch("/internal/admin/venues/\(number)", ["status": "active", "claimable": true]).errorFields == ["claimable"])
            let awake = try await admin.patch("/internal/admin/venues/\(number)", ["status": "active"])
            #expect(awake.json["claimable"] == false, "leaving sleeping ends claimability")
            #expect(try await admin.request(.post, "/internal/admin/venues", rawBody: "{").status == .badRequest)
            #expect(try await admin.get("/internal/admin/venues/abc").status == .notFound)
            #expect(try await admin.get("/internal/admin/venues/0").status == .notFound)
            #expect(try await admin.get("/internal/admin/venues/99999999").status == .notFound)
            #expect(try await admin.patch("/internal/admin/venues/99999999", ["name": "Z"]).status == .notFound)
            #expect(try await admin.get("/internal/admin/venues?status=sleeping").errorCode == "invalid_query")
        }
    }

    @Test func everyAdminRouteNeedsTheInternalKey() async throws {
        try await withVenueApp { clients in
            let tenant = clients.a
            let routes: [(HTTPRequest.Method, String)] = [
                (.get, "/internal/admin/venues"), (.get, "/internal/admin/venues/sleeping"), (.get, "/internal/admin/venues/1"),
                (.post, "/internal/admin/venues"), (.patch, "/internal/admin/venues/1"), (.delete, "/internal/admin/venues/1"),
                (.get, "/internal/admin/venue-types"), (.post, "/internal/admin/venues/1/takeover-approvals"),
                (.get, "/internal/admin/venues/1/takeover-approvals"), (.get, "/internal/admin/venues/1/takeover-audit"),
                (.get, "/internal/admin/venues/1/reconciliation"), (.post, "/internal/admin/venues/1/activate"),
            ]
            for (method, path) in routes {
                let response = try await tenant.request(method, path, json: [:])
                #expect(response.status == .unauthorized, "\(method) \(path)")
                #expect(response.errorCode == "internal_key_required")
                let wrong = try await APITestClient(clients.raw).with(header: "X-Internal-API-Key", "wrong").request(method, path, json: [:])
                #expect(wrong.errorCode == "internal_key_invalid", "\(method) \(path)")
            }
        }
    }
}

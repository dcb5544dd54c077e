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
            // Spec: imported inventory "rows land under a Kisum holding company; rows are sleeping and claimable".
            let claimableActive = try await admin.post("/internal/admin/venues", ["name": "X", "status": "active", "claimable": true])
            #expect(Set(claimableActive.errorFields) == ["status", "claimable"])
            let number = try #require(try await admin.post("/internal/admin/venues", ["name": "Y"]).json["venueId"]?.int)
            #expect(try await admin.patch("/internal/admin/venues/\(number)", ["status": "active", "claimable": true]).errorCode == "invalid_transition")
            let awake = try await admin.patch("/internal/admin/venues/\(number)", ["status": "active"])
            #expect(awake.status == .conflict, "a sleeping venue wakes only through claim → activate")
            #expect(awake.errorCode == "invalid_transition")
            #expect(try await admin.request(.post, "/internal/admin/venues", rawBody: "{").status == .badRequest)
            #expect(try await admin.get("/internal/admin/venues/abc").status == .notFound)
            #expect(try await admin.get("/internal/admin/venues/0").status == .notFound)
            #expect(try await admin.get("/internal/admin/venues/99999999").status == .notFound)
            #expect(try await admin.patch("/internal/admin/venues/99999999", ["name": "Z"]).status == .notFound)
            #expect(try await admin.get("/internal/admin/venues?status=sleeping").errorCode == "invalid_query")
        }
    }

    /// Issue 13, item 14: status moves only along import → claim → activate.
    @Test("Spec: activate \"closes the import-to-takeover lifecycle\": Admin PATCH cannot wake a sleeping venue")
    func aSleepingVenueWakesOnlyThroughActivate() async throws {
        try await withVenueApp { clients in
            let admin = clients.internal
            let number = try #require(try await admin.post("/internal/admin/venues", ["name": "Dock"]).json["venueId"]?.int)
            for target in ["active", "inactive"] {
                let woken = try await admin.patch("/internal/admin/venues/\(number)", ["status": .string(target)])
                #expect(woken.status == .conflict)
                #expect(woken.errorCode == "invalid_transition")
                #expect(woken.json["error"]?["info"]?["from"] == "sleeping")
                #expect(woken.json["error"]?["info"]?["to"] == .string(target))
                #expect(woken.json["error"]?["info"]?["allowed"] == [])
            }
            let edited = try await admin.patch("/internal/admin/venues/\(number)", ["status": "sleeping", "name": "Dock 2"])
            #expect(edited.status == .ok, "the current status is no change")
            let venue = try await admin.get("/internal/admin/venues/\(number)").json
            #expect(venue["status"] == "sleeping")
            #expect(venue["companyId"]?.uuid == VenueSettings.defaultHoldingCompanyID)
        }
    }

    @Test("Spec: \"rows land under a Kisum holding company; rows are sleeping and claimable\": a company's venue is never sleeping")
    func aCompanysVenueIsNeverSleeping() async throws {
        try await withVenueApp { clients in
            let admin = clients.internal
            let company = JSONValue.string(clients.env.companyA.uuidString)
            let owned = try #require(try await admin.post("/internal/admin/venues", ["name": "Owned", "companyId": company]).json["venueId"]?.int)
            let asleep = try await admin.patch("/internal/admin/venues/\(owned)", ["status": "sleeping"])
            #expect(asleep.status == .conflict)
            #expect(asleep.errorCode == "invalid_transition")
            #expect(asleep.json["error"]?["info"]?["allowed"] == ["inactive"])
            #expect(try await admin.patch("/internal/admin/venues/\(owned)", ["status": "inactive"]).json["status"] == "inactive")
            #expect(try await admin.patch("/internal/admin/venues/\(owned)", ["status": "active"]).json["status"] == "active")

            for claimable: JSONValue in [false, true, nil] {
                let sleeping = try await admin.post("/internal/admin/venues", ["name": "Z", "companyId": company, "status": "sleeping", "claimable": claimable])
                #expect(sleeping.status == .unprocessableContent)
                #expect(sleeping.errorFields == ["status"], "a sleeping venue under a company could never be claimed nor activated")
            }
            for status in ["active", "inactive"] {
                let awake = try await admin.post("/internal/admin/venues", ["name": "H", "status": .string(status)])
                #expect(awake.errorFields == ["status"], "the holding company's venues are sleeping inventory")
            }
            let claimable = try await admin.post("/internal/admin/venues", ["name": "C", "claimable": true])
            #expect(claimable.status == .created)
            #expect(claimable.json["status"] == "sleeping")
            #expect(claimable.json["claimable"] == true)
            let heldBack = try await admin.post("/internal/admin/venues", ["name": "D", "claimable": false])
            #expect(heldBack.json["status"] == "sleeping")
            #expect(heldBack.json["claimable"] == false, "Admin may hold imported inventory back from takeover")
            #expect(try await admin.get("/internal/admin/venues").json["total"] == 1, "only the company's venue is managed")
        }
    }

    @Test("Spec: \"activate a sleeping venue into active ownership/runtime state after approval\": activation also needs claimable")
    func activationNeedsAClaimableVenue() async throws {
        try await withVenueApp { clients in
            let admin = clients.internal
            let number = try #require(try await admin.post("/internal/admin/venues", ["name": "Warehouse"]).json["venueId"]?.int)
            let claim = try await admin.post("/internal/admin/venues/\(number)/takeover-approvals", [
                "claimingCompanyId": .string(clients.env.companyA.uuidString), "status": "approved",
            ])
            #expect(claim.status == .created)
            #expect(try await admin.patch("/internal/admin/venues/\(number)", ["claimable": false]).json["claimable"] == false)

            let refused = try await admin.post("/internal/admin/venues/\(number)/activate")
            #expect(refused.status == .conflict)
            #expect(refused.errorCode == "venue_not_claimable")
            #expect(refused.json["error"]?["info"]?["claimable"] == false)
            let still = try await admin.get("/internal/admin/venues/\(number)").json
            #expect(still["status"] == "sleeping")
            #expect(still["companyId"]?.uuid == VenueSettings.defaultHoldingCompanyID, "nothing moved")

            #expect(try await admin.patch("/internal/admin/venues/\(number)", ["claimable": true]).json["claimable"] == true)
            let activated = try await admin.post("/internal/admin/venues/\(number)/activate")
            #expect(activated.status == .ok, "\(activated.text)")
            #expect(activated.json["venue"]?["status"] == "active")
            #expect(activated.json["venue"]?["companyId"]?.uuid == clients.env.companyA)
            #expect(try await admin.patch("/internal/admin/venues/\(number)", ["status": "sleeping"]).errorCode == "invalid_transition",
                    "an activated venue is the company's: it does not go back to sleep")
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

import Base
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumTesting
import PostgresNIO
import Testing

/// Issue 14: "Vendors: a company's vendors (contacts, events they serve) …" — the catalog's Vendors group: list,
/// search, CRUD, contacts and the events a vendor is attached to, behind `basic.vendors.read|write`; another company's
/// ids answer 404.
@Suite("Base vendors")
struct VendorsTests {
    @Test func aVendorIsCreatedReadListedSearchedReplacedAndDeleted() async throws {
        try await withVendors { t in
            let api = t.a
            let created = try await api.post("/api/vendors", [
                "name": "  Stage Right Audio ", "category": "Sound", "email": "desk@stageright.example", "phone": "+31 20 123 4567",
                "website": "https://stageright.example", "notes": "PA for 2,000",
            ])
            #expect(created.status == .created)
            let id = try #require(created.json["id"]?.uuid)
            #expect(created.json["name"] == "Stage Right Audio")
            #expect(created.json["systemVendorId"] == .null)
            #expect(created.json["contactCount"] == 0)
            #expect(created.json["eventCount"] == 0)
            #expect(try await api.get("/api/vendors/\(id)").json["category"] == "Sound")

            try await api.makeVendor("Brightside Lighting", category: "Lighting")
            try await api.makeVendor("Catering Co", category: "catering")
            #expect(try await api.get("/api/vendors").json["items"]?.arrayValue?.compactMap { $0["name"]?.stringValue }
                == ["Brightside Lighting", "Catering Co", "Stage Right Audio"])
            #expect(try await api.get("/api/vendors?sort=-name").json["items"]?[0]?["name"] == "Stage Right Audio")
            #expect(try await api.get("/api/vendors?sort=-createdAt").json["items"]?[0]?["name"] == "Catering Co")
            #expect(try await api.get("/api/vendors?q=LIGHT").json["items"]?.arrayValue?.map { $0["name"] } == ["Brightside Lighting"])
            #expect(try await api.get("/api/vendors?category=CATERING").json["total"] == 1)
            #expect(try await api.get("/api/vendors?linked=true").json["total"] == 0)
            #expect(try await api.get("/api/vendors?linked=false").json["total"] == 3)
            let page2 = try await api.get("/api/vendors?limit=2&page=2")
            #expect(page2.json["items"]?.arrayValue?.count == 1)
            #expect(page2.json["total"] == 3)
            // A "%" in q is a literal, not a wildcard.
            #expect(try await api.get("/api/vendors?q=%25").json["total"] == 0)

            // Search: prefix first, a misspelling still finds the vendor, the category counts.
            let search = try await api.get("/api/vendors/search?q=stage")
            #expect(search.json["items"]?[0]?["name"] == "Stage Right Audio")
            #expect(try await api.get("/api/vendors/search?q=Brightsyde").json["items"]?[0]?["name"] == "Brightside Lighting")
            #expect(try await api.get("/api/vendors/search?q=sound").json["items"]?[0]?["name"] == "Stage Right Audio")
            #expect(try await api.get("/api/vendors/search?q=%20").status == .badRequest)
            #expect(try await api.get("/api/vendors/search").status == .badRequest)

            // PUT replaces: the nullable fields it leaves out are cleared.
            let replaced = try await api.put("/api/vendors/\(id)", ["name": "Stage Right", "category": "Sound"])
            #expect(replaced.status == .ok)
            #expect(replaced.json["name"] == "Stage Right")
            #expect(replaced.json["email"] == .null)
            #expect(replaced.json["notes"] == .null)

            #expect(try await api.delete("/api/vendors/\(id)").status == .noContent)
            #expect(try await api.get("/api/vendors/\(id)").status == .notFound)
            #expect(try await api.delete("/api/vendors/\(id)").status == .notFound)
        }
    }

    @Test func badBodiesAndQueriesAreRefused() async throws {
        try await withVendors { t in
            let invalid = try await t.a.post("/api/vendors", [
                "name": "   ", "category": "", "email": "not-an-email", "phone": "call me", "website": "ftp://x.example",
                "notes": .string(String(repeating: "n", count: 5001)),
            ])
            #expect(invalid.status == .unprocessableContent)
            #expect(Set(invalid.errorFields) == ["name", "category", "email", "phone", "website", "notes"])
            #expect(try await t.a.post("/api/vendors", ["category": "Sound"]).errorFields == ["name"])
            #expect(try await t.a.request(.post, "/api/vendors", rawBody: "{\"name\":").status == .badRequest)
            #expect(try await t.a.post("/api/vendors", ["name": 5]).status == .badRequest)
            #expect(try await t.a.get("/api/vendors?linked=maybe").status == .badRequest)
            #expect(try await t.a.get("/api/vendors?sort=price").status == .badRequest)
            #expect(try await t.a.get("/api/vendors?limit=0").status == .badRequest)
            #expect(try await t.a.get("/api/vendors/not-a-uuid").status == .notFound)
        }
    }

    @Test func permissionsAndAnotherCompanysVendors() async throws {
        try await withVendors { t in
            let vendor = try await t.a.makeVendor("Stage Right Audio")
            let contact = try #require(try await t.a.post("/api/vendors/\(vendor)/contacts", ["name": "Ann"]).json["id"]?.uuid)
            let event = try await t.makeEvent(t.companyA)
            #expect(try await t.a.post("/api/vendors/\(vendor)/events", ["eventId": .string(event.uuidString)]).status == .created)

            // Another company sees none of it, and cannot touch it.
            #expect(try await t.b.get("/api/vendors").json["total"] == 0)
            #expect(try await t.b.get("/api/vendors/search?q=stage").json["total"] == 0)
            for response in [
                try await t.b.get("/api/vendors/\(vendor)"),
                try await t.b.put("/api/vendors/\(vendor)", ["name": "Mine"]),
                try await t.b.delete("/api/vendors/\(vendor)"),
                try await t.b.get("/api/vendors/\(vendor)/contacts"),
                try await t.b.post("/api/vendors/\(vendor)/contacts", ["name": "Bob"]),
                try await t.b.put("/api/vendors/\(vendor)/contacts/\(contact)", ["name": "Bob"]),
                try await t.b.delete("/api/vendors/\(vendor)/contacts/\(contact)"),
                try await t.b.get("/api/vendors/\(vendor)/events"),
                try await t.b.post("/api/vendors/\(vendor)/events", ["eventId": .string(event.uuidString)]),
                try await t.b.delete("/api/vendors/\(vendor)/events/\(event)"),
            ] {
                #expect(response.status == .notFound)
            }
            // B's own vendor cannot be attached to A's event.
            let theirs = try await t.b.makeVendor("Theirs")
            let foreignEvent = try await t.b.post("/api/vendors/\(theirs)/events", ["eventId": .string(event.uuidString)])
            #expect(foreignEvent.status == .unprocessableContent)
            #expect(foreignEvent.errorFields == ["eventId"])

            // Reading needs basic.vendors.read, writing basic.vendors.write.
            let reader = t.a(permissions: [BasePermission.vendorsRead])
            #expect(try await reader.get("/api/vendors/\(vendor)").status == .ok)
            #expect(try await reader.get("/api/vendors/\(vendor)/contacts").status == .ok)
            #expect(try await reader.get("/api/vendors/\(vendor)/events").status == .ok)
            for response in [
                try await reader.post("/api/vendors", ["name": "X"]),
                try await reader.put("/api/vendors/\(vendor)", ["name": "X"]),
                try await reader.delete("/api/vendors/\(vendor)"),
                try await reader.post("/api/vendors/\(vendor)/contacts", ["name": "X"]),
                try await reader.delete("/api/vendors/\(vendor)/events/\(event)"),
            ] {
                #expect(response.status == .forbidden)
                #expect(response.errorCode == "permission_denied")
            }
            let stranger = t.a(permissions: [BasePermission.artistsRead])
            #expect(try await stranger.get("/api/vendors").status == .forbidden)
            #expect(try await stranger.get("/api/vendors/search?q=x").status == .forbidden)
            #expect(try await stranger.get("/api/vendors/\(vendor)/events").status == .forbidden)
        }
    }
}

func withVendors(_ body: @Sendable @escaping (TwoCompanies<BaseService>) async throws -> Void) async throws {
    let harness = try await ServiceTestHarness(BaseService.self, settings: BaseSettings())
    try await harness.withTwoCompanies(permissions: [BasePermission.vendorsRead, BasePermission.vendorsWrite],
                                       module: BasePermission.module, body)
}

extension TwoCompanies where Service == BaseService {
    /// Platform staff, a member of company A holding no company permission.
    var staff: APITestClient {
        let member = harness.member(of: companyA, permissions: [], modules: [module], staff: true)
        return APITestClient(raw, token: member.token, org: companyA)
    }
}

extension APITestClient {
    @discardableResult
    func makeVendor(_ name: String, category: String? = nil) async throws -> UUID {
        let response = try await post("/api/vendors", ["name": .string(name), "category": category.map { .string($0) } ?? .null])
        guard response.status == .created, let id = response.json["id"]?.uuid else {
            throw TestFailure("creating vendor \(name) answered \(response.status): \(response.text)")
        }
        return id
    }
}

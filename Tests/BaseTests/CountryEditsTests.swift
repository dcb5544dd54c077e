import Base
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumTesting
import PostgresNIO
import Testing

/// Issue 8: "countries/regions/genres: reference data shipped as migrations …, readable by every tenant,
/// editable only where the spec says so" — the catalog's Create/Update/Delete country; reference data is
/// global, so only platform staff edit it, and "deletes that would orphan data refused (409)".
@Suite("Base countries: staff edits")
struct CountryEditsTests {
    static let europe = "86a94192-efb4-5ec1-e322-0a2ead3bc706"
    static let germany = "0151d92a-3a22-67a3-2f28-82a5d7140e6f"

    /// A platform staff member (with no company permission at all) and an owner-like member who is not staff.
    static func withStaff(_ body: @Sendable @escaping (_ staff: APITestClient, _ member: APITestClient) async throws -> Void) async throws {
        let harness = try await ServiceTestHarness(BaseService.self, settings: BaseSettings())
        let company = UUID()
        let staff = harness.member(of: company, permissions: [], modules: ["basic"], staff: true)
        let member = harness.member(of: company, permissions: ["*"], modules: ["basic"])
        try await harness.run { client in
            try await body(APITestClient(client, token: staff.token, org: company), APITestClient(client, token: member.token, org: company))
        }
    }

    static let kosovoFields: [String: JSONValue] = [
        "iso2": "XK", "iso3": "XKX", "isoNumeric": "926", "name": "Kosovo", "officialName": "Republic of Kosovo", "currency": "EUR",
        "regionId": .string(europe),
    ]
    static let kosovo = JSONValue.object(kosovoFields)

    static func kosovo(_ changes: [String: JSONValue]) -> JSONValue {
        .object(kosovoFields.merging(changes) { _, new in new })
    }

    @Test func staffCreateReplaceAndDeleteACountry() async throws {
        try await Self.withStaff { staff, member in
            let created = try await staff.post("/api/countries", Self.kosovo)
            #expect(created.status == .created)
            #expect(created.json["regionCode"] == "EU")
            // The id derives from the code, as for the shipped countries: md5('kisum-country-XK').
            let id = try #require(created.json["id"]?.stringValue)
            #expect(id == "04abb8f6-d85f-e8ff-7938-bb9fa3841c3e")
            #expect(try await member.get("/api/countries/iso/XK").json["name"] == "Kosovo")
            #expect(try await member.get("/api/countries?limit=250").json["total"] == 250)

            let replaced = try await staff.put("/api/countries/\(id)", [
                "iso3": "XKX", "isoNumeric": "926", "name": "Kosova", "currency": nil, "regionId": .string(Self.europe),
            ])
            #expect(replaced.status == .ok)
            #expect(replaced.json["name"] == "Kosova")
            #expect(replaced.json["currency"] == .null)
            #expect(replaced.json["officialName"] == .null)
            #expect(replaced.json["iso2"] == "XK")
            let sameCode = try await staff.put("/api/countries/\(id)", [
                "iso2": "XK", "iso3": "XKX", "isoNumeric": "926", "name": "Kosovo", "regionId": .string(Self.europe),
            ])
            #expect(sameCode.status == .ok)

            #expect(try await staff.delete("/api/countries/\(id)").status == .noContent)
            #expect(try await member.get("/api/countries/\(id)").status == .notFound)
            #expect(try await staff.delete("/api/countries/\(id)").status == .notFound)
            #expect(try await staff.put("/api/countries/\(id)", [
                "iso3": "XKX", "isoNumeric": "926", "name": "Kosovo", "regionId": .string(Self.europe),
            ]).status == .notFound)
        }
    }

    @Test func everyoneButStaffIsRefused() async throws {
        try await Self.withStaff { _, member in
            for response in [try await member.post("/api/countries", Self.kosovo),
                             try await member.put("/api/countries/\(Self.germany)", Self.kosovo),
                             try await member.delete("/api/countries/\(Self.germany)")] {
                #expect(response.status == .forbidden)
                #expect(response.errorCode == "staff_only")
            }
            #expect(try await member.get("/api/countries/\(Self.germany)").json["name"] == "Germany")
        }
    }

    @Test func validationConflictsAndCodesThatCannotChange() async throws {
        try await Self.withStaff { staff, _ in
            let bad = try await staff.post("/api/countries", ["iso2": "xk", "iso3": "XK", "isoNumeric": "92", "name": "", "currency": "EURO"])
            #expect(bad.status == .unprocessableContent)
            #expect(Set(bad.errorFields) == ["iso2", "iso3", "isoNumeric", "name", "currency", "regionId"])
            let unknownRegion = try await staff.post("/api/countries", ["iso2": "XK", "iso3": "XKX", "isoNumeric": "926", "name": "Kosovo",
                                                                      "regionId": .string(UUID().uuidString)])
            #expect(unknownRegion.errorFields == ["regionId"])
            #expect(try await staff.post("/api/countries", ["iso2": 1]).status == .badRequest)
            // A trailing line break is not part of a code (ICU's `$` would let it through).
            #expect(try await staff.post("/api/countries", Self.kosovo(["iso2": "XK\n", "isoNumeric": "926\n"])).errorFields == ["iso2", "isoNumeric"])

            // Codes another country holds.
            let taken = try await staff.post("/api/countries", Self.kosovo(["iso2": "DE"]))
            #expect(taken.status == .conflict)
            #expect(taken.errorCode == "country_exists")
            #expect(try await staff.post("/api/countries", Self.kosovo(["iso3": "DEU"])).json["error"]?["info"]?["field"] == "iso3")
            #expect(try await staff.post("/api/countries", Self.kosovo(["isoNumeric": "276"])).errorCode == "country_exists")

            // The alpha-2 code is the id's source: it cannot change.
            let moved = try await staff.put("/api/countries/\(Self.germany)", [
                "iso2": "DX", "iso3": "DEU", "isoNumeric": "276", "name": "Germany", "regionId": .string(Self.europe),
            ])
            #expect(moved.status == .unprocessableContent)
            #expect(moved.errorFields == ["iso2"])
            let clash = try await staff.put("/api/countries/\(Self.germany)", [
                "iso3": "FRA", "isoNumeric": "276", "name": "Germany", "regionId": .string(Self.europe),
            ])
            #expect(clash.errorCode == "country_exists")
            #expect(try await staff.get("/api/countries/\(Self.germany)").json["iso3"] == "DEU")
            #expect(try await staff.put("/api/countries/not-a-uuid", Self.kosovo).status == .notFound)
        }
    }

    /// Countries that tenants' records point at stay; the country's own states and cities go with it.
    @Test func aCountryInUseCannotBeDeleted() async throws {
        let harness = try await ServiceTestHarness(BaseService.self, settings: BaseSettings())
        let company = UUID()
        let staff = harness.member(of: company, permissions: ["basic.companies.write", "basic.companies.read"], modules: ["basic"], staff: true)
        try await harness.run { client in
            let api = APITestClient(client, token: staff.token, org: company)
            let record = try await api.post("/api/companies", ["name": "Berlin Promoter", "countryId": .string(Self.germany)])
            let recordID = try #require(record.json["id"]?.stringValue)
            let refused = try await api.delete("/api/countries/\(Self.germany)")
            #expect(refused.status == .conflict)
            #expect(refused.errorCode == "country_in_use")
            #expect(try await api.get("/api/countries/\(Self.germany)/cities?limit=1").json["total"]?.doubleValue ?? 0 > 10)

            #expect(try await api.put("/api/companies/\(recordID)", ["name": "Berlin Promoter"]).status == .ok)
            #expect(try await api.delete("/api/countries/\(Self.germany)").status == .noContent)
            #expect(try await api.get("/api/countries/\(Self.germany)/cities").status == .notFound)
            let left = try await harness.database.query("SELECT count(*) FROM cities c JOIN states s ON s.id = c.state_id WHERE s.code LIKE 'DE-%'").count()
            #expect(left == 0)
        }
    }
}

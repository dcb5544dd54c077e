import Base
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumTesting
import Testing

/// Issue 8 (catalog: "Cities of a country", "States/provinces of a country"): ISO 3166-2 subdivisions and
/// GeoNames cities shipped by migration 0007, readable by every member like the countries themselves.
@Suite("Base countries: states and cities")
struct CountryPlacesTests {
    static let unitedStates = "bdbe7b9c-5d1b-67f2-643b-2ade8b408547"
    static let switzerland = "a4fc0b1c-ee31-017a-524c-f44da74386aa"
    static let california = "1af59182-adfe-4993-18d0-9ee01eb18cef"
    static let losAngeles = "7b7b53a7-7a8c-69bf-1661-f38a71c5c19b"

    @Test func statesOfACountryByNameWithTextAndCodeSearch() async throws {
        try await ReferenceDataTests().withMember { api, _ in
            let states = try await api.get("/api/countries/\(Self.unitedStates)/states?limit=250")
            #expect(states.status == .ok)
            #expect(states.json["total"] == 57)
            let names = states.json["items"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
            #expect(names.first == "Alabama")
            #expect(names.contains("California"))
            let california = try await api.get("/api/countries/\(Self.unitedStates)/states?q=CA")
            #expect(california.json["items"]?[0]?["code"] == "US-CA")
            #expect(california.json["items"]?[0]?["id"]?.stringValue == Self.california)
            #expect(california.json["items"]?[0]?["type"] == "State")
            #expect(try await api.get("/api/countries/\(Self.unitedStates)/states?q=us-ny").json["items"]?[0]?["name"] == "New York")
            #expect(try await api.get("/api/countries/\(Self.unitedStates)/states?q=carolina").json["total"] == 2)
            // Lower levels point at the level above.
            let gb = try await api.get("/api/countries/iso/GB").json["id"]?.stringValue ?? ""
            let manchester = try await api.get("/api/countries/\(gb)/states?q=GB-MAN").json["items"]?[0]
            let england = try await api.get("/api/countries/\(gb)/states?q=GB-ENG").json["items"]?[0]
            #expect(manchester?["parentId"] == england?["id"])
            #expect(try await api.get("/api/countries/\(Self.unitedStates)/states?limit=5&page=2").json["items"]?.arrayValue?.count == 5)
        }
    }

    @Test func citiesOfACountryLargestFirstWithTextStateAndSort() async throws {
        try await ReferenceDataTests().withMember { api, _ in
            let cities = try await api.get("/api/countries/\(Self.unitedStates)/cities?limit=3")
            #expect(cities.status == .ok)
            #expect(cities.json["items"]?[0]?["name"] == "New York City")
            let populations = cities.json["items"]?.arrayValue?.compactMap { $0["population"]?.doubleValue } ?? []
            #expect(populations == populations.sorted(by: >))
            #expect((cities.json["total"]?.doubleValue ?? 0) > 3000)

            let la = try await api.get("/api/countries/\(Self.unitedStates)/cities?q=los%20ang")
            let first = try #require(la.json["items"]?[0])
            #expect(first["id"]?.stringValue == Self.losAngeles)
            #expect(first["geonameId"] == 5368361)
            #expect(first["stateId"]?.stringValue == Self.california)
            #expect(first["timezone"] == "America/Los_Angeles")
            #expect((first["latitude"]?.doubleValue ?? 0) > 34 && (first["longitude"]?.doubleValue ?? 0) < -118)

            let inCalifornia = try await api.get("/api/countries/\(Self.unitedStates)/cities?stateId=\(Self.california)&limit=250")
            #expect(inCalifornia.json["items"]?.arrayValue?.allSatisfy { $0["stateId"]?.stringValue == Self.california } == true)
            #expect(inCalifornia.json["items"]?[0]?["name"] == "Los Angeles")
            let byName = try await api.get("/api/countries/\(Self.unitedStates)/cities?sort=name&limit=5").json["items"]?.arrayValue ?? []
            let names = byName.compactMap { $0["name"]?.stringValue?.lowercased() }
            #expect(names == names.sorted())

            // Names without diacritics find the city; names starting with the text come first.
            let zurich = try await api.get("/api/countries/\(Self.switzerland)/cities?q=zurich")
            #expect(zurich.json["items"]?[0]?["name"] == "Zürich")
            #expect(zurich.json["items"]?[0]?["asciiName"] == "Zurich")
            #expect(try await api.get("/api/countries/\(Self.unitedStates)/cities?q=zzzz-none").json["total"] == 0)
        }
    }

    @Test func unknownCountriesAre404AndBadQueriesAre400() async throws {
        try await ReferenceDataTests().withMember { api, _ in
            #expect(try await api.get("/api/countries/\(UUID())/states").status == .notFound)
            #expect(try await api.get("/api/countries/\(UUID())/cities").status == .notFound)
            #expect(try await api.get("/api/countries/nope/cities").status == .notFound)
            // A country with none: an empty page, not a 404.
            let antarctica = try await api.get("/api/countries/iso/AQ").json["id"]?.stringValue ?? ""
            let empty = try await api.get("/api/countries/\(antarctica)/cities")
            #expect(empty.status == .ok)
            #expect(empty.json["total"] == 0)
            for query in ["stateId=x", "sort=size", "limit=251", "page=0"] {
                #expect(try await api.get("/api/countries/\(Self.unitedStates)/cities?\(query)").errorCode == "invalid_query", "\(query)")
            }
            #expect(try await api.get("/api/countries/\(Self.unitedStates)/states?limit=0").errorFields == ["limit"])
        }
    }

    @Test func onlyMembersWithBaseEnabledRead() async throws {
        let harness = try await ServiceTestHarness(BaseService.self, settings: BaseSettings())
        let company = UUID()
        let baseOff = harness.member(of: company, permissions: ["basic.*"], modules: ["venue"])
        try await harness.run { client async throws in
            let api = APITestClient(client, org: company)
            #expect(try await api.get("/api/countries/\(Self.unitedStates)/cities").status == .unauthorized)
            #expect(try await api.with(token: baseOff.token).get("/api/countries/\(Self.unitedStates)/states").errorCode == "module_disabled")
        }
    }
}

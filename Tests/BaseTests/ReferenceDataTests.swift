import Base
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumTesting
import Testing

/// Issue 8: "countries/regions/genres: reference data shipped as migrations (ISO 3166 countries with names,
/// ISO codes and currencies; regions; a genre taxonomy), readable by every tenant".
@Suite("Base reference data: countries, regions, genres")
struct ReferenceDataTests {
    /// A member of a company with Base (`basic`) enabled and no permission at all: reference data needs none.
    func withMember(_ body: @Sendable @escaping (APITestClient, ServiceTestHarness<BaseService>) async throws -> Void) async throws {
        let harness = try await ServiceTestHarness(BaseService.self, settings: BaseSettings())
        let company = UUID()
        let member = harness.member(of: company, permissions: [], modules: ["basic"])
        try await harness.run { client in
            try await body(APITestClient(client, token: member.token, org: company), harness)
        }
    }

    @Test func everyISOCountryIsListedWithItsCodesCurrencyAndRegion() async throws {
        try await withMember { api, _ in
            let all = try await api.get("/api/countries?limit=250")
            #expect(all.status == .ok)
            #expect(all.json["total"] == 249)
            #expect(all.json["items"]?.arrayValue?.count == 249)
            let germany = try await api.get("/api/countries/iso/de")
            #expect(germany.status == .ok)
            #expect(germany.json["name"] == "Germany")
            #expect(germany.json["iso3"] == "DEU")
            #expect(germany.json["isoNumeric"] == "276")
            #expect(germany.json["currency"] == "EUR")
            #expect(germany.json["regionCode"] == "EU")
            #expect(germany.json["officialName"] == "Federal Republic of Germany")
            // Ids derive from the code, so they are the same in every installation.
            let id = try #require(germany.json["id"]?.stringValue)
            #expect(try await api.get("/api/countries/\(id)").json["iso2"] == "DE")
            #expect(try await api.get("/api/countries/iso/JPN").json["currency"] == "JPY")
            // Antarctica has no currency: null, not left out.
            #expect(try await api.get("/api/countries/iso/AQ").json["currency"] == .null)
        }
    }

    @Test func listsFilterByTextRegionAndCurrencyAndPage() async throws {
        try await withMember { api, _ in
            let euro = try await api.get("/api/countries?currency=eur&limit=250")
            #expect(euro.status == .ok)
            let names = euro.json["items"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
            #expect(names.contains("France") && names.contains("Germany") && !names.contains("Switzerland"))
            #expect(names == names.sorted())
            let search = try await api.get("/api/countries/search?q=kingdom")
            let found = search.json["items"]?.arrayValue?.compactMap { $0["iso2"]?.stringValue } ?? []
            #expect(found.contains("GB"))
            #expect(try await api.get("/api/countries/search?q=nl").json["items"]?[0]?["name"] == "Netherlands")
            let page2 = try await api.get("/api/countries?limit=100&page=2")
            #expect(page2.json["items"]?.arrayValue?.count == 100)
            #expect(page2.json["total"] == 249)
            #expect(try await api.get("/api/countries?q=zzzz-none").json["total"] == 0)
        }
    }

    @Test func regionsCountTheirCountries() async throws {
        try await withMember { api, _ in
            let regions = try await api.get("/api/regions")
            #expect(regions.status == .ok)
            let list = regions.json.arrayValue ?? []
            #expect(list.count == 7)
            let counts: [Double] = list.compactMap { $0["countryCount"]?.doubleValue }
            #expect(counts.reduce(0, +) == 249)
            let europe = try #require(list.first { $0["code"] == "EU" })
            let id = try #require(europe["id"]?.stringValue)
            #expect(try await api.get("/api/regions/\(id)").json["name"] == "Europe")
            let countries = try await api.get("/api/regions/\(id)/countries?limit=250")
            #expect(countries.json["total"] == europe["countryCount"])
            #expect(countries.json["items"]?.arrayValue?.allSatisfy { $0["regionCode"] == "EU" } == true)
            let filtered = try await api.get("/api/countries?regionId=\(id)&limit=250")
            #expect(filtered.json["total"] == europe["countryCount"])
        }
    }

    @Test func genresFormATaxonomy() async throws {
        try await withMember { api, _ in
            let all = try await api.get("/api/genres")
            #expect(all.status == .ok)
            let genres = all.json.arrayValue ?? []
            #expect(genres.count > 50)
            let top = try await api.get("/api/genres?topLevel=true").json.arrayValue ?? []
            #expect(top.allSatisfy { $0["parentId"] == .null })
            let rock = try #require(top.first { $0["slug"] == "rock" })
            let rockID = try #require(rock["id"]?.stringValue)
            let subgenres = try await api.get("/api/genres?parentId=\(rockID)").json.arrayValue ?? []
            #expect(subgenres.contains { $0["slug"] == "indie-rock" })
            #expect(subgenres.allSatisfy { $0["parentId"]?.stringValue == rockID })
            #expect(try await api.get("/api/genres?q=techno").json[0]?["name"] == "Techno")
        }
    }

    @Test func unknownIdsAndCodesAre404AndBadQueriesAre400() async throws {
        try await withMember { api, _ in
            #expect(try await api.get("/api/countries/\(UUID())").status == .notFound)
            #expect(try await api.get("/api/countries/not-a-uuid").status == .notFound)
            #expect(try await api.get("/api/countries/iso/XX").errorCode == "not_found")
            #expect(try await api.get("/api/countries/iso/D3").status == .notFound)
            #expect(try await api.get("/api/regions/\(UUID())").status == .notFound)
            #expect(try await api.get("/api/regions/\(UUID())/countries").status == .notFound)
            let noText = try await api.get("/api/countries/search")
            #expect(noText.status == .badRequest)
            #expect(noText.errorFields == ["q"])
            #expect(try await api.get("/api/countries?currency=EURO").errorFields == ["currency"])
            #expect(try await api.get("/api/countries?currency=").errorFields == ["currency"])
            #expect(try await api.get("/api/countries/search?q=%0C%20").errorFields == ["q"])
            #expect(try await api.get("/api/countries?limit=251").errorFields == ["limit"])
            #expect(try await api.get("/api/genres?topLevel=maybe").errorFields == ["topLevel"])
            #expect(try await api.get("/api/genres?parentId=nope").errorFields == ["parentId"])
        }
    }

    @Test func onlyMembersWithBaseEnabledRead() async throws {
        let harness = try await ServiceTestHarness(BaseService.self, settings: BaseSettings())
        let company = UUID()
        let baseOff = harness.member(of: company, permissions: ["basic.*"], modules: ["venue"])
        let stranger = harness.member(of: UUID(), permissions: [], modules: ["basic"])
        try await harness.run { client async throws in
            let api = APITestClient(client, org: company)
            #expect(try await api.get("/api/countries").status == .unauthorized)
            #expect(try await api.with(token: baseOff.token).get("/api/genres").errorCode == "module_disabled")
            #expect(try await api.with(token: stranger.token).get("/api/regions").errorCode == "not_a_member")
            #expect(try await api.with(token: stranger.token).with(org: nil).get("/api/regions").errorCode == "tenant_required")
        }
    }
}

import Base
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumTesting
import PostgresNIO
import Testing

/// Issue 8: "Agencies (14)" — "search with filters (name, genre, country, city, agency, status), sorting and
/// paging, using PostgreSQL full-text search or trigram indexes", "another company's ids answer 404, every bad
/// input a 4xx with a stable code, and deletes that would orphan data refused (409) or cascaded as documented".
@Suite("Base agencies")
struct AgenciesTests {
    @Test func anAgencyIsCreatedReadListedReplacedAndDeleted() async throws {
        try await withAgencies { clients in
            let api = clients.a
            let germany = try #require(try await api.get("/api/countries/iso/DE").json["id"]?.stringValue)
            let created = try await api.post("/api/agencies", [
                "name": "Wide Booking", "kind": "management", "email": "desk@wide.example", "phone": "+49 30 1234",
                "website": "https://wide.example", "countryId": .string(germany), "city": "Berlin", "address": "Str. 1",
                "notes": "Since 2019",
            ])
            #expect(created.status == .created)
            let id = try #require(created.json["id"]?.uuid)
            #expect(created.json["kind"] == "management")
            #expect(created.json["status"] == "active")
            #expect(created.json["rosterCount"] == 0)
            #expect(created.json["teamCount"] == 0)
            #expect(created.json["countryId"]?.stringValue == germany)

            let read = try await api.get("/api/agencies/\(id)")
            #expect(read.status == .ok)
            #expect(read.json["name"] == "Wide Booking")
            #expect(read.json["city"] == "Berlin")

            try await api.makeAgency("Alpha Artists", ["kind": "booking", "city": "Paris"])
            try await api.makeAgency("Zeta Management", ["status": "inactive", "city": "berlin"])
            #expect(try await api.get("/api/agencies").json["total"] == 3)
            let byName = try await api.get("/api/agencies").json["items"]?.arrayValue?.compactMap { $0["name"]?.stringValue }
            #expect(byName == ["Alpha Artists", "Wide Booking", "Zeta Management"])
            let reversed = try await api.get("/api/agencies?sort=-name").json["items"]?[0]?["name"]
            #expect(reversed == "Zeta Management")
            #expect(try await api.get("/api/agencies?sort=-createdAt").json["items"]?[0]?["name"] == "Zeta Management")
            #expect(try await api.get("/api/agencies?sort=createdAt").json["items"]?[0]?["name"] == "Wide Booking")
            #expect(try await api.get("/api/agencies?q=booK").json["items"]?[0]?["name"] == "Wide Booking")
            #expect(try await api.get("/api/agencies?kind=management").json["items"]?.arrayValue?.map { $0["name"] } == ["Wide Booking"])
            #expect(try await api.get("/api/agencies?kind=booking").json["total"] == 2)
            #expect(try await api.get("/api/agencies?status=inactive").json["items"]?[0]?["name"] == "Zeta Management")
            #expect(try await api.get("/api/agencies?countryId=\(germany)").json["total"] == 1)
            #expect(try await api.get("/api/agencies?city=BERLIN").json["total"] == 2)
            let page2 = try await api.get("/api/agencies?limit=2&page=2")
            #expect(page2.json["items"]?.arrayValue?.count == 1)
            #expect(page2.json["total"] == 3)

            // PUT replaces: the nullable fields it leaves out are cleared.
            let replaced = try await api.put("/api/agencies/\(id)", ["name": "Wide Agency", "kind": "both", "status": "archived"])
            #expect(replaced.status == .ok)
            #expect(replaced.json["name"] == "Wide Agency")
            #expect(replaced.json["status"] == "archived")
            #expect(replaced.json["email"] == .null)
            #expect(replaced.json["countryId"] == .null)
            #expect(replaced.json["city"] == .null)

            #expect(try await api.delete("/api/agencies/\(id)").status == .noContent)
            #expect(try await api.get("/api/agencies/\(id)").status == .notFound)
            #expect(try await api.delete("/api/agencies/\(id)").status == .notFound)
        }
    }

    @Test func searchNeedsTextAndRanksPrefixMatchesFirstThenSimilarity() async throws {
        try await withAgencies { clients in
            let api = clients.a
            for name in ["The Booking House", "Bookworm Agency", "Booking Collective", "Northern Lights", "Bokking Typo"] {
                try await api.makeAgency(name)
            }
            let found = try await api.get("/api/agencies/search?q=booking")
            #expect(found.status == .ok)
            let names = found.json["items"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
            #expect(names.first == "Booking Collective")
            #expect(names.contains("The Booking House"))
            #expect(!names.contains("Northern Lights"))
            // A misspelling still finds it (trigram similarity), ranked below the prefix match.
            let typo = try await api.get("/api/agencies/search?q=bookking").json["items"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
            #expect(typo.contains("Booking Collective"))
            #expect(try await api.get("/api/agencies/search?q=north&limit=1").json["items"]?[0]?["name"] == "Northern Lights")

            let missing = try await api.get("/api/agencies/search")
            #expect(missing.status == .badRequest)
            #expect(missing.errorFields == ["q"])
            #expect(try await api.get("/api/agencies/search?q=%20%20").errorFields == ["q"])
            #expect(try await api.get("/api/agencies/search?q=\(String(repeating: "x", count: 201))").errorFields == ["q"])
        }
    }

    @Test func badBodiesAre422PerFieldAndMalformedOnesAre400() async throws {
        try await withAgencies { clients in
            let api = clients.a
            let empty = try await api.post("/api/agencies", [:])
            #expect(empty.status == .unprocessableContent)
            #expect(empty.errorFields == ["name"])
            let bad = try await api.post("/api/agencies", [
                "name": "  ", "kind": "label", "status": "gone", "email": "no-at", "phone": "call me", "website": "ftp://x.example",
                "countryId": .string(UUID().uuidString), "city": .string(String(repeating: "c", count: 101)),
            ])
            #expect(bad.status == .unprocessableContent)
            #expect(Set(bad.errorFields) == ["name", "kind", "status", "email", "phone", "website", "city"])
            let unknownCountry = try await api.post("/api/agencies", ["name": "X", "countryId": .string(UUID().uuidString)])
            #expect(unknownCountry.status == .unprocessableContent)
            #expect(unknownCountry.errorFields == ["countryId"])

            let id = try await api.makeAgency("Keep")
            let partial = try await api.put("/api/agencies/\(id)", ["name": "Keep"])
            #expect(partial.status == .unprocessableContent)
            #expect(Set(partial.errorFields) == ["kind", "status"])

            #expect(try await api.request(.post, "/api/agencies", rawBody: "{\"name\":").errorCode == "invalid_body")
            #expect(try await api.post("/api/agencies", ["name": 5]).status == .badRequest)
            #expect(try await api.post("/api/agencies", ["name": "X", "countryId": "germany"]).status == .badRequest)
            #expect(try await api.get("/api/agencies?kind=label").errorFields == ["kind"])
            #expect(try await api.get("/api/agencies?sort=size").errorFields == ["sort"])
            #expect(try await api.get("/api/agencies?countryId=de").errorFields == ["countryId"])
            #expect(try await api.get("/api/agencies?limit=101").errorFields == ["limit"])
        }
    }

    @Test func anAgencyWithRosterEntriesCannotBeDeletedAndItsTeamGoesWithIt() async throws {
        try await withAgencies { clients in
            let api = clients.a
            let agency = try await api.makeAgency("Holding")
            let artist = try await rosterFixtureArtist(clients, name: "Solo Act")
            #expect(try await api.post("/api/agencies/\(agency)/team", ["name": "Ann"]).status == .created)
            let entry = try await api.post("/api/agencies/\(agency)/roster", ["artistId": .string(artist.uuidString), "role": "booking"])
            let entryID = try #require(entry.json["id"]?.uuid)
            let counted = try await api.get("/api/agencies/\(agency)")
            #expect(counted.json["rosterCount"] == 1)
            #expect(counted.json["teamCount"] == 1)

            let refused = try await api.delete("/api/agencies/\(agency)")
            #expect(refused.status == .conflict)
            #expect(refused.errorCode == "agency_has_roster")
            #expect(refused.json["error"]?["info"]?["rosterCount"] == 1)
            #expect(try await api.get("/api/agencies/\(agency)").status == .ok)

            #expect(try await api.delete("/api/agencies/\(agency)/roster/\(entryID)").status == .noContent)
            #expect(try await api.delete("/api/agencies/\(agency)").status == .noContent)
            let team = try await clients.harness.database.query("""
                SELECT count(*) FROM agency_team_members WHERE company_id = \(clients.companyA) AND agency_id = \(agency)
                """).count()
            #expect(team == 0)
        }
    }

    @Test func readersReadAndOnlyWritersWrite() async throws {
        try await withAgencies { clients in
            let agency = try await clients.a.makeAgency("Readable")
            let reader = clients.a(permissions: [BasePermission.agenciesRead])
            #expect(try await reader.get("/api/agencies").status == .ok)
            #expect(try await reader.get("/api/agencies/search?q=read").status == .ok)
            #expect(try await reader.get("/api/agencies/\(agency)").status == .ok)
            #expect(try await reader.post("/api/agencies", ["name": "X"]).errorCode == "permission_denied")
            #expect(try await reader.put("/api/agencies/\(agency)", ["name": "X", "kind": "booking", "status": "active"]).status == .forbidden)
            #expect(try await reader.delete("/api/agencies/\(agency)").errorCode == "permission_denied")
            // The artists' permissions do not open the agencies.
            let artists = clients.a(permissions: [BasePermission.artistsRead, BasePermission.artistsWrite])
            #expect(try await artists.get("/api/agencies").errorCode == "permission_denied")
            #expect(try await artists.get("/api/agencies/\(agency)").status == .forbidden)
            #expect(try await clients.a(permissions: allAgencyTestPermissions, modules: []).get("/api/agencies").errorCode == "module_disabled")
        }
    }

    @Test func anotherCompanysAgenciesAreOutOfReach() async throws {
        try await withAgencies { clients in
            let theirs = try await clients.b.makeAgency("Their Agency")
            let a = clients.a
            #expect(try await a.get("/api/agencies/\(theirs)").status == .notFound)
            #expect(try await a.put("/api/agencies/\(theirs)", ["name": "Mine", "kind": "booking", "status": "active"]).status == .notFound)
            #expect(try await a.delete("/api/agencies/\(theirs)").status == .notFound)
            #expect(try await a.get("/api/agencies").json["total"] == 0)
            #expect(try await a.get("/api/agencies/search?q=their").json["total"] == 0)
            #expect(try await a.get("/api/agencies/not-a-uuid").status == .notFound)
            #expect(try await clients.b.get("/api/agencies/\(theirs)").json["name"] == "Their Agency")
        }
    }
}

// MARK: - Fixtures shared by the agency and roster suites

let allAgencyTestPermissions = [BasePermission.agenciesRead, BasePermission.agenciesWrite,
                                BasePermission.artistsRead, BasePermission.artistsWrite]

/// Two companies whose full members hold the agencies' and artists' permissions.
func withAgencies(_ body: @Sendable @escaping (TwoCompanies<BaseService>) async throws -> Void) async throws {
    let harness = try await ServiceTestHarness(BaseService.self, settings: BaseSettings())
    try await harness.withTwoCompanies(permissions: allAgencyTestPermissions, module: BasePermission.module, body)
}

/// An artist of company A (or `company`), inserted directly: the artist routes belong to another feature.
func rosterFixtureArtist(_ clients: TwoCompanies<BaseService>, name: String, company: UUID? = nil) async throws -> UUID {
    guard let id = try await clients.harness.database.query("""
        INSERT INTO artists (company_id, name) VALUES (\(company ?? clients.companyA), \(name)) RETURNING id
        """).first({ try $0.decode(UUID.self) }) else { throw TestFailure("the artist was not inserted") }
    return id
}

extension APITestClient {
    @discardableResult
    func makeAgency(_ name: String, _ extra: [String: JSONValue] = [:]) async throws -> UUID {
        var body = extra
        body["name"] = .string(name)
        let response = try await post("/api/agencies", .object(body))
        guard response.status == .created, let id = response.json["id"]?.uuid else {
            throw TestFailure("creating agency \(name) answered \(response.status): \(response.text)")
        }
        return id
    }
}

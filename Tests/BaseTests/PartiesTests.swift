import Base
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumTesting
import PostgresNIO
import Testing

/// Issue 8: "**Internal party search** for other services (`/internal/parties/search`, internal key + `x-org`):
/// companies and persons by name, e-mail, country, with paging; one query, no N+1."
@Suite("Base internal party search")
struct PartiesTests {
    static let path = "/internal/parties/search"

    /// Two companies over a fresh database; parties are seeded straight into the tables (the public create routes
    /// are built elsewhere), and the caller is a machine holding the internal key.
    func withParties(_ body: @Sendable @escaping (TwoCompanies<BaseService>, Parties) async throws -> Void) async throws {
        let harness = try await ServiceTestHarness(BaseService.self, settings: BaseSettings())
        try await harness.withTwoCompanies(permissions: [], module: "basic") { t in
            try await body(t, try await Parties.seed(harness.database, a: t.companyA, b: t.companyB))
        }
    }

    @Test func namesAreFoundAcrossCompaniesAgenciesAndArtistsWithPrefixesFirst() async throws {
        try await withParties { t, p in
            let machine = t.machine.with(org: t.companyA)
            let found = try await machine.get("\(Self.path)?q=mojo")
            #expect(found.status == .ok)
            #expect(found.json["total"] == 4)
            let items = found.json["items"]?.arrayValue ?? []
            // Names starting with the text first, by similarity (shorter names share more of their trigrams with
            // it), then the one only containing it.
            #expect(items.compactMap { $0["id"]?.uuid } == [p.mojoNixon, p.mojoAgency, p.mojoConcerts, p.clubMojo])
            let scores = items.compactMap { $0["score"]?.doubleValue }
            #expect(scores == scores.sorted(by: >))
            #expect(scores.prefix(3).allSatisfy { $0 > 0.5 } && (scores.last ?? 1) <= 0.5)
            let concerts = try #require(items.first { $0["id"]?.uuid == p.mojoConcerts })
            #expect(concerts["kind"] == "company" && concerts["source"] == "company")
            #expect(concerts["email"] == "office@mojo.example" && concerts["city"] == "Rotterdam")
            #expect(concerts["countryId"]?.uuid == p.netherlands)
            let nixon = try #require(items.first { $0["id"]?.uuid == p.mojoNixon })
            #expect(nixon["kind"] == "person" && nixon["source"] == "artist")
            #expect(nixon["email"] == .null && nixon["countryId"] == .null && nixon["city"] == .null)
            let agency = try #require(items.first { $0["id"]?.uuid == p.mojoAgency })
            #expect(agency["kind"] == "company" && agency["source"] == "agency")

            // The exact name scores 1 and leads; a misspelt name is still found by trigram similarity.
            let exact = try await machine.get("\(Self.path)?q=MOJO%20CONCERTS")
            #expect(exact.json["items"]?[0]?["id"]?.uuid == p.mojoConcerts)
            #expect(exact.json["items"]?[0]?["score"] == 1)
            let typo = try await machine.get("\(Self.path)?q=Paradisso")
            #expect(typo.json["items"]?.arrayValue?.compactMap { $0["id"]?.uuid } == [p.paradiso])
            // A LIKE wildcard in the text is taken literally.
            #expect(try await machine.get("\(Self.path)?q=%25").json["total"] == 0)
        }
    }

    @Test func archivedPartiesAndTheCompanysOwnProfileAreLeftOut() async throws {
        try await withParties { t, p in
            let all = try await t.machine.with(org: t.companyA).get("\(Self.path)?limit=100")
            let ids = Set(all.json["items"]?.arrayValue?.compactMap { $0["id"]?.uuid } ?? [])
            #expect(all.json["total"] == 6)
            #expect(ids == [p.mojoConcerts, p.clubMojo, p.paradiso, p.mojoAgency, p.mojoNixon, p.annaVoss])
            #expect(!ids.contains(p.archivedArtist) && !ids.contains(p.ownProfile))
            // Without q every party scores 1, by name.
            let names = all.json["items"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
            #expect(names == names.sorted { $0.lowercased() < $1.lowercased() })
            #expect(all.json["items"]?.arrayValue?.allSatisfy { $0["score"] == 1 } == true)
        }
    }

    @Test func kindEmailAndCountryFilterAndCombineAndPagesCount() async throws {
        try await withParties { t, p in
            let machine = t.machine.with(org: t.companyA)
            func ids(_ query: String) async throws -> Set<UUID> {
                let answer = try await machine.get("\(Self.path)?\(query)")
                #expect(answer.status == .ok, "\(query): \(answer.text)")
                return Set(answer.json["items"]?.arrayValue?.compactMap { $0["id"]?.uuid } ?? [])
            }
            #expect(try await ids("kind=person") == [p.mojoNixon, p.annaVoss])
            #expect(try await ids("kind=company&q=mojo") == [p.mojoConcerts, p.clubMojo, p.mojoAgency])
            #expect(try await ids("email=ANNA@Voss.Example") == [p.annaVoss])
            #expect(try await ids("email=anna@voss") == [])
            #expect(try await ids("countryId=\(p.netherlands)") == [p.mojoConcerts, p.annaVoss])
            #expect(try await ids("countryId=\(p.netherlands)&kind=person") == [p.annaVoss])
            #expect(try await ids("countryId=\(p.netherlands)&q=mojo") == [p.mojoConcerts])

            let second = try await machine.get("\(Self.path)?q=mojo&limit=3&page=2")
            #expect(second.json["total"] == 4 && second.json["page"] == 2 && second.json["limit"] == 3)
            #expect(second.json["items"]?.arrayValue?.compactMap { $0["id"]?.uuid } == [p.clubMojo])
            let past = try await machine.get("\(Self.path)?q=mojo&limit=3&page=3")
            #expect(past.json["total"] == 4 && past.json["items"]?.arrayValue?.isEmpty == true)
        }
    }

    @Test func onlyTheXOrgCompanysPartiesAreSearched() async throws {
        try await withParties { t, p in
            let b = try await t.machine.with(org: t.companyB).get("\(Self.path)?q=mojo")
            #expect(b.status == .ok)
            #expect(b.json["items"]?.arrayValue?.compactMap { $0["id"]?.uuid } == [p.otherCompanysMojo])
            #expect(try await t.machine.with(org: UUID()).get("\(Self.path)").json["total"] == 0)
        }
    }

    @Test func theInternalKeyAndXOrgAreRequiredAndBadQueriesAre400() async throws {
        try await withParties { t, _ in
            // A member's token is not a machine key: the route is not theirs.
            let asMember = try await t.a.get(Self.path)
            #expect(asMember.status == .unauthorized && asMember.errorCode == "internal_key_required")
            let wrongKey = try await APITestClient(t.raw, org: t.companyA).with(header: "X-Internal-API-Key", "nope").get(Self.path)
            #expect(wrongKey.status == .unauthorized && wrongKey.errorCode == "internal_key_invalid")
            let noOrg = try await t.machine.get(Self.path)
            #expect(noOrg.status == .badRequest && noOrg.errorCode == "tenant_required")
            #expect(try await t.machine.with(orgHeader: "acme").get(Self.path).errorCode == "tenant_invalid")

            let machine = t.machine.with(org: t.companyA)
            for query in ["limit=0", "limit=101", "page=0", "kind=band", "countryId=NL", "q=\(String(repeating: "a", count: 201))"] {
                let answer = try await machine.get("\(Self.path)?\(query)")
                #expect(answer.status == .badRequest && answer.errorCode == "invalid_query", "\(query)")
            }
            #expect(try await machine.get("\(Self.path)?q=\(String(repeating: "a", count: 200))").status == .ok)
        }
    }
}

/// The parties every test searches: company A's registry (companies, agencies, artists, one archived, its own
/// profile) and one party of company B with a name A's searches would match.
struct Parties: Sendable {
    var netherlands: UUID
    var mojoConcerts: UUID
    var clubMojo: UUID
    var paradiso: UUID
    var ownProfile: UUID
    var mojoAgency: UUID
    var mojoNixon: UUID
    var annaVoss: UUID
    var archivedArtist: UUID
    var otherCompanysMojo: UUID

    static func seed(_ database: Database, a: UUID, b: UUID) async throws -> Parties {
        let nl = try #require(try await database.query("SELECT id FROM countries WHERE iso2 = 'NL'").first { try $0.decode(UUID.self) })
        let de = try #require(try await database.query("SELECT id FROM countries WHERE iso2 = 'DE'").first { try $0.decode(UUID.self) })
        func company(_ company: UUID, _ name: String, email: String? = nil, country: UUID? = nil, city: String? = nil,
                     current: Bool = false) async throws -> UUID {
            try await insert(database, """
                INSERT INTO companies (company_id, name, email, country_id, city, is_current)
                VALUES (\(company), \(name), \(email), \(country), \(city), \(current)) RETURNING id
                """)
        }
        return Parties(
            netherlands: nl,
            mojoConcerts: try await company(a, "Mojo Concerts", email: "office@mojo.example", country: nl, city: "Rotterdam"),
            clubMojo: try await company(a, "Club Mojo", country: de),
            paradiso: try await company(a, "Paradiso"),
            ownProfile: try await company(a, "Mojo Self", current: true),
            mojoAgency: try await insert(database, "INSERT INTO agencies (company_id, name, kind) VALUES (\(a), 'Mojo Agency', 'booking') RETURNING id"),
            mojoNixon: try await insert(database, "INSERT INTO artists (company_id, name) VALUES (\(a), 'Mojo Nixon') RETURNING id"),
            annaVoss: try await insert(database, """
                INSERT INTO artists (company_id, name, email, country_id) VALUES (\(a), 'Anna Voss', 'anna@voss.example', \(nl)) RETURNING id
                """),
            archivedArtist: try await insert(database, """
                INSERT INTO artists (company_id, name, status) VALUES (\(a), 'Mojo Archive', 'archived') RETURNING id
                """),
            otherCompanysMojo: try await company(b, "Mojo Concerts", email: "office@mojo.example", country: nl))
    }

    static func insert(_ database: Database, _ statement: PostgresQuery) async throws -> UUID {
        try #require(try await database.query(statement).first { try $0.decode(UUID.self) })
    }
}

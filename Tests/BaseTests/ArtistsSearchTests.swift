import Base
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumTesting
import PostgresNIO
import Testing

/// Issue 8: "search with filters (name, genre, country, city, agency, status), sorting and paging, using
/// PostgreSQL full-text search or trigram indexes rather than `ILIKE '%x%'` scans", plus discovery and similar
/// artists.
@Suite("Base artists: search, lists, discovery, similar artists")
struct ArtistsSearchTests {
    static func names(_ response: TestResponse) -> [String] {
        (response.json["items"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
    }

    @Test func searchRanksExactThenPrefixThenWordStartThenShorterNames() async throws {
        try await ArtistFixtures.withCompanies { env async throws in
            let api = env.a
            for name in ["Werewolves", "The Wolves of Glass", "Wolves", "Big Wolves", "Wolves of Glass", "Frozen Lakes", "50% Off",
                         "500 Days"] {
                try await ArtistFixtures.create(api, name)
            }
            let found = try await api.get("/api/artists/search?q=WOLVES")
            #expect(found.status == .ok)
            #expect(found.json["total"] == 5)
            #expect(Self.names(found) == ["Wolves", "Wolves of Glass", "Big Wolves", "The Wolves of Glass", "Werewolves"])
            // sort=name keeps the matches and orders them by name.
            let byName = try await api.get("/api/artists/search?q=wolves&sort=name")
            #expect(Self.names(byName) == ["Big Wolves", "The Wolves of Glass", "Werewolves", "Wolves", "Wolves of Glass"])
            // A typo finds similar names when nothing holds the text itself.
            let typo = try await api.get("/api/artists/search?q=wolvs")
            #expect(Self.names(typo).first == "Wolves")
            #expect(!Self.names(typo).contains("Frozen Lakes"))
            #expect(try await api.get("/api/artists/search?q=zzzzqqq").json["total"] == 0)
            // Text shorter than three letters matches names starting with it, the name equal to it first.
            #expect(Self.names(try await api.get("/api/artists/search?q=fr")) == ["Frozen Lakes"])
            #expect(try await api.get("/api/artists/search?q=la").json["total"] == 0, "Lakes and Glass do not start with la")
            try await ArtistFixtures.create(api, "Dj Koze")
            try await ArtistFixtures.create(api, "DJ")
            #expect(Self.names(try await api.get("/api/artists/search?q=dJ")) == ["DJ", "Dj Koze"])
            // LIKE's own wildcards are taken literally.
            #expect(Self.names(try await api.get("/api/artists/search?q=50%25")) == ["50% Off"])
            #expect(try await api.get("/api/artists/search?q=%25%25").json["total"] == 0)
        }
    }

    @Test func listsFilterByGenreCountryCityAgencyStatusAndKind() async throws {
        try await ArtistFixtures.withCompanies { env async throws in
            let api = env.a
            let genres = try await ArtistFixtures.genres(api)
            let electronic = try #require(genres["electronic"]), techno = try #require(genres["techno"]), rock = try #require(genres["rock"])
            let germany = try await ArtistFixtures.country(api, "DE")
            let ben = try await ArtistFixtures.create(api, "Ben Klock", ["kind": "dj", "genreIds": [.uuid(techno)], "countryId": .uuid(germany),
                                                                    "city": "Berlin"])
            try await ArtistFixtures.create(api, "Ellen Allien", ["kind": "dj", "genreIds": [.uuid(electronic)], "city": "berlin",
                                                               "status": "inactive"])
            try await ArtistFixtures.create(api, "Kraftklub", ["kind": "band", "genreIds": [.uuid(rock)], "countryId": .uuid(germany)])
            let agency = try await ArtistFixtures.agency(env, company: env.companyA, name: "Ostgut Booking")
            try await ArtistFixtures.putOnRoster(env, company: env.companyA, artist: ben, agency: agency)

            // A top-level genre also matches its sub-genres.
            #expect(Self.names(try await api.get("/api/artists?genreId=\(electronic)")) == ["Ben Klock", "Ellen Allien"])
            #expect(Self.names(try await api.get("/api/artists?genreId=\(techno)")) == ["Ben Klock"])
            #expect(Self.names(try await api.get("/api/artists?countryId=\(germany)")) == ["Ben Klock", "Kraftklub"])
            #expect(Self.names(try await api.get("/api/artists?city=BERLIN")) == ["Ben Klock", "Ellen Allien"])
            #expect(Self.names(try await api.get("/api/artists?agencyId=\(agency)")) == ["Ben Klock"])
            #expect(Self.names(try await api.get("/api/artists?status=inactive")) == ["Ellen Allien"])
            #expect(Self.names(try await api.get("/api/artists?kind=dj&status=active")) == ["Ben Klock"])
            #expect(Self.names(try await api.get("/api/artists?kind=band")) == ["Kraftklub"])
            #expect(Self.names(try await api.get("/api/artists/search?q=klock&city=berlin&genreId=\(electronic)")) == ["Ben Klock"])
            #expect(try await api.get("/api/artists/search?q=klock&agencyId=\(UUID())").json["total"] == 0)
            // An ended roster entry no longer counts for the agency filter.
            try await env.harness.database.query("UPDATE roster_entries SET ends_on = current_date - 1 WHERE artist_id = \(ben)")
            #expect(try await api.get("/api/artists?agencyId=\(agency)").json["total"] == 0)
            // Each artist carries its genres (one query for the page, not one per artist).
            let page = try await api.get("/api/artists?kind=dj")
            #expect(page.json["items"]?[0]?["genres"]?[0]?["slug"] == "techno")
            #expect(page.json["items"]?[1]?["genres"]?[0]?["slug"] == "electronic")
        }
    }

    @Test func listsSortAndPageWithTheirTotals() async throws {
        try await ArtistFixtures.withCompanies { env async throws in
            let api = env.a
            for name in ["charlie", "Alpha", "bravo", "Delta", "echo"] { try await ArtistFixtures.create(api, name) }
            let first = try await api.get("/api/artists?limit=2")
            #expect(first.json["total"] == 5 && first.json["page"] == 1 && first.json["limit"] == 2)
            #expect(Self.names(first) == ["Alpha", "bravo"])
            #expect(Self.names(try await api.get("/api/artists?limit=2&page=3")) == ["echo"])
            let past = try await api.get("/api/artists?limit=2&page=9")
            #expect(past.json["items"]?.arrayValue?.isEmpty == true)
            #expect(past.json["total"] == 5, "a page past the end still tells the total")
            #expect(Self.names(try await api.get("/api/artists?sort=-name")) == ["echo", "Delta", "charlie", "bravo", "Alpha"])
            #expect(Self.names(try await api.get("/api/artists?sort=createdAt")) == ["charlie", "Alpha", "bravo", "Delta", "echo"])
            #expect(Self.names(try await api.get("/api/artists?sort=-createdAt")).first == "echo")
            #expect(try await api.get("/api/artists/search?q=a&limit=1&page=99").json["total"] == 1, "a word starting with a: Alpha")

            // The totals of lists filtered by status and kind alone come from counters the database keeps.
            let delta = try #require(try await api.get("/api/artists?q=delta").json["items"]?[0]?["id"]?.uuid)
            _ = try await api.put("/api/artists/\(delta)", ["name": "Delta", "status": "archived", "kind": "band", "version": 1])
            #expect(try await api.get("/api/artists?status=archived").json["total"] == 1)
            #expect(try await api.get("/api/artists?status=active").json["total"] == 4)
            #expect(try await api.get("/api/artists?kind=band&status=archived").json["total"] == 1)
            #expect(try await api.delete("/api/artists/\(delta)").status == .noContent)
            #expect(try await api.get("/api/artists").json["total"] == 4)
            #expect(try await env.b.get("/api/artists").json["total"] == 0)
        }
    }

    @Test func badQueriesAre400() async throws {
        try await ArtistFixtures.withCompanies { env async throws in
            let api = env.a
            #expect(try await api.get("/api/artists/search").errorFields == ["q"])
            #expect(try await api.get("/api/artists/search?q=%0A").errorFields == ["q"])
            #expect(try await api.get("/api/artists?sort=best").errorFields == ["sort"])
            #expect(try await api.get("/api/artists?limit=101").errorFields == ["limit"])
            #expect(try await api.get("/api/artists?genreId=rock").errorFields == ["genreId"])
            #expect(try await api.get("/api/artists?status=gone&kind=choir").errorFields.sorted() == ["kind", "status"])
            #expect(try await api.get("/api/artists?q=\(String(repeating: "a", count: 201))").errorFields == ["q"])
            #expect(try await api.get("/api/artists/discover?notOnRoster=maybe").errorFields == ["notOnRoster"])
            #expect(try await api.get("/api/artists/discover?sort=relevance").errorFields == ["sort"])
        }
    }

    @Test func discoveryLeavesOutTheCompanysOwnRoster() async throws {
        try await ArtistFixtures.withCompanies { env async throws in
            let api = env.a
            let signed = try await ArtistFixtures.create(api, "Signed")
            let former = try await ArtistFixtures.create(api, "Former")
            let agencyArtist = try await ArtistFixtures.create(api, "Elsewhere")
            try await ArtistFixtures.create(api, "Free Agent")
            try await ArtistFixtures.putOnRoster(env, company: env.companyA, artist: signed)
            try await ArtistFixtures.putOnRoster(env, company: env.companyA, artist: former, endsOn: "2020-01-01")
            let agency = try await ArtistFixtures.agency(env, company: env.companyA, name: "Other Agency")
            try await ArtistFixtures.putOnRoster(env, company: env.companyA, artist: agencyArtist, agency: agency)

            let recent = try await api.get("/api/artists/discover")
            #expect(Self.names(recent) == ["Free Agent", "Elsewhere", "Former", "Signed"], "newest first by default")
            let open = try await api.get("/api/artists/discover?notOnRoster=true&sort=name")
            #expect(Self.names(open) == ["Elsewhere", "Former", "Free Agent"])
            #expect(open.json["total"] == 3)
        }
    }

    /// The contract's formula: shared genres, then Jaccard, then name.
    @Test func similarArtistsShareTheMostGenres() async throws {
        try await ArtistFixtures.withCompanies { env async throws in
            let api = env.a
            let g = try await ArtistFixtures.genres(api)
            let (rock, pop, jazz, techno) = (try #require(g["rock"]), try #require(g["pop"]), try #require(g["jazz"]), try #require(g["techno"]))
            let me = try await ArtistFixtures.create(api, "Me", ["genreIds": [.uuid(rock), .uuid(pop), .uuid(jazz)]])
            try await ArtistFixtures.create(api, "Two of three", ["genreIds": [.uuid(rock), .uuid(pop)]])
            try await ArtistFixtures.create(api, "Two plus more", ["genreIds": [.uuid(rock), .uuid(pop), .uuid(techno)]])
            try await ArtistFixtures.create(api, "Just rock", ["genreIds": [.uuid(rock)]])
            try await ArtistFixtures.create(api, "Nothing shared", ["genreIds": [.uuid(techno)]])
            try await ArtistFixtures.create(api, "No genres")

            let similar = try await api.get("/api/artists/\(me)/similar")
            #expect(similar.status == .ok)
            #expect(similar.json["artistId"]?.uuid == me)
            let items = similar.json["items"]?.arrayValue ?? []
            #expect(items.compactMap { $0["artist"]?["name"]?.stringValue } == ["Two of three", "Two plus more", "Just rock"])
            #expect(items.compactMap { $0["sharedGenreCount"] } == [2, 2, 1])
            // 2 / |{rock, pop, jazz}| = 0.6667; 2 / |{rock, pop, jazz, techno}| = 0.5; 1 / 3 = 0.3333.
            #expect(items.compactMap { $0["jaccard"]?.doubleValue } == [0.6667, 0.5, 0.3333])
            #expect(Set(items[0]["sharedGenreIds"]?.arrayValue?.compactMap(\.uuid) ?? []) == [rock, pop])
            #expect(try await api.get("/api/artists/\(me)/similar?limit=1").json["items"]?.arrayValue?.count == 1)
            #expect(try await api.get("/api/artists/\(me)/similar?limit=51").errorFields == ["limit"])
            let lonely = try await ArtistFixtures.create(api, "Lonely")
            #expect(try await api.get("/api/artists/\(lonely)/similar").json["items"] == [])
            #expect(try await api.get("/api/artists/\(UUID())/similar").status == .notFound)
        }
    }
}

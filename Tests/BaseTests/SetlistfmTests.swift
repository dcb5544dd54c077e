import Base
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumTesting
import Testing

/// Runs `body` with a fake setlist.fm and a Base configured for it (two companies, full artist permissions).
func withSetlistfm(_ body: @Sendable @escaping (FakeSetlistfm, TwoCompanies<BaseService>) async throws -> Void) async throws {
    try await withFakeSetlistfm { fake, settings async throws in
        let harness = try await ServiceTestHarness(BaseService.self, settings: BaseSettings(setlistfm: settings))
        try await harness.withTwoCompanies(permissions: artistPermissions, module: "basic") { t async throws in try await body(fake, t) }
    }
}

/// Issue 14: "Setlist.fm: a provider behind a protocol with an HTTP implementation of the public setlist.fm API
/// (`x-api-key`, rate limits honoured with backoff), tested against a fake server" — the read routes, answered in
/// Base's own shapes from setlist.fm's JSON, with setlist.fm's failures mapped to Base's errors.
@Suite("Setlistfm: reads")
struct SetlistfmTests {
    @Test func searchesArtistsWithTheKeyAndBaseShapes() async throws {
        try await withSetlistfm { fake, t async throws in
            fake.add(.radiohead)
            fake.add(.portishead)
            fake.add(FakeSetlistfm.Artist(mbid: "cc2c9c3c-b7bc-4b8b-84d8-4fbd8779e493", name: "AC&DC"))
            let found = try await t.a.get("/api/setlistfm/search/artists?artistName=HEAD")
            #expect(found.status == .ok)
            #expect(found.json["total"] == 2)
            #expect(found.json["page"] == 1)
            #expect(found.json["limit"] == 30, "setlist.fm's page size is passed on as limit")
            let first = try #require(found.json["items"]?[0])
            #expect(first["mbid"] == "a74b1b7f-71a5-4011-9441-d0b5e4122711")
            #expect(first["name"] == "Radiohead")
            #expect(first["disambiguation"]?.isNull == true, "setlist.fm's empty text is null")
            let call = try #require(fake.seen.last)
            #expect(call.path == "search/artists")
            #expect(call.key == FakeSetlistfm.apiKey)
            #expect(call.accept == "application/json")
            #expect(call.query["artistName"] == "HEAD")
            #expect(call.query["p"] == "1")
            // Reserved characters travel as data, not as query syntax.
            let ampersand = try await t.a.get("/api/setlistfm/search/artists?artistName=AC%26DC&page=1")
            #expect(ampersand.json["items"]?[0]?["name"] == "AC&DC")
            #expect(fake.seen.last?.query["artistName"] == "AC&DC")
            // setlist.fm's 404 for a search that finds nothing is an empty page here.
            let none = try await t.a.get("/api/setlistfm/search/artists?artistName=nobody")
            #expect(none.status == .ok)
            #expect(none.json["total"] == 0)
            #expect(none.json["items"]?.arrayValue?.isEmpty == true)

            #expect(try await t.a.get("/api/setlistfm/search/artists").status == .badRequest)
            let blank = try await t.a.get("/api/setlistfm/search/artists?artistName=%20%20")
            #expect(blank.status == .badRequest, "the contract's pattern refuses only whitespace")
            #expect(blank.errorFields == ["artistName"])
            #expect(try await t.a.get("/api/setlistfm/search/artists?artistName=x&page=0").status == .badRequest)
            #expect(try await t.a.get("/api/setlistfm/search/artists?artistName=\(String(repeating: "x", count: 101))").status == .badRequest)
        }
    }

    @Test func getsAnArtistAndMapsNotFoundAndBadIds() async throws {
        try await withSetlistfm { fake, t async throws in
            fake.add(.radiohead)
            let artist = try await t.a.get("/api/setlistfm/artists/A74B1B7F-71A5-4011-9441-D0B5E4122711")
            #expect(artist.status == .ok)
            #expect(artist.json["name"] == "Radiohead")
            #expect(fake.seen.last?.path == "artist/a74b1b7f-71a5-4011-9441-d0b5e4122711", "mbids go out lower-cased")
            let unknown = try await t.a.get("/api/setlistfm/artists/\(UUID())")
            #expect(unknown.status == .notFound)
            #expect(unknown.errorCode == "setlistfm_not_found")
            let calls = fake.seen.count
            let malformed = try await t.a.get("/api/setlistfm/artists/not-an-mbid")
            #expect(malformed.status == .unprocessableContent)
            #expect(malformed.errorFields == ["mbid"])
            #expect(fake.seen.count == calls, "a malformed id is never sent")
        }
    }

    @Test func listsSetlistsInBaseShapesPageByPage() async throws {
        try await withSetlistfm { fake, t async throws in
            fake.add(.radiohead)
            fake.addHistory(of: .radiohead, count: 25)
            let first = try await t.a.get("/api/setlistfm/artists/\(FakeSetlistfm.Artist.radiohead.mbid)/setlists")
            #expect(first.status == .ok)
            #expect(first.json["total"] == 25)
            #expect(first.json["limit"] == 20)
            #expect(first.json["items"]?.arrayValue?.count == 20)
            let setlist = try #require(first.json["items"]?[0])
            #expect(setlist["id"] == "a0000000")
            #expect(setlist["eventDate"] == "2020-01-06", "dd-MM-yyyy becomes YYYY-MM-DD")
            #expect(setlist["lastUpdated"] == "2013-10-20T05:18:08.000Z")
            #expect(setlist["tourName"] == "World Tour")
            #expect(setlist["info"]?.isNull == true)
            #expect(setlist["artist"]?["name"] == "Radiohead")
            #expect(setlist["venue"]?["name"] == "Columbiahalle")
            #expect(setlist["venue"]?["city"]?["countryCode"] == "DE")
            #expect(setlist["venue"]?["city"]?["latitude"] == 52.52)
            #expect(setlist["songCount"] == 3)
            #expect(setlist["sets"]?[0]?["encore"]?.isNull == true)
            #expect(setlist["sets"]?[1]?["encore"] == 1)
            #expect(setlist["sets"]?[1]?["songs"]?[0]?["tape"] == true)
            #expect(setlist["sets"]?[1]?["songs"]?[0]?["coverOf"]?["name"] == "The Beatles")
            let second = try await t.a.get("/api/setlistfm/artists/\(FakeSetlistfm.Artist.radiohead.mbid)/setlists?page=2")
            #expect(second.json["items"]?.arrayValue?.count == 5)
            #expect(second.json["page"] == 2)
            #expect(fake.seen.last?.query["p"] == "2")
            // An artist setlist.fm has nothing for: its 404.
            #expect(try await t.a.get("/api/setlistfm/artists/\(UUID())/setlists").errorCode == "setlistfm_not_found")
            #expect(try await t.a.get("/api/setlistfm/artists/x/setlists").status == .unprocessableContent)
        }
    }

    @Test func searchesSetlistsWithTypedFilters() async throws {
        try await withSetlistfm { fake, t async throws in
            fake.addHistory(of: .radiohead, count: 6)
            fake.addHistory(of: .portishead, count: 2, idPrefix: "b")
            let paris = try await t.a.get("/api/setlistfm/search/setlists?artistName=radio&countryCode=fr&year=2019")
            #expect(paris.status == .ok)
            #expect(paris.json["total"] == 3)
            let call = try #require(fake.seen.last)
            #expect(call.query["countryCode"] == "FR")
            #expect(call.query["year"] == "2019")
            let day = try await t.a.get("/api/setlistfm/search/setlists?date=2020-01-06&artistMbid=\(FakeSetlistfm.Artist.portishead.mbid)")
            #expect(day.json["total"] == 1)
            #expect(day.json["items"]?[0]?["id"] == "b0000000")
            #expect(fake.seen.last?.query["date"] == "06-01-2020")
            #expect(try await t.a.get("/api/setlistfm/search/setlists?venueId=6BD6CA6E").json["total"] == 4)
            #expect(fake.seen.last?.query["venueId"] == "6bd6ca6e")

            let calls = fake.seen.count
            let none = try await t.a.get("/api/setlistfm/search/setlists?page=2")
            #expect(none.status == .unprocessableContent)
            #expect(none.errorCode == "validation_failed")
            #expect(none.errorFields == ["query"])
            #expect(try await t.a.get("/api/setlistfm/search/setlists?cityName=%20").status == .unprocessableContent)
            for bad in ["artistMbid=xyz", "countryCode=FRA", "countryCode=", "date=2020-13-01", "year=1800", "venueId=zz", "page=1001"] {
                let refused = try await t.a.get("/api/setlistfm/search/setlists?artistName=a&\(bad)")
                #expect(refused.status == .badRequest, "\(bad)")
            }
            #expect(fake.seen.count == calls, "refused searches never reach setlist.fm")
        }
    }

    @Test func getsOneSetlist() async throws {
        try await withSetlistfm { fake, t async throws in
            fake.addHistory(of: .radiohead, count: 2)
            let one = try await t.a.get("/api/setlistfm/setlists/a0000001")
            #expect(one.status == .ok)
            #expect(one.json["venue"]?["city"]?["name"] == "Paris")
            #expect(one.json["eventDate"] == "2019-12-30")
            #expect(try await t.a.get("/api/setlistfm/setlists/deadbeef").errorCode == "setlistfm_not_found")
            let malformed = try await t.a.get("/api/setlistfm/setlists/not-hex!")
            #expect(malformed.status == .unprocessableContent)
            #expect(malformed.errorFields == ["setlistId"])
        }
    }

    @Test func searchesVenuesAndListsAVenuesSetlists() async throws {
        try await withSetlistfm { fake, t async throws in
            fake.addHistory(of: .radiohead, count: 5)
            let found = try await t.a.get("/api/setlistfm/search/venues?name=olymp&countryCode=FR")
            #expect(found.status == .ok)
            #expect(found.json["total"] == 1)
            #expect(found.json["items"]?[0]?["id"] == "6bd6ca6e")
            #expect(found.json["items"]?[0]?["city"]?["countryName"] == "France")
            #expect(fake.seen.last?.query["country"] == "FR", "setlist.fm's venue search calls it country")
            #expect(try await t.a.get("/api/setlistfm/search/venues?cityName=Lisbon").json["total"] == 0)
            let none = try await t.a.get("/api/setlistfm/search/venues")
            #expect(none.status == .unprocessableContent)
            #expect(none.errorFields == ["query"])

            let setlists = try await t.a.get("/api/setlistfm/venues/3bd6cd44/setlists")
            #expect(setlists.status == .ok)
            #expect(setlists.json["total"] == 3)
            #expect(try await t.a.get("/api/setlistfm/venues/0000aaaa/setlists").errorCode == "setlistfm_not_found")
            let malformed = try await t.a.get("/api/setlistfm/venues/z/setlists")
            #expect(malformed.status == .unprocessableContent)
            #expect(malformed.errorFields == ["venueId"])
        }
    }

    @Test func readsNeedTheArtistsReadPermission() async throws {
        try await withSetlistfm { fake, t async throws in
            fake.add(.radiohead)
            let none = t.a(permissions: [])
            for path in ["/api/setlistfm/search/artists?artistName=r", "/api/setlistfm/artists/\(FakeSetlistfm.Artist.radiohead.mbid)",
                         "/api/setlistfm/artists/\(FakeSetlistfm.Artist.radiohead.mbid)/setlists", "/api/setlistfm/search/setlists?year=2019",
                         "/api/setlistfm/setlists/a0000000", "/api/setlistfm/search/venues?name=x", "/api/setlistfm/venues/3bd6cd44/setlists"] {
                #expect(try await none.get(path).status == .forbidden, "\(path)")
            }
            #expect(fake.seen.isEmpty)
            #expect(try await t.a(permissions: ["basic.artists.read"]).get("/api/setlistfm/artists/\(FakeSetlistfm.Artist.radiohead.mbid)")
                .status == .ok)
        }
    }
}

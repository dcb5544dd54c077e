import Base
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumTesting
import PostgresNIO
import Testing

/// Issue 14: "`import` maps an artist's show history into the artist's events/history in one transaction, idempotently
/// (a second import adds nothing)"; done when "the setlist.fm import … pass[es] against the servers started in the
/// tests; a second import changes nothing."
@Suite("Setlistfm: import into an artist's history")
struct SetlistfmImportTests {
    static let importPath = "/api/setlistfm/artists/\(FakeSetlistfm.Artist.radiohead.mbid)/import"

    /// Every show row of `artist`, as stored, in a stable order.
    static func rows(_ t: TwoCompanies<BaseService>, _ artist: UUID) async throws -> [String] {
        try await t.harness.database.query("""
            SELECT concat_ws('|', external_ref, performed_on::text, venue_name, city, country_id::text, status, source, notes, created_at::text)
            FROM artist_shows WHERE artist_id = \(artist) ORDER BY external_ref, id
            """).collect { try $0.decode(String.self) }
    }

    @Test func importsEveryPageOnceAndASecondImportChangesNothing() async throws {
        try await withSetlistfm { fake, t async throws in
            fake.add(.radiohead)
            fake.addHistory(of: .radiohead, count: 45)
            fake.add(FakeSetlistfm.Setlist(id: "f0000001", artist: .radiohead, eventDate: "01-06-2190",
                                           venue: .init(id: "4bd6ab1a", name: "Arena", city: "Atlantis", countryCode: "ZZ"), tour: nil, songs: []))
            fake.add(FakeSetlistfm.Setlist(id: "f0000002", artist: .radiohead, eventDate: "99-99-2020",
                                           venue: .init(id: "4bd6ab1a", name: "Arena", city: "Atlantis", countryCode: "ZZ"), tour: nil, songs: []))
            let artist = try await t.artist(name: "Radiohead")
            let first = try await t.a.post(Self.importPath, ["artistId": .uuid(artist)])
            #expect(first.status == .ok)
            #expect(first.json["artistId"]?.uuid == artist)
            #expect(first.json["mbid"] == .string(FakeSetlistfm.Artist.radiohead.mbid))
            #expect(first.json["fetched"] == 47)
            #expect(first.json["imported"] == 46)
            #expect(first.json["skipped"] == 1, "a setlist without a readable date")
            #expect(first.json["pages"] == 3)
            #expect(first.json["truncated"] == false)
            #expect(fake.seen.filter { $0.path.hasSuffix("/setlists") }.map { $0.query["p"] } == ["1", "2", "3"])

            // The rows are the artist's history, read through the history and events routes.
            let history = try await t.a.get("/api/artists/\(artist)/historical?limit=200")
            #expect(history.json["total"] == 46)
            let berlin = try #require(history.json["items"]?.arrayValue?.first { $0["externalRef"] == "a0000000" })
            #expect(berlin["source"] == "setlistfm")
            #expect(berlin["performedOn"] == "2020-01-06")
            #expect(berlin["venueName"] == "Columbiahalle")
            #expect(berlin["city"] == "Berlin")
            let germany = try await t.country("DE")
            #expect(berlin["countryId"]?.uuid == germany)
            #expect(berlin["status"] == "played")
            #expect(berlin["notes"] == "Tour: World Tour · 3 songs · https://www.setlist.fm/setlist/a0000000.html")
            let future = try #require(history.json["items"]?.arrayValue?.first { $0["externalRef"] == "f0000001" })
            #expect(future["status"] == "scheduled")
            #expect(future["countryId"]?.isNull == true, "an unknown country code leaves the country empty")
            #expect(try await t.a.get("/api/artists/\(artist)/events?when=upcoming").json["total"] == 1)

            // Again: nothing added, nothing changed.
            let before = try await Self.rows(t, artist)
            let second = try await t.a.post(Self.importPath, ["artistId": .uuid(artist)])
            #expect(second.status == .ok)
            #expect(second.json["fetched"] == 47)
            #expect(second.json["imported"] == 0)
            #expect(second.json["skipped"] == 47)
            #expect(try await Self.rows(t, artist) == before)

            // New setlists on setlist.fm: only they are added.
            fake.add(FakeSetlistfm.Setlist(id: "c0000001", artist: .radiohead, eventDate: "01-02-2021",
                                           venue: .init(id: "3bd6cd44", name: "Columbiahalle", city: "Berlin", countryCode: "DE"),
                                           tour: nil, songs: ["One"]))
            let third = try await t.a.post(Self.importPath, ["artistId": .uuid(artist)])
            #expect(third.json["imported"] == 1)
            #expect(try await Self.rows(t, artist).count == 47)
        }
    }

    @Test func readsAtMostTwentyPages() async throws {
        try await withSetlistfm { fake, t async throws in
            fake.add(.radiohead)
            fake.addHistory(of: .radiohead, count: 401)
            let artist = try await t.artist()
            let answer = try await t.a.post(Self.importPath, ["artistId": .uuid(artist)])
            #expect(answer.json["fetched"] == 400)
            #expect(answer.json["imported"] == 400)
            #expect(answer.json["pages"] == 20)
            #expect(answer.json["truncated"] == true)
        }
    }

    @Test func artistsWithoutSetlistsAndUnknownArtists() async throws {
        try await withSetlistfm { fake, t async throws in
            fake.add(.portishead)
            let artist = try await t.artist()
            // setlist.fm answers 404 for an artist without setlists; the artist exists, so nothing to import.
            let empty = try await t.a.post("/api/setlistfm/artists/\(FakeSetlistfm.Artist.portishead.mbid)/import", ["artistId": .uuid(artist)])
            #expect(empty.status == .ok)
            #expect(empty.json["fetched"] == 0)
            #expect(empty.json["imported"] == 0)
            #expect(empty.json["pages"] == 0)
            let unknown = try await t.a.post(Self.importPath, ["artistId": .uuid(artist)])
            #expect(unknown.status == .notFound)
            #expect(unknown.errorCode == "setlistfm_not_found")
        }
    }

    @Test func anotherCompanysArtistIsNotFoundAndNothingIsFetched() async throws {
        try await withSetlistfm { fake, t async throws in
            fake.add(.radiohead)
            fake.addHistory(of: .radiohead, count: 3)
            let theirs = try await t.artist(in: t.companyB)
            for artist in [theirs, UUID()] {
                let refused = try await t.a.post(Self.importPath, ["artistId": .uuid(artist)])
                #expect(refused.status == .notFound)
                #expect(refused.errorCode == "not_found")
            }
            #expect(fake.seen.isEmpty, "a wrong artist costs no call to setlist.fm")
            #expect(try await Self.rows(t, theirs).isEmpty)
            // B imports into its own artist; A's import of the same setlists into A's artist is separate.
            #expect(try await t.b.post(Self.importPath, ["artistId": .uuid(theirs)]).json["imported"] == 3)
            let ours = try await t.artist()
            #expect(try await t.a.post(Self.importPath, ["artistId": .uuid(ours)]).json["imported"] == 3)
        }
    }

    @Test func needsArtistsWriteAndAValidBody() async throws {
        try await withSetlistfm { fake, t async throws in
            fake.add(.radiohead)
            fake.addHistory(of: .radiohead, count: 2)
            let artist = try await t.artist()
            let reader = t.a(permissions: ["basic.artists.read"])
            #expect(try await reader.post(Self.importPath, ["artistId": .uuid(artist)]).status == .forbidden)
            #expect(fake.seen.isEmpty)

            let missing = try await t.a.post(Self.importPath, [:])
            #expect(missing.status == .unprocessableContent)
            #expect(missing.errorFields == ["artistId"])
            let nullID = try await t.a.post(Self.importPath, ["artistId": nil])
            #expect(nullID.status == .unprocessableContent)
            #expect(try await t.a.post(Self.importPath, ["artistId": "not-a-uuid"]).status == .badRequest)
            #expect(try await t.a.request(.post, Self.importPath, rawBody: "{").status == .badRequest)
            let badMbid = try await t.a.post("/api/setlistfm/artists/radiohead/import", ["artistId": .uuid(artist)])
            #expect(badMbid.status == .unprocessableContent)
            #expect(badMbid.errorFields == ["mbid"])
            #expect(try await Self.rows(t, artist).isEmpty)
        }
    }

    @Test func rateLimitMidImportWritesNothing() async throws {
        try await withSetlistfm { fake, t async throws in
            fake.add(.radiohead)
            fake.addHistory(of: .radiohead, count: 30)
            let artist = try await t.artist()
            // Page 1 answers, then setlist.fm limits every call: the import stops before writing anything.
            fake.pass(times: 1)
            fake.fail(.tooManyRequests, times: 3, retryAfter: "0")
            let limited = try await t.a.post(Self.importPath, ["artistId": .uuid(artist)])
            #expect(limited.status == .serviceUnavailable)
            #expect(limited.errorCode == "setlistfm_rate_limited")
            #expect(fake.seen.map { $0.query["p"] } == ["1", "2", "2", "2"])
            #expect(try await Self.rows(t, artist).isEmpty, "all or nothing")
            // Once setlist.fm answers again, the import completes.
            let later = try await t.a.post(Self.importPath, ["artistId": .uuid(artist)])
            #expect(later.json["imported"] == 30)
        }
    }
}

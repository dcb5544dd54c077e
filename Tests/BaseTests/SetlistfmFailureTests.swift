import Base
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumTesting
import Testing

/// Issue 14: "(`x-api-key`, rate limits honoured with backoff)" — a 429 is retried after its Retry-After, a 429 that
/// persists (or asks for longer than Base waits) is 503 `setlistfm_rate_limited`, setlist.fm down or refusing the key
/// is 503 `setlistfm_unavailable`, and without a key every route is 503 `provider_not_configured`.
@Suite("Setlistfm: rate limits, failures, configuration")
struct SetlistfmFailureTests {
    static let artistPath = "/api/setlistfm/artists/\(FakeSetlistfm.Artist.radiohead.mbid)"

    @Test func honoursRetryAfterThenSucceeds() async throws {
        try await withSetlistfm { fake, t async throws in
            fake.add(.radiohead)
            fake.fail(.tooManyRequests, times: 1, retryAfter: "1")
            let answer = try await t.a.get(Self.artistPath)
            #expect(answer.status == .ok)
            #expect(answer.json["name"] == "Radiohead")
            let calls = fake.seen
            #expect(calls.count == 2)
            if calls.count == 2 {
                #expect(calls[1].at - calls[0].at >= .milliseconds(950), "the retry waited out Retry-After: 1")
            }
        }
    }

    @Test func backsOffWithoutRetryAfter() async throws {
        try await withSetlistfm { fake, t async throws in
            fake.add(.radiohead)
            fake.fail(.tooManyRequests, times: 2)
            #expect(try await t.a.get(Self.artistPath).status == .ok)
            let calls = fake.seen
            #expect(calls.count == 3)
            if calls.count == 3 {
                // 20 ms, then 40 ms (the test settings' backoff, doubled).
                #expect(calls[1].at - calls[0].at >= .milliseconds(20))
                #expect(calls[2].at - calls[1].at >= .milliseconds(40))
            }
        }
    }

    @Test func persistentRateLimitIsServiceUnavailable() async throws {
        try await withSetlistfm { fake, t async throws in
            fake.add(.radiohead)
            fake.fail(.tooManyRequests, times: 10, retryAfter: "0")
            let limited = try await t.a.get(Self.artistPath)
            #expect(limited.status == .serviceUnavailable)
            #expect(limited.errorCode == "setlistfm_rate_limited")
            #expect(fake.seen.count == 3, "three attempts, then give up")
        }
    }

    @Test func retryAfterLongerThanBaseWaitsGivesUpAtOnce() async throws {
        try await withSetlistfm { fake, t async throws in
            fake.add(.radiohead)
            fake.fail(.tooManyRequests, times: 1, retryAfter: "120")
            let started = ContinuousClock.now
            let limited = try await t.a.get(Self.artistPath)
            #expect(limited.errorCode == "setlistfm_rate_limited")
            #expect(fake.seen.count == 1)
            // Not the 120 s setlist.fm asked for (a bound a loaded machine cannot miss), and no second attempt.
            #expect(ContinuousClock.now - started < .seconds(60))
            // The next call is not sent before the Retry-After ran out either… but that is 120 s: the pacer refuses it.
            #expect(try await t.a.get(Self.artistPath).errorCode == "setlistfm_rate_limited")
            #expect(fake.seen.count == 1)
        }
    }

    @Test func outagesAndRefusedKeysAreUnavailable() async throws {
        try await withSetlistfm { fake, t async throws in
            fake.add(.radiohead)
            fake.fail(.internalServerError, times: 1)
            let down = try await t.a.get(Self.artistPath)
            #expect(down.status == .serviceUnavailable)
            #expect(down.errorCode == "setlistfm_unavailable")
            fake.fail(.badGateway, times: 1)
            #expect(try await t.a.get("/api/setlistfm/search/artists?artistName=r").errorCode == "setlistfm_unavailable")
            #expect(try await t.a.get(Self.artistPath).status == .ok, "back once setlist.fm is")
        }
        // A key setlist.fm refuses (403) is a configuration fault, not the caller's: 503, and the key never shows.
        try await withFakeSetlistfm { fake, settings async throws in
            var wrong = settings
            wrong.apiKey = "not-the-key"
            let harness = try await ServiceTestHarness(BaseService.self, settings: BaseSettings(setlistfm: wrong))
            try await harness.withTwoCompanies(permissions: artistPermissions, module: "basic") { t async throws in
                let refused = try await t.a.get(Self.artistPath)
                #expect(refused.errorCode == "setlistfm_unavailable")
                #expect(!refused.text.contains("not-the-key"))
                #expect(fake.seen.first?.key == "not-the-key")
            }
        }
        // Nothing listening.
        let closed = SetlistfmSettings(baseURL: "http://127.0.0.1:9/rest", apiKey: "k", timeout: .seconds(2), minInterval: .zero)
        let harness = try await ServiceTestHarness(BaseService.self, settings: BaseSettings(setlistfm: closed))
        try await harness.withTwoCompanies(permissions: artistPermissions, module: "basic") { t async throws in
            #expect(try await t.a.get(Self.artistPath).errorCode == "setlistfm_unavailable")
        }
    }

    @Test func unreadableAnswersAreUnavailable() async throws {
        try await withSetlistfm { fake, t async throws in
            fake.add(.radiohead)
            fake.answerRaw("<html>maintenance</html>")
            #expect(try await t.a.get(Self.artistPath).errorCode == "setlistfm_unavailable")
            // An artist without its mbid cannot be answered as one.
            fake.answerRaw(#"{"name": "Radiohead"}"#)
            #expect(try await t.a.get(Self.artistPath).errorCode == "setlistfm_unavailable")
            // Items Base cannot use are left out of a page; odd values are bounded, unknown fields ignored.
            fake.answerRaw(#"{"itemsPerPage": 0, "page": -3, "total": -1, "extra": true, "setlist": [{"versionId": "x"},"#
                + #" {"id": "abcd1234", "eventDate": "31-02-2020", "lastUpdated": "yesterday", "venue": {"name": "No id"},"#
                + #" "sets": {"set": [{"song": [{}]}]}}]}"#)
            let odd = try await t.a.get(Self.artistPath + "/setlists")
            #expect(odd.status == .ok)
            #expect(odd.json["items"]?.arrayValue?.count == 1)
            #expect(odd.json["limit"] == 1)
            #expect(odd.json["page"] == 1)
            #expect(odd.json["total"] == 1, "never fewer than the items answered")
            #expect(odd.json["items"]?[0]?["eventDate"]?.isNull == true, "31-02 is no day")
            #expect(odd.json["items"]?[0]?["lastUpdated"]?.isNull == true)
            #expect(odd.json["items"]?[0]?["venue"]?.isNull == true)
            #expect(odd.json["items"]?[0]?["songCount"] == 1)
        }
    }

    @Test func withoutAKeyEveryRouteIsNotConfigured() async throws {
        let harness = try await ServiceTestHarness(BaseService.self, settings: BaseSettings())
        try await harness.withTwoCompanies(permissions: artistPermissions, module: "basic") { t async throws in
            let artist = try await t.artist()
            let mbid = FakeSetlistfm.Artist.radiohead.mbid
            let reads = ["/api/setlistfm/search/artists?artistName=r", "/api/setlistfm/artists/\(mbid)", "/api/setlistfm/artists/\(mbid)/setlists",
                         "/api/setlistfm/search/setlists?year=2019", "/api/setlistfm/setlists/a0000000", "/api/setlistfm/search/venues?name=x",
                         "/api/setlistfm/venues/3bd6cd44/setlists"]
            for path in reads {
                let answer = try await t.a.get(path)
                #expect(answer.status == .serviceUnavailable, "\(path)")
                #expect(answer.errorCode == "provider_not_configured", "\(path)")
            }
            let imported = try await t.a.post("/api/setlistfm/artists/\(mbid)/import", ["artistId": .uuid(artist)])
            #expect(imported.errorCode == "provider_not_configured")
            // Input is still checked first.
            #expect(try await t.a.get("/api/setlistfm/artists/nope").status == .unprocessableContent)
        }
    }

    @Test func settingsReadTheEnvironment() {
        var none = EnvironmentReader([:])
        #expect(BaseService.loadSettings(from: &none).setlistfm == nil)
        var keyed = EnvironmentReader(["SETLISTFM_API_KEY": "abc"])
        let settings = BaseService.loadSettings(from: &keyed).setlistfm
        #expect(settings?.baseURL == "https://api.setlist.fm/rest")
        #expect(settings?.timeout == .seconds(5))
        #expect(settings.map { !"\($0)".contains("abc") } == true, "the key is never printed")
        var custom = EnvironmentReader(["SETLISTFM_API_KEY": "abc", "SETLISTFM_URL": "http://fake:1/rest/", "SETLISTFM_TIMEOUT_SECONDS": "9"])
        let customSettings = BaseService.loadSettings(from: &custom).setlistfm
        #expect(customSettings?.baseURL == "http://fake:1/rest")
        #expect(customSettings?.timeout == .seconds(9))
        var bad = EnvironmentReader(["SETLISTFM_API_KEY": "abc", "SETLISTFM_URL": "ftp://x"])
        _ = BaseService.loadSettings(from: &bad)
        #expect(!bad.problems.isEmpty)
    }
}

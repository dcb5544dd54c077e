import Base
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumTesting
import Testing

/// Issue 8: "social/streaming platform links, … stats and demographics computed from stored data (no external
/// call)": links, recorded snapshots, and growth over a window.
@Suite("Base artists: platform links and their stats")
struct ArtistPlatformsTests {
    @Test func linksAreAddedOnceListedAndRemoved() async throws {
        try await ArtistFixtures.withCompanies { env async throws in
            let api = env.a
            let artist = try await ArtistFixtures.create(api, "Streamed")
            let base = "/api/artists/\(artist)/platforms"
            let spotify = try await api.post(base, ["platform": "spotify", "url": "https://open.spotify.com/artist/abc", "handle": "streamed"])
            #expect(spotify.status == .created)
            #expect(spotify.json["platform"] == "spotify" && spotify.json["handle"] == "streamed")
            let instagram = try await api.post(base, ["platform": "instagram", "url": "https://instagram.com/streamed"])
            #expect(instagram.json["handle"] == .null)
            let duplicate = try await api.post(base, ["platform": "spotify", "url": "https://open.spotify.com/artist/abc"])
            #expect(duplicate.status == .conflict && duplicate.errorCode == "duplicate_platform")
            // The same URL under another platform is another link.
            #expect(try await api.post(base, ["platform": "other", "url": "https://open.spotify.com/artist/abc"]).status == .created)

            let list = try await api.get(base)
            #expect(list.json["total"] == 3)
            #expect((list.json["items"]?.arrayValue ?? []).compactMap { $0["platform"]?.stringValue } == ["instagram", "other", "spotify"])

            let bad = try await api.post(base, ["platform": "myspace", "url": "http://insecure.example/x", "handle": .string(String(repeating: "h", count: 101))])
            #expect(bad.status == .unprocessableContent)
            #expect(Set(bad.errorFields) == ["platform", "url", "handle"])
            #expect(try await api.post(base, ["platform": "x"]).errorFields == ["url"])
            #expect(try await api.post(base, ["platform": "x", "url": "https://"]).errorFields == ["url"])
            #expect(try await api.post(base, ["platform": "x", "url": .string("https://x.com/" + String(repeating: "a", count: 2040))]).errorFields == ["url"])

            let id = try ArtistFixtures.uuid(spotify.json["id"])
            #expect(try await env.b.delete("\(base)/\(id)").status == .notFound)
            #expect(try await env.b.get(base).status == .notFound)
            #expect(try await api.delete("\(base)/\(id)").status == .noContent)
            #expect(try await api.delete("\(base)/\(id)").status == .notFound)
            #expect(try await api.get(base).json["total"] == 2)
        }
    }

    /// Fixed snapshots, fixed answers: growth per figure between the earliest and latest snapshot carrying it.
    @Test func statsComputeGrowthFromRecordedSnapshots() async throws {
        try await ArtistFixtures.withCompanies { env async throws in
            let api = env.a
            let artist = try await ArtistFixtures.create(api, "Growing")
            let link = try ArtistFixtures.uuid(try await api.post("/api/artists/\(artist)/platforms",
                                                                  ["platform": "spotify", "url": "https://open.spotify.com/artist/g"]).json["id"])
            let stats = "/api/artists/\(artist)/platforms/\(link)/stats"
            let empty = try await api.get(stats)
            #expect(empty.status == .ok)
            #expect(empty.json["snapshotCount"] == 0 && empty.json["growth"]?["followers"] == .null)
            #expect(empty.json["snapshots"] == [] && empty.json["firstRecordedAt"] == .null)

            let recorded = try await api.post(stats, ["recordedAt": "2026-01-01T12:00:00Z", "followers": 1000, "monthlyListeners": 0])
            #expect(recorded.status == .created)
            #expect(recorded.json["followers"] == 1000 && recorded.json["streams"] == .null)
            #expect(try await api.post(stats, ["recordedAt": "2026-02-01T12:00:00Z", "followers": 1500, "monthlyListeners": 800]).status == .created)
            #expect(try await api.post(stats, ["recordedAt": "2026-03-01T12:00:00Z", "monthlyListeners": 600, "views": 10]).status == .created)
            let again = try await api.post(stats, ["recordedAt": "2026-03-01T12:00:00Z", "views": 11])
            #expect(again.status == .conflict && again.errorCode == "duplicate_snapshot")

            let all = try await api.get(stats)
            #expect(all.json["platform"] == "spotify")
            #expect(all.json["snapshotCount"] == 3)
            #expect(all.json["growth"]?["followers"] == ["first": 1000, "last": 1500, "change": 500, "changePercent": 50])
            #expect(all.json["growth"]?["monthlyListeners"] == ["first": 0, "last": 600, "change": 600, "changePercent": nil])
            #expect(all.json["growth"]?["views"] == ["first": 10, "last": 10, "change": 0, "changePercent": 0])
            #expect(all.json["growth"]?["likes"] == .null)
            #expect(all.json["snapshots"]?.arrayValue?.compactMap { $0["recordedAt"]?.stringValue }.first?.hasPrefix("2026-01-01") == true)

            // The window: UTC days, both included.
            let february = try await api.get("\(stats)?from=2026-02-01&to=2026-03-01")
            #expect(february.json["snapshotCount"] == 2)
            #expect(february.json["from"] == "2026-02-01" && february.json["to"] == "2026-03-01")
            #expect(february.json["growth"]?["monthlyListeners"] == ["first": 800, "last": 600, "change": -200, "changePercent": -25])
            #expect(try await api.get("\(stats)?to=2026-01-01").json["snapshotCount"] == 1)
            // limit lists the latest snapshots of the window, oldest first; the summary still covers the whole window.
            let latest = try await api.get("\(stats)?limit=2")
            #expect(latest.json["snapshotCount"] == 3)
            #expect(latest.json["snapshots"]?.arrayValue?.compactMap { $0["monthlyListeners"] } == [800, 600])

            #expect(try await api.get("\(stats)?from=2026-03-02&to=2026-03-01").errorFields == ["to"])
            #expect(try await api.get("\(stats)?from=2026-13-01").errorFields == ["from"])
            #expect(try await api.get("\(stats)?limit=1001").errorFields == ["limit"])
            #expect(try await api.post(stats, ["recordedAt": "2026-04-01T00:00:00Z"]).errorFields == ["followers"])
            #expect(try await api.post(stats, ["followers": -1]).errorFields == ["followers"])
            #expect(try await api.post(stats, ["likes": 1_000_000_000_000_001]).errorFields == ["likes"])
            #expect(try await api.post(stats, ["followers": 1, "recordedAt": "2999-01-01T00:00:00Z"]).errorFields == ["recordedAt"])
            #expect(try await api.post(stats, ["followers": 1, "recordedAt": "yesterday"]).status == .badRequest)
            #expect(try await api.post(stats, ["followers": 1]).status == .created, "recordedAt defaults to now")

            // Snapshots belong to their link, their artist and their company.
            let other = try await ArtistFixtures.create(api, "Other")
            #expect(try await api.get("/api/artists/\(other)/platforms/\(link)/stats").status == .notFound)
            #expect(try await api.post("/api/artists/\(other)/platforms/\(link)/stats", ["followers": 1]).status == .notFound)
            #expect(try await env.b.get(stats).status == .notFound)
            #expect(try await env.b.post(stats, ["followers": 1]).status == .notFound)
            #expect(try await env.a(permissions: ["basic.artists.read"]).post(stats, ["followers": 1]).errorCode == "permission_denied")
            #expect(try await env.a(permissions: []).get(stats).errorCode == "permission_denied")
        }
    }
}

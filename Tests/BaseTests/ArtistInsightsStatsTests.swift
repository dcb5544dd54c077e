import Base
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumTesting
import Testing

/// Issue 8: "stats and demographics computed from stored data (no external call)" and "`prediction-v2` /
/// `prediction-v3`: a documented, deterministic model over the artist's stored history … with its formula in the
/// contract and fixed-answer tests". The model's arithmetic is worked by hand in `ArtistInsightsPredictionTests`;
/// here the routes: what they read, store and refuse.
@Suite("Artist insights: stats, demographics, predictions")
struct ArtistInsightsStatsTests {
    func withCompanies(_ body: @Sendable @escaping (TwoCompanies<BaseService>) async throws -> Void) async throws {
        let harness = try await ServiceTestHarness(BaseService.self, settings: BaseSettings())
        try await harness.withTwoCompanies(permissions: artistPermissions, module: "basic", body)
    }

    /// Played: Berlin 800/1000 (EUR 2,400,000, fee EUR 500,000), berlin 500/500 (EUR 1,500,000, fee EUR 300,000),
    /// Paris 1000/2000 (EUR 3,000,000, fee USD 100,000), New York 300 of unknown capacity (USD 900,000), and one with
    /// tickets unknown; cancelled: Tokyo (999 tickets, counted nowhere).
    func seed(_ t: TwoCompanies<BaseService>, _ artist: UUID) async throws {
        let (de, fr, us, jp) = (try await t.country("DE"), try await t.country("FR"), try await t.country("US"), try await t.country("JP"))
        let shows: [JSONValue] = [
            ["performedOn": "2023-03-10", "city": "Berlin", "countryId": .uuid(de), "capacity": 1000, "ticketsSold": 800,
             "grossMinor": 2_400_000, "grossCurrency": "EUR", "feeMinor": 500_000, "feeCurrency": "EUR"],
            ["performedOn": "2023-06-15", "city": "berlin", "countryId": .uuid(de), "capacity": 500, "ticketsSold": 500,
             "grossMinor": 1_500_000, "grossCurrency": "EUR", "feeMinor": 300_000, "feeCurrency": "EUR"],
            ["performedOn": "2024-01-20", "city": "Paris", "countryId": .uuid(fr), "capacity": 2000, "ticketsSold": 1000,
             "grossMinor": 3_000_000, "grossCurrency": "EUR", "feeMinor": 100_000, "feeCurrency": "USD"],
            ["performedOn": "2024-02-01", "city": "New York", "countryId": .uuid(us), "ticketsSold": 300, "grossMinor": 900_000, "grossCurrency": "USD"],
            ["performedOn": "2024-03-01", "city": "Tokyo", "countryId": .uuid(jp), "ticketsSold": 999, "status": "cancelled"],
            ["performedOn": "2024-04-01", "capacity": 100],
        ]
        for show in shows {
            let created = try await t.a.post("/api/artists/\(artist)/historical", show)
            if created.status != .created { throw TestFailure("seeding a show answered \(created.status): \(created.text)") }
        }
    }

    /// Average tickets (800 + 500 + 1000 + 300) / 4 = 650; fill rates 8000, 10000, 5000 → 23000 / 3 = 7666.67 → 7667.
    @Test func statsAddUpThePlayedShowsAndTheSnapshotFollowsWrites() async throws {
        try await withCompanies { t in
            let artist = try await t.artist()
            try await seed(t, artist)
            let live = try await t.a.get("/api/artists/\(artist)/stats")
            #expect(live.status == .ok)
            let s = live.json
            #expect(s["showCount"] == 5 && s["cancelledCount"] == 1 && s["scheduledCount"] == 0)
            #expect(s["ticketsSold"] == 2600 && s["showsWithTickets"] == 4 && s["averageTickets"] == 650)
            #expect(s["averageFillRate"] == 7667)
            #expect(s["grossTotals"] == [["amountMinor": 6_900_000, "currency": "EUR"], ["amountMinor": 900_000, "currency": "USD"]])
            #expect(s["feeTotals"] == [["amountMinor": 800_000, "currency": "EUR"], ["amountMinor": 100_000, "currency": "USD"]])
            #expect(s["firstShowOn"] == "2023-03-10" && s["lastShowOn"] == "2024-04-01")
            #expect(s["topCountries"]?.arrayValue?.compactMap { $0["iso2"]?.stringValue } == ["DE", "FR", "US"])
            #expect(s["topCountries"]?[0]?["tickets"] == 1300 && s["topCountries"]?[0]?["shows"] == 2)
            #expect(s["topCities"]?.arrayValue?.compactMap { $0["city"]?.stringValue?.lowercased() } == ["berlin", "paris", "new york"])
            #expect(s["snapshot"] == false)

            let refreshed = try await t.a.post("/api/artists/\(artist)/stats/refresh")
            #expect(refreshed.status == .ok)
            #expect(refreshed.json["snapshot"] == true && refreshed.json["ticketsSold"] == 2600)
            let stored = try await t.a.get("/api/artists/\(artist)/stats")
            #expect(stored.json["snapshot"] == true)
            #expect(stored.json["computedAt"] == refreshed.json["computedAt"])
            // A new show drops the snapshot: the next read is live and counts it.
            try await t.a.post("/api/artists/\(artist)/historical", ["performedOn": "2024-05-01", "ticketsSold": 400])
            let after = try await t.a.get("/api/artists/\(artist)/stats")
            #expect(after.json["snapshot"] == false && after.json["ticketsSold"] == 3000 && after.json["showCount"] == 6)

            // An artist without shows: zeros and nulls, not an error.
            let newArtist = try await t.artist(name: "New")
            let empty = try await t.a.get("/api/artists/\(newArtist)/stats")
            #expect(empty.status == .ok)
            #expect(empty.json["showCount"] == 0 && empty.json["averageTickets"] == .null && empty.json["firstShowOn"] == .null)
            #expect(empty.json["grossTotals"] == [] && empty.json["topCities"] == [])
        }
    }

    /// Of 2600 tickets: Europe 2300 → 8846 r 400, North America 300 → 1153 r 2200, the missing point to the larger
    /// remainder → 8846 + 1154. Countries 1300/1000/300 → 5000, 3846, 1154. From 2024: Paris 1000 and New York 300 of
    /// 1300 → 7692 r 400 and 2307 r 900 → 7692 + 2308.
    @Test func demographicsShareTheTicketsByLargestRemainder() async throws {
        try await withCompanies { t in
            let artist = try await t.artist()
            try await seed(t, artist)
            let all = try await t.a.get("/api/artists/\(artist)/demographics")
            #expect(all.status == .ok)
            let d = all.json
            #expect(d["ticketsSold"] == 2600 && d["showCount"] == 4)
            #expect(d["regions"]?.arrayValue?.compactMap { $0["code"]?.stringValue } == ["EU", "NA"])
            #expect(d["regions"]?.arrayValue?.compactMap { $0["share"]?.int } == [8846, 1154])
            #expect(d["countries"]?.arrayValue?.compactMap { $0["code"]?.stringValue } == ["DE", "FR", "US"])
            #expect(d["countries"]?.arrayValue?.compactMap { $0["share"]?.int } == [5000, 3846, 1154])
            #expect(d["cities"]?.arrayValue?.compactMap { $0["share"]?.int } == [5000, 3846, 1154])
            #expect(d["cities"]?[0]?["tickets"] == 1300 && d["cities"]?[0]?["shows"] == 2)
            #expect(d["otherCities"] == .null)
            let recent = try await t.a.get("/api/artists/\(artist)/demographics?from=2024-01-01").json
            #expect(recent["from"] == "2024-01-01" && recent["to"] == .null)
            #expect(recent["regions"]?.arrayValue?.compactMap { $0["share"]?.int } == [7692, 2308])
            // A show without a country is a bucket of its own (null ids), so the shares still cover every ticket.
            try await t.a.post("/api/artists/\(artist)/historical", ["performedOn": "2024-06-01", "ticketsSold": 1300])
            let withUnknown = try await t.a.get("/api/artists/\(artist)/demographics?from=2024-01-01").json
            #expect(withUnknown["regions"]?.arrayValue?.map { $0["code"] ?? .null } == [.null, "EU", "NA"])
            #expect(withUnknown["regions"]?.arrayValue?.compactMap { $0["share"]?.int } == [5000, 3846, 1154])
            // Nothing played in the window: no buckets, not 404.
            let none = try await t.a.get("/api/artists/\(artist)/demographics?to=2000-01-01")
            #expect(none.status == .ok && none.json["regions"] == [] && none.json["ticketsSold"] == 0)
            #expect(try await t.a.get("/api/artists/\(artist)/demographics?from=soon").errorFields == ["from"])
        }
    }

    /// Shows: 2025-06-01 Munich 900 (w = 1), 2024-06-01 Berlin 1000 (w = 0.5), 2023-06-02 Paris 600 (w = 0.25)
    /// → v1 (900 + 500 + 150) / 1.75 = 885.71 → 886; v2 Berlin → 1000; v2 Hamburg, DE → (900 + 500) / 1.5 → 933.
    @Test func predictionsAreComputedStoredAndReadBack() async throws {
        try await withCompanies { t in
            let artist = try await t.artist()
            let (de, fr, it) = (try await t.country("DE"), try await t.country("FR"), try await t.country("IT"))
            for (day, city, country, tickets) in [("2025-06-01", "Munich", de, 900), ("2024-06-01", "Berlin", de, 1000), ("2023-06-02", "Paris", fr, 600)] {
                try await t.a.post("/api/artists/\(artist)/historical", [
                    "performedOn": .string(day), "city": .string(city), "countryId": .uuid(country), "ticketsSold": .number(Double(tickets)),
                    "grossMinor": .number(Double(tickets * 3000)), "grossCurrency": "EUR"])
            }
            let v1 = try await t.a.post("/api/artists/\(artist)/prediction", ["date": "2025-06-01", "city": "Berlin", "capacity": 5000])
            #expect(v1.status == .created)
            #expect(v1.json["model"] == "v1" && v1.json["artistId"]?.uuid == artist)
            #expect(v1.json["output"]?["expectedTickets"] == 886 && v1.json["output"]?["basedOnShows"] == 3)
            #expect(v1.json["output"]?["confidence"] == "medium" && v1.json["output"]?["expectedFillRate"] == 1772)
            #expect(v1.json["input"]?["city"] == "Berlin" && v1.json["input"]?["capacity"] == 5000)
            #expect(v1.json["output"]?["formula"]?.stringValue?.contains("0.5^(ageDaysᵢ/365)") == true)

            let v2 = try await t.a.post("/api/artists/\(artist)/prediction-v2", ["date": "2025-06-01", "city": "berlin", "countryId": .uuid(de)])
            #expect(v2.json["output"]?["marketLevel"] == "city" && v2.json["output"]?["expectedTickets"] == 1000)
            let country = try await t.a.post("/api/artists/\(artist)/prediction-v2", ["date": "2025-06-01", "city": "Hamburg", "countryId": .uuid(de)])
            #expect(country.json["output"]?["marketLevel"] == "country" && country.json["output"]?["expectedTickets"] == 933)
            let anywhere = try await t.a.post("/api/artists/\(artist)/prediction-v2", ["date": "2025-06-01", "countryId": .uuid(it)])
            #expect(anywhere.json["output"]?["marketLevel"] == "all" && anywhere.json["output"]?["expectedTickets"] == 886)

            // v3 in Berlin: one June show in a June window → seasonality 10000; EUR 3,000,000 / 1000 tickets × 1000.
            let v3 = try await t.a.post("/api/artists/\(artist)/prediction-v3", ["date": "2025-06-01", "city": "Berlin", "capacity": 800])
            #expect(v3.status == .created)
            let out = v3.json["output"]
            #expect(out?["expectedTickets"] == 800 && out?["clampedToCapacity"] == true && out?["expectedFillRate"] == 10_000)
            #expect(out?["seasonality"]?["factor"] == 10_000 && out?["seasonality"]?["months"] == [5, 6, 7])
            #expect(out?["meanTicketPrice"] == [["amountMinor": 3000, "currency": "EUR"]])
            #expect(out?["expectedGross"] == [["amountMinor": 2_400_000, "currency": "EUR"]])
            #expect(out?["expectedFee"] == [])

            let latest = try await t.a.get("/api/artists/\(artist)/prediction")
            #expect(latest.status == .ok)
            #expect(latest.json["id"] == v3.json["id"] && latest.json["output"] == v3.json["output"])
            #expect(try await t.a.get("/api/artists/\(artist)/prediction?model=v1").json["id"] == v1.json["id"])
            #expect(try await t.a.get("/api/artists/\(artist)/prediction?model=v4").errorFields == ["model"])

            // Before any show, or for an artist without history: nothing to average.
            let early = try await t.a.post("/api/artists/\(artist)/prediction", ["date": "2020-01-01"])
            #expect(early.status == .unprocessableContent && early.errorCode == "insufficient_history")
            let newcomer = try await t.artist(name: "Newcomer")
            #expect(try await t.a.post("/api/artists/\(newcomer)/prediction-v3", ["date": "2025-01-01"]).errorCode == "insufficient_history")
            let missing = try await t.a.get("/api/artists/\(newcomer)/prediction")
            #expect(missing.status == .notFound && missing.errorCode == "prediction_not_found")
        }
    }

    @Test func predictionBodiesAreValidated() async throws {
        try await withCompanies { t in
            let artist = try await t.artist()
            let path = "/api/artists/\(artist)/prediction-v2"
            #expect(try await t.a.post(path, [:]).errorFields == ["date"])
            let bad = try await t.a.post(path, ["date": "2200-01-01", "city": "", "capacity": 10_000_001])
            #expect(bad.status == .unprocessableContent)
            #expect(Set(bad.errorFields) == ["date", "city", "capacity"])
            #expect(try await t.a.post(path, ["date": "2025-01-01", "countryId": .uuid(UUID())]).errorFields == ["countryId"])
            #expect(try await t.a.post(path, ["date": 20250101]).status == .badRequest)
            #expect(try await t.a.request(.post, path, rawBody: "[]").status == .badRequest)
            #expect(try await t.a.post(path).status == .badRequest)
        }
    }

    @Test func permissionsAndOtherCompaniesArtists() async throws {
        try await withCompanies { t in
            let artist = try await t.artist()
            try await t.a.post("/api/artists/\(artist)/historical", ["performedOn": "2024-01-01", "ticketsSold": 10])
            try await t.a.post("/api/artists/\(artist)/prediction", ["date": "2024-06-01"])
            let reader = t.a(permissions: ["basic.artists.read"])
            for path in ["stats", "demographics", "prediction"] {
                #expect(try await reader.get("/api/artists/\(artist)/\(path)").status == .ok)
                #expect(try await t.a(permissions: ["basic.agencies.read"]).get("/api/artists/\(artist)/\(path)").errorCode == "permission_denied")
            }
            #expect(try await reader.post("/api/artists/\(artist)/stats/refresh").errorCode == "permission_denied")
            for model in ["prediction", "prediction-v2", "prediction-v3"] {
                #expect(try await reader.post("/api/artists/\(artist)/\(model)", ["date": "2024-06-01"]).errorCode == "permission_denied")
            }

            // Company B: A's artist, an unknown id and a malformed one are all 404 on every route.
            for id in [artist.uuidString.lowercased(), UUID().uuidString, "nope"] {
                for path in ["stats", "demographics", "prediction"] {
                    let answer = try await t.b.get("/api/artists/\(id)/\(path)")
                    #expect(answer.status == .notFound && answer.errorCode == "not_found", "GET \(path)")
                }
                #expect(try await t.b.post("/api/artists/\(id)/stats/refresh").status == .notFound)
                for model in ["prediction", "prediction-v2", "prediction-v3"] {
                    #expect(try await t.b.post("/api/artists/\(id)/\(model)", ["date": "2024-06-01"]).status == .notFound, "POST \(model)")
                }
            }
            // B's refreshes and predictions stored nothing for A.
            #expect(try await t.a.get("/api/artists/\(artist)/stats").json["snapshot"] == false)
        }
    }
}

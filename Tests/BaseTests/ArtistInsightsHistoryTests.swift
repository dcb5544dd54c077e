import Base
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumTesting
import PostgresNIO
import Testing

let artistPermissions = ["basic.artists.read", "basic.artists.write"]

extension TwoCompanies where Service == BaseService {
    /// An artist of `company` (A by default), inserted directly: creating artists is the artists feature's
    /// route (`POST /api/artists`), and these tests need only the row their history hangs off.
    func artist(in company: UUID? = nil, name: String = "The Testers") async throws -> UUID {
        let owner = company ?? companyA
        let id = try await harness.database.query("""
            INSERT INTO artists (company_id, name) VALUES (\(owner), \(name)) RETURNING id
            """).first { try $0.decode(UUID.self) }
        return try #require(id)
    }

    /// A country's id by its ISO code (the ids are derived from the code, the same everywhere).
    func country(_ iso2: String) async throws -> UUID {
        try #require(try await a.get("/api/countries/iso/\(iso2)").json["id"]?.uuid)
    }
}

/// Issue 8: "artist contacts, bios, social/streaming platform links, events of an artist, stats and demographics
/// computed from stored data (no external call), … an artist's history" — the history rows and the events read
/// from them; every route answers 404 for another company's artist.
@Suite("Artist insights: history and events")
struct ArtistInsightsHistoryTests {
    func withCompanies(_ body: @Sendable @escaping (TwoCompanies<BaseService>) async throws -> Void) async throws {
        let harness = try await ServiceTestHarness(BaseService.self, settings: BaseSettings())
        try await harness.withTwoCompanies(permissions: artistPermissions, module: "basic", body)
    }

    @Test func recordsListsFiltersAndDeletesShows() async throws {
        try await withCompanies { t in
            let artist = try await t.artist()
            let de = try await t.country("DE")
            let fr = try await t.country("FR")
            let created = try await t.a.post("/api/artists/\(artist)/historical", [
                "performedOn": "2024-05-10", "venueName": " Columbiahalle ", "city": " Berlin ", "countryId": .uuid(de),
                "capacity": 3500, "ticketsSold": 3100, "grossMinor": 9_300_000, "grossCurrency": "EUR",
                "feeMinor": 1_500_000, "feeCurrency": "EUR", "externalRef": "ticketing-881", "notes": "Sold out upstairs",
            ])
            #expect(created.status == .created)
            #expect(created.json["artistId"]?.uuid == artist)
            #expect(created.json["venueName"] == "Columbiahalle")
            #expect(created.json["city"] == "Berlin")
            #expect(created.json["status"] == "played")
            #expect(created.json["source"] == "manual")
            #expect(created.json["grossMinor"] == 9_300_000)
            #expect(created.json["performedOn"] == "2024-05-10")
            let first = try #require(created.json["id"]?.uuid)
            // Without a status: a past day is played, a day after today is scheduled.
            #expect(try await t.a.post("/api/artists/\(artist)/historical", ["performedOn": "2023-11-02", "city": "Paris", "countryId": .uuid(fr),
                                                                              "ticketsSold": 900]).json["status"] == "played")
            #expect(try await t.a.post("/api/artists/\(artist)/historical", ["performedOn": "2190-01-01", "city": "Lyon", "countryId": .uuid(fr)])
                .json["status"] == "scheduled")
            #expect(try await t.a.post("/api/artists/\(artist)/historical", ["performedOn": "2022-03-03", "city": "BERLIN",
                                                                              "status": "cancelled"]).status == .created)
            // The same external reference twice for the same artist and source is one show.
            let again = try await t.a.post("/api/artists/\(artist)/historical", ["performedOn": "2024-05-10", "externalRef": "ticketing-881"])
            #expect(again.status == .conflict)
            #expect(again.errorCode == "show_already_recorded")

            let all = try await t.a.get("/api/artists/\(artist)/historical")
            #expect(all.status == .ok)
            #expect(all.json["total"] == 4)
            let days = all.json["items"]?.arrayValue?.compactMap { $0["performedOn"]?.stringValue }
            #expect(days == ["2190-01-01", "2024-05-10", "2023-11-02", "2022-03-03"])
            #expect(try await t.a.get("/api/artists/\(artist)/historical?from=2023-01-01&to=2024-12-31").json["total"] == 2)
            #expect(try await t.a.get("/api/artists/\(artist)/historical?countryId=\(fr)").json["total"] == 2)
            #expect(try await t.a.get("/api/artists/\(artist)/historical?city=berlin").json["total"] == 2)
            #expect(try await t.a.get("/api/artists/\(artist)/historical?status=cancelled").json["items"]?[0]?["city"] == "BERLIN")
            let page = try await t.a.get("/api/artists/\(artist)/historical?limit=1&page=2")
            #expect(page.json["items"]?[0]?["performedOn"] == "2024-05-10")
            #expect(page.json["total"] == 4 && page.json["limit"] == 1 && page.json["page"] == 2)
            // An artist without shows: an empty page, not 404.
            let quiet = try await t.artist(name: "Quiet")
            #expect(try await t.a.get("/api/artists/\(quiet)/historical").json["total"] == 0)

            #expect(try await t.a.delete("/api/artists/\(artist)/historical/\(first)").status == .noContent)
            #expect(try await t.a.delete("/api/artists/\(artist)/historical/\(first)").status == .notFound)
            // A show is deleted only under its own artist.
            let other = try #require(all.json["items"]?[0]?["id"]?.uuid)
            #expect(try await t.a.delete("/api/artists/\(quiet)/historical/\(other)").status == .notFound)
            #expect(try await t.a.get("/api/artists/\(artist)/historical").json["total"] == 3)
        }
    }

    @Test func invalidShowsAre422AndMalformedBodies400() async throws {
        try await withCompanies { t in
            let artist = try await t.artist()
            let path = "/api/artists/\(artist)/historical"
            #expect(try await t.a.post(path, [:]).errorFields == ["performedOn"])
            let bad = try await t.a.post(path, [
                "performedOn": "1899-12-31", "venueName": " ", "capacity": -1, "ticketsSold": 20_000_000, "grossMinor": 100,
                "feeCurrency": "eur", "status": "done", "notes": .string(String(repeating: "n", count: 2001)),
            ])
            #expect(bad.status == .unprocessableContent)
            #expect(Set(bad.errorFields) == ["performedOn", "venueName", "capacity", "ticketsSold", "grossCurrency", "feeCurrency",
                                             "feeMinor", "status", "notes"])
            #expect(try await t.a.post(path, ["performedOn": "2024-01-01", "capacity": 100, "ticketsSold": 101]).errorFields == ["ticketsSold"])
            #expect(try await t.a.post(path, ["performedOn": "2024-02-30"]).errorFields == ["performedOn"])
            #expect(try await t.a.post(path, ["performedOn": "2190-01-01", "status": "played"]).errorFields == ["status"])
            #expect(try await t.a.post(path, ["performedOn": "2024-01-01", "grossMinor": 1, "grossCurrency": "XYZ"]).errorFields == ["grossCurrency"])
            let unknownCountry = try await t.a.post(path, ["performedOn": "2024-01-01", "countryId": .uuid(UUID())])
            #expect(unknownCountry.status == .unprocessableContent)
            #expect(unknownCountry.errorFields == ["countryId"])
            #expect(try await t.a.request(.post, path, rawBody: "{\"performedOn\":").status == .badRequest)
            #expect(try await t.a.post(path, ["performedOn": "2024-01-01", "capacity": "many"]).status == .badRequest)
            #expect(try await t.a.post(path, ["performedOn": "2024-01-01", "capacity": 1.5]).status == .badRequest)
            #expect(try await t.a.get("\(path)?from=yesterday").errorFields == ["from"])
            #expect(try await t.a.get("\(path)?status=done").errorFields == ["status"])
            #expect(try await t.a.get("\(path)?countryId=").errorFields == ["countryId"])
            #expect(try await t.a.get("\(path)?limit=201").errorFields == ["limit"])
            #expect(try await t.a.get(path).json["total"] == 0)
        }
    }

    @Test func eventsAreTheShowsEitherSideOfADay() async throws {
        try await withCompanies { t in
            let artist = try await t.artist()
            for (day, city, status) in [("2020-05-01", "Oslo", "played"), ("2030-06-01", "Rome", "scheduled"), ("2031-01-01", "Madrid", "scheduled"),
                                        ("2190-01-01", "Lisbon", "scheduled")] {
                #expect(try await t.a.post("/api/artists/\(artist)/historical", ["performedOn": .string(day), "city": .string(city),
                                                                                  "status": .string(status)]).status == .created)
            }
            let upcoming = try await t.a.get("/api/artists/\(artist)/events?when=upcoming&date=2025-01-01")
            #expect(upcoming.status == .ok)
            #expect(upcoming.json["items"]?.arrayValue?.compactMap { $0["date"]?.stringValue } == ["2030-06-01", "2031-01-01", "2190-01-01"])
            #expect(upcoming.json["items"]?[0]?["type"] == "show")
            #expect(upcoming.json["items"]?[0]?["title"] == "Rome")
            #expect(upcoming.json["items"]?[0]?["status"] == "scheduled")
            let past = try await t.a.get("/api/artists/\(artist)/events?when=past&date=2025-01-01")
            #expect(past.json["items"]?.arrayValue?.compactMap { $0["date"]?.stringValue } == ["2020-05-01"])
            let all = try await t.a.get("/api/artists/\(artist)/events?when=all&limit=2")
            #expect(all.json["total"] == 4)
            #expect(all.json["items"]?[0]?["date"] == "2190-01-01")
            // Without `when` and `date`: upcoming from today (UTC).
            let fromToday = try await t.a.get("/api/artists/\(artist)/events")
            #expect(fromToday.json["items"]?.arrayValue?.last?["date"] == "2190-01-01")
            #expect(fromToday.json["items"]?.arrayValue?.contains { $0["date"] == "2020-05-01" } == false)
            // The day is inclusive on the upcoming side.
            #expect(try await t.a.get("/api/artists/\(artist)/events?date=2030-06-01").json["total"] == 3)
            #expect(try await t.a.get("/api/artists/\(artist)/events?when=soon").errorFields == ["when"])
            #expect(try await t.a.get("/api/artists/\(artist)/events?date=2025-13-01").errorFields == ["date"])
        }
    }

    @Test func permissionsAndOtherCompaniesArtists() async throws {
        try await withCompanies { t in
            let artist = try await t.artist()
            let show = try #require(try await t.a.post("/api/artists/\(artist)/historical", ["performedOn": "2024-01-01", "ticketsSold": 10])
                .json["id"]?.uuid)
            let reader = t.a(permissions: ["basic.artists.read"])
            #expect(try await reader.get("/api/artists/\(artist)/historical").status == .ok)
            #expect(try await reader.get("/api/artists/\(artist)/events").status == .ok)
            #expect(try await reader.post("/api/artists/\(artist)/historical", ["performedOn": "2024-01-01"]).errorCode == "permission_denied")
            #expect(try await reader.delete("/api/artists/\(artist)/historical/\(show)").status == .forbidden)
            let nobody = t.a(permissions: [])
            #expect(try await nobody.get("/api/artists/\(artist)/historical").status == .forbidden)
            #expect(try await nobody.get("/api/artists/\(artist)/events").status == .forbidden)

            // Company B sees none of A's artist, on every route of the history; nor an unknown or malformed id.
            let theirs = try await t.artist(in: t.companyB)
            for id in [artist.uuidString.lowercased(), UUID().uuidString, "not-an-id"] {
                #expect(try await t.b.get("/api/artists/\(id)/historical").status == .notFound)
                #expect(try await t.b.get("/api/artists/\(id)/events").status == .notFound)
                #expect(try await t.b.post("/api/artists/\(id)/historical", ["performedOn": "2024-01-01"]).status == .notFound)
                #expect(try await t.b.delete("/api/artists/\(id)/historical/\(show)").status == .notFound)
            }
            #expect(try await t.b.delete("/api/artists/\(theirs)/historical/\(show)").status == .notFound)
            #expect(try await t.a.get("/api/artists/\(artist)/historical").json["total"] == 1)
            #expect(try await t.b.get("/api/artists/\(theirs)/historical").json["total"] == 0)
        }
    }
}

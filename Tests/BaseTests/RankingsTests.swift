import Base
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumTesting
import PostgresNIO
import Testing

/// Issue 14: "Rankings, Trend, Reviews: computed from stored data (events, ticket sales, settlements, reviews) with a
/// documented formula per ranking in the contract, period filters, and fixed-answer tests".
@Suite("Base rankings")
struct RankingsTests {
    @Test func eachRankingAnswersItsFormulaOnKnownRows() async throws {
        try await withInsights { t in
            let s = try await t.seedInsights()
            let api = t.a
            let artists = try await api.get("/api/rankings/artists?from=2026-01-01&to=2026-12-31&currency=EUR")
            #expect(artists.status == .ok)
            #expect(artists.json["total"] == 4)
            #expect(artists.json["currency"] == "EUR")
            #expect(artists.json["from"] == "2026-01-01")
            let rows = artists.json["items"]?.arrayValue ?? []
            #expect(rows.map { $0["name"]?.stringValue } == ["Gamma", "Alpha", "Beta", "Delta"])
            #expect(rows.map { $0["rank"] } == [1, 2, 3, 4])
            #expect(rows.map { $0["grossMinor"] } == [340_000, 300_000, 300_000, 0])
            #expect(rows.map { $0["ticketsSold"] } == [100, 100, 100, 0])
            #expect(rows.map { $0["events"] } == [2, 1, 1, 1])
            #expect(rows.first?["id"]?.uuid == s.gamma)

            let paged = try await api.get("/api/rankings/artists?from=2026-01-01&to=2026-12-31&currency=EUR&limit=2&page=2")
            #expect(paged.json["items"]?.arrayValue?.map { $0["name"]?.stringValue } == ["Beta", "Delta"])
            #expect(paged.json["items"]?[0]?["rank"] == 3)
            #expect(paged.json["total"] == 4)

            let venues = try await api.get("/api/rankings/venues?from=2026-01-01&to=2026-12-31&currency=EUR")
            #expect(venues.json["items"]?.arrayValue?.map { $0["name"]?.stringValue } == ["Paradiso Amsterdam", "Melkweg"])
            #expect(venues.json["items"]?.arrayValue?.map { $0["events"] } == [2, 1])
            #expect(venues.json["items"]?.arrayValue?.map { $0["ticketsSold"] } == [120, 80])
            #expect(venues.json["items"]?[0]?["id"]?.uuid == s.paradiso)

            let festivals = try await api.get("/api/rankings/festivals?from=2026-01-01&to=2026-12-31&currency=EUR")
            #expect(festivals.json["items"]?.arrayValue?.map { $0["name"]?.stringValue } == ["Pinkpop", "Lowlands"])
            #expect(festivals.json["items"]?.arrayValue?.map { $0["grossMinor"] } == [300_000, 40_000])

            // A1 booked Alpha and Beta at E1 (one show) and Gamma at E3 (inside his roster dates); A2's Beta had left
            // before E1, so A2 has Delta's show only.
            let agencies = try await api.get("/api/rankings/agencies?from=2026-01-01&to=2026-12-31&currency=EUR")
            #expect(agencies.json["items"]?.arrayValue?.map { $0["name"]?.stringValue } == ["Agency One", "Agency Two"])
            #expect(agencies.json["items"]?.arrayValue?.map { $0["events"] } == [2, 1])
            #expect(agencies.json["items"]?.arrayValue?.map { $0["ticketsSold"] } == [120, 0])
            #expect(agencies.json["items"]?.arrayValue?.map { $0["grossMinor"] } == [340_000, 0])
        }
    }

    @Test func periodCurrencyAndOverview() async throws {
        try await withInsights { t in
            _ = try await t.seedInsights()
            let api = t.a
            let lastYear = try await api.get("/api/rankings/artists?from=2025-01-01&to=2025-12-31&currency=EUR")
            #expect(lastYear.json["items"]?.arrayValue?.map { $0["name"]?.stringValue } == ["Delta"])
            #expect(lastYear.json["items"]?[0]?["grossMinor"] == 1_000_000)

            let overview = try await api.get("/api/rankings?from=2026-01-01&to=2026-12-31&currency=EUR&limit=1")
            #expect(overview.status == .ok)
            #expect(overview.json["limit"] == 1)
            #expect(overview.json["artists"]?.arrayValue?.map { $0["name"]?.stringValue } == ["Gamma"])
            #expect(overview.json["venues"]?.arrayValue?.map { $0["name"]?.stringValue } == ["Paradiso Amsterdam"])
            #expect(overview.json["festivals"]?.arrayValue?.map { $0["name"]?.stringValue } == ["Pinkpop"])
            #expect(overview.json["agencies"]?.arrayValue?.map { $0["name"]?.stringValue } == ["Agency One"])

            // No GBP rate is stored: never ranked on a guess.
            let gbp = try await api.get("/api/rankings/artists?from=2026-01-01&to=2026-12-31&currency=GBP")
            #expect(gbp.status == .unprocessableContent)
            #expect(gbp.errorCode == "exchange_rate_missing")

            #expect(try await api.get("/api/rankings/venues?from=2026-12-31&to=2026-01-01").errorFields == ["to"])
            #expect(try await api.get("/api/rankings/venues?from=2026-13-01").status == .badRequest)
            #expect(try await api.get("/api/rankings/venues?currency=").status == .badRequest)
            #expect(try await api.get("/api/rankings/venues?currency=XXQ").status == .unprocessableContent)
            #expect(try await api.get("/api/rankings?limit=51").status == .badRequest)
        }
    }

    @Test func anotherCompanySeesNothingAndPermissionsAreChecked() async throws {
        try await withInsights { t in
            _ = try await t.seedInsights()
            let other = try await t.b.get("/api/rankings/artists?from=2026-01-01&to=2026-12-31&currency=EUR")
            #expect(other.status == .ok)
            #expect(other.json["total"] == 0)
            let eventsOnly = t.a(permissions: [BasePermission.eventsRead])
            #expect(try await eventsOnly.get("/api/rankings").status == .forbidden)
            #expect(try await eventsOnly.get("/api/trend").status == .forbidden)
            let ticketsOnly = t.a(permissions: [BasePermission.ticketsRead])
            #expect(try await ticketsOnly.get("/api/rankings/agencies").status == .forbidden)
        }
    }
}

/// Members hold what rankings, the trend and reviews read and write.
func withInsights(_ body: @Sendable @escaping (TwoCompanies<BaseService>) async throws -> Void) async throws {
    var settings = BaseSettings()
    settings.runsNewsRefresh = false
    let harness = try await ServiceTestHarness(BaseService.self, settings: settings)
    try await harness.withTwoCompanies(permissions: [
        BasePermission.eventsRead, BasePermission.ticketsRead, BasePermission.artistsRead, BasePermission.artistsWrite,
        BasePermission.venuesRead, BasePermission.venuesWrite,
    ], module: BasePermission.module, body)
}

struct InsightsSeed {
    var alpha: UUID
    var beta: UUID
    var gamma: UUID
    var delta: UUID
    var paradiso: UUID
    var melkweg: UUID
}

extension TwoCompanies where Service == BaseService {
    var insightsDB: Database { harness.database }

    func insEvent(_ name: String, on day: String, currency: String = "EUR", status: String = "confirmed", venue: UUID? = nil,
                  venueName: String? = nil, festival: UUID? = nil) async throws -> UUID {
        let id = UUID()
        try await insightsDB.query("""
            INSERT INTO events (id, company_id, name, status, event_date, venue_id, venue_name, currency, festival_id, created_by)
            VALUES (\(id), \(companyA), \(name), \(status), \(day)::date, \(venue), \(venueName), \(currency), \(festival), \(UUID()))
            """)
        return id
    }

    func insArtist(_ name: String) async throws -> UUID {
        let id = UUID()
        try await insightsDB.query("INSERT INTO artists (id, company_id, name) VALUES (\(id), \(companyA), \(name))")
        return id
    }

    func insBill(_ event: UUID, _ artists: UUID...) async throws {
        for (index, artist) in artists.enumerated() {
            try await insightsDB.query("""
                INSERT INTO event_artists (company_id, event_id, artist_id, billing_order, added_by)
                VALUES (\(companyA), \(event), \(artist), \(index + 1), \(UUID()))
                """)
        }
    }

    /// One allocation, tier and sales record: `sold` tickets for `grossMinor` in the event's currency.
    func insSales(_ event: UUID, sold: Int, grossMinor: Int64) async throws {
        let ticket = UUID()
        let tier = UUID()
        try await insightsDB.query("""
            INSERT INTO event_tickets (id, company_id, event_id, name, capacity, created_by) VALUES (\(ticket), \(companyA), \(event), 'GA', 100000, \(UUID()))
            """)
        try await insightsDB.query("""
            INSERT INTO event_ticket_tiers (id, company_id, ticket_id, name, price_minor, capacity) VALUES (\(tier), \(companyA), \(ticket), 'Regular', 0, 100000)
            """)
        try await insightsDB.query("""
            INSERT INTO event_ticket_sales (company_id, tier_id, sold_on, quantity, gross_minor, created_by)
            VALUES (\(companyA), \(tier), DATE '2026-01-15', \(sold), \(grossMinor), \(UUID()))
            """)
    }

    func insFestival(_ name: String, _ from: String, _ to: String) async throws -> UUID {
        let id = UUID()
        try await insightsDB.query("""
            INSERT INTO festivals (id, company_id, name, starts_on, ends_on, currency, created_by)
            VALUES (\(id), \(companyA), \(name), \(from)::date, \(to)::date, 'EUR', \(UUID()))
            """)
        return id
    }

    func insAgency(_ name: String, roster: [(UUID, String?, String?)]) async throws {
        let agency = UUID()
        try await insightsDB.query("INSERT INTO agencies (id, company_id, name) VALUES (\(agency), \(companyA), \(name))")
        for (artist, starts, ends) in roster {
            try await insightsDB.query("""
                INSERT INTO roster_entries (company_id, artist_id, agency_id, starts_on, ends_on)
                VALUES (\(companyA), \(artist), \(agency), \(starts)::date, \(ends)::date)
                """)
        }
    }

    /// The fixed rows every ranking and trend test reads (company A; B has nothing):
    /// - E1 2026-03-01 EUR at Paradiso (linked as "Paradiso Amsterdam"): Alpha + Beta, 100 sold, 3000.00
    /// - E2 2026-04-10 USD at Melkweg, Pinkpop: Gamma, 80 sold, USD 3750.00 = EUR 3000.00 at the ECB's 1.25
    /// - E3 2026-05-05 EUR at Paradiso, Lowlands: Gamma, 20 sold, 400.00
    /// - E4 2026-06-01 cancelled: Alpha, 1000 sold (never counted)
    /// - E5 2025-12-31 EUR: Delta, 500 sold, 10000.00 (outside 2026)
    /// - E6 2026-07-01 EUR, no venue, no tickets: Delta
    /// Agency One: Alpha (open), Beta (open), Gamma from 2026-05-01; Agency Two: Beta until 2026-02-01, Delta (open);
    /// Beta is also on the company's own roster (no agency).
    func seedInsights() async throws -> InsightsSeed {
        let alpha = try await insArtist("Alpha")
        let beta = try await insArtist("Beta")
        let gamma = try await insArtist("Gamma")
        let delta = try await insArtist("Delta")
        let paradiso = UUID()
        let melkweg = UUID()
        try await insightsDB.query("""
            INSERT INTO venue_links (company_id, venue_id, venue_name, created_by) VALUES (\(companyA), \(paradiso), 'Paradiso Amsterdam', \(UUID()))
            """)
        let pinkpop = try await insFestival("Pinkpop", "2026-04-09", "2026-04-11")
        let lowlands = try await insFestival("Lowlands", "2026-05-04", "2026-05-06")
        let e1 = try await insEvent("E1", on: "2026-03-01", venue: paradiso, venueName: "Paradiso")
        let e2 = try await insEvent("E2", on: "2026-04-10", currency: "USD", venue: melkweg, venueName: "Melkweg", festival: pinkpop)
        let e3 = try await insEvent("E3", on: "2026-05-05", venue: paradiso, venueName: "Paradiso", festival: lowlands)
        let e4 = try await insEvent("E4", on: "2026-06-01", status: "cancelled", venue: melkweg, venueName: "Melkweg")
        let e5 = try await insEvent("E5", on: "2025-12-31")
        let e6 = try await insEvent("E6", on: "2026-07-01")
        try await insBill(e1, alpha, beta)
        try await insBill(e2, gamma)
        try await insBill(e3, gamma)
        try await insBill(e4, alpha)
        try await insBill(e5, delta)
        try await insBill(e6, delta)
        try await insSales(e1, sold: 100, grossMinor: 300_000)
        try await insSales(e2, sold: 80, grossMinor: 375_000)
        try await insSales(e3, sold: 20, grossMinor: 40_000)
        try await insSales(e4, sold: 1000, grossMinor: 9_000_000)
        try await insSales(e5, sold: 500, grossMinor: 1_000_000)
        try await insightsDB.query("""
            INSERT INTO exchange_rates (source, base_currency, quote_currency, rate, rate_date) VALUES ('ecb', 'EUR', 'USD', 1.25, DATE '2026-04-09')
            """)
        try await insAgency("Agency One", roster: [(alpha, nil, nil), (beta, nil, nil), (gamma, "2026-05-01", nil)])
        try await insAgency("Agency Two", roster: [(beta, nil, "2026-02-01"), (delta, nil, nil)])
        try await insightsDB.query("INSERT INTO roster_entries (company_id, artist_id, agency_id) VALUES (\(companyA), \(beta), NULL)")
        return InsightsSeed(alpha: alpha, beta: beta, gamma: gamma, delta: delta, paradiso: paradiso, melkweg: melkweg)
    }
}

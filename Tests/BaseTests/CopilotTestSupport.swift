import Base
import Foundation
import KisumKernel
import KisumPersistence
import KisumTesting
import PostgresNIO

/// The copilot's books, worked out by hand in `CopilotTests`. Days are relative to today (UTC).
struct CopilotBooks: Sendable {
    var subject: UUID
    var venueMatch: UUID
    var headlinerMatch: UUID
    var bandOnly: UUID
    var bandSubject: UUID
    var lonely: UUID
}

extension TwoCompanies where Service == BaseService {
    func cpEvent(_ name: String, day: Int, venue: String?, currency: String = "EUR", status: String = "confirmed",
                 company: UUID? = nil) async throws -> UUID {
        let id = UUID()
        try await harness.database.query("""
            INSERT INTO events (id, company_id, name, status, event_date, venue_name, currency, created_by)
            VALUES (\(id), \(company ?? companyA), \(name), \(status), \(DashboardTests.day(day))::date, \(venue), \(currency), \(UUID()))
            """)
        return id
    }

    /// One allocation of `capacity` with one tier.
    func cpTier(_ event: UUID, capacity: Int, price: Int64, sold: Int, gross: Int64, name: String = "GA", company: UUID? = nil) async throws {
        let ticket = UUID()
        let company = company ?? companyA
        try await harness.database.query("""
            INSERT INTO event_tickets (id, company_id, event_id, name, capacity, created_by)
            VALUES (\(ticket), \(company), \(event), \(name), \(capacity), \(UUID()))
            """)
        try await harness.database.query("""
            INSERT INTO event_ticket_tiers (company_id, ticket_id, name, price_minor, capacity, sold, gross_minor)
            VALUES (\(company), \(ticket), 'Standard', \(price), \(capacity), \(sold), \(gross))
            """)
    }

    func cpIncome(_ event: UUID, _ amount: Int64, category: String, day: Int) async throws {
        try await harness.database.query("""
            INSERT INTO event_income (company_id, event_id, category, description, payer_name, amount_minor, currency, expected_date)
            VALUES (\(companyA), \(event), \(category), 'Line', 'Sponsor Ltd', \(amount), 'EUR', \(DashboardTests.day(day))::date)
            """)
    }

    func cpOffer(_ event: UUID, artist: UUID, guarantee: Int64, status: String = "accepted") async throws {
        try await harness.database.query("""
            INSERT INTO offers (company_id, artist_id, event_id, status, event_date, currency, deal, scenario, potential, guarantee_minor, created_by)
            VALUES (\(companyA), \(artist), \(event), \(status), \(DashboardTests.day(30))::date, 'EUR', '{}', '{}', '{}', \(guarantee), \(UUID()))
            """)
    }

    /// The subject (in 30 days, Paradiso, Nova headlining): tiers 400 × 25.00 (150 sold, 3,750.00) and 100 × 40.00 (50
    /// sold, 2,000.00); sponsorship 1,000.00 (a ticketing line of 9,999.99 is the box office again, not counted);
    /// estimates 3,000.00 and 500.00, the latter realised by an approved 600.00; Nova's accepted guarantee 2,000.00.
    /// Past: Paradiso 100 days ago (500 seats, 400 sold, gross 10,000.00, costs 6,000.00), Nova in London 200 days ago
    /// (GBP: 1,000 seats, 500 sold, gross 10,000.00 GBP = 12,500.00 EUR at EUR→GBP 0.80), Melkweg 50 days ago (520
    /// seats: a capacity match only). Not compared: a cancelled Paradiso night, a future one, company B's.
    func copilotBooks() async throws -> CopilotBooks {
        let subject = try await cpEvent("Paradiso night", day: 30, venue: "Paradiso")
        let nova = try await mvArtist("Nova", on: subject)
        try await harness.database.query("""
            INSERT INTO event_tickets (id, company_id, event_id, name, capacity, created_by)
            VALUES (\(subject), \(companyA), \(subject), 'GA', 500, \(UUID()))
            """)
        try await harness.database.query("""
            INSERT INTO event_ticket_tiers (company_id, ticket_id, name, price_minor, capacity, sold, gross_minor)
            VALUES (\(companyA), \(subject), 'Early', 2500, 400, 150, 375000), (\(companyA), \(subject), 'Late', 4000, 100, 50, 200000)
            """)
        try await cpIncome(subject, 100_000, category: "sponsorship", day: 10)
        try await cpIncome(subject, 999_999, category: "ticketing", day: 10)
        try await mvEstimate(subject, 300_000, "EUR", due: DashboardTests.day(5))
        let security = try await mvEstimate(subject, 50_000, "EUR", due: DashboardTests.day(5))
        try await mvActual(subject, 60_000, "EUR", incurred: DashboardTests.day(0), estimate: security)
        try await cpOffer(subject, artist: nova, guarantee: 200_000)

        let venueMatch = try await cpEvent("Paradiso in spring", day: -100, venue: "paradiso ", status: "completed")
        try await cpTier(venueMatch, capacity: 500, price: 2500, sold: 400, gross: 1_000_000)
        try await mvEstimate(venueMatch, 600_000, "EUR", due: DashboardTests.day(-110))

        let headlinerMatch = try await cpEvent("Nova in London", day: -200, venue: "Roundhouse", currency: "GBP", status: "settled")
        try await mvBill(artist: nova, on: headlinerMatch)
        try await cpTier(headlinerMatch, capacity: 1000, price: 2000, sold: 500, gross: 1_000_000)
        try await mvEcbRate("GBP", "0.8000", on: DashboardTests.day(-200))

        let bandOnly = try await cpEvent("Melkweg night", day: -50, venue: "Melkweg", status: "completed")
        try await cpTier(bandOnly, capacity: 520, price: 2000, sold: 260, gross: 520_000)

        let cancelled = try await cpEvent("Paradiso off", day: -30, venue: "Paradiso", status: "cancelled")
        try await cpTier(cancelled, capacity: 500, price: 100, sold: 1, gross: 100)
        _ = try await cpEvent("Paradiso next year", day: 60, venue: "Paradiso")
        let theirs = try await cpEvent("Their Paradiso", day: -100, venue: "Paradiso", status: "completed", company: companyB)
        try await cpTier(theirs, capacity: 500, price: 100, sold: 500, gross: 50_000, company: companyB)

        let bandSubject = try await cpEvent("Tivoli night", day: 40, venue: "Tivoli")
        try await cpTier(bandSubject, capacity: 500, price: 3000, sold: 0, gross: 0)
        let lonely = try await cpEvent("Nowhere night", day: 10, venue: "Nowhere")
        return CopilotBooks(subject: subject, venueMatch: venueMatch, headlinerMatch: headlinerMatch, bandOnly: bandOnly,
                            bandSubject: bandSubject, lonely: lonely)
    }
}

import Base
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import PostgresNIO
import KisumTesting
import Testing

/// Issue 10: "the dashboard has KPI stats and upcoming events", read models over the stored lines.
@Suite("Base dashboard")
struct DashboardTests {
    /// A day `offset` days from today (UTC), as the server counts days.
    static func day(_ offset: Int) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let date = calendar.date(byAdding: .day, value: offset, to: Date()) ?? Date()
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year ?? 1970, parts.month ?? 1, parts.day ?? 1)
    }

    /// March 2025 on `CashFlowTests.cashFlowBooks`: events Sunset (confirmed) and Rain Check (cancelled); income
    /// expected 100,000 (Rain Check's no longer counts), received 60,000 + 50,000 + 5,000; estimated 30,000 +
    /// 10,000; actual 32,000. Receivables: Sunset's EUR line still owes 40,000, due 15 March 2025, so overdue.
    @Test func statsOfAWindowMatchTheHandComputedFigures() async throws {
        try await withMoneyViews { t in
            _ = try await CashFlowTests.cashFlowBooks(t)
            let stats = try await t.a.get("/api/dashboard/stats?from=2025-03-01&to=2025-03-31&currency=EUR")
            #expect(stats.status == .ok, "\(stats.text)")
            #expect(stats.json["events"]?["total"] == 2)
            #expect(stats.json["events"]?["byStatus"]?["confirmed"] == 1)
            #expect(stats.json["events"]?["byStatus"]?["cancelled"] == 1)
            #expect(stats.json["events"]?["byStatus"]?["onSale"] == 0)
            #expect(stats.json["events"]?["upcoming"] == 0)
            #expect(stats.json["income"] == ["expectedMinor": 100_000, "receivedMinor": 115_000])
            #expect(stats.json["expenses"] == ["estimatedMinor": 40_000, "actualMinor": 32_000])
            #expect(stats.json["net"] == ["expectedMinor": 60_000, "actualMinor": 83_000])
            #expect(stats.json["receivables"] == ["outstandingMinor": 40_000, "overdueMinor": 40_000])
            #expect(stats.json["pendingExpenseApprovals"] == 1)
            #expect(stats.json["tickets"] == ["sold": 0, "comps": 0, "capacity": 0, "sellThroughBasisPoints": .null])
            #expect(stats.json["ratesUsed"]?.arrayValue?.count == 2)
            // B's 999,999 is B's.
            #expect(try await t.b.get("/api/dashboard/stats?from=2025-03-01&to=2025-03-31").json["income"]?["receivedMinor"] == 999_999)
        }
    }

    /// Upcoming: Gig (GBP, in 30 days, Nova headlining) has income 10,000 EUR expected in 20 days — no rate stored for
    /// that day or the 14 before it, so today's EUR→GBP 0.80: 8,000 GBP — and 5,000 GBP in 10 days (2,000 paid today); estimates 3,000 GBP
    /// (replaced by its approved actual, 3,500) and 1,000 EUR in 5 days (800 GBP). Expenses 3,500 + 800 = 4,300; net
    /// 13,000 − 4,300 = 8,700. Tomorrow's Hold (EUR, nothing booked) comes first; cancelled and past events never.
    @Test func upcomingEventsWithTheirMoneyInTheirOwnCurrency() async throws {
        try await withMoneyViews { t in
            try await t.mvEcbRate("GBP", "0.8000", on: Self.day(0))
            let gig = try await t.mvEvent("Gig", on: Self.day(30), currency: "GBP")
            _ = try await t.mvArtist("Nova", on: gig)
            try await t.mvIncome(gig, 10_000, "EUR", expected: Self.day(20))
            try await t.mvIncome(gig, 5_000, "GBP", expected: Self.day(10), paid: 2_000, paidOn: Self.day(0))
            let stage = try await t.mvEstimate(gig, 3_000, "GBP", due: Self.day(25))
            try await t.mvActual(gig, 3_500, "GBP", incurred: Self.day(0), estimate: stage)
            try await t.mvEstimate(gig, 1_000, "EUR", due: Self.day(5))
            let ticket = UUID()
            try await t.moneyDB.query("""
                INSERT INTO event_tickets (id, company_id, event_id, name, capacity, created_by)
                VALUES (\(ticket), \(t.companyA), \(gig), 'GA', 500, \(UUID()))
                """)
            try await t.moneyDB.query("""
                INSERT INTO event_ticket_tiers (company_id, ticket_id, name, price_minor, capacity, sold)
                VALUES (\(t.companyA), \(ticket), 'Early', 2500, 400, 150)
                """)
            let hold = try await t.mvEvent("Hold", on: Self.day(1), status: "hold")
            _ = try await t.mvEvent("Called off", on: Self.day(2), status: "cancelled")
            _ = try await t.mvEvent("Last year", on: Self.day(-300))
            _ = try await t.mvEvent("Theirs", on: Self.day(1), company: t.companyB)

            let upcoming = try await t.a.get("/api/dashboard/upcoming-events")
            #expect(upcoming.status == .ok, "\(upcoming.text)")
            let items = upcoming.json["items"]?.arrayValue ?? []
            #expect(items.map { $0["id"]?.uuid } == [hold, gig])
            #expect(items[0]["money"]?["netMinor"] == 0)
            #expect(items[1]["currency"] == "GBP")
            #expect(items[1]["artists"]?[0]?["name"] == "Nova")
            #expect(items[1]["money"] == ["incomeMinor": 13_000, "receivedMinor": 2_000, "expensesMinor": 4_300,
                                          "actualExpensesMinor": 3_500, "estimatedExpensesMinor": 800, "netMinor": 8_700])
            #expect(items[1]["ticketsSold"] == 150)
            #expect(items[1]["ticketCapacity"] == 400)
            let rates = upcoming.json["ratesUsed"]?.arrayValue ?? []
            #expect(rates.map { $0["day"]?.stringValue ?? "" } == [Self.day(5), Self.day(20)])
            #expect(rates.allSatisfy { $0["rateDate"]?.stringValue == Self.day(0) })
            #expect(try await t.a.get("/api/dashboard/upcoming-events?limit=1").json["items"]?.arrayValue?.count == 1)

            // The same lines in the stats of the coming month, reported in GBP: 8,000 + 5,000 expected, 2,000 received;
            // estimated 3,000 + 800; actual 3,500; receivables 8,000 + 3,000 still owed, none overdue; 150 of 400 sold.
            let stats = try await t.a.get("/api/dashboard/stats?from=\(Self.day(0))&to=\(Self.day(40))&currency=GBP")
            #expect(stats.json["income"] == ["expectedMinor": 13_000, "receivedMinor": 2_000], "\(stats.text)")
            #expect(stats.json["expenses"] == ["estimatedMinor": 3_800, "actualMinor": 3_500])
            #expect(stats.json["receivables"] == ["outstandingMinor": 11_000, "overdueMinor": 0])
            #expect(stats.json["events"]?["upcoming"] == 2)
            #expect(stats.json["tickets"] == ["sold": 150, "comps": 0, "capacity": 400, "sellThroughBasisPoints": 3_750])

            let overview = try await t.a.get("/api/dashboard?limit=1&currency=GBP&from=\(Self.day(0))&to=\(Self.day(40))")
            #expect(overview.json["stats"]?["income"]?["expectedMinor"] == 13_000, "\(overview.text)")
            #expect(overview.json["upcomingEvents"]?["items"]?[0]?["id"]?.uuid == hold)
            #expect(try await t.b.get("/api/dashboard/upcoming-events").json["items"]?.arrayValue?.count == 1)
        }
    }

    /// No currency asked: the company's default from its business settings, else its events' most used currency.
    @Test func theReportingCurrencyDefaults() async throws {
        try await withMoneyViews { t in
            _ = try await t.mvEvent("One", on: "2025-03-01", currency: "CHF")
            _ = try await t.mvEvent("Two", on: "2025-03-02", currency: "CHF")
            _ = try await t.mvEvent("Three", on: "2025-03-03", currency: "EUR")
            #expect(try await t.a.get("/api/dashboard/stats").json["currency"] == "CHF")
            let profile = UUID()
            try await t.moneyDB.query("INSERT INTO companies (id, company_id, is_current, name) VALUES (\(profile), \(t.companyA), true, 'Us')")
            try await t.moneyDB.query("""
                INSERT INTO company_settings (company_id, company_record_id, default_currency) VALUES (\(t.companyA), \(profile), 'SEK')
                """)
            #expect(try await t.a.get("/api/dashboard/stats").json["currency"] == "SEK")
            #expect(try await t.b.get("/api/dashboard/stats").json["currency"] == "EUR")
        }
    }

    @Test func aMissingRateValidationAndPermissions() async throws {
        try await withMoneyViews { t in
            let event = try await t.mvEvent("Tokyo", on: Self.day(3), currency: "JPY")
            try await t.mvIncome(event, 1_000, "EUR", expected: Self.day(1))
            let upcoming = try await t.a.get("/api/dashboard/upcoming-events")
            #expect(upcoming.status == .unprocessableContent)
            #expect(upcoming.errorCode == "exchange_rate_missing")
            #expect(upcoming.json["error"]?["info"]?["to"] == "JPY")
            #expect(try await t.a.get("/api/dashboard/stats?from=2025-03-02&to=2025-03-01").errorFields == ["to"])
            #expect(try await t.a.get("/api/dashboard/stats?from=2000-01-01&to=2025-01-01").errorFields == ["to"])
            #expect(try await t.a.get("/api/dashboard/upcoming-events?limit=51").status == .badRequest)
            #expect(try await t.a.get("/api/dashboard?currency=ABC").errorFields == ["currency"])
            let eventsOnly = t.a(permissions: [BasePermission.eventsRead])
            #expect(try await eventsOnly.get("/api/dashboard/stats?currency=EUR&from=2020-01-01&to=2020-01-31").status == .ok)
            let none = t.a(permissions: [BasePermission.incomeRead, BasePermission.expensesRead])
            #expect(try await none.get("/api/dashboard").status == .forbidden)
            #expect(try await none.get("/api/dashboard/stats").status == .forbidden)
            #expect(try await none.get("/api/dashboard/upcoming-events").status == .forbidden)
        }
    }
}

import Base
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumTesting
import Testing

/// Issue 10: "the event's financials … use approved actuals where they exist and estimates elsewhere, and say
/// which", and "read models computed from the stored lines (by period, event, artist, currency)".
///
/// March 2025 on `CashFlowTests.cashFlowBooks`, in EUR:
/// - Sunset Night: income 100,000 + 40,000 GBP (→ 47,619 at 1/0.84 on 2 April) = 147,619; received 60,000 + 50,000;
///   expenses: the 30,000 estimate is replaced by its approved actual 32,000, the 4,000 GBP actual (→ 4,762) has no
///   estimate, the 8,000 GBP estimate (→ 10,000) has no actual: 36,762 actual + 10,000 estimated = 46,762 (mixed);
///   net 100,857; margin 100,857 / 147,619 = 6,832.25… → 6,832 bp.
/// - Rain Check (cancelled, still analysed): income 20,000, received 5,000, estimate 7,000 (estimated); net 13,000;
///   margin 6,500 bp.
/// - Totals: income 167,619, expenses 53,762, net 113,857, margin 6,792.6… → 6,793 bp.
@Suite("Base financial analytics")
struct AnalyticsTests {
    static let march = "/api/analytics/financials?from=2025-03-01&to=2025-03-31&currency=EUR"

    @Test func byEventWithActualsWhereApprovedElseEstimates() async throws {
        try await withMoneyViews { t in
            let books = try await CashFlowTests.cashFlowBooks(t)
            let april = try await t.mvEvent("April Show", on: "2025-04-10")
            try await t.mvIncome(april, 50_000, "EUR", expected: "2025-04-01")
            let view = try await t.a.get(Self.march + "&groupBy=event")
            #expect(view.status == .ok, "\(view.text)")
            let groups = view.json["groups"]?.arrayValue ?? []
            #expect(groups.map { $0["key"]?.stringValue } == [books.sunset.uuidString.lowercased(), books.rain.uuidString.lowercased()])
            #expect(groups[0]["label"] == "Sunset Night")
            #expect(groups[0]["figures"] == [
                "eventCount": 1, "incomeMinor": 147_619, "receivedMinor": 110_000, "expensesMinor": 46_762,
                "actualExpensesMinor": 36_762, "estimatedExpensesMinor": 10_000, "basis": "mixed", "netMinor": 100_857,
                "marginBasisPoints": 6_832,
            ])
            #expect(groups[1]["figures"]?["basis"] == "estimated")
            #expect(groups[1]["figures"]?["netMinor"] == 13_000)
            #expect(groups[1]["figures"]?["marginBasisPoints"] == 6_500)
            #expect(view.json["totals"]?["eventCount"] == 2)
            #expect(view.json["totals"]?["incomeMinor"] == 167_619)
            #expect(view.json["totals"]?["expensesMinor"] == 53_762)
            #expect(view.json["totals"]?["netMinor"] == 113_857)
            #expect(view.json["totals"]?["marginBasisPoints"] == 6_793)
            #expect(view.json["groupBy"] == "event")
        }
    }

    /// Every artist on the bill gets the event's figures; events with no artist are the group with key null;
    /// totals count each event once.
    @Test func byArtistMonthAndCurrency() async throws {
        try await withMoneyViews { t in
            let books = try await CashFlowTests.cashFlowBooks(t)
            let lyra = try await t.mvArtist("Lyra", on: books.sunset, order: 2)
            let artists = try await t.a.get(Self.march + "&groupBy=artist")
            let groups = artists.json["groups"]?.arrayValue ?? []
            #expect(groups.map { $0["key"]?.stringValue } == [lyra.uuidString.lowercased(), books.vega.uuidString.lowercased(), nil], "\(artists.text)")
            #expect(groups.map { $0["label"]?.stringValue ?? "" } == ["Lyra", "Vega", "No artist billed"])
            #expect(groups[0]["figures"]?["netMinor"] == 100_857)
            #expect(groups[1]["figures"]?["netMinor"] == 100_857)
            #expect(groups[2]["figures"]?["netMinor"] == 13_000)
            #expect(artists.json["totals"]?["netMinor"] == 113_857)

            let months = try await t.a.get(Self.march + "&groupBy=month")
            #expect(months.json["groups"]?.arrayValue?.count == 1)
            #expect(months.json["groups"]?[0]?["key"] == "2025-03")
            #expect(months.json["groups"]?[0]?["figures"]?["eventCount"] == 2)
            #expect(months.json["groups"]?[0]?["figures"]?["netMinor"] == 113_857)

            // Each line in its own currency's group (amounts still in EUR). EUR: income 100,000 + 20,000, received
            // 60,000 + 5,000, actual 32,000, estimate 7,000 → net 81,000. GBP: 47,619; 50,000; 4,762; 10,000 → 32,857.
            let currencies = try await t.a.get(Self.march + "&groupBy=currency")
            let byCurrency = currencies.json["groups"]?.arrayValue ?? []
            #expect(byCurrency.map { $0["key"]?.stringValue } == ["EUR", "GBP"])
            #expect(byCurrency[0]["figures"]?["netMinor"] == 81_000)
            #expect(byCurrency[0]["figures"]?["marginBasisPoints"] == 6_750)
            #expect(byCurrency[1]["figures"]?["netMinor"] == 32_857)
            #expect(byCurrency[1]["figures"]?["marginBasisPoints"] == 6_900)
            #expect(byCurrency[1]["figures"]?["eventCount"] == 1)
        }
    }

    @Test func anotherCompanysMoneyAndAMissingRate() async throws {
        try await withMoneyViews { t in
            _ = try await CashFlowTests.cashFlowBooks(t)
            let b = try await t.b.get(Self.march)
            #expect(b.json["totals"]?["incomeMinor"] == 999_999, "\(b.text)")
            #expect(b.json["groups"]?.arrayValue?.count == 1)
            // No income: no margin.
            let bare = try await t.mvEvent("Bare", on: "2025-03-28")
            try await t.mvEstimate(bare, 1_000, "EUR", due: "2025-03-28")
            let view = try await t.a.get(Self.march)
            let bareGroup = view.json["groups"]?.arrayValue?.first { $0["label"] == "Bare" }
            #expect(bareGroup?["figures"]?["marginBasisPoints"] == .null)
            #expect(bareGroup?["figures"]?["netMinor"] == -1_000)

            try await t.mvIncome(bare, 1_000, "CAD", expected: "2025-03-28")
            let missing = try await t.a.get(Self.march)
            #expect(missing.errorCode == "exchange_rate_missing")
            #expect(missing.json["error"]?["info"]?["missing"] == [["from": "CAD", "to": "EUR", "date": "2025-03-28"]])
        }
    }

    @Test func validationAndPermissions() async throws {
        try await withMoneyViews { t in
            #expect(try await t.a.get("/api/analytics/financials?groupBy=venue").status == .badRequest)
            #expect(try await t.a.get("/api/analytics/financials?from=2010-01-01&to=2025-01-01").errorFields == ["to"])
            #expect(try await t.a.get("/api/analytics/financials?from=2025-02-01&to=2025-01-01").errorFields == ["to"])
            #expect(try await t.a.get("/api/analytics/financials?currency=QQQ").errorFields == ["currency"])
            let defaults = try await t.a.get("/api/analytics/financials")
            #expect(defaults.status == .ok)
            #expect(defaults.json["from"]?.stringValue?.hasSuffix("-01-01") == true)
            #expect(defaults.json["to"]?.stringValue?.hasSuffix("-12-31") == true)
            #expect(try await t.a(permissions: [BasePermission.incomeRead]).get("/api/analytics/financials").status == .forbidden)
            #expect(try await t.a(permissions: [BasePermission.eventsRead]).get("/api/analytics/financials").status == .forbidden)
        }
    }
}

import Base
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumTesting
import Testing

/// Issue 10: "Cash flow … read models computed from the stored lines (by period, event, artist, currency), one SQL
/// query per view, with filters and periods", every amount converted at its own day's stored rate.
///
/// The books of `cashFlowBooks` (company A, reporting in EUR; ECB EUR→GBP 0.80 on 3 and 17 March 2025, 0.84 on
/// 1 April, so GBP→EUR is 1.25 in March and 1/0.84 in April):
/// - Sunset Night (confirmed, 20 March, artist Vega): income 100,000 EUR expected 15 March, 60,000 paid 5 March;
///   income 40,000 GBP expected 2 April (→ 47,619.05 → 47,619 EUR), paid in full 6 March (→ 50,000 EUR);
///   estimates 30,000 EUR due 18 March and 8,000 GBP due 19 March (→ 10,000 EUR); actuals: 32,000 EUR approved
///   21 March, 5,000 EUR pending (not a cost), 4,000 GBP approved 3 April (→ 4,761.90 → 4,762 EUR).
/// - Rain Check (cancelled, 25 March): income 20,000 EUR expected 10 March (no longer expected), 5,000 paid 11 March
///   (it moved); estimate 7,000 EUR due 12 March (no longer expected).
/// - Company B: 999,999 EUR on the same days, never counted for A.
///
/// March: in expected 100,000, actual 60,000 + 50,000 + 5,000 = 115,000; out expected 30,000 + 10,000 = 40,000,
/// actual 32,000. April: in expected 47,619, actual 0; out expected 0, actual 4,762.
@Suite("Base cash flow")
struct CashFlowTests {
    struct Books {
        var sunset: UUID
        var rain: UUID
        var vega: UUID
    }

    static func cashFlowBooks(_ t: TwoCompanies<BaseService>) async throws -> Books {
        try await t.mvEcbRate("GBP", "0.8000", on: "2025-03-03")
        try await t.mvEcbRate("GBP", "0.8000", on: "2025-03-17")
        try await t.mvEcbRate("GBP", "0.8400", on: "2025-04-01")
        let sunset = try await t.mvEvent("Sunset Night", on: "2025-03-20")
        let vega = try await t.mvArtist("Vega", on: sunset)
        try await t.mvIncome(sunset, 100_000, "EUR", expected: "2025-03-15", paid: 60_000, paidOn: "2025-03-05")
        try await t.mvIncome(sunset, 40_000, "GBP", expected: "2025-04-02", paid: 40_000, paidOn: "2025-03-06")
        let stage = try await t.mvEstimate(sunset, 30_000, "EUR", due: "2025-03-18")
        try await t.mvEstimate(sunset, 8_000, "GBP", due: "2025-03-19")
        try await t.mvActual(sunset, 32_000, "EUR", incurred: "2025-03-21", estimate: stage)
        try await t.mvActual(sunset, 5_000, "EUR", incurred: "2025-03-22", status: "pending")
        try await t.mvActual(sunset, 4_000, "GBP", incurred: "2025-04-03")
        let rain = try await t.mvEvent("Rain Check", on: "2025-03-25", status: "cancelled")
        try await t.mvIncome(rain, 20_000, "EUR", expected: "2025-03-10", paid: 5_000, paidOn: "2025-03-11")
        try await t.mvEstimate(rain, 7_000, "EUR", due: "2025-03-12")
        let other = try await t.mvEvent("Elsewhere", on: "2025-03-20", company: t.companyB)
        try await t.mvIncome(other, 999_999, "EUR", expected: "2025-03-15", paid: 999_999, paidOn: "2025-03-05", company: t.companyB)
        try await t.mvActual(other, 999_999, "EUR", incurred: "2025-03-21", company: t.companyB)
        return Books(sunset: sunset, rain: rain, vega: vega)
    }

    @Test func monthlyBucketsMatchTheHandComputedFigures() async throws {
        try await withMoneyViews { t in
            _ = try await Self.cashFlowBooks(t)
            let flow = try await t.a.get("/api/cash-flow?from=2025-03-01&to=2025-04-30&period=month&currency=EUR")
            #expect(flow.status == .ok, "\(flow.text)")
            #expect(flow.json["currency"] == "EUR")
            let march = flow.json["buckets"]?[0]
            #expect(march?["start"] == "2025-03-01")
            #expect(march?["end"] == "2025-03-31")
            #expect(march?["inflow"] == ["expectedMinor": 100_000, "actualMinor": 115_000])
            #expect(march?["outflow"] == ["expectedMinor": 40_000, "actualMinor": 32_000])
            #expect(march?["net"] == ["expectedMinor": 60_000, "actualMinor": 83_000])
            #expect(march?["balance"] == ["expectedMinor": 60_000, "actualMinor": 83_000])
            let april = flow.json["buckets"]?[1]
            #expect(april?["inflow"] == ["expectedMinor": 47_619, "actualMinor": 0])
            #expect(april?["outflow"] == ["expectedMinor": 0, "actualMinor": 4_762])
            #expect(april?["balance"] == ["expectedMinor": 107_619, "actualMinor": 78_238])
            #expect(flow.json["buckets"]?.arrayValue?.count == 2)
            #expect(flow.json["totals"] == [
                "inflow": ["expectedMinor": 147_619, "actualMinor": 115_000],
                "outflow": ["expectedMinor": 40_000, "actualMinor": 36_762],
                "net": ["expectedMinor": 107_619, "actualMinor": 78_238],
            ])
            // Every GBP line names its rate: 6 and 19 March at 1.25 (of the 3rd and 17th), 2 and 3 April at 1/0.84.
            let rates = flow.json["ratesUsed"]?.arrayValue ?? []
            #expect(rates.map { $0["day"]?.stringValue ?? "" } == ["2025-03-06", "2025-03-19", "2025-04-02", "2025-04-03"])
            #expect(rates[0]["rate"] == "1.25")
            #expect(rates[0]["rateDate"] == "2025-03-03")
            #expect(rates[1]["rateDate"] == "2025-03-17")
            #expect(rates[2]["rate"]?.stringValue?.hasPrefix("1.1904761904") == true)
            // Reporting in GBP: EUR lines × 0.80; the GBP income line is itself. Expected in = 80,000 + 40,000.
            let gbp = try await t.a.get("/api/cash-flow?from=2025-03-01&to=2025-04-30&currency=gbp")
            #expect(gbp.json["totals"]?["inflow"]?["expectedMinor"] == 120_000, "\(gbp.text)")
            // No currency: the company's most used event currency.
            #expect(try await t.a.get("/api/cash-flow?from=2025-03-01&to=2025-04-30").json["currency"] == "EUR")
        }
    }

    /// Weeks start on Monday and are clipped to the window; days are days.
    @Test func weeklyAndDailyBuckets() async throws {
        try await withMoneyViews { t in
            _ = try await Self.cashFlowBooks(t)
            let weeks = try await t.a.get("/api/cash-flow?from=2025-03-01&to=2025-03-16&period=week")
            let buckets = weeks.json["buckets"]?.arrayValue ?? []
            #expect(buckets.map { $0["start"]?.stringValue ?? "" } == ["2025-03-01", "2025-03-03", "2025-03-10"], "\(weeks.text)")
            #expect(buckets.map { $0["end"]?.stringValue ?? "" } == ["2025-03-02", "2025-03-09", "2025-03-16"])
            #expect(buckets[1]["inflow"]?["actualMinor"] == 110_000)
            #expect(buckets[2]["inflow"]?["actualMinor"] == 5_000)
            // Sunset's 100,000 is expected on the 15th; Rain Check's on the 10th is not (cancelled).
            #expect(buckets[2]["inflow"]?["expectedMinor"] == 100_000)
            let days = try await t.a.get("/api/cash-flow?from=2025-03-05&to=2025-03-06&period=day")
            #expect(days.json["buckets"]?[0]?["inflow"]?["actualMinor"] == 60_000)
            #expect(days.json["buckets"]?[1]?["inflow"]?["actualMinor"] == 50_000)
            #expect(days.json["buckets"]?[1]?["balance"]?["actualMinor"] == 110_000)
        }
    }

    @Test func eventAndArtistFiltersAndAnotherCompanysIds() async throws {
        try await withMoneyViews { t in
            let books = try await Self.cashFlowBooks(t)
            let rain = try await t.a.get("/api/cash-flow?from=2025-03-01&to=2025-03-31&eventId=\(books.rain)")
            #expect(rain.json["totals"]?["inflow"] == ["expectedMinor": 0, "actualMinor": 5_000], "\(rain.text)")
            #expect(rain.json["eventId"]?.uuid == books.rain)
            let vega = try await t.a.get("/api/cash-flow?from=2025-03-01&to=2025-03-31&artistId=\(books.vega)")
            #expect(vega.json["totals"]?["inflow"]?["actualMinor"] == 110_000)
            // B sees none of A's money, even naming A's event.
            let b = try await t.b.get("/api/cash-flow?from=2025-03-01&to=2025-03-31&eventId=\(books.sunset)")
            #expect(b.json["totals"]?["inflow"] == ["expectedMinor": 0, "actualMinor": 0])
            #expect(try await t.b.get("/api/cash-flow?from=2025-03-01&to=2025-03-31").json["totals"]?["inflow"]?["actualMinor"] == 999_999)
        }
    }

    @Test func aLineWithoutARateIsA422() async throws {
        try await withMoneyViews { t in
            let books = try await Self.cashFlowBooks(t)
            try await t.mvIncome(books.sunset, 1_000, "USD", expected: "2025-03-20")
            let flow = try await t.a.get("/api/cash-flow?from=2025-03-01&to=2025-04-30&currency=EUR")
            #expect(flow.status == .unprocessableContent)
            #expect(flow.errorCode == "exchange_rate_missing")
            #expect(flow.json["error"]?["info"]?["missing"] == [["from": "USD", "to": "EUR", "date": "2025-03-20"]])
            // Outside the window the line is not converted at all.
            #expect(try await t.a.get("/api/cash-flow?from=2025-04-01&to=2025-04-30&currency=EUR").status == .ok)
        }
    }

    @Test func validationAndPermissions() async throws {
        try await withMoneyViews { t in
            #expect(try await t.a.get("/api/cash-flow?from=2025-04-01&to=2025-03-01").errorFields == ["to"])
            let tooMany = try await t.a.get("/api/cash-flow?from=2024-01-01&to=2025-12-31&period=day")
            #expect(tooMany.status == .unprocessableContent)
            #expect(tooMany.json["error"]?["details"]?[0]?["code"] == "too_many_buckets")
            #expect(try await t.a.get("/api/cash-flow?period=year").status == .badRequest)
            #expect(try await t.a.get("/api/cash-flow?currency=EU").status == .badRequest)
            #expect(try await t.a.get("/api/cash-flow?from=2025-02-30").status == .badRequest)
            #expect(try await t.a.get("/api/cash-flow?eventId=").status == .badRequest)
            #expect(try await t.a.get("/api/cash-flow?currency=XYZ").errorFields == ["currency"])
            // Defaults: this month and the five after it.
            let defaults = try await t.a.get("/api/cash-flow")
            #expect(defaults.status == .ok, "\(defaults.text)")
            #expect(defaults.json["buckets"]?.arrayValue?.count == 6)
            #expect(defaults.json["from"]?.stringValue?.hasSuffix("-01") == true)

            #expect(try await t.a(permissions: [BasePermission.incomeRead]).get("/api/cash-flow").status == .forbidden)
            #expect(try await t.a(permissions: [BasePermission.expensesRead]).get("/api/cash-flow").status == .forbidden)
            #expect(try await t.a(permissions: [BasePermission.incomeRead, BasePermission.expensesRead]).get("/api/cash-flow").status == .ok)
        }
    }
}

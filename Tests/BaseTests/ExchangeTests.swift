import Base
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumTesting
import Testing

/// Issue 10: "Exchange rates are stored, dated records (a rates table loaded by an importer from a file such as the
/// ECB daily reference CSV/XML, plus manual rates per company); conversion uses the rate of the transaction date
/// and says which rate it used; no network call at request time, and a missing rate is a clear 422, never a
/// silent 1.0." ECB rates below: Friday 2025-01-10, EUR→USD 1.0300, EUR→GBP 0.8500, EUR→JPY 160.00.
@Suite("Base exchange rates and conversion")
struct ExchangeTests {
    func ecbFriday(_ t: TwoCompanies<BaseService>) async throws {
        try await t.mvEcbRate("USD", "1.0300", on: "2025-01-10")
        try await t.mvEcbRate("GBP", "0.8500", on: "2025-01-10")
        try await t.mvEcbRate("JPY", "160.00", on: "2025-01-10")
    }

    @Test func convertsAtTheEcbRateOfTheDayAndSaysWhichRate() async throws {
        try await withMoneyViews { t in
            try await ecbFriday(t)
            // 100.00 EUR × 0.85 = 85.00 GBP.
            let gbp = try await t.a.get("/api/exchange/convert?amountMinor=10000&from=EUR&to=GBP&date=2025-01-10")
            #expect(gbp.status == .ok, "\(gbp.text)")
            #expect(gbp.json == ["amountMinor": 10000, "from": "EUR", "to": "GBP", "convertedMinor": 8500, "rate": "0.85",
                                 "rateDate": "2025-01-10", "source": "ecb"])
            // Minor units differ: 100.00 EUR × 160 = 16,000 JPY (no decimals).
            let jpy = try await t.a.get("/api/exchange/convert?amountMinor=10000&from=eur&to=jpy&date=2025-01-10")
            #expect(jpy.json["convertedMinor"] == 16000)
            // Back to EUR: 85.00 GBP / 0.85 = 100.00 EUR.
            #expect(try await t.a.get("/api/exchange/convert?amountMinor=8500&from=GBP&to=EUR&date=2025-01-10").json["convertedMinor"] == 10000)
            // Same currency: the identity, dated the day asked.
            let same = try await t.a.get("/api/exchange/convert?amountMinor=777&from=GBP&to=GBP&date=2025-01-10")
            #expect(same.json["convertedMinor"] == 777)
            #expect(same.json["source"] == "identity")
        }
    }

    /// Neither side EUR: the ECB pair crosses through EUR on one publication day. 1.03 / 0.85 = 1.2117647058823529…;
    /// 100.00 GBP → 121.176… USD, rounded half away from zero to 12,118 cents.
    @Test func anEcbCrossRateGoesThroughEur() async throws {
        try await withMoneyViews { t in
            try await ecbFriday(t)
            let cross = try await t.a.get("/api/exchange/convert?amountMinor=10000&from=GBP&to=USD&date=2025-01-10")
            #expect(cross.json["convertedMinor"] == 12118, "\(cross.text)")
            #expect(cross.json["rate"]?.stringValue?.hasPrefix("1.21176470588") == true)
            #expect(cross.json["source"] == "ecb")
        }
    }

    /// The ECB publishes on working days: Sunday's rate is Friday's, and the answer says so.
    @Test func aWeekendDayUsesTheLastPublishedRate() async throws {
        try await withMoneyViews { t in
            try await ecbFriday(t)
            let sunday = try await t.a.get("/api/exchange/convert?amountMinor=10000&from=EUR&to=USD&date=2025-01-12")
            #expect(sunday.json["convertedMinor"] == 10300)
            #expect(sunday.json["rateDate"] == "2025-01-10")
        }
    }

    /// A company's manual rate (either direction) wins over the ECB's for that company only. GBP→EUR 1.2 on the 9th:
    /// EUR→GBP on the 10th is 1 / 1.2, so 100.00 EUR → 83.33 GBP (the ECB would say 85.00).
    @Test func aManualRateWinsForItsCompany() async throws {
        try await withMoneyViews { t in
            try await ecbFriday(t)
            let created = try await t.a.post("/api/exchange/rates", ["base": "GBP", "quote": "EUR", "rate": "1.2", "date": "2025-01-09"])
            #expect(created.status == .created, "\(created.text)")
            #expect(created.json["rate"] == "1.2")
            #expect(created.json["source"] == "manual")
            let mine = try await t.a.get("/api/exchange/convert?amountMinor=10000&from=EUR&to=GBP&date=2025-01-10")
            #expect(mine.json["convertedMinor"] == 8333, "\(mine.text)")
            #expect(mine.json["source"] == "manual")
            #expect(mine.json["rateDate"] == "2025-01-09")
            // Company B has no manual rate: the ECB's.
            #expect(try await t.b.get("/api/exchange/convert?amountMinor=10000&from=EUR&to=GBP&date=2025-01-10").json["convertedMinor"] == 8500)

            // One rate per pair and day, in either direction.
            let reverse = try await t.a.post("/api/exchange/rates", ["base": "EUR", "quote": "GBP", "rate": "0.83", "date": "2025-01-09"])
            #expect(reverse.status == .conflict)
            #expect(reverse.errorCode == "rate_exists")

            // The list shows it to A only; B cannot delete it; A can, and the ECB's rate is back.
            let id = try #require(created.json["id"]?.uuid)
            #expect(try await t.a.get("/api/exchange/rates?source=manual").json["total"] == 1)
            #expect(try await t.b.get("/api/exchange/rates?source=manual").json["total"] == 0)
            #expect(try await t.b.delete("/api/exchange/rates/\(id)").status == .notFound)
            #expect(try await t.a.delete("/api/exchange/rates/\(id)").status == .noContent)
            #expect(try await t.a.get("/api/exchange/convert?amountMinor=10000&from=EUR&to=GBP&date=2025-01-10").json["source"] == "ecb")
        }
    }

    @Test func aMissingRateIsA422NamingThePairAndDayNeverOne() async throws {
        try await withMoneyViews { t in
            try await ecbFriday(t)
            // 20 days after the last publication: outside the 14-day lookback.
            let late = try await t.a.get("/api/exchange/convert?amountMinor=10000&from=EUR&to=GBP&date=2025-01-30")
            #expect(late.status == .unprocessableContent)
            #expect(late.errorCode == "exchange_rate_missing")
            #expect(late.json["error"]?["info"]?["missing"] == [["from": "EUR", "to": "GBP", "date": "2025-01-30"]])
            let unquoted = try await t.a.get("/api/exchange/convert?amountMinor=1&from=EUR&to=CHF&date=2025-01-10")
            #expect(unquoted.errorCode == "exchange_rate_missing")
            #expect(unquoted.errorFields == ["to"])
        }
    }

    @Test func validationOfConversionsAndManualRates() async throws {
        try await withMoneyViews { t in
            #expect(try await t.a.get("/api/exchange/convert?from=EUR&to=GBP").status == .badRequest)
            #expect(try await t.a.get("/api/exchange/convert?amountMinor=1.5&from=EUR&to=GBP").status == .badRequest)
            #expect(try await t.a.get("/api/exchange/convert?amountMinor=1&from=EU&to=GBP").status == .badRequest)
            #expect(try await t.a.get("/api/exchange/convert?amountMinor=1&from=EUR&to=GBP&date=2025-02-30").status == .badRequest)
            let unknown = try await t.a.get("/api/exchange/convert?amountMinor=1&from=XYZ&to=GBP")
            #expect(unknown.status == .unprocessableContent)
            #expect(unknown.errorFields == ["from"])

            let bad = try await t.a.post("/api/exchange/rates", ["base": "GBP", "quote": "GBP", "rate": "0", "date": "2025-02-30"])
            #expect(bad.status == .unprocessableContent)
            #expect(Set(bad.errorFields) == ["quote", "rate", "date"])
            let precise = try await t.a.post("/api/exchange/rates", ["base": "GBP", "quote": "EUR", "rate": "1.12345678901", "date": "2025-01-09"])
            #expect(precise.errorFields == ["rate"])
            #expect(try await t.a.post("/api/exchange/rates", ["base": "GBP", "quote": "EUR", "rate": 1.2, "date": "2025-01-09"]).status == .badRequest)
            let missing = try await t.a.post("/api/exchange/rates", ["base": "GBP"])
            #expect(Set(missing.errorFields) == ["quote", "rate", "date"])
            let both = try await t.a.get("/api/exchange/rates?date=2025-01-10&from=2025-01-01")
            #expect(both.status == .unprocessableContent)
            #expect(try await t.a.get("/api/exchange/rates?from=2025-02-01&to=2025-01-01").errorFields == ["to"])
            #expect(try await t.a.get("/api/exchange/rates?source=bank").status == .badRequest)
        }
    }

    /// The largest rate and amount the bounds allow overflow 64-bit minor units: 422, never a 500 or a wrapped number.
    /// 10^15 JPY (no decimals) × 99,999,999.99 BHD (three decimals) ≈ 10^26 fils.
    @Test func aConversionBeyond64BitsIsA422() async throws {
        try await withMoneyViews { t in
            let rate = try await t.a.post("/api/exchange/rates", ["base": "JPY", "quote": "BHD", "rate": "99999999.99", "date": "2025-01-10"])
            #expect(rate.status == .created, "\(rate.text)")
            let huge = try await t.a.get("/api/exchange/convert?amountMinor=1000000000000000&from=JPY&to=BHD&date=2025-01-10")
            #expect(huge.status == .unprocessableContent)
            #expect(huge.errorCode == "amount_out_of_range")
            let event = try await t.mvEvent("Gulf", on: "2025-01-10", currency: "BHD")
            try await t.mvIncome(event, 1_000_000_000_000_000, "JPY", expected: "2025-01-10")
            let flow = try await t.a.get("/api/cash-flow?from=2025-01-01&to=2025-01-31&currency=BHD")
            #expect(flow.errorCode == "amount_out_of_range", "\(flow.text)")
            let analytics = try await t.a.get("/api/analytics/financials?from=2025-01-01&to=2025-01-31&currency=BHD")
            #expect(analytics.errorCode == "amount_out_of_range")
            // A small amount converts: 1 JPY → 99,999,999.99 × 1000 fils, rounded: 99,999,999,990.
            #expect(try await t.a.get("/api/exchange/convert?amountMinor=1&from=JPY&to=BHD&date=2025-01-10").json["convertedMinor"] == 99_999_999_990)
        }
    }

    /// Rates are reference data: any member reads them; writing the company's own needs basic.companies.write.
    @Test func permissionsAndEcbRowsCannotBeDeleted() async throws {
        try await withMoneyViews { t in
            try await ecbFriday(t)
            let nobody = t.a(permissions: [])
            #expect(try await nobody.get("/api/exchange/rates").status == .ok)
            #expect(try await nobody.get("/api/exchange/convert?amountMinor=1&from=EUR&to=USD&date=2025-01-10").status == .ok)
            let reader = t.a(permissions: [BasePermission.companiesRead])
            #expect(try await reader.post("/api/exchange/rates", ["base": "GBP", "quote": "EUR", "rate": "1.2", "date": "2025-01-09"]).status == .forbidden)
            let ecb = try await t.a.get("/api/exchange/rates?source=ecb&date=2025-01-12")
            #expect(ecb.json["total"] == 3, "\(ecb.text)")
            let ecbID = try #require(ecb.json["items"]?[0]?["id"]?.uuid)
            #expect(try await reader.delete("/api/exchange/rates/\(ecbID)").status == .forbidden)
            #expect(try await t.a.delete("/api/exchange/rates/\(ecbID)").status == .notFound)
            #expect(try await t.a.delete("/api/exchange/rates/not-an-id").status == .notFound)
        }
    }

    /// `date` lists the rates in force that day: per pair the newest within 14 days, not every row.
    @Test func ratesInForceOnADay() async throws {
        try await withMoneyViews { t in
            try await ecbFriday(t)
            try await t.mvEcbRate("USD", "1.0200", on: "2025-01-09")
            let onSunday = try await t.a.get("/api/exchange/rates?date=2025-01-12&base=eur&quote=usd")
            #expect(onSunday.json["total"] == 1)
            #expect(onSunday.json["items"]?[0]?["rate"] == "1.03")
            #expect(onSunday.json["items"]?[0]?["date"] == "2025-01-10")
            let range = try await t.a.get("/api/exchange/rates?from=2025-01-01&to=2025-01-31&quote=USD")
            #expect(range.json["total"] == 2)
            #expect(range.json["items"]?[0]?["date"] == "2025-01-10")
            #expect(try await t.a.get("/api/exchange/rates?date=2025-02-28").json["total"] == 0)
        }
    }
}

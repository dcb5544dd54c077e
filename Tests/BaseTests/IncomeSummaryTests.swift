import Base
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumTesting
import PostgresNIO
import Testing

/// Issue 10: "conversion uses the rate of the transaction date and says which rate it used; … a missing rate is a
/// clear 422, never a silent 1.0"; "each event has a reporting currency". Every figure below is worked by hand.
@Suite("Base event income summary")
struct IncomeSummaryTests {
    @Test func convertsEachLineAtTheRateOfItsDayAndAddsUpByCategoryAndCurrency() async throws {
        try await withIncome { t in
            let api = t.a
            let event = try await t.insertOpsEvent("Summary", on: "2027-05-01", currency: "EUR")
            // ECB reference rates (EUR base). 2027-05-01 is a Saturday: lines due that day take Friday's rates.
            try await t.insertECBRate("GBP", "0.8500", on: "2027-04-30")
            try await t.insertECBRate("USD", "1.1000", on: "2027-04-30")
            try await t.insertECBRate("GBP", "0.8000", on: "2027-04-20")
            let tickets = try await api.makeIncome(event: event, category: "ticketing", amount: 120_000, currency: "EUR", on: "2027-05-01")
            let sponsorLate = try await api.makeIncome(event: event, category: "sponsorship", amount: 100_000, currency: "GBP", on: "2027-05-01")
            let sponsorEarly = try await api.makeIncome(event: event, category: "sponsorship", amount: 50_000, currency: "GBP", on: "2027-04-20")
            let merch = try await api.makeIncome(event: event, category: "merchandise", amount: 33_333, currency: "USD", on: "2027-05-01")
            try await api.pay(tickets, 50_000)
            try await api.pay(merch, 11_111)

            let summary = try await api.get("/api/event-income/event/\(event)/summary")
            #expect(summary.status == .ok)
            #expect(summary.json["reportingCurrency"] == "EUR")
            let lines = summary.json["lines"]?.arrayValue ?? []
            #expect(lines.map { $0["incomeId"]?.uuid } == [merch, sponsorEarly, sponsorLate, tickets])
            // merchandise: 333.33 USD / 1.1 = 303.027… → 303.03 EUR; paid 111.11 / 1.1 = 101.009… → 101.01; outstanding 202.02.
            #expect(lines[0]["converted"]?["amountMinor"] == 30_303)
            #expect(lines[0]["converted"]?["paidMinor"] == 10_101)
            #expect(lines[0]["converted"]?["outstandingMinor"] == 20_202)
            #expect(lines[0]["converted"]?["source"] == "ecb")
            #expect(lines[0]["converted"]?["rateDate"] == "2027-04-30")
            #expect(lines[0]["converted"]?["rate"]?.stringValue?.hasPrefix("0.90909090") == true)
            // sponsorship, due 2027-04-20: 500.00 GBP / 0.8 = 625.00 EUR at exactly 1.25.
            #expect(lines[1]["converted"]?["amountMinor"] == 62_500)
            #expect(lines[1]["converted"]?["rate"] == "1.25")
            #expect(lines[1]["converted"]?["rateDate"] == "2027-04-20")
            // sponsorship, due 2027-05-01: 1,000.00 GBP / 0.85 = 1,176.470… → 1,176.47 EUR.
            #expect(lines[2]["converted"]?["amountMinor"] == 117_647)
            #expect(lines[2]["converted"]?["rate"]?.stringValue?.hasPrefix("1.17647058") == true)
            // ticketing in EUR: the identity, dated the line's own day.
            #expect(lines[3]["converted"]?["amountMinor"] == 120_000)
            #expect(lines[3]["converted"]?["paidMinor"] == 50_000)
            #expect(lines[3]["converted"]?["rate"] == "1")
            #expect(lines[3]["converted"]?["source"] == "identity")
            #expect(lines[3]["converted"]?["rateDate"] == "2027-05-01")

            let groups = summary.json["groups"]?.arrayValue ?? []
            #expect(groups.map { $0["category"] } == ["merchandise", "sponsorship", "ticketing"])
            let sponsorship = groups[1]
            #expect(sponsorship["currency"] == "GBP")
            #expect(sponsorship["lines"] == 2)
            #expect(sponsorship["amountMinor"] == 150_000)
            #expect(sponsorship["outstandingMinor"] == 150_000)
            #expect(sponsorship["converted"]?["amountMinor"] == 180_147)
            #expect(sponsorship["converted"]?["rates"]?.arrayValue?.map { $0["rateDate"] } == ["2027-04-20", "2027-04-30"])
            #expect(groups[2]["paidMinor"] == 50_000)
            #expect(groups[2]["converted"]?["outstandingMinor"] == 70_000)

            // 1,200.00 + 1,176.47 + 625.00 + 303.03 = 3,304.50 EUR; paid 500.00 + 101.01 = 601.01; outstanding 2,703.49.
            let totals = summary.json["totals"]
            #expect(totals?["currency"] == "EUR")
            #expect(totals?["amountMinor"] == 330_450)
            #expect(totals?["paidMinor"] == 60_101)
            #expect(totals?["outstandingMinor"] == 270_349)

            // The company's own rate wins over the ECB's: 1,000.00 GBP at 1.2 = 1,200.00 EUR.
            try await t.insertManualRate("GBP", "EUR", "1.2", on: "2027-05-01")
            let manual = try await api.get("/api/event-income/event/\(event)/summary")
            let late = manual.json["lines"]?.arrayValue?.first { $0["incomeId"]?.uuid == sponsorLate }
            #expect(late?["converted"]?["amountMinor"] == 120_000)
            #expect(late?["converted"]?["source"] == "manual")
            #expect(late?["converted"]?["rate"] == "1.2")
            #expect(manual.json["totals"]?["amountMinor"] == 332_803)
            // Company B's view of A's rates: B has no manual rate and no event of that id.
            #expect(try await t.b.get("/api/event-income/event/\(event)/summary").status == .notFound)
        }
    }

    @Test func aLineWithoutARateIsA422NamingThePairAndDay() async throws {
        try await withIncome { t in
            let api = t.a
            let event = try await t.insertOpsEvent("No rate", on: "2027-05-01", currency: "GBP")
            try await t.insertECBRate("GBP", "0.8500", on: "2027-04-01")
            _ = try await api.makeIncome(event: event, amount: 10_000, currency: "GBP", on: "2027-05-01")
            // A rate 30 days old is too old (14 days at most).
            _ = try await api.makeIncome(event: event, amount: 10_000, currency: "EUR", on: "2027-05-01")
            _ = try await api.makeIncome(event: event, amount: 10_000, currency: "JPY", on: "2027-05-03")
            let refused = try await api.get("/api/event-income/event/\(event)/summary")
            #expect(refused.status == .unprocessableContent)
            #expect(refused.errorCode == "exchange_rate_missing")
            let info = refused.json["error"]?["info"]
            #expect(info?["from"] == "EUR")
            #expect(info?["to"] == "GBP")
            #expect(info?["date"] == "2027-05-01")
            #expect(info?["missing"]?.arrayValue?.count == 2)
            #expect(refused.json["error"]?["message"]?.stringValue?.contains("EUR→GBP") == true)
        }
    }

    @Test func anEventWithoutIncomeSumsToZeroAndAccessIsChecked() async throws {
        try await withIncome { t in
            let event = try await t.insertOpsEvent("Quiet", on: "2027-05-01", currency: "USD")
            let empty = try await t.a.get("/api/event-income/event/\(event)/summary")
            #expect(empty.status == .ok)
            #expect(empty.json["reportingCurrency"] == "USD")
            #expect(empty.json["groups"] == [])
            #expect(empty.json["lines"] == [])
            #expect(empty.json["totals"]?["amountMinor"] == 0)
            #expect(try await t.a(permissions: [BasePermission.taxesRead]).get("/api/event-income/event/\(event)/summary").status == .forbidden)
            #expect(try await t.b.get("/api/event-income/event/\(event)/summary").status == .notFound)
            #expect(try await t.a.get("/api/event-income/event/nope/summary").status == .notFound)
        }
    }
}

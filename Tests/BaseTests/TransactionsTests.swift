import Base
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumTesting
import Testing

/// Issue 10, Transactions: the money that moved, read from the stored lines: income payments in, approved actual
/// expenses out (an actual expense exists only once approved), each converted on its own day when asked.
/// On `CashFlowTests.cashFlowBooks`, company A moved: in 60,000 EUR (5 March), 40,000 GBP (6 March), 5,000 EUR
/// (11 March, the cancelled event); out 32,000 EUR (21 March), 4,000 GBP (3 April). The pending 5,000 is no movement.
@Suite("Base transactions")
struct TransactionsTests {
    @Test func listsMovementsNewestFirstWithFiltersAndPages() async throws {
        try await withMoneyViews { t in
            let books = try await CashFlowTests.cashFlowBooks(t)
            let all = try await t.a.get("/api/transactions")
            #expect(all.status == .ok, "\(all.text)")
            #expect(all.json["total"] == 5)
            let items = all.json["items"]?.arrayValue ?? []
            #expect(items.map { $0["date"]?.stringValue ?? "" } == ["2025-04-03", "2025-03-21", "2025-03-11", "2025-03-06", "2025-03-05"])
            #expect(items.map { $0["type"]?.stringValue ?? "" } == ["out", "out", "in", "in", "in"])
            #expect(items[0]["kind"] == "expense_actual")
            #expect(items[0]["amountMinor"] == 4_000)
            #expect(items[0]["currency"] == "GBP")
            #expect(items[0]["converted"] == .null)
            #expect(items[3]["counterparty"] == "Promoter Ltd")
            #expect(items[3]["eventName"] == "Sunset Night")

            #expect(try await t.a.get("/api/transactions?type=in").json["total"] == 3)
            #expect(try await t.a.get("/api/transactions?type=out").json["total"] == 2)
            #expect(try await t.a.get("/api/transactions?eventId=\(books.rain)").json["total"] == 1)
            #expect(try await t.a.get("/api/transactions?artistId=\(books.vega)").json["total"] == 4)
            #expect(try await t.a.get("/api/transactions?currency=gbp").json["total"] == 2)
            #expect(try await t.a.get("/api/transactions?from=2025-03-06&to=2025-03-21").json["total"] == 3)
            let page = try await t.a.get("/api/transactions?limit=2&page=2")
            #expect(page.json["items"]?.arrayValue?.map { $0["date"]?.stringValue ?? "" } == ["2025-03-11", "2025-03-06"])
            #expect(page.json["total"] == 5)
            let past = try await t.a.get("/api/transactions?limit=2&page=4")
            #expect(past.json["items"] == [])
            #expect(past.json["total"] == 5)
            // B's own two movements only.
            #expect(try await t.b.get("/api/transactions").json["total"] == 2)
            #expect(try await t.b.get("/api/transactions?eventId=\(books.sunset)").json["total"] == 0)
        }
    }

    /// 40,000 GBP on 6 March at 1 / 0.80 (the ECB's of the 3rd) = 50,000 EUR.
    @Test func convertsIntoAReportingCurrencyNamingTheRate() async throws {
        try await withMoneyViews { t in
            _ = try await CashFlowTests.cashFlowBooks(t)
            let eur = try await t.a.get("/api/transactions?reportingCurrency=EUR&currency=GBP&type=in")
            #expect(eur.json["items"]?[0]?["converted"] == ["amountMinor": 50_000, "currency": "EUR", "rate": "1.25",
                                                            "rateDate": "2025-03-03", "source": "ecb"], "\(eur.text)")
            let identity = try await t.a.get("/api/transactions?reportingCurrency=EUR&currency=EUR&type=in")
            #expect(identity.json["items"]?[0]?["converted"]?["amountMinor"] == 5_000)
            #expect(identity.json["items"]?[0]?["converted"]?["source"] == "identity")
            let usd = try await t.a.get("/api/transactions?reportingCurrency=USD")
            #expect(usd.status == .unprocessableContent)
            #expect(usd.errorCode == "exchange_rate_missing")
        }
    }

    @Test func oneMovementByItsIdAndAnotherCompanysIds() async throws {
        try await withMoneyViews { t in
            try await t.mvEcbRate("GBP", "0.8000", on: "2025-03-03")
            let event = try await t.mvEvent("Harbour", on: "2025-03-20")
            let paid = try await t.mvIncome(event, 10_000, "GBP", expected: "2025-03-10", paid: 10_000, paidOn: "2025-03-04")
            let estimate = try await t.mvEstimate(event, 3_000, "EUR", due: "2025-03-15")
            let actual = try await t.mvActual(event, 2_500, "EUR", incurred: "2025-03-16", estimate: estimate)
            let pending = try await t.mvActual(event, 900, "EUR", incurred: "2025-03-17", status: "pending")
            let rejected = try await t.mvActual(event, 800, "EUR", incurred: "2025-03-17", status: "rejected")
            let payment = try #require(paid.payment)

            let one = try await t.a.get("/api/transactions/\(payment)?reportingCurrency=EUR")
            #expect(one.status == .ok, "\(one.text)")
            #expect(one.json["incomeId"]?.uuid == paid.income)
            #expect(one.json["estimateId"] == .null)
            #expect(one.json["method"] == "bank_transfer")
            #expect(one.json["converted"]?["amountMinor"] == 12_500)
            let out = try await t.a.get("/api/transactions/\(actual)")
            #expect(out.json["type"] == "out")
            #expect(out.json["estimateId"]?.uuid == estimate)
            #expect(out.json["incomeId"] == .null)
            #expect(try await t.a.get("/api/transactions/\(pending)").status == .notFound)
            #expect(try await t.a.get("/api/transactions/\(rejected)").status == .notFound)
            #expect(try await t.a.get("/api/transactions/\(UUID())").status == .notFound)
            #expect(try await t.a.get("/api/transactions/not-a-uuid").status == .notFound)
            #expect(try await t.b.get("/api/transactions/\(payment)").status == .notFound)
            #expect(try await t.b.get("/api/transactions/\(actual)").status == .notFound)
        }
    }

    @Test func validationAndPermissions() async throws {
        try await withMoneyViews { t in
            let both = try await t.a.get("/api/transactions?type=both")
            #expect(both.status == .badRequest)
            #expect(try await t.a.get("/api/transactions?limit=500").status == .badRequest)
            #expect(try await t.a.get("/api/transactions?from=2025-03-02&to=2025-03-01").errorFields == ["to"])
            #expect(try await t.a.get("/api/transactions?reportingCurrency=XYZ").errorFields == ["reportingCurrency"])
            #expect(try await t.a.get("/api/transactions/\(UUID())?reportingCurrency=E").status == .badRequest)
            let incomeOnly = t.a(permissions: [BasePermission.incomeRead])
            #expect(try await incomeOnly.get("/api/transactions").status == .forbidden)
            #expect(try await incomeOnly.get("/api/transactions/\(UUID())").status == .forbidden)
            #expect(try await t.a(permissions: [BasePermission.expensesRead]).get("/api/transactions").status == .forbidden)
        }
    }
}

import Base
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumTesting
import Testing

/// Issue 10: "Exchange rates are stored, dated records …; conversion uses the rate of the transaction date and
/// says which rate it used; … a missing rate is a clear 422, never a silent 1.0" — and Event Expense's "Estimated
/// expense totals for an event" and "Export estimated expenses of an event".
@Suite("Base event expenses: summary and export")
struct ExpenseSummaryTests {
    /// Worked by hand. Reporting currency EUR. Rates: A's manual GBP→EUR 1.17 (2027-05-30) and 1.20 (2027-06-15);
    /// ECB EUR→USD 1.08, EUR→JPY 160 and EUR→GBP 0.85 (2027-05-31; the manual GBP rate wins); B's manual GBP→EUR 2.0
    /// (2027-05-31, never A's).
    ///   artist_fee 500,000 EUR due 06-10 → identity            500,000
    ///   venue_hire 100,000 GBP due 06-01 → 1.17 manual         117,000
    ///   sound       33,333 USD due 06-01 → 1/1.08 ecb = 30,863.89 → 30,864
    ///   sound       50,000 GBP due 06-20 → 1.20 manual          60,000
    ///   marketing   10,000 JPY due 06-01 → 1/160 ecb × 10² =     6,250
    ///   total                                                  714,114
    @Test func totalsPerCategoryAndCurrencyInTheReportingCurrencyAtDatedRates() async throws {
        try await withExpenses { t in
            let api = t.a
            let event = try await t.insertOpsEvent("Rates", on: "2027-06-10", currency: "EUR")
            try await t.insertRate("GBP", "EUR", "1.17", on: "2027-05-30")
            try await t.insertRate("GBP", "EUR", "1.20", on: "2027-06-15")
            try await t.insertRate("EUR", "USD", "1.08", on: "2027-05-31", source: "ecb")
            try await t.insertRate("EUR", "JPY", "160", on: "2027-05-31", source: "ecb")
            try await t.insertRate("EUR", "GBP", "0.85", on: "2027-05-31", source: "ecb")
            try await t.insertRate("GBP", "EUR", "2.0", on: "2027-05-31", company: t.companyB)
            let created = try await api.post("/api/event-expense/bulk", [
                expenseLine(event, "artist_fee", amount: 500_000),
                expenseLine(event, "venue_hire", amount: 100_000, currency: "GBP", due: "2027-06-01"),
                expenseLine(event, "sound", amount: 33_333, currency: "USD", due: "2027-06-01"),
                expenseLine(event, "sound", amount: 50_000, currency: "GBP", due: "2027-06-20"),
                expenseLine(event, "marketing", amount: 10_000, currency: "JPY", due: "2027-06-01"),
            ])
            #expect(created.status == .created)

            let summary = try await api.get("/api/event-expense/event/\(event)/summary")
            #expect(summary.status == .ok)
            let s = summary.json
            #expect(s["reportingCurrency"] == "EUR")
            #expect(s["type"] == "estimated")
            #expect(s["lineCount"] == 5)
            #expect(s["totalReportingAmountMinor"] == 714_114)
            let categories = s["byCategory"]?.arrayValue ?? []
            #expect(categories.map { $0["category"] } == ["artist_fee", "marketing", "sound", "venue_hire"])
            #expect(categories.map { $0["reportingAmountMinor"] } == [500_000, 6_250, 90_864, 117_000])
            #expect(categories[2]["lineCount"] == 2)
            let sound = categories[2]["byCurrency"]?.arrayValue ?? []
            #expect(sound.map { $0["currency"] } == ["GBP", "USD"])
            #expect(sound.map { $0["amountMinor"] } == [50_000, 33_333])
            #expect(sound.map { $0["reportingAmountMinor"] } == [60_000, 30_864])

            let currencies = s["byCurrency"]?.arrayValue ?? []
            #expect(currencies.map { $0["currency"] } == ["EUR", "GBP", "JPY", "USD"])
            #expect(currencies.map { $0["amountMinor"] } == [500_000, 150_000, 10_000, 33_333])
            #expect(currencies.map { $0["reportingAmountMinor"] } == [500_000, 177_000, 6_250, 30_864])
            let gbp = currencies[1]["rates"]?.arrayValue ?? []
            #expect(gbp.map { $0["dueDate"] } == ["2027-06-01", "2027-06-20"])
            #expect(gbp.map { $0["rate"] } == ["1.17", "1.2"])
            #expect(gbp.map { $0["rateDate"] } == ["2027-05-30", "2027-06-15"])
            #expect(gbp.map { $0["source"] } == ["manual", "manual"])
            #expect(currencies[0]["rates"]?[0]?["source"] == "identity")
            #expect(currencies[0]["rates"]?[0]?["rate"] == "1")
            #expect(currencies[2]["rates"]?[0]?["rate"] == "0.00625")
            #expect(currencies[2]["rates"]?[0]?["source"] == "ecb")
            #expect(currencies[3]["rates"]?[0]?["rate"]?.stringValue?.hasPrefix("0.925925925925") == true)
            #expect(currencies[3]["rates"]?[0]?["rateDate"] == "2027-05-31")

            let empty = try await t.insertOpsEvent("Empty", on: "2027-06-10", currency: "GBP")
            let none = try await api.get("/api/event-expense/event/\(empty)/summary")
            #expect(none.json["lineCount"] == 0)
            #expect(none.json["totalReportingAmountMinor"] == 0)
            #expect(none.json["byCategory"] == [])
            #expect(none.json["reportingCurrency"] == "GBP")

            #expect(try await t.b.get("/api/event-expense/event/\(event)/summary").status == .notFound)
            #expect(try await api.get("/api/event-expense/event/\(UUID())/summary").status == .notFound)
            #expect(try await t.a(permissions: [BasePermission.eventsRead]).get("/api/event-expense/event/\(event)/summary").status == .forbidden)
        }
    }

    /// No rate for the pair within 14 days before the due date: 422 naming the pair and the day, never 1.0.
    @Test func aMissingRateIsA422NamingThePairAndTheDay() async throws {
        try await withExpenses { t in
            let api = t.a
            let event = try await t.insertOpsEvent("Swiss", on: "2027-06-10", currency: "EUR")
            try await t.insertRate("CHF", "EUR", "1.05", on: "2027-05-01")
            _ = try await api.opsCreated("/api/event-expense", expenseLine(event, "sound", amount: 1_000, currency: "CHF", due: "2027-06-01"))
            _ = try await api.opsCreated("/api/event-expense", expenseLine(event, "travel", amount: 2_000, currency: "CHF", due: "2027-05-10"))
            let missing = try await api.get("/api/event-expense/event/\(event)/summary")
            #expect(missing.status == .unprocessableContent)
            #expect(missing.errorCode == "exchange_rate_missing")
            #expect(missing.json["error"]?["info"]?["from"] == "CHF")
            #expect(missing.json["error"]?["info"]?["to"] == "EUR")
            #expect(missing.json["error"]?["info"]?["date"] == "2027-06-01")
            #expect(missing.json["error"]?["info"]?["missing"]?.arrayValue?.count == 1)
            #expect(missing.json["error"]?["message"]?.stringValue?.contains("CHF→EUR") == true)
            try await t.insertRate("CHF", "EUR", "1.04", on: "2027-05-25")
            let found = try await api.get("/api/event-expense/event/\(event)/summary")
            #expect(found.json["totalReportingAmountMinor"] == 3_140)
        }
    }

    @Test func theExportIsFormulaSafeCSVWithOneRowPerLine() async throws {
        try await withExpenses { t in
            let api = t.a
            let event = try await t.insertOpsEvent("Export", on: "2027-06-10")
            _ = try await api.opsCreated("/api/event-expense", expenseLine(event, "marketing", amount: 1_500, due: "2027-06-01",
                                                                          description: "=HYPERLINK(\"http://x\")", extra: ["vendorName": "Ads, Inc."]))
            _ = try await api.opsCreated("/api/event-expense", expenseLine(event, "sound", amount: 2_500, due: "2027-06-05",
                                                                          description: "-2 speakers", extra: ["notes": "line one\nline two"]))
            let export = try await api.get("/api/event-expense/event/\(event)/export")
            #expect(export.status == .ok)
            #expect(export.headers[.contentType] == "text/csv; charset=utf-8")
            let rows = export.text.components(separatedBy: "\r\n")
            #expect(rows.first?.hasPrefix("id,event_id,event_name,type,category,description,vendor_name,amount_minor,currency,due_date") == true)
            #expect(rows.count == 4) // header, two lines, the final CRLF's empty remainder
            #expect(rows[1].contains(",estimated,marketing,\"'=HYPERLINK(\"\"http://x\"\")\",\"Ads, Inc.\",1500,EUR,2027-06-01,"))
            #expect(rows[2].contains(",sound,'-2 speakers,,2500,EUR,2027-06-05,\"line one\nline two\","))

            let empty = try await t.insertOpsEvent("Nothing", on: "2027-06-10")
            #expect(try await api.get("/api/event-expense/event/\(empty)/export").text == ExpenseCSVHeader.line)
            #expect(try await t.b.get("/api/event-expense/event/\(event)/export").status == .notFound)
            #expect(try await t.a(permissions: [BasePermission.eventsRead]).get("/api/event-expense/event/\(event)/export").status == .forbidden)
        }
    }
}

enum ExpenseCSVHeader {
    static let line = "id,event_id,event_name,type,category,description,vendor_name,amount_minor,currency,due_date,notes,attachment_count,"
        + "actual_id,actual_status,version,created_at,updated_at\r\n"
}

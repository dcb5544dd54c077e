import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumTesting
import Testing
@testable import Venue

/// `GET /api/v1/reports/revenue` and `/profitability` against the real Finance live on loopback, with figures
/// worked out by hand in the comments. Finance documents are posted straight to Finance with fixed issue dates;
/// deposits get fixed creation times in Venue's database.
@Suite("Reports: revenue and profitability")
struct ReportsFinanceTests {
    static let revenueFigures = ["depositCount", "depositsMinor", "invoicedMinor", "paidMinor"]
    static let profitFigures = ["revenueMinor", "costMinor", "netMinor"]

    @Test func revenueDayBucketsMapFinanceDaysOntoLocalDaysAcrossTheDstChange() async throws {
        try await withVenueAndFinance { clients, finance in
            let (a, b) = (clients.env.companyA, clients.env.companyB)
            // Venue: Saturday 27 March 23:30 CET; Sunday 28 March 00:30 CET (still the 27th in UTC); Sunday 23:59 CEST
            // (the last minute of the 23-hour day); Monday 00:00 CEST (= toAt, outside); a cancelled one; company B's.
            try await clients.depositAt(10_000, "EUR", "2027-03-27T22:30:00Z")
            try await clients.depositAt(20_000, "EUR", "2027-03-27T23:30:00Z")
            try await clients.depositAt(5_000, "USD", "2027-03-28T21:59:00Z")
            try await clients.depositAt(7_000, "EUR", "2027-03-28T22:00:00Z")
            let cancelled = try await clients.depositAt(99_000, "EUR", "2027-03-27T12:00:00Z")
            #expect(try await clients.a.patch("/api/v1/deposits/\(cancelled)", ["status": "cancelled"]).status == .ok)
            try await clients.depositAt(88_000, "EUR", "2027-03-27T12:00:00Z", api: clients.b)
            // Finance income (all sources): Saturday EUR 1000.00 (400.00 paid); Sunday EUR 500.00 and USD 300.00 (paid);
            // Monday (outside), a draft (not money), company B's.
            try await finance.issued("income", a, 100_000, "EUR", on: "2027-03-27", paid: 40_000)
            try await finance.issued("income", a, 50_000, "EUR", on: "2027-03-28")
            try await finance.issued("income", a, 30_000, "USD", on: "2027-03-28", paid: 30_000)
            try await finance.issued("income", a, 1_000, "EUR", on: "2027-03-29")
            try await finance.issued("income", a, 2_000, "EUR", on: "2027-03-28", status: "draft")
            try await finance.issued("income", b, 777, "EUR", on: "2027-03-28")
            try await finance.issued("bills", a, 3_000, "EUR", on: "2027-03-28")

            let window = "fromAt=2027-03-27T00:00:00%2B01:00&toAt=2027-03-29T00:00:00%2B02:00&bucket=day"
            let amsterdam = try await clients.a.moneyReport("revenue", "\(window)&timezone=Europe/Amsterdam")
            #expect(amsterdam["financeLinked"] == true && amsterdam["financeMessage"] == .null)
            #expect(amsterdam["financeIssuedFrom"] == "2027-03-27" && amsterdam["financeIssuedTo"] == "2027-03-28")
            #expect(amsterdam.lines(Self.revenueFigures) == [
                "2027-03-26T23:00:00.000Z EUR 1 10000 100000 40000",
                "2027-03-27T23:00:00.000Z EUR 1 20000 50000 0",
                "2027-03-27T23:00:00.000Z USD 1 5000 30000 30000",
            ])
            #expect(amsterdam["rows"]?[1]?["bucketEnd"] == "2027-03-28T22:00:00.000Z", "the DST day is 23 hours")
            #expect(amsterdam.lines(Self.revenueFigures, of: "totals") == ["EUR 2 30000 150000 40000", "USD 1 5000 30000 30000"])

            // The same instants in UTC days: the window [26th 23:00Z, 28th 22:00Z) meets 26, 27 and 28 March, and
            // both EUR deposits were made on the 27th in UTC.
            let utc = try await clients.a.moneyReport("revenue", window)
            #expect(utc["financeIssuedFrom"] == "2027-03-26" && utc["financeIssuedTo"] == "2027-03-28")
            #expect(utc.lines(Self.revenueFigures) == [
                "2027-03-27T00:00:00.000Z EUR 2 30000 100000 40000",
                "2027-03-28T00:00:00.000Z EUR 0 0 50000 0",
                "2027-03-28T00:00:00.000Z USD 1 5000 30000 30000",
            ])

            // Profitability on the same days: income against the one bill.
            let profit = try await clients.a.moneyReport("profitability", "\(window)&timezone=Europe/Amsterdam")
            #expect(profit.lines(Self.profitFigures) == [
                "2027-03-26T23:00:00.000Z EUR 100000 0 100000",
                "2027-03-27T23:00:00.000Z EUR 50000 3000 47000",
                "2027-03-27T23:00:00.000Z USD 30000 0 30000",
            ])

            // Company B sees only its own deposit and invoice.
            let theirs = try await clients.b.moneyReport("revenue", "\(window)&timezone=Europe/Amsterdam")
            #expect(theirs.lines(Self.revenueFigures) == ["2027-03-26T23:00:00.000Z EUR 1 88000 0 0", "2027-03-27T23:00:00.000Z EUR 0 0 777 0"])
        }
    }

    @Test func weekBucketsStartOnLocalMondayAndMonthBucketsAskOnlyTheWindowsDays() async throws {
        try await withVenueAndFinance { clients, finance in
            let a = clients.env.companyA
            // Sunday 2 May 23:30 CEST and Monday 3 May 00:30 CEST: either side of the week edge (both Sunday in UTC).
            try await clients.depositAt(2_000, "EUR", "2027-05-02T21:30:00Z")
            try await clients.depositAt(1_000, "EUR", "2027-05-02T22:30:00Z")
            for (kind, amount, currency, day) in [("income", 100_000, "EUR", "2027-05-02"), ("income", 60_000, "EUR", "2027-05-03"),
                                                  ("income", 20_000, "GBP", "2027-05-16"), ("income", 5_000, "EUR", "2027-04-25"),
                                                  ("income", 9_000, "EUR", "2027-05-17"), ("bills", 30_000, "EUR", "2027-05-02"),
                                                  ("bills", 80_000, "EUR", "2027-05-04"), ("bills", 10_000, "USD", "2027-05-12")] as [(String, Int64, String, String)] {
                try await finance.issued(kind, a, amount, currency, on: day)
            }
            // Weeks from Monday 26 April to Monday 17 May, local: the window's days are 26 April … 16 May.
            let window = "fromAt=2027-04-26T00:00:00%2B02:00&toAt=2027-05-17T00:00:00%2B02:00&timezone=Europe/Amsterdam"
            let weeks = try await clients.a.moneyReport("profitability", "\(window)&bucket=week")
            #expect(weeks.lines(Self.profitFigures) == [
                "2027-04-25T22:00:00.000Z EUR 100000 30000 70000",
                "2027-05-02T22:00:00.000Z EUR 60000 80000 -20000",
                "2027-05-09T22:00:00.000Z GBP 20000 0 20000",
                "2027-05-09T22:00:00.000Z USD 0 10000 -10000",
            ])
            #expect(weeks.lines(Self.profitFigures, of: "totals") == ["EUR 160000 110000 50000", "GBP 20000 0 20000", "USD 0 10000 -10000"])
            let revenueWeeks = try await clients.a.moneyReport("revenue", "\(window)&bucket=week")
            #expect(revenueWeeks.lines(Self.revenueFigures) == [
                "2027-04-25T22:00:00.000Z EUR 1 2000 100000 0",
                "2027-05-02T22:00:00.000Z EUR 1 1000 60000 0",
                "2027-05-09T22:00:00.000Z GBP 0 0 20000 0",
            ])
            // Months: April's bucket meets the window on 26–30 April only, so 25 April's invoice is not asked for.
            let months = try await clients.a.moneyReport("profitability", "\(window)&bucket=month")
            #expect(months.lines(Self.profitFigures) == [
                "2027-04-30T22:00:00.000Z EUR 160000 110000 50000",
                "2027-04-30T22:00:00.000Z GBP 20000 0 20000",
                "2027-04-30T22:00:00.000Z USD 0 10000 -10000",
            ])
            #expect(months["rows"]?[0]?["bucketEnd"] == "2027-05-31T22:00:00.000Z")
        }
    }

    @Test func depositInvoicesAreFinanceIncomeToo() async throws {
        try await withVenueAndFinance { clients, _ in
            // A deposit made now becomes an invoice issued today: the default window (30 days to now) holds both.
            _ = try await clients.a.post("/api/v1/deposits", DepositsTests.body(50_000))
            try await clients.syncDeposits()
            let report = try await clients.a.moneyReport("revenue", "")
            #expect(report.lines(Self.revenueFigures, of: "totals") == ["EUR 1 50000 50000 0"])
        }
    }

    @Test func withoutFinanceDepositsStillCountAndProfitabilityIsEmpty() async throws {
        let down = VenueSettings(finance: CalleeSettings(baseURL: "http://127.0.0.1:1", apiKey: TestDefaults.internalKeys[0]))
        for (settings, message) in [(VenueSettings(), "Finance is not configured; the totals reflect Venue data only."),
                                    (down, "Finance could not be reached; the totals reflect Venue data only.")] {
            try await withVenueApp(settings: settings) { clients in
                try await clients.depositAt(10_000, "EUR", "2027-03-27T22:30:00Z")
                let window = "fromAt=2027-03-01T00:00:00Z&toAt=2027-04-01T00:00:00Z"
                let revenue = try await clients.a.moneyReport("revenue", window)
                #expect(revenue["financeLinked"] == false && revenue["financeMessage"] == .string(message))
                #expect(revenue.lines(Self.revenueFigures) == ["2027-03-01T00:00:00.000Z EUR 1 10000 - -"])
                #expect(revenue["rows"]?[0]?["invoicedMinor"] == .null && revenue["totals"]?[0]?["paidMinor"] == .null)
                let profit = try await clients.a.moneyReport("profitability", window)
                #expect(profit["financeLinked"] == false && profit["financeMessage"] == .string(message))
                #expect(profit["rows"] == [] && profit["totals"] == [])
            }
        }
    }

    @Test func depositFiltersReachThroughBookingAndEvent() async throws {
        try await withVenueApp { clients in
            let api = clients.a
            let (venue, hall) = try await api.makeSpace("Hall")
            let (_, club) = try await api.makeSpace("Club")
            let party = UUID(), unit = UUID()
            let booking = try requireUUID(try await api.bookAt([hall], "2027-06-01T20:00:00Z", "2027-06-01T23:00:00Z",
                                                               extra: ["marketCompanyId": .uuid(party)])["id"])
            let event = try requireUUID(try await api.post("/api/v1/events", ["placeholder": true, "placeholderPromoterName": "Off-platform",
                                                                              "spaceIds": [.uuid(club)], "businessUnitId": .uuid(unit)]).json["id"])
            try await clients.depositAt(1_000, "EUR", "2027-06-01T10:00:00Z", extra: ["bookingId": .uuid(booking)])
            try await clients.depositAt(2_000, "EUR", "2027-06-01T10:00:00Z", extra: ["eventId": .uuid(event)])
            try await clients.depositAt(4_000, "EUR", "2027-06-01T10:00:00Z")
            let window = "fromAt=2027-06-01T00:00:00Z&toAt=2027-07-01T00:00:00Z"
            for (filter, expected) in [("", 7_000), ("&venueId=\(venue)", 1_000), ("&spaceId=\(hall)", 1_000), ("&spaceId=\(club)", 2_000),
                                       ("&marketCompanyId=\(party)", 1_000), ("&businessUnitId=\(unit)", 2_000),
                                       ("&marketPersonId=\(UUID())", 0)] as [(String, Int64)] {
                let totals = try await api.moneyReport("revenue", window + filter)["totals"]?.arrayValue ?? []
                #expect((totals.first?["depositsMinor"]?.doubleValue).map { Int64($0) } ?? 0 == expected, "\(filter)")
            }
        }
    }

    @Test func theMoneyReportsShareTheQueryRulesAndPermission() async throws {
        try await withVenueApp { clients in
            for report in ["revenue", "profitability"] {
                let path = "/api/v1/reports/\(report)"
                let bad = try await clients.a.get("\(path)?bucket=year")
                #expect(bad.status == .badRequest && bad.errorCode == "invalid_query" && bad.errorFields == ["bucket"])
                let backwards = try await clients.a.get("\(path)?fromAt=2027-01-02T00:00:00Z&toAt=2027-01-01T00:00:00Z")
                #expect(backwards.status == .unprocessableContent && backwards.json["error"]?["details"]?[0]?["code"] == "not_after_from")
                let unknown = try await clients.a.get("\(path)?timezone=Mars/Olympus")
                #expect(unknown.status == .unprocessableContent && unknown.json["error"]?["details"]?[0]?["code"] == "unknown_timezone")
                let denied = try await clients.a(permissions: ["venue.deposits.read"]).get(path)
                #expect(denied.status == .forbidden && denied.errorCode == "permission_denied")
                #expect(try await clients.a(permissions: ["venue.reports.read"]).get(path).status == .ok)
                #expect(try await clients.a.with(token: nil).get(path).status == .unauthorized)
            }
        }
    }

    @Test func financeDaysSplitInHalvesAndFindTheirBucket() throws {
        #expect(HTTPFinanceLedger.halves("2027-01-01", "2027-01-04")! == ("2027-01-02", "2027-01-03"))
        #expect(HTTPFinanceLedger.halves("2027-02-28", "2027-03-01")! == ("2027-02-28", "2027-03-01"))
        #expect(HTTPFinanceLedger.halves("2027-01-01", "2027-01-01") == nil)
        let day = Date(timeIntervalSince1970: 0)
        let calendar = ReportCalendar(firstDay: "2027-04-28", lastDay: "2027-05-16", buckets: [
            .init(start: day, end: day, firstDay: "2027-04-26", lastDay: "2027-05-02"),
            .init(start: day, end: day, firstDay: "2027-05-03", lastDay: "2027-05-09"),
            .init(start: day, end: day, firstDay: "2027-05-10", lastDay: "2027-05-16"),
        ])
        #expect(["2027-04-25", "2027-04-26", "2027-05-02", "2027-05-03", "2027-05-16", "2027-05-17"].map(calendar.index(containing:))
                == [nil, 0, 0, 1, 2, nil])
    }
}

import Foundation
import Hummingbird
import KisumKernel

/// `GET /api/v1/reports/customers`: the window's bookings grouped by Market party (spec "Reports"), each party
/// shown by its most recent overlay's display name, with company-wide Finance totals at report level.
struct CustomerReport: Sendable, ResponseEncodable {
    var query: ReportQuery
    var page: PageRequest
    /// The local days Finance was asked about (as the money reports: `ReportCalendar.firstDay`/`lastDay`).
    var financeIssuedFrom: String
    var financeIssuedTo: String
    /// Nil when Finance answered.
    var financeMessage: String?
    var rows: [CustomerReportRow]
    var totals: CustomerReportTotals

    var financeLinked: Bool { financeMessage == nil }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: ReportKey.self)
        try c.encode(query.fromAt, forKey: "fromAt")
        try c.encode(query.toAt, forKey: "toAt")
        try c.encode(query.timezone, forKey: "timezone")
        try c.encode(financeLinked, forKey: "financeLinked")
        try c.encode(financeMessage, forKey: "financeMessage")
        try c.encode(financeIssuedFrom, forKey: "financeIssuedFrom")
        try c.encode(financeIssuedTo, forKey: "financeIssuedTo")
        try c.encode(rows, forKey: "rows")
        try c.encode(totals, forKey: "totals")
        try c.encode(page.page, forKey: "page")
        try c.encode(page.limit, forKey: "limit")
    }
}

/// One party's bookings in the window. A booking naming both a company and a person counts for each of them.
struct CustomerReportRow: Codable, Sendable, Equatable {
    var partyId: UUID
    var partyKind: String
    /// The display name of the party's most recent overlay; null without one (or when that overlay has none).
    var displayName: String?
    var bookingCount: Int
    /// Confirmed or completed (a booking is completed only after it was confirmed).
    var confirmedCount: Int
    var cancelledCount: Int
    /// The latest start among the party's bookings in the window.
    var lastBookingAt: Date
}

struct CustomerReportTotals: Sendable, Encodable, Equatable {
    /// Parties with a booking in the window (rows across all pages).
    var customerCount: Int
    /// Bookings in the window, each counted once however many parties it names.
    var bookingCount: Int
    var confirmedCount: Int
    var cancelledCount: Int
    /// Finance's issued income invoices per currency (company-wide, every source), null when Finance was not
    /// asked or did not answer.
    var finance: [CustomerFinanceTotal]?
}

struct CustomerFinanceTotal: Sendable, Encodable, Equatable {
    var currency: String
    var invoicedMinor: Int64
    var paidMinor: Int64

    /// Finance's bucket rows added up per currency, ordered by currency; sums saturate.
    static func sum(_ rows: [LedgerBucketTotals]) -> [CustomerFinanceTotal] {
        var byCurrency: [String: CustomerFinanceTotal] = [:]
        for row in rows {
            var total = byCurrency[row.currency] ?? CustomerFinanceTotal(currency: row.currency, invoicedMinor: 0, paidMinor: 0)
            total.invoicedMinor = total.invoicedMinor.saturatingAdding(row.totalMinor)
            total.paidMinor = total.paidMinor.saturatingAdding(row.paidMinor)
            byCurrency[row.currency] = total
        }
        return byCurrency.values.sorted { $0.currency < $1.currency }
    }
}

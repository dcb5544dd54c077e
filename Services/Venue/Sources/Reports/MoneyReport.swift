import Foundation
import Hummingbird
import KisumKernel

/// The figures of one report cell (a bucket and currency) or of a currency's totals.
protocol MoneyFigures: Sendable, Encodable {
    /// Nothing counted yet.
    static var zero: Self { get }
    mutating func add(_ other: Self)
    /// Fills in what is derived once everything is added (net, Finance zeros when Finance answered).
    mutating func finish(financeLinked: Bool)
}

/// `GET /api/v1/reports/revenue` and `/profitability`: figures per (bucket, currency) over the shared report
/// query, merged from Venue's data and Finance's, with `financeLinked` saying whether Finance answered.
struct MoneyReport<Figures: MoneyFigures>: Sendable, ResponseEncodable {
    struct Row: Sendable, Encodable {
        var bucketStart: Date
        var bucketEnd: Date
        var currency: String
        var figures: Figures

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: ReportKey.self)
            try c.encode(bucketStart, forKey: "bucketStart")
            try c.encode(bucketEnd, forKey: "bucketEnd")
            try c.encode(currency, forKey: "currency")
            try figures.encode(to: encoder)
        }
    }

    struct Total: Sendable, Encodable {
        var currency: String
        var figures: Figures

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: ReportKey.self)
            try c.encode(currency, forKey: "currency")
            try figures.encode(to: encoder)
        }
    }

    var query: ReportQuery
    var calendar: ReportCalendar
    var financeLinked: Bool
    var financeMessage: String?
    /// Ordered by bucketStart, then currency; only cells with something counted.
    var rows: [Row] = []
    /// Per currency, ordered by currency.
    var totals: [Total] = []

    /// `cells` holds the figures by (bucket index in `calendar`, currency).
    init(query: ReportQuery, calendar: ReportCalendar, financeMessage: String?, cells: [Cell: Figures]) {
        self.query = query
        self.calendar = calendar
        self.financeMessage = financeMessage
        financeLinked = financeMessage == nil
        var byCurrency: [String: Figures] = [:]
        for (cell, figures) in cells.sorted(by: { ($0.key.bucket, $0.key.currency) < ($1.key.bucket, $1.key.currency) }) {
            var finished = figures
            finished.finish(financeLinked: financeLinked)
            let bucket = calendar.buckets[cell.bucket]
            rows.append(Row(bucketStart: bucket.start, bucketEnd: bucket.end, currency: cell.currency, figures: finished))
            byCurrency[cell.currency, default: .zero].add(figures)
        }
        totals = byCurrency.sorted { $0.key < $1.key }.map { currency, figures in
            var finished = figures
            finished.finish(financeLinked: financeLinked)
            return Total(currency: currency, figures: finished)
        }
    }

    struct Cell: Hashable, Sendable {
        var bucket: Int
        var currency: String
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: ReportKey.self)
        try c.encode(query.fromAt, forKey: "fromAt")
        try c.encode(query.toAt, forKey: "toAt")
        try c.encode(query.bucket.rawValue, forKey: "bucket")
        try c.encode(query.timezone, forKey: "timezone")
        try c.encode(financeLinked, forKey: "financeLinked")
        try c.encode(financeMessage, forKey: "financeMessage")
        try c.encode(calendar.firstDay, forKey: "financeIssuedFrom")
        try c.encode(calendar.lastDay, forKey: "financeIssuedTo")
        try c.encode(rows, forKey: "rows")
        try c.encode(totals, forKey: "totals")
    }
}

/// Adds Finance's bucket rows into `cells`: each row lands in the Venue bucket holding its first day.
func addFinanceRows<Figures: MoneyFigures>(_ rows: [LedgerBucketTotals], calendar: ReportCalendar,
                                           into cells: inout [MoneyReport<Figures>.Cell: Figures],
                                           _ apply: (inout Figures, LedgerBucketTotals) -> Void) {
    for row in rows {
        guard let index = calendar.index(containing: row.bucket) else { continue }
        apply(&cells[MoneyReport<Figures>.Cell(bucket: index, currency: row.currency), default: .zero], row)
    }
}

/// Revenue in one cell: Venue's live deposits, and Finance's issued income (all sources, company-wide).
struct RevenueFigures: MoneyFigures {
    var depositCount = 0
    var depositsMinor: Int64 = 0
    /// Nil when Finance was not asked or did not answer.
    var invoicedMinor: Int64?
    var paidMinor: Int64?

    static var zero: RevenueFigures { RevenueFigures() }

    mutating func add(_ other: RevenueFigures) {
        depositCount += other.depositCount
        depositsMinor = depositsMinor.saturatingAdding(other.depositsMinor)
        invoicedMinor = invoicedMinor.saturatingAdding(other.invoicedMinor)
        paidMinor = paidMinor.saturatingAdding(other.paidMinor)
    }

    mutating func finish(financeLinked: Bool) {
        if financeLinked {
            invoicedMinor = invoicedMinor ?? 0
            paidMinor = paidMinor ?? 0
        }
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: ReportKey.self)
        try c.encode(depositCount, forKey: "depositCount")
        try c.encode(depositsMinor, forKey: "depositsMinor")
        try c.encode(invoicedMinor, forKey: "invoicedMinor")
        try c.encode(paidMinor, forKey: "paidMinor")
    }
}

/// Profitability in one cell: Finance's issued income (revenue) against its issued bills (cost).
struct ProfitFigures: MoneyFigures {
    var revenueMinor: Int64 = 0
    var costMinor: Int64 = 0
    var netMinor: Int64 = 0

    static var zero: ProfitFigures { ProfitFigures() }

    mutating func add(_ other: ProfitFigures) {
        revenueMinor = revenueMinor.saturatingAdding(other.revenueMinor)
        costMinor = costMinor.saturatingAdding(other.costMinor)
    }

    mutating func finish(financeLinked: Bool) {
        netMinor = revenueMinor.saturatingSubtracting(costMinor)
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: ReportKey.self)
        try c.encode(revenueMinor, forKey: "revenueMinor")
        try c.encode(costMinor, forKey: "costMinor")
        try c.encode(netMinor, forKey: "netMinor")
    }
}

/// JSON keys written by hand: the reports encode unknown Finance figures as explicit nulls (the contract lists
/// them as required), which synthesized Codable would omit.
struct ReportKey: CodingKey, ExpressibleByStringLiteral {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringLiteral value: String) { stringValue = value }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

import Foundation
import Hummingbird
import KisumKernel

/// `GET /api/trend`: the company's events, tickets sold and ticket gross per day, week or month (issue 14, "Trend").
/// Figures are by event date, as in the rankings (`event_ticket_figures`, 0025): a bucket holds the events dated in
/// it (cancelled ones left out) and their tickets. A metric left out of `metrics` is null.
public struct Trend: ResponseEncodable, Sendable {
    public var from: String
    public var to: String
    public var interval: String
    public var currency: String
    public var metrics: [String]
    public var buckets: [TrendBucket]
    public var totals: TrendFigures
}

public struct TrendFigures: Codable, Sendable, Equatable {
    public var events: Int?
    public var ticketsSold: Int64?
    public var grossMinor: ExactMinor?
}

public struct TrendBucket: Codable, Sendable, Equatable {
    /// First and last day of the bucket, clipped to the period (weeks start on Monday).
    public var start: String
    public var end: String
    public var events: Int?
    public var ticketsSold: Int64?
    public var grossMinor: ExactMinor?
}

enum TrendInterval: String, CaseIterable, Sendable {
    case day, week, month
}

enum TrendMetric: String, CaseIterable, Sendable {
    case events, ticketsSold, grossMinor

    static let names = allCases.map(\.rawValue)
}

struct TrendQuery: Sendable {
    var ranking: RankingQuery
    var interval: TrendInterval
    var metrics: [TrendMetric]

    static let maxBuckets = 366

    /// Defaults: the last twelve months by month, every metric. More than 366 buckets is 422 on `interval`.
    static func read(_ request: Request) throws -> TrendQuery {
        var q = QueryReader(request)
        let interval = q.oneOf("interval", TrendInterval.allCases.map(\.rawValue)).flatMap(TrendInterval.init(rawValue:)) ?? .month
        var metrics = TrendMetric.allCases
        // Read as sent: an empty `metrics=` is refused like any typed parameter, not taken for "all".
        if let text = request.uri.queryParameters.get("metrics") {
            let names = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            if text.utf8.count > 60 || !names.allSatisfy(TrendMetric.names.contains) {
                q.add("metrics", "invalid_choice", "A comma-separated list of: \(TrendMetric.names.joined(separator: ", ")).")
            } else {
                metrics = TrendMetric.allCases.filter { names.contains($0.rawValue) }
            }
        }
        let today = CalendarDate.today()
        let (window, issues) = ViewWindow.read(&q, defaultFrom: ViewDay.monthStart(today, plus: -11), defaultTo: ViewDay.monthEnd(today),
                                               maxDays: 3653)
        let currency = q.currency("currency")
        try q.validate()
        if !issues.isEmpty { throw APIError.validation(issues) }
        try ExchangeErrors.checkKnown([("currency", currency)])
        if let start = ViewDay.number(window.from), let end = ViewDay.number(window.to), buckets(interval, from: start, to: end) > maxBuckets {
            throw APIError.validation(field: "interval", code: "too_many_buckets",
                                      message: "At most \(maxBuckets) buckets: choose a longer interval or a shorter period.")
        }
        return TrendQuery(ranking: RankingQuery(window: window, currency: currency), interval: interval, metrics: metrics)
    }

    /// How many buckets the period spans (days numbered by `ViewDay`; 1970-01-05 was a Monday).
    static func buckets(_ interval: TrendInterval, from start: Int, to end: Int) -> Int {
        switch interval {
        case .day: return end - start + 1
        case .week:
            func monday(_ day: Int) -> Int { day - (((day - 4) % 7) + 7) % 7 }
            return (monday(end) - monday(start)) / 7 + 1
        case .month:
            return Int((end - start) / 28) + 2
        }
    }
}

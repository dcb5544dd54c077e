import Foundation
import Hummingbird
import KisumKernel

/// `GET /api/cash-flow`: money in and out per period, expected beside actual, in one reporting currency.
/// Expected in = income lines on their expected day; actual in = payments on their day; expected out = estimated
/// expense lines on their due day; actual out = approved actual expenses on the day incurred. Expected figures
/// leave cancelled events out (that money is no longer planned); actual ones keep them (it moved). Every line is
/// converted on its own day and rounded before it is summed.
public struct CashFlow: ResponseEncodable, Sendable, Equatable {
    public var currency: String
    public var from: String
    public var to: String
    public var period: String
    public var eventId: UUID?
    public var artistId: UUID?
    public var buckets: [CashFlowBucket]
    public var totals: CashFlowTotals
    public var ratesUsed: [MoneyViewRateUsed]
}

/// One period: `start`…`end` (inclusive, clipped to the window). `balance` is the running net from the window's
/// first day (the window opens at zero: earlier money is not carried in).
public struct CashFlowBucket: Codable, Sendable, Equatable {
    public var start: String
    public var end: String
    public var inflow: ExpectedActual
    public var outflow: ExpectedActual
    public var net: ExpectedActual
    public var balance: ExpectedActual
}

public struct CashFlowTotals: Codable, Sendable, Equatable {
    public var inflow: ExpectedActual
    public var outflow: ExpectedActual
    public var net: ExpectedActual
}

enum CashFlowPeriod: String, CaseIterable, Sendable {
    case day, week, month

    /// At most this many buckets in one answer (a year of days, seven years of weeks, thirty of months).
    static let maxBuckets = 366

    /// How many buckets `window` spans (weeks start on Monday, as ISO 8601 and PostgreSQL's `date_trunc` say).
    func buckets(_ window: ViewWindow) -> Int {
        guard let start = ViewDay.number(window.from), let end = ViewDay.number(window.to), end >= start else { return 0 }
        switch self {
        case .day:
            return end - start + 1
        case .week:
            // 1970-01-01 was a Thursday: Monday-based weekday = (n + 3) mod 7.
            let monday = start - ((start % 7 + 7 + 3) % 7)
            return (end - monday) / 7 + 1
        case .month:
            guard let a = ViewDay.yearMonth(window.from), let b = ViewDay.yearMonth(window.to) else { return 0 }
            return (b.year * 12 + b.month) - (a.year * 12 + a.month) + 1
        }
    }
}

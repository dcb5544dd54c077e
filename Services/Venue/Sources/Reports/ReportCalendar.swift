import Foundation

/// A report's buckets as the database draws them (`venue_report_buckets`, shared with utilization), each with
/// the local calendar days it covers. Finance groups issue dates (calendar days, no zone) by the same calendar
/// (weeks from Monday, months from the 1st), and a local day lies wholly inside one bucket of the zone, so a
/// Finance bucket maps exactly onto the Venue bucket holding its first day.
struct ReportCalendar: Sendable, Equatable {
    struct Bucket: Sendable, Equatable {
        var start: Date
        var end: Date
        /// `YYYY-MM-DD`, local days of the report's zone, inclusive.
        var firstDay: String
        var lastDay: String
    }

    /// The local days the window meets (`YYYY-MM-DD`, inclusive): the issue dates asked of Finance.
    var firstDay: String
    var lastDay: String
    var buckets: [Bucket]

    /// The bucket covering `day`, by binary search (buckets are ordered and contiguous; `YYYY-MM-DD` sorts as
    /// text). Nil for a day outside every bucket, which a Finance answer for the asked days never holds.
    func index(containing day: String) -> Int? {
        var low = 0, high = buckets.count
        while low < high {
            let mid = low + (high - low) / 2
            if buckets[mid].lastDay < day { low = mid + 1 } else { high = mid }
        }
        return low < buckets.count && buckets[low].firstDay <= day ? low : nil
    }
}

/// Venue's deposits in one (bucket, currency).
struct DepositBucketTotal: Sendable, Equatable {
    var bucketStart: Date
    var currency: String
    var count: Int
    var amountMinor: Int64
}

extension Int64 {
    /// Money sums never trap: every figure is bounded (10^15 per document), but a report adding many of them
    /// answers the bigint limit rather than crash.
    func saturatingAdding(_ other: Int64) -> Int64 {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? (other > 0 ? .max : .min) : sum
    }

    func saturatingSubtracting(_ other: Int64) -> Int64 {
        let (difference, overflow) = subtractingReportingOverflow(other)
        return overflow ? (other < 0 ? .max : .min) : difference
    }
}

extension Optional where Wrapped == Int64 {
    /// Sums of figures that may be unknown (Finance not asked): unknown plus unknown stays unknown.
    func saturatingAdding(_ other: Int64?) -> Int64? {
        switch (self, other) {
        case (nil, nil): return nil
        case (let value?, nil), (nil, let value?): return value
        case (let a?, let b?): return a.saturatingAdding(b)
        }
    }
}

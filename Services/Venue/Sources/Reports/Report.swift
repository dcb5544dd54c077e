import Foundation
import Hummingbird
import KisumKernel

/// `GET /api/v1/reports/utilization`: how much of each space's time was used, per bucket.
struct UtilizationReport: Codable, Sendable, ResponseEncodable {
    var fromAt: Date
    var toAt: Date
    var bucket: String
    var timezone: String
    /// Only (bucket, space) pairs with used time, ordered by bucket, space name, space id: a sparse list
    /// stays small however many spaces the company has; the totals cover every space in scope.
    var rows: [UtilizationRow]
    var totals: UtilizationTotals

    init(query: ReportQuery, measured: UtilizationFigures) {
        fromAt = query.fromAt
        toAt = query.toAt
        bucket = query.bucket.rawValue
        timezone = query.timezone
        rows = measured.rows
        // Saturating: the product of two database figures, never of request input, but a trap is never the answer.
        let (product, overflowed) = Int64(measured.spaceCount).multipliedReportingOverflow(by: measured.windowMinutes)
        let available = overflowed ? Int64.max : product
        let used = rows.reduce(Int64(0)) { $0 + $1.usedMinutes }
        totals = UtilizationTotals(
            spaces: measured.spaceCount, bookedMinutes: rows.reduce(0) { $0 + $1.bookedMinutes },
            blockedMinutes: rows.reduce(0) { $0 + $1.blockedMinutes }, usedMinutes: used, availableMinutes: available,
            utilization: Utilization.ratio(used, of: available))
    }
}

struct UtilizationRow: Codable, Sendable, Equatable {
    /// The bucket's edges in UTC (its local midnights in the report's zone), unclipped.
    var bucketStart: Date
    var bucketEnd: Date
    var spaceId: UUID
    var spaceName: String
    var venueId: UUID
    var bookedMinutes: Int64
    var blockedMinutes: Int64
    /// The union of booked and blocked time: an overlap is counted once.
    var usedMinutes: Int64
    /// The bucket's length clipped to the window.
    var availableMinutes: Int64
    var utilization: Double
}

struct UtilizationTotals: Codable, Sendable, Equatable {
    /// Spaces in scope: the company's spaces matching venueId/spaceId, not deleted before fromAt.
    var spaces: Int
    var bookedMinutes: Int64
    var blockedMinutes: Int64
    var usedMinutes: Int64
    /// The window's length times `spaces`.
    var availableMinutes: Int64
    var utilization: Double
}

/// What the repository measures: the rows plus what the totals need.
struct UtilizationFigures: Sendable {
    var spaceCount: Int
    var windowMinutes: Int64
    var rows: [UtilizationRow]
}

enum Utilization {
    /// used / available rounded half up to 4 decimals (0 when nothing was available), computed in integers
    /// so 0.1234 is exactly what a person dividing the two minute counts writes down.
    static func ratio(_ used: Int64, of available: Int64) -> Double {
        guard available > 0, used > 0 else { return 0 }
        let (scaled, overflowed) = used.multipliedReportingOverflow(by: 10_000)
        let (halfUp, overflowedAgain) = scaled.addingReportingOverflow(available / 2)
        if overflowed || overflowedAgain { return (Double(used) / Double(available) * 10_000).rounded() / 10_000 }
        return Double(halfUp / available) / 10_000
    }
}

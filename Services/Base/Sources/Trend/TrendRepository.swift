import Foundation
import KisumKernel
import KisumPersistence
import PostgresNIO

/// The trend in one statement: the period's buckets (`generate_series` from the interval's start, clipped to the
/// period) joined with `event_ticket_figures` (0025) by event date.
struct TrendRepository: Sendable {
    let database: Database

    func trend(companyID: UUID, _ query: TrendQuery) async throws -> Trend {
        let window = query.ranking.window
        let interval = query.interval.rawValue
        let row = try await database.query("""
            WITH rc AS (SELECT reporting_currency(\(companyID), \(query.ranking.currency)::text) AS currency),
            f AS (SELECT x.* FROM rc, event_ticket_figures(\(companyID), \(window.from)::date, \(window.to)::date, rc.currency) x),
            b AS (
                SELECT greatest(g::date, \(window.from)::date) AS first_day,
                       least((g + ('1 ' || \(interval)::text)::interval)::date - 1, \(window.to)::date) AS last_day
                FROM generate_series(date_trunc(\(interval)::text, \(window.from)::date::timestamp), \(window.to)::date::timestamp,
                                     ('1 ' || \(interval)::text)::interval) g
            ),
            figures AS (
                SELECT b.first_day, b.last_day, count(f.event_id)::int AS events, coalesce(sum(f.sold), 0)::bigint AS sold,
                       coalesce(sum(f.gross_minor), 0) AS gross
                FROM b LEFT JOIN f ON f.event_date BETWEEN b.first_day AND b.last_day
                GROUP BY b.first_day, b.last_day
            ),
            missing AS (SELECT f.currency, f.event_date FROM f WHERE f.rate_missing ORDER BY f.event_date, f.currency LIMIT 1)
            SELECT (SELECT currency::text FROM rc) AS currency,
                   (SELECT currency::text FROM missing) AS missing_from, (SELECT event_date::text FROM missing) AS missing_day,
                   (SELECT coalesce(json_agg(json_build_object('start', x.first_day::text, 'end', x.last_day::text, 'events', x.events,
                                                               'ticketsSold', x.sold, 'grossMinor', x.gross::text) ORDER BY x.first_day), '[]')::text
                      FROM figures x) AS buckets,
                   (SELECT json_build_object('events', count(*), 'ticketsSold', coalesce(sum(f.sold), 0)::bigint,
                                             'grossMinor', coalesce(sum(f.gross_minor), 0)::text)::text FROM f) AS totals
            """).first { row -> (currency: String, missingFrom: String?, missingDay: String?, buckets: String, totals: String) in
            let c = Columns(row)
            return (try c("currency"), try c("missing_from"), try c("missing_day"), try c("buckets"), try c("totals"))
        }
        guard let row else { throw APIError.internalError }
        let metrics = Set(query.metrics)
        if metrics.contains(.grossMinor) {
            try ViewJSON.checkRates(missingFrom: row.missingFrom, missingDay: row.missingDay, to: row.currency)
        }
        // A gross the statement could not convert (no rate) is null; it is only read when asked for, after the check.
        func keep(_ f: TrendFigures) -> TrendFigures {
            TrendFigures(events: metrics.contains(.events) ? f.events : nil, ticketsSold: metrics.contains(.ticketsSold) ? f.ticketsSold : nil,
                         grossMinor: metrics.contains(.grossMinor) ? f.grossMinor : nil)
        }
        let buckets = try ViewJSON.decode([TrendBucket].self, from: row.buckets).map { bucket in
            let kept = keep(TrendFigures(events: bucket.events, ticketsSold: bucket.ticketsSold, grossMinor: bucket.grossMinor))
            return TrendBucket(start: bucket.start, end: bucket.end, events: kept.events, ticketsSold: kept.ticketsSold, grossMinor: kept.grossMinor)
        }
        return Trend(from: window.from, to: window.to, interval: query.interval.rawValue, currency: row.currency,
                     metrics: query.metrics.map(\.rawValue), buckets: buckets, totals: keep(try ViewJSON.decode(TrendFigures.self, from: row.totals)))
    }
}

import Foundation
import KisumKernel
import KisumPersistence
import PostgresNIO

/// The cash-flow view in one statement: the company's money lines in the window, each converted on its own day
/// (`exchange_rate_for_line`, evaluated once per distinct currency and day), bucketed per period with a running
/// balance, plus the first line without a rate (the caller answers 422) and the rates used.
struct CashFlowRepository: Sendable {
    let database: Database

    struct Filter: Sendable {
        var currency: String?
        var window: ViewWindow
        var period: CashFlowPeriod
        var eventID: UUID?
        var artistID: UUID?
    }

    func cashFlow(companyID: UUID, _ f: Filter) async throws -> CashFlow {
        let period = f.period.rawValue
        let row = try await database.query("""
            WITH rc AS (SELECT reporting_currency(\(companyID), \(f.currency)::text) AS currency),
            ev AS (
                SELECT e.id, e.status FROM events e
                WHERE e.company_id = \(companyID)
                  AND (\(f.eventID)::uuid IS NULL OR e.id = \(f.eventID))
                  AND (\(f.artistID)::uuid IS NULL OR EXISTS (
                        SELECT 1 FROM event_artists ea
                        WHERE ea.company_id = e.company_id AND ea.event_id = e.id AND ea.artist_id = \(f.artistID)))
            ),
            lines AS (
                SELECT 'in' AS direction, 'expected' AS kind, i.amount_minor AS amount, i.currency, i.expected_date AS day
                  FROM event_income i JOIN ev ON ev.id = i.event_id
                 WHERE i.company_id = \(companyID) AND ev.status <> 'cancelled'
                   AND i.expected_date BETWEEN \(f.window.from)::date AND \(f.window.to)::date
                UNION ALL
                SELECT 'in', 'actual', p.amount_minor, p.currency, p.paid_on
                  FROM event_income_payments p
                  JOIN event_income i ON i.company_id = p.company_id AND i.id = p.income_id
                  JOIN ev ON ev.id = i.event_id
                 WHERE p.company_id = \(companyID) AND p.paid_on BETWEEN \(f.window.from)::date AND \(f.window.to)::date
                UNION ALL
                SELECT 'out', 'expected', x.amount_minor, x.currency, x.due_date
                  FROM event_expenses x JOIN ev ON ev.id = x.event_id
                 WHERE x.company_id = \(companyID) AND ev.status <> 'cancelled'
                   AND x.due_date BETWEEN \(f.window.from)::date AND \(f.window.to)::date
                UNION ALL
                SELECT 'out', 'actual', a.amount_minor, a.currency, a.incurred_on
                  FROM event_expense_actuals a JOIN ev ON ev.id = a.event_id
                 WHERE a.company_id = \(companyID) AND a.status = 'approved'
                   AND a.incurred_on BETWEEN \(f.window.from)::date AND \(f.window.to)::date
            ),
            rates AS (
                SELECT p.currency, p.day, r.rate, r.rate_date, r.source
                FROM (SELECT DISTINCT l.currency, l.day FROM lines l) p
                CROSS JOIN rc
                LEFT JOIN LATERAL exchange_rate_for_line(\(companyID), p.currency, rc.currency, p.day) r ON true
            ),
            converted AS (
                SELECT l.direction, l.kind, date_trunc(\(period), l.day::timestamp)::date AS bucket,
                       convert_minor(l.amount, l.currency, rc.currency, r.rate) AS amount
                FROM lines l CROSS JOIN rc
                JOIN rates r ON r.currency = l.currency AND r.day = l.day
            ),
            sums AS (
                SELECT bucket,
                       sum(amount) FILTER (WHERE direction = 'in' AND kind = 'expected') AS ie,
                       sum(amount) FILTER (WHERE direction = 'in' AND kind = 'actual') AS ia,
                       sum(amount) FILTER (WHERE direction = 'out' AND kind = 'expected') AS oe,
                       sum(amount) FILTER (WHERE direction = 'out' AND kind = 'actual') AS oa
                FROM converted GROUP BY bucket
            ),
            periods AS (
                SELECT b::date AS bucket,
                       greatest(b::date, \(f.window.from)::date) AS starts,
                       least((b + ('1 ' || \(period))::interval)::date - 1, \(f.window.to)::date) AS ends,
                       coalesce(s.ie, 0) AS ie, coalesce(s.ia, 0) AS ia, coalesce(s.oe, 0) AS oe, coalesce(s.oa, 0) AS oa
                FROM generate_series(date_trunc(\(period), \(f.window.from)::date::timestamp), \(f.window.to)::date::timestamp,
                                     ('1 ' || \(period))::interval) b
                LEFT JOIN sums s ON s.bucket = b::date
            ),
            running AS (
                SELECT p.*, sum(p.ie - p.oe) OVER w AS be, sum(p.ia - p.oa) OVER w AS ba
                FROM periods p WINDOW w AS (ORDER BY p.bucket)
            ),
            missing AS (SELECT r.currency, r.day FROM rates r WHERE r.rate IS NULL ORDER BY r.day, r.currency LIMIT 1)
            SELECT (SELECT currency::text FROM rc) AS currency,
                   (SELECT currency::text FROM missing) AS missing_from, (SELECT day::text FROM missing) AS missing_day,
                   (SELECT coalesce(json_agg(json_build_object(
                        'start', r.starts::text, 'end', r.ends::text,
                        'inflow', json_build_object('expectedMinor', r.ie::text, 'actualMinor', r.ia::text),
                        'outflow', json_build_object('expectedMinor', r.oe::text, 'actualMinor', r.oa::text),
                        'net', json_build_object('expectedMinor', (r.ie - r.oe)::text, 'actualMinor', (r.ia - r.oa)::text),
                        'balance', json_build_object('expectedMinor', r.be::text, 'actualMinor', r.ba::text))
                        ORDER BY r.bucket), '[]')::text FROM running r) AS buckets,
                   (SELECT json_build_object(
                        'inflow', json_build_object('expectedMinor', coalesce(sum(ie), 0)::text, 'actualMinor', coalesce(sum(ia), 0)::text),
                        'outflow', json_build_object('expectedMinor', coalesce(sum(oe), 0)::text, 'actualMinor', coalesce(sum(oa), 0)::text),
                        'net', json_build_object('expectedMinor', coalesce(sum(ie - oe), 0)::text,
                                                 'actualMinor', coalesce(sum(ia - oa), 0)::text))::text
                    FROM periods) AS totals,
                   (SELECT coalesce(json_agg(json_build_object(
                        'from', r.currency, 'to', rc.currency, 'day', r.day::text, 'rate', trim_scale(r.rate)::text,
                        'rateDate', r.rate_date::text, 'source', r.source) ORDER BY r.day, r.currency), '[]')::text
                    FROM rates r CROSS JOIN rc WHERE r.rate IS NOT NULL AND r.source <> 'identity') AS rates
            """).first { row -> (currency: String, missingFrom: String?, missingDay: String?, buckets: String, totals: String, rates: String) in
            let c = Columns(row)
            return (try c("currency"), try c("missing_from"), try c("missing_day"), try c("buckets"), try c("totals"), try c("rates"))
        }
        guard let row else { throw APIError.internalError }
        try ViewJSON.checkRates(missingFrom: row.missingFrom, missingDay: row.missingDay, to: row.currency)
        return CashFlow(currency: row.currency, from: f.window.from, to: f.window.to, period: period, eventId: f.eventID, artistId: f.artistID,
                        buckets: try ViewJSON.decode([CashFlowBucket].self, from: row.buckets),
                        totals: try ViewJSON.decode(CashFlowTotals.self, from: row.totals),
                        ratesUsed: try ViewJSON.decode([MoneyViewRateUsed].self, from: row.rates))
    }
}

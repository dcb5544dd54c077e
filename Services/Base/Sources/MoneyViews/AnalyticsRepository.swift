import Foundation
import KisumKernel
import KisumPersistence
import PostgresNIO

/// Financial analytics in one statement: the window's events, their lines converted on their own days
/// (`exchange_rate_for_line`, once per distinct currency and day), grouped by the requested key.
struct AnalyticsRepository: Sendable {
    let database: Database

    struct Filter: Sendable {
        var currency: String?
        var window: ViewWindow
        var groupBy: AnalyticsGrouping
    }

    /// The JSON of `FinancialFigures` over a row `f` of sums (income, received, actual, estimate, line counts).
    static let figures = """
        json_build_object('eventCount', f.events, 'incomeMinor', f.income::text, 'receivedMinor', f.received::text,
            'expensesMinor', (f.actual + f.estimate)::text, 'actualExpensesMinor', f.actual::text,
            'estimatedExpensesMinor', f.estimate::text,
            'basis', CASE WHEN f.actual_lines > 0 AND f.estimate_lines > 0 THEN 'mixed' WHEN f.actual_lines > 0 THEN 'actual'
                          WHEN f.estimate_lines > 0 THEN 'estimated' ELSE 'none' END,
            'netMinor', (f.income - f.actual - f.estimate)::text,
            'marginBasisPoints', CASE WHEN f.income <> 0 THEN round((f.income - f.actual - f.estimate) * 10000 / f.income)::text END)
        """

    /// The sums `figures` reads, over rows with `kind` and `amount`.
    static let sums = """
        coalesce(sum(amount) FILTER (WHERE kind = 'income'), 0) AS income,
        coalesce(sum(amount) FILTER (WHERE kind = 'received'), 0) AS received,
        coalesce(sum(amount) FILTER (WHERE kind = 'actual'), 0) AS actual,
        coalesce(sum(amount) FILTER (WHERE kind = 'estimate'), 0) AS estimate,
        count(*) FILTER (WHERE kind = 'actual') AS actual_lines,
        count(*) FILTER (WHERE kind = 'estimate') AS estimate_lines
        """

    func financials(companyID: UUID, _ f: Filter) async throws -> FinancialAnalytics {
        let group = f.groupBy.rawValue
        let row = try await database.query("""
            WITH rc AS (SELECT reporting_currency(\(companyID), \(f.currency)::text) AS currency),
            ev AS (
                SELECT e.id, e.name, e.event_date FROM events e
                WHERE e.company_id = \(companyID) AND e.event_date BETWEEN \(f.window.from)::date AND \(f.window.to)::date
            ),
            lines AS (
                SELECT i.event_id, 'income' AS kind, i.amount_minor AS amount, i.currency, i.expected_date AS day
                  FROM event_income i JOIN ev ON ev.id = i.event_id
                 WHERE i.company_id = \(companyID)
                UNION ALL
                SELECT i.event_id, 'received', p.amount_minor, p.currency, p.paid_on
                  FROM event_income_payments p
                  JOIN event_income i ON i.company_id = p.company_id AND i.id = p.income_id
                  JOIN ev ON ev.id = i.event_id
                 WHERE p.company_id = \(companyID)
                UNION ALL
                SELECT x.event_id, 'estimate', x.amount_minor, x.currency, x.due_date
                  FROM event_expenses x JOIN ev ON ev.id = x.event_id
                 WHERE x.company_id = \(companyID)
                   AND NOT EXISTS (SELECT 1 FROM event_expense_actuals a
                                   WHERE a.company_id = x.company_id AND a.estimate_id = x.id AND a.status = 'approved')
                UNION ALL
                SELECT a.event_id, 'actual', a.amount_minor, a.currency, a.incurred_on
                  FROM event_expense_actuals a JOIN ev ON ev.id = a.event_id
                 WHERE a.company_id = \(companyID) AND a.status = 'approved'
            ),
            rates AS (
                SELECT p.currency, p.day, r.rate, r.rate_date, r.source
                FROM (SELECT DISTINCT l.currency, l.day FROM lines l) p
                CROSS JOIN rc
                LEFT JOIN LATERAL exchange_rate_for_line(\(companyID), p.currency, rc.currency, p.day) r ON true
            ),
            converted AS (
                SELECT l.event_id, l.kind, l.currency, convert_minor(l.amount, l.currency, rc.currency, r.rate) AS amount
                FROM lines l CROSS JOIN rc
                JOIN rates r ON r.currency = l.currency AND r.day = l.day
            ),
            keys AS (
                SELECT ev.id AS event_id, ev.id::text AS key, ev.name AS label, ev.event_date::text || ev.id::text AS sort
                  FROM ev WHERE \(group) = 'event'
                UNION ALL
                SELECT ev.id, to_char(ev.event_date, 'YYYY-MM'), to_char(ev.event_date, 'YYYY-MM'), to_char(ev.event_date, 'YYYY-MM')
                  FROM ev WHERE \(group) = 'month'
                UNION ALL
                SELECT ev.id, a.id::text, a.name, lower(a.name) || a.id::text
                  FROM ev
                  JOIN event_artists ea ON ea.company_id = \(companyID) AND ea.event_id = ev.id
                  JOIN artists a ON a.company_id = ea.company_id AND a.id = ea.artist_id
                 WHERE \(group) = 'artist'
                UNION ALL
                SELECT ev.id, NULL, 'No artist billed', NULL
                  FROM ev
                 WHERE \(group) = 'artist'
                   AND NOT EXISTS (SELECT 1 FROM event_artists ea WHERE ea.company_id = \(companyID) AND ea.event_id = ev.id)
            ),
            grouped AS (
                SELECT k.key, k.label, k.sort, k.event_id, c.kind, c.amount
                  FROM keys k LEFT JOIN converted c ON c.event_id = k.event_id
                UNION ALL
                SELECT c.currency::text, c.currency::text, c.currency::text, c.event_id, c.kind, c.amount
                  FROM converted c WHERE \(group) = 'currency'
            ),
            groups AS (
                SELECT key, label, sort, count(DISTINCT event_id) AS events, \(unescaped: Self.sums)
                FROM grouped GROUP BY key, label, sort
            ),
            totals AS (
                SELECT (SELECT count(*) FROM ev) AS events, \(unescaped: Self.sums) FROM converted
            ),
            missing AS (SELECT r.currency, r.day FROM rates r WHERE r.rate IS NULL ORDER BY r.day, r.currency LIMIT 1)
            SELECT (SELECT currency::text FROM rc) AS currency,
                   (SELECT currency::text FROM missing) AS missing_from, (SELECT day::text FROM missing) AS missing_day,
                   (SELECT coalesce(json_agg(json_build_object('key', f.key, 'label', f.label, 'figures', \(unescaped: Self.figures))
                                             ORDER BY f.sort NULLS LAST, f.key), '[]')::text FROM groups f) AS groups,
                   (SELECT \(unescaped: Self.figures)::text FROM totals f) AS totals,
                   (SELECT coalesce(json_agg(json_build_object(
                        'from', r.currency, 'to', rc.currency, 'day', r.day::text, 'rate', trim_scale(r.rate)::text,
                        'rateDate', r.rate_date::text, 'source', r.source) ORDER BY r.day, r.currency), '[]')::text
                    FROM rates r CROSS JOIN rc WHERE r.rate IS NOT NULL AND r.source <> 'identity') AS rates
            """).first { row -> (currency: String, missingFrom: String?, missingDay: String?, groups: String, totals: String, rates: String) in
            let c = Columns(row)
            return (try c("currency"), try c("missing_from"), try c("missing_day"), try c("groups"), try c("totals"), try c("rates"))
        }
        guard let row else { throw APIError.internalError }
        try ViewJSON.checkRates(missingFrom: row.missingFrom, missingDay: row.missingDay, to: row.currency)
        return FinancialAnalytics(currency: row.currency, from: f.window.from, to: f.window.to, groupBy: group,
                                  groups: try ViewJSON.decode([FinancialGroup].self, from: row.groups),
                                  totals: try ViewJSON.decode(FinancialFigures.self, from: row.totals),
                                  ratesUsed: try ViewJSON.decode([MoneyViewRateUsed].self, from: row.rates))
    }
}

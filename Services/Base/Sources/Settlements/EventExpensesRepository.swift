import Foundation
import KisumKernel
import KisumPersistence
import PostgresNIO

/// An event's expenses as its financials and settlement count them, in one statement: per estimated line the
/// approved actual that realises it, else the estimate; plus approved actuals with no estimate; each converted
/// into the event's currency by `exchange_rate_on` / `convert_minor` (0017) on its own day, totals summed in SQL.
struct EventExpensesRepository: Sendable {
    let database: Database

    /// Nil when the company has no such event; 422 `exchange_rate_missing` when a line has no rate, 422
    /// `amount_overflow` when a converted amount or a total leaves bigint.
    func expenses(companyID: UUID, eventID: UUID) async throws -> EventExpenses? {
        var currency: String?
        var pending = 0
        var lines: [EventExpenseLine] = []
        var missing: [MissingRate] = []
        var overflow = false
        var totals: (Int64?, Int64?, Int64?) = (0, 0, 0)
        _ = try await database.query("""
            WITH ev AS (
                SELECT e.company_id, e.id, e.currency FROM events e WHERE e.company_id = \(companyID) AND e.id = \(eventID)),
            l AS (
                SELECT 'actual' AS basis, x.id AS estimate_id, a.id AS actual_id, a.category, a.description, a.vendor_name,
                       a.amount_minor, a.currency, a.incurred_on AS day
                FROM ev JOIN event_expenses x ON x.company_id = ev.company_id AND x.event_id = ev.id
                JOIN event_expense_actuals a ON a.company_id = x.company_id AND a.estimate_id = x.id AND a.status = 'approved'
                UNION ALL
                SELECT 'estimated', x.id, NULL, x.category, x.description, x.vendor_name, x.amount_minor, x.currency, x.due_date
                FROM ev JOIN event_expenses x ON x.company_id = ev.company_id AND x.event_id = ev.id
                WHERE NOT EXISTS (SELECT 1 FROM event_expense_actuals a
                                  WHERE a.company_id = x.company_id AND a.estimate_id = x.id AND a.status = 'approved')
                UNION ALL
                SELECT 'actual', NULL, a.id, a.category, a.description, a.vendor_name, a.amount_minor, a.currency, a.incurred_on
                FROM ev JOIN event_expense_actuals a ON a.company_id = ev.company_id AND a.event_id = ev.id
                WHERE a.status = 'approved' AND a.estimate_id IS NULL),
            c AS (
                SELECT l.*, r.rate, r.rate_date, r.source, convert_minor(l.amount_minor, l.currency, ev.currency, r.rate) AS converted
                FROM l CROSS JOIN ev
                LEFT JOIN LATERAL exchange_rate_on(ev.company_id, l.currency, ev.currency, l.day) r ON true),
            s AS (
                SELECT c.*, sum(c.converted) OVER () AS total, sum(c.converted) FILTER (WHERE c.basis = 'actual') OVER () AS actual_total,
                       sum(c.converted) FILTER (WHERE c.basis = 'estimated') OVER () AS estimated_total
                FROM c)
            SELECT ev.currency::text AS reporting_currency,
                   (SELECT count(*)::int FROM event_expense_actuals p
                     WHERE p.company_id = ev.company_id AND p.event_id = ev.id AND p.status = 'pending') AS pending,
                   s.basis, s.estimate_id, s.actual_id, s.category, s.description, s.vendor_name, s.amount_minor, s.currency::text AS currency,
                   s.day::text AS day, s.rate::text AS rate, s.rate_date::text AS rate_date, s.source,
                   CASE WHEN abs(s.converted) < 1e18 THEN s.converted::bigint END AS reporting_minor,
                   CASE WHEN abs(coalesce(s.total, 0)) < 9e18 THEN coalesce(s.total, 0)::bigint END AS total_minor,
                   CASE WHEN abs(coalesce(s.actual_total, 0)) < 9e18 THEN coalesce(s.actual_total, 0)::bigint END AS actual_minor,
                   CASE WHEN abs(coalesce(s.estimated_total, 0)) < 9e18 THEN coalesce(s.estimated_total, 0)::bigint END AS estimated_minor
            FROM ev LEFT JOIN s ON true
            ORDER BY s.day, s.category, s.basis, s.estimate_id, s.actual_id
            """).collect { row -> Void in
                let c = Columns(row)
                let reporting: String = try c("reporting_currency")
                currency = reporting
                pending = try c("pending")
                guard let basis = try c("basis", as: String?.self) else { return }
                totals = (try c("total_minor"), try c("actual_minor"), try c("estimated_minor"))
                let from: String = try c("currency")
                let day: String = try c("day")
                guard let rate = try c("rate", as: String?.self), let rateDate = try c("rate_date", as: String?.self),
                      let source = try c("source", as: String?.self) else {
                    missing.append(MissingRate(from: from, to: reporting, day: day))
                    return
                }
                guard let converted = try c("reporting_minor", as: Int64?.self) else {
                    overflow = true
                    return
                }
                lines.append(EventExpenseLine(
                    basis: basis, estimateId: try c("estimate_id"), actualId: try c("actual_id"), category: try c("category"),
                    description: try c("description"), vendorName: try c("vendor_name"), date: day, amountMinor: try c("amount_minor"),
                    currency: from, reportingAmountMinor: converted,
                    rate: ConversionRate(from: from, to: reporting, rate: rate, rateDate: rateDate, source: source)))
            }
        guard let currency else { return nil }
        if !missing.isEmpty { throw APIError.exchangeRateMissing(missing) }
        guard !overflow, let total = totals.0, let actual = totals.1, let estimated = totals.2 else {
            throw APIError.validation(field: "expenses", code: "amount_overflow", message: "The event's expenses are beyond any amount.")
        }
        var seen = Set<ConversionRate>()
        let rates = lines.map(\.rate).filter { $0.source != "identity" && seen.insert($0).inserted }
        return EventExpenses(
            currency: currency, lines: lines,
            totals: EventExpenseTotals(totalMinor: total, actualMinor: actual, estimatedMinor: estimated,
                                       actualLines: lines.filter { $0.basis == "actual" }.count,
                                       estimatedLines: lines.filter { $0.basis == "estimated" }.count, pendingActuals: pending),
            rates: rates)
    }
}

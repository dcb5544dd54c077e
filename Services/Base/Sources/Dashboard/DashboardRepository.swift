import Foundation
import KisumKernel
import KisumPersistence
import PostgresNIO

/// The dashboard's two views, one statement each: the window's KPIs and the next events with their money. Lines
/// are converted on their own days (`exchange_rate_for_line`, once per distinct currency, target and day).
struct DashboardRepository: Sendable {
    let database: Database

    static let rateList = """
        (SELECT coalesce(json_agg(json_build_object(
            'from', r.currency, 'to', r.target, 'day', r.day::text, 'rate', trim_scale(r.rate)::text,
            'rateDate', r.rate_date::text, 'source', r.source) ORDER BY r.day, r.currency, r.target), '[]')::text
         FROM rates r WHERE r.rate IS NOT NULL AND r.source <> 'identity') AS rates
        """
    static let missing = """
        (SELECT r.currency::text FROM rates r WHERE r.rate IS NULL ORDER BY r.day, r.currency LIMIT 1) AS missing_from,
        (SELECT r.target::text FROM rates r WHERE r.rate IS NULL ORDER BY r.day, r.currency LIMIT 1) AS missing_to,
        (SELECT r.day::text FROM rates r WHERE r.rate IS NULL ORDER BY r.day, r.currency LIMIT 1) AS missing_day
        """

    struct Document: Sendable {
        var currency: String?
        var json: String
        var rates: String
    }

    func stats(companyID: UUID, currency: String?, window: ViewWindow) async throws -> DashboardStats {
        let row = try await database.query("""
            WITH rc AS (SELECT reporting_currency(\(companyID), \(currency)::text) AS currency),
            today AS (SELECT (now() AT TIME ZONE 'UTC')::date AS day),
            ev AS (SELECT e.id, e.status, e.event_date FROM events e WHERE e.company_id = \(companyID)),
            lines AS (
                SELECT 'income_expected' AS kind, i.amount_minor AS amount, i.currency, i.expected_date AS day
                  FROM event_income i JOIN ev ON ev.id = i.event_id
                 WHERE i.company_id = \(companyID) AND ev.status <> 'cancelled'
                   AND i.expected_date BETWEEN \(window.from)::date AND \(window.to)::date
                UNION ALL
                SELECT 'income_received', p.amount_minor, p.currency, p.paid_on
                  FROM event_income_payments p
                 WHERE p.company_id = \(companyID) AND p.paid_on BETWEEN \(window.from)::date AND \(window.to)::date
                UNION ALL
                SELECT 'expenses_estimated', x.amount_minor, x.currency, x.due_date
                  FROM event_expenses x JOIN ev ON ev.id = x.event_id
                 WHERE x.company_id = \(companyID) AND ev.status <> 'cancelled'
                   AND x.due_date BETWEEN \(window.from)::date AND \(window.to)::date
                UNION ALL
                SELECT 'expenses_actual', a.amount_minor, a.currency, a.incurred_on
                  FROM event_expense_actuals a
                 WHERE a.company_id = \(companyID) AND a.status = 'approved'
                   AND a.incurred_on BETWEEN \(window.from)::date AND \(window.to)::date
                UNION ALL
                SELECT CASE WHEN i.expected_date < (SELECT day FROM today) THEN 'overdue' ELSE 'receivable' END,
                       i.amount_minor - i.paid_minor, i.currency, i.expected_date
                  FROM event_income i JOIN ev ON ev.id = i.event_id
                 WHERE i.company_id = \(companyID) AND ev.status <> 'cancelled' AND i.paid_minor < i.amount_minor
            ),
            rates AS (
                SELECT p.currency, rc.currency AS target, p.day, r.rate, r.rate_date, r.source
                FROM (SELECT DISTINCT l.currency, l.day FROM lines l) p
                CROSS JOIN rc
                LEFT JOIN LATERAL exchange_rate_for_line(\(companyID), p.currency, rc.currency, p.day) r ON true
            ),
            money AS (
                SELECT coalesce(sum(m.amount) FILTER (WHERE m.kind = 'income_expected'), 0) AS ie,
                       coalesce(sum(m.amount) FILTER (WHERE m.kind = 'income_received'), 0) AS ir,
                       coalesce(sum(m.amount) FILTER (WHERE m.kind = 'expenses_estimated'), 0) AS xe,
                       coalesce(sum(m.amount) FILTER (WHERE m.kind = 'expenses_actual'), 0) AS xa,
                       coalesce(sum(m.amount) FILTER (WHERE m.kind IN ('receivable', 'overdue')), 0) AS ro,
                       coalesce(sum(m.amount) FILTER (WHERE m.kind = 'overdue'), 0) AS rd
                FROM (SELECT l.kind, convert_minor(l.amount, l.currency, r.target, r.rate) AS amount
                      FROM lines l JOIN rates r ON r.currency = l.currency AND r.day = l.day) m
            ),
            counts AS (
                SELECT count(*) AS total, \(unescaped: Self.statusCounts),
                       (SELECT count(*) FROM ev u WHERE u.event_date >= (SELECT day FROM today)
                          AND u.status NOT IN ('cancelled', 'completed', 'settled')) AS upcoming
                FROM ev w WHERE w.event_date BETWEEN \(window.from)::date AND \(window.to)::date
            ),
            tickets AS (
                SELECT coalesce(sum(t.sold), 0) AS sold, coalesce(sum(t.comps), 0) AS comps, coalesce(sum(t.capacity), 0) AS capacity
                FROM ev
                JOIN event_tickets et ON et.company_id = \(companyID) AND et.event_id = ev.id
                JOIN event_ticket_tiers t ON t.company_id = et.company_id AND t.ticket_id = et.id
                WHERE ev.event_date BETWEEN \(window.from)::date AND \(window.to)::date AND ev.status <> 'cancelled'
            )
            SELECT (SELECT currency::text FROM rc) AS currency, \(unescaped: Self.missing),
                   (SELECT json_build_object(
                       'events', json_build_object('total', c.total, 'upcoming', c.upcoming, 'byStatus', json_build_object(
                           'draft', c.draft, 'hold', c.hold, 'confirmed', c.confirmed, 'announced', c.announced, 'onSale', c.on_sale,
                           'completed', c.completed, 'settled', c.settled, 'cancelled', c.cancelled)),
                       'income', json_build_object('expectedMinor', m.ie::text, 'receivedMinor', m.ir::text),
                       'expenses', json_build_object('estimatedMinor', m.xe::text, 'actualMinor', m.xa::text),
                       'net', json_build_object('expectedMinor', (m.ie - m.xe)::text, 'actualMinor', (m.ir - m.xa)::text),
                       'receivables', json_build_object('outstandingMinor', m.ro::text, 'overdueMinor', m.rd::text),
                       'pendingExpenseApprovals', (SELECT count(*) FROM event_expense_actuals a
                                                   WHERE a.company_id = \(companyID) AND a.status = 'pending'),
                       'tickets', json_build_object('sold', tk.sold, 'comps', tk.comps, 'capacity', tk.capacity,
                           'sellThroughBasisPoints', CASE WHEN tk.capacity > 0 THEN round(tk.sold * 10000.0 / tk.capacity)::int END)
                    )::text FROM counts c, money m, tickets tk) AS json,
                   \(unescaped: Self.rateList)
            """).first(Self.document)
        guard let row else { throw APIError.internalError }
        let parts = try ViewJSON.decode(StatsParts.self, from: row.json)
        return DashboardStats(currency: row.currency ?? "", from: window.from, to: window.to, events: parts.events, income: parts.income,
                              expenses: parts.expenses, net: parts.net, receivables: parts.receivables,
                              pendingExpenseApprovals: parts.pendingExpenseApprovals, tickets: parts.tickets,
                              ratesUsed: try ViewJSON.decode([MoneyViewRateUsed].self, from: row.rates))
    }

    static let statusCounts = ["draft", "hold", "confirmed", "announced", "on_sale", "completed", "settled", "cancelled"]
        .map { "count(*) FILTER (WHERE w.status = '\($0)') AS \($0)" }
        .joined(separator: ", ")

    struct StatsParts: Decodable {
        var events: DashboardEvents
        var income: DashboardIncome
        var expenses: DashboardExpenses
        var net: ExpectedActual
        var receivables: DashboardReceivables
        var pendingExpenseApprovals: Int
        var tickets: DashboardTickets
    }

    /// The statement's row: the missing rate (422) is answered here, before anything is decoded.
    static func document(_ row: PostgresRow) throws -> Document {
        let c = Columns(row)
        if let from = try c("missing_from", as: String?.self), let to = try c("missing_to", as: String?.self),
           let day = try c("missing_day", as: String?.self) {
            throw APIError.exchangeRateMissing(from: from, to: to, day: day, field: "currency")
        }
        return Document(currency: try c("currency"), json: try c("json"), rates: try c("rates"))
    }
}

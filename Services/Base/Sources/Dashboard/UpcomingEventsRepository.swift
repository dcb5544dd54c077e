import Foundation
import KisumKernel
import KisumPersistence
import PostgresNIO

/// The dashboard's upcoming events in one statement: the next `limit` live events from today (UTC), their bill,
/// ticket counts and money, each event's lines converted into its own currency on their own days.
struct UpcomingEventsRepository: Sendable {
    let database: Database

    func upcoming(companyID: UUID, limit: Int) async throws -> UpcomingEvents {
        let row = try await database.query("""
            WITH up AS (
                SELECT e.id, e.name, e.status, e.event_date, e.show_time, e.venue_name, e.city, e.currency
                FROM events e
                WHERE e.company_id = \(companyID) AND e.event_date >= (now() AT TIME ZONE 'UTC')::date
                  AND e.status NOT IN ('cancelled', 'completed', 'settled')
                ORDER BY e.event_date, e.show_time NULLS LAST, e.id
                LIMIT \(limit)
            ),
            lines AS (
                SELECT up.id AS event_id, up.currency AS target, 'income' AS kind, i.amount_minor AS amount, i.currency,
                       i.expected_date AS day
                  FROM up JOIN event_income i ON i.company_id = \(companyID) AND i.event_id = up.id
                UNION ALL
                SELECT up.id, up.currency, 'received', p.amount_minor, p.currency, p.paid_on
                  FROM up
                  JOIN event_income i ON i.company_id = \(companyID) AND i.event_id = up.id
                  JOIN event_income_payments p ON p.company_id = i.company_id AND p.income_id = i.id
                UNION ALL
                SELECT up.id, up.currency, 'estimate', x.amount_minor, x.currency, x.due_date
                  FROM up JOIN event_expenses x ON x.company_id = \(companyID) AND x.event_id = up.id
                 WHERE NOT EXISTS (SELECT 1 FROM event_expense_actuals a
                                   WHERE a.company_id = x.company_id AND a.estimate_id = x.id AND a.status = 'approved')
                UNION ALL
                SELECT up.id, up.currency, 'actual', a.amount_minor, a.currency, a.incurred_on
                  FROM up JOIN event_expense_actuals a ON a.company_id = \(companyID) AND a.event_id = up.id AND a.status = 'approved'
            ),
            rates AS (
                SELECT p.currency, p.target, p.day, r.rate, r.rate_date, r.source
                FROM (SELECT DISTINCT l.currency, l.target, l.day FROM lines l) p
                LEFT JOIN LATERAL exchange_rate_for_line(\(companyID), p.currency, p.target, p.day) r ON true
            ),
            money AS (
                SELECT m.event_id,
                       coalesce(sum(m.amount) FILTER (WHERE m.kind = 'income'), 0) AS income,
                       coalesce(sum(m.amount) FILTER (WHERE m.kind = 'received'), 0) AS received,
                       coalesce(sum(m.amount) FILTER (WHERE m.kind = 'actual'), 0) AS actual,
                       coalesce(sum(m.amount) FILTER (WHERE m.kind = 'estimate'), 0) AS estimate
                FROM (SELECT l.event_id, l.kind, convert_minor(l.amount, l.currency, l.target, r.rate) AS amount
                      FROM lines l JOIN rates r ON r.currency = l.currency AND r.target = l.target AND r.day = l.day) m
                GROUP BY m.event_id
            )
            SELECT NULL::text AS currency, \(unescaped: DashboardRepository.missing),
                   (SELECT coalesce(json_agg(json_build_object(
                        'id', up.id, 'name', up.name, 'status', up.status, 'date', up.event_date::text, 'venueName', up.venue_name,
                        'city', up.city, 'currency', up.currency,
                        'artists', coalesce((SELECT json_agg(json_build_object('id', a.id, 'name', a.name, 'role', ea.role)
                                                             ORDER BY ea.billing_order, a.name)
                                             FROM event_artists ea JOIN artists a ON a.company_id = ea.company_id AND a.id = ea.artist_id
                                             WHERE ea.company_id = \(companyID) AND ea.event_id = up.id), '[]'::json),
                        'money', json_build_object(
                            'incomeMinor', coalesce(m.income, 0)::text, 'receivedMinor', coalesce(m.received, 0)::text,
                            'expensesMinor', coalesce(m.actual + m.estimate, 0)::text, 'actualExpensesMinor', coalesce(m.actual, 0)::text,
                            'estimatedExpensesMinor', coalesce(m.estimate, 0)::text,
                            'netMinor', coalesce(m.income - m.actual - m.estimate, 0)::text),
                        'ticketsSold', coalesce(tk.sold, 0), 'ticketCapacity', coalesce(tk.capacity, 0))
                        ORDER BY up.event_date, up.show_time NULLS LAST, up.id), '[]')::text
                    FROM up
                    LEFT JOIN money m ON m.event_id = up.id
                    LEFT JOIN LATERAL (
                        SELECT sum(t.sold) AS sold, sum(t.capacity) AS capacity
                        FROM event_tickets et JOIN event_ticket_tiers t ON t.company_id = et.company_id AND t.ticket_id = et.id
                        WHERE et.company_id = \(companyID) AND et.event_id = up.id) tk ON true) AS json,
                   \(unescaped: DashboardRepository.rateList)
            """).first(DashboardRepository.document)
        guard let row else { throw APIError.internalError }
        return UpcomingEvents(items: try ViewJSON.decode([UpcomingEvent].self, from: row.json),
                              ratesUsed: try ViewJSON.decode([MoneyViewRateUsed].self, from: row.rates))
    }
}

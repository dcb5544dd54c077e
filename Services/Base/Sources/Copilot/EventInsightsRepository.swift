import Foundation
import KisumKernel
import KisumPersistence
import PostgresNIO

/// The copilot's figures for one event and its similar past events, in one statement (`EventInsights` states the
/// rules). Every amount is converted into the event's currency on its own day (`exchange_rate_for_line`, once per
/// distinct currency and day, then `convert_minor` per line); a missing rate is 422 `exchange_rate_missing`.
struct EventInsightsRepository: Sendable {
    let database: Database

    /// Past events compared with: the newest this many of the chosen set.
    static let comparedEvents = 20
    /// bp and ticket counts are clamped to ±10^12 (an absurd manual rate could make a ratio overflow `bigint`).
    static let clamp = "1000000000000"

    /// Nil when the company has no such event.
    func insights(companyID: UUID, eventID: UUID) async throws -> EventInsightsRow? {
        try await database.query("""
            WITH ev AS (
                SELECT e.id, e.name, e.status, e.event_date, e.currency, e.capacity, e.venue_id, e.venue_name
                FROM events e WHERE e.company_id = \(companyID) AND e.id = \(eventID)
            ),
            today AS (SELECT (now() AT TIME ZONE 'UTC')::date AS day),
            head AS (
                SELECT ea.artist_id FROM event_artists ea JOIN ev ON ea.event_id = ev.id
                WHERE ea.company_id = \(companyID) AND ea.role IN ('headliner', 'co_headliner')
            ),
            caps AS (
                SELECT e.id, coalesce(nullif(tk.capacity, 0), e.capacity, 0) AS capacity
                FROM events e
                LEFT JOIN LATERAL (SELECT sum(t.capacity) AS capacity FROM event_tickets et
                                   JOIN event_ticket_tiers t ON t.company_id = et.company_id AND t.ticket_id = et.id
                                   WHERE et.company_id = \(companyID) AND et.event_id = e.id) tk ON true
                WHERE e.company_id = \(companyID)
                  AND (e.id = \(eventID) OR (e.event_date < (SELECT day FROM today)
                       AND e.status IN ('confirmed', 'announced', 'on_sale', 'completed', 'settled')))
            ),
            cand AS (
                SELECT p.id, p.event_date,
                       ((ev.venue_id IS NOT NULL AND p.venue_id = ev.venue_id)
                        OR (ev.venue_name IS NOT NULL AND lower(btrim(p.venue_name)) = lower(btrim(ev.venue_name)))
                        OR EXISTS (SELECT 1 FROM event_artists pa WHERE pa.company_id = \(companyID) AND pa.event_id = p.id
                                   AND pa.role IN ('headliner', 'co_headliner') AND pa.artist_id IN (SELECT artist_id FROM head))) AS strong,
                       (sc.capacity > 0 AND pc.capacity BETWEEN sc.capacity * 0.75 AND sc.capacity * 1.25) AS band
                FROM events p CROSS JOIN ev
                JOIN caps pc ON pc.id = p.id
                JOIN caps sc ON sc.id = ev.id
                WHERE p.company_id = \(companyID) AND p.id <> ev.id
            ),
            chosen AS (
                SELECT c.id, CASE WHEN EXISTS (SELECT 1 FROM cand WHERE strong) THEN 'venue_or_headliner' ELSE 'capacity_band' END AS basis
                FROM cand c
                WHERE CASE WHEN EXISTS (SELECT 1 FROM cand WHERE strong) THEN c.strong ELSE c.band END
                ORDER BY c.event_date DESC, c.id
                LIMIT \(Self.comparedEvents)
            ),
            evs AS (
                SELECT e.id, e.event_date, e.currency, e.id = \(eventID) AS subject
                FROM events e WHERE e.company_id = \(companyID) AND (e.id = \(eventID) OR e.id IN (SELECT id FROM chosen))
            ),
            tix AS (
                SELECT evs.id, coalesce(sum(t.sold), 0) AS sold, coalesce(sum(t.comps), 0) AS comps,
                       coalesce(sum(t.price_minor::numeric * t.capacity), 0) AS face
                FROM evs
                LEFT JOIN event_tickets et ON et.company_id = \(companyID) AND et.event_id = evs.id
                LEFT JOIN event_ticket_tiers t ON t.company_id = et.company_id AND t.ticket_id = et.id
                GROUP BY evs.id
            ),
            lines AS (
                SELECT evs.id AS event_id, 'tickets' AS kind, t.gross_minor AS amount, evs.currency, evs.event_date AS day
                  FROM evs
                  JOIN event_tickets et ON et.company_id = \(companyID) AND et.event_id = evs.id
                  JOIN event_ticket_tiers t ON t.company_id = et.company_id AND t.ticket_id = et.id
                UNION ALL
                SELECT evs.id, 'income', i.amount_minor, i.currency, i.expected_date
                  FROM evs JOIN event_income i ON i.company_id = \(companyID) AND i.event_id = evs.id AND i.category <> 'ticketing'
                UNION ALL
                SELECT evs.id, 'expense', x.amount_minor, x.currency, x.due_date
                  FROM evs JOIN event_expenses x ON x.company_id = \(companyID) AND x.event_id = evs.id
                 WHERE NOT EXISTS (SELECT 1 FROM event_expense_actuals a
                                   WHERE a.company_id = x.company_id AND a.estimate_id = x.id AND a.status = 'approved')
                UNION ALL
                SELECT evs.id, 'expense', a.amount_minor, a.currency, a.incurred_on
                  FROM evs JOIN event_expense_actuals a ON a.company_id = \(companyID) AND a.event_id = evs.id AND a.status = 'approved'
                UNION ALL
                SELECT evs.id, 'fee', o.guarantee_minor, o.currency, evs.event_date
                  FROM evs JOIN offers o ON o.company_id = \(companyID) AND o.event_id = evs.id AND o.status IN ('accepted', 'converted')
                 WHERE NOT EXISTS (SELECT 1 FROM event_expenses x WHERE x.company_id = \(companyID) AND x.event_id = evs.id
                                   AND x.category = 'artist_fee')
                   AND NOT EXISTS (SELECT 1 FROM event_expense_actuals a WHERE a.company_id = \(companyID) AND a.event_id = evs.id
                                   AND a.category = 'artist_fee' AND a.status = 'approved')
            ),
            rates AS (
                SELECT p.currency, ev.currency AS target, p.day, r.rate, r.rate_date, r.source
                FROM (SELECT DISTINCT l.currency, l.day FROM lines l) p
                CROSS JOIN ev
                LEFT JOIN LATERAL exchange_rate_for_line(\(companyID), p.currency, ev.currency, p.day) r ON true
            ),
            money AS (
                SELECT evs.id, evs.subject, tix.sold, tix.comps, tix.face, caps.capacity,
                       coalesce(sum(m.amount) FILTER (WHERE m.kind = 'tickets'), 0) AS gross,
                       coalesce(sum(m.amount) FILTER (WHERE m.kind = 'income'), 0) AS income,
                       coalesce(sum(m.amount) FILTER (WHERE m.kind = 'expense'), 0) AS expenses,
                       coalesce(sum(m.amount) FILTER (WHERE m.kind = 'fee'), 0) AS fees
                FROM evs JOIN tix ON tix.id = evs.id JOIN caps ON caps.id = evs.id
                LEFT JOIN (SELECT l.event_id, l.kind, convert_minor(l.amount, l.currency, r.target, r.rate) AS amount
                           FROM lines l JOIN rates r ON r.currency = l.currency AND r.day = l.day) m ON m.event_id = evs.id
                GROUP BY evs.id, evs.subject, tix.sold, tix.comps, tix.face, caps.capacity
            ),
            figures AS (
                SELECT m.*, m.gross + m.income AS revenue, m.expenses + m.fees AS costs, m.gross + m.income - m.expenses - m.fees AS result,
                       CASE WHEN m.capacity > 0 THEN \(unescaped: Self.bounded("round(m.sold * 10000.0 / m.capacity)")) END AS sell_through,
                       CASE WHEN m.gross + m.income > 0
                            THEN \(unescaped: Self.bounded("round((m.gross + m.income - m.expenses - m.fees) * 10000.0 / (m.gross + m.income))")) END AS margin,
                       CASE WHEN m.sold > 0 THEN round(m.gross / m.sold) WHEN m.capacity > 0 AND m.face > 0 THEN round(m.face / m.capacity) END AS price
                FROM money m
            )
            SELECT ev.name, ev.status, ev.event_date::text AS event_date, ev.currency::text AS currency,
                   (SELECT r.currency::text FROM rates r WHERE r.rate IS NULL ORDER BY r.day, r.currency LIMIT 1) AS missing_from,
                   (SELECT r.day::text FROM rates r WHERE r.rate IS NULL ORDER BY r.day, r.currency LIMIT 1) AS missing_day,
                   (SELECT json_build_object(
                        'capacity', f.capacity, 'ticketsSold', f.sold, 'comps', f.comps,
                        'ticketGrossMinor', f.gross::text, 'otherIncomeMinor', f.income::text, 'revenueMinor', f.revenue::text,
                        'expensesMinor', f.expenses::text, 'artistFeesMinor', f.fees::text, 'costsMinor', f.costs::text,
                        'resultMinor', f.result::text, 'sellThroughBasisPoints', f.sell_through::text, 'marginBasisPoints', f.margin::text,
                        'averageTicketPriceMinor', f.price::text,
                        'breakEvenTickets', CASE WHEN f.price > 0
                            THEN \(unescaped: Self.bounded("ceil(greatest(f.costs - f.income, 0) / f.price)"))::text END,
                        'breakEvenSellThroughBasisPoints', CASE WHEN f.price > 0 AND f.capacity > 0
                            THEN \(unescaped: Self.bounded("round(ceil(greatest(f.costs - f.income, 0) / f.price) * 10000.0 / f.capacity)"))::text END
                    )::text FROM figures f WHERE f.subject) AS figures,
                   (SELECT json_build_object(
                        'basis', coalesce((SELECT min(basis) FROM chosen), 'none'),
                        'events', count(*),
                        'eventIds', coalesce(json_agg(f.id ORDER BY f.id), '[]'),
                        'averageSellThroughBasisPoints', round(avg(f.sell_through))::text,
                        'averageTicketGrossMinor', round(avg(f.gross))::text,
                        'averageRevenueMinor', round(avg(f.revenue))::text,
                        'averageCostsMinor', round(avg(f.costs))::text,
                        'averageResultMinor', round(avg(f.result))::text,
                        'averageMarginBasisPoints', round(avg(f.margin))::text
                    )::text FROM figures f WHERE NOT f.subject) AS comparison,
                   (SELECT coalesce(json_agg(json_build_object(
                        'from', r.currency, 'to', r.target, 'day', r.day::text, 'rate', trim_scale(r.rate)::text,
                        'rateDate', r.rate_date::text, 'source', r.source) ORDER BY r.day, r.currency), '[]')::text
                    FROM rates r WHERE r.rate IS NOT NULL AND r.source <> 'identity') AS rates
            FROM ev
            """).first(Self.decode)
    }

    static func bounded(_ expression: String) -> String {
        "least(greatest(\(expression), -\(clamp)), \(clamp))"
    }

    static func decode(_ row: PostgresRow) throws -> EventInsightsRow {
        let c = Columns(row)
        let currency: String = try c("currency")
        if let from = try c("missing_from", as: String?.self), let day = try c("missing_day", as: String?.self) {
            throw APIError.exchangeRateMissing(from: from, to: currency, day: day)
        }
        return EventInsightsRow(name: try c("name"), status: try c("status"), date: try c("event_date"), currency: currency,
                                figures: try ViewJSON.decode(EventInsightFigures.self, from: try c("figures")),
                                comparison: try ViewJSON.decode(EventComparison.self, from: try c("comparison")),
                                rates: try ViewJSON.decode([MoneyViewRateUsed].self, from: try c("rates")))
    }
}

/// What the statement found, before the sentences are written.
struct EventInsightsRow: Sendable {
    var name: String
    var status: String
    var date: String
    var currency: String
    var figures: EventInsightFigures
    var comparison: EventComparison
    var rates: [MoneyViewRateUsed]
}

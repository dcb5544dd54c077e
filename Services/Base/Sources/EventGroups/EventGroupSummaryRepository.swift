import Foundation
import KisumKernel
import KisumPersistence
import PostgresNIO

/// The roll-up of an event group, built as one JSON document by one statement: its events (by status, date span,
/// cities, capacity) and the money of their accepted and converted offers, per currency.
struct EventGroupSummaryRepository: Sendable {
    let database: Database

    /// Nil when the company has no such group.
    ///
    /// Money: `guarantee_minor` and the top-level integer `…Minor` fields of `potential` (the deal engine's
    /// `DealOutcome` at the offer's last save: grossMinor, artistPayoutMinor, promoterResultMinor, …; averages
    /// are left out, a sum of averages means nothing), summed per currency in numeric and clamped to bigint.
    /// Offers in the group's currency are `money`; every other currency is its own entry in `otherCurrencies`.
    ///
    /// Ticket sales: the recorded sales of the group's events, per event currency (tickets sold, comps, gross).
    func summary(companyID: UUID, groupID: UUID) async throws -> EventGroupSummary? {
        let text = try await database.query("""
            WITH g AS (
                SELECT id, currency::text AS currency FROM event_groups WHERE company_id = \(companyID) AND id = \(groupID)),
            ev AS (
                SELECT e.status, e.event_date, e.city, e.capacity, e.id, e.currency::text AS currency FROM events e
                WHERE e.company_id = \(companyID) AND e.event_group_id = \(groupID)),
            o AS (
                SELECT o.currency::text AS currency, o.guarantee_minor, o.potential FROM offers o
                WHERE o.company_id = \(companyID) AND o.status IN ('accepted', 'converted')
                  AND o.event_id IN (SELECT id FROM ev)),
            ts AS (
                SELECT ev.currency, sum(s.quantity)::bigint AS sold, sum(s.comps)::bigint AS comps, sum(s.gross_minor) AS gross
                FROM event_ticket_sales s
                JOIN event_ticket_tiers t ON t.company_id = s.company_id AND t.id = s.tier_id
                JOIN event_tickets k ON k.company_id = t.company_id AND k.id = t.ticket_id
                JOIN ev ON ev.id = k.event_id
                WHERE s.company_id = \(companyID)
                GROUP BY ev.currency),
            per AS (
                SELECT currency, count(*)::int AS offer_count, sum(guarantee_minor) AS guarantee FROM o GROUP BY currency),
            pot AS (
                SELECT o.currency, p.key, sum(p.value::text::numeric) AS total
                FROM o CROSS JOIN LATERAL jsonb_each(CASE WHEN jsonb_typeof(o.potential) = 'object' THEN o.potential ELSE '{}'::jsonb END) p
                WHERE jsonb_typeof(p.value) = 'number' AND p.value::text ~ '^-?[0-9]{1,30}$'
                  AND p.key LIKE '%Minor' AND p.key NOT LIKE 'average%'
                GROUP BY o.currency, p.key),
            money AS (
                SELECT per.currency, jsonb_build_object(
                    'currency', per.currency, 'offerCount', per.offer_count,
                    'guaranteeMinor', LEAST(per.guarantee, 9223372036854775807)::bigint,
                    'potential', COALESCE((
                        SELECT jsonb_object_agg(pot.key, GREATEST(LEAST(pot.total, 9223372036854775807), -9223372036854775808)::bigint)
                        FROM pot WHERE pot.currency = per.currency), '{}'::jsonb)) AS m
                FROM per)
            SELECT jsonb_build_object(
                'groupId', g.id,
                'currency', g.currency,
                'eventCount', (SELECT count(*)::int FROM ev),
                'eventsByStatus', COALESCE((
                    SELECT jsonb_agg(jsonb_build_object('status', s.status, 'count', s.n) ORDER BY s.status)
                    FROM (SELECT status, count(*)::int AS n FROM ev GROUP BY status) s), '[]'::jsonb),
                'firstDate', (SELECT min(event_date)::text FROM ev),
                'lastDate', (SELECT max(event_date)::text FROM ev),
                'cities', COALESCE((SELECT jsonb_agg(c.city ORDER BY c.city) FROM (SELECT DISTINCT city FROM ev WHERE city IS NOT NULL) c),
                                   '[]'::jsonb),
                'totalCapacity', (SELECT COALESCE(sum(capacity), 0)::bigint FROM ev),
                'money', COALESCE((SELECT m FROM money WHERE money.currency = g.currency),
                                  jsonb_build_object('currency', g.currency, 'offerCount', 0, 'guaranteeMinor', 0, 'potential', '{}'::jsonb)),
                'otherCurrencies', COALESCE((SELECT jsonb_agg(m ORDER BY money.currency) FROM money WHERE money.currency <> g.currency),
                                            '[]'::jsonb),
                'ticketSales', COALESCE((
                    SELECT jsonb_agg(jsonb_build_object('currency', ts.currency, 'ticketsSold', ts.sold, 'comps', ts.comps,
                                                        'grossMinor', LEAST(ts.gross, 9223372036854775807)::bigint) ORDER BY ts.currency)
                    FROM ts), '[]'::jsonb)
            )::text FROM g
            """).first { try $0.decode(String.self) }
        guard let text else { return nil }
        return try JSONCoding.decoder.decode(EventGroupSummary.self, from: Data(text.utf8))
    }
}

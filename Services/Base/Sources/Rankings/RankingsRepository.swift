import Foundation
import KisumKernel
import KisumPersistence
import PostgresNIO

/// The rankings: one statement each over `event_ticket_figures` (0025), the company's events of the period with their
/// tickets sold and gross converted into the reporting currency. A ticket gross in another currency with no stored
/// rate for the event's day is 422 `exchange_rate_missing`, never ranked on a guess.
struct RankingsRepository: Sendable {
    let database: Database

    /// Each ranking's rows (`id`, `name`, `events`, `sold`, `gross`) from the figures `f`; `p.company` is the company.
    static func grouping(_ kind: RankingKind) -> String {
        switch kind {
        case .artists:
            return """
                SELECT a.id, a.name, count(*)::int AS events, sum(f.sold)::bigint AS sold, sum(f.gross_minor) AS gross
                FROM f
                JOIN event_artists ea ON ea.company_id = (SELECT company FROM p) AND ea.event_id = f.event_id
                JOIN artists a ON a.company_id = ea.company_id AND a.id = ea.artist_id
                GROUP BY a.id, a.name
                """
        case .venues:
            return """
                SELECT f.venue_id AS id,
                       coalesce(min(vl.venue_name), (array_agg(e.venue_name ORDER BY e.event_date DESC, e.id)
                                                     FILTER (WHERE e.venue_name IS NOT NULL))[1], 'Unnamed venue') AS name,
                       count(*)::int AS events, sum(f.sold)::bigint AS sold, sum(f.gross_minor) AS gross
                FROM f
                JOIN events e ON e.company_id = (SELECT company FROM p) AND e.id = f.event_id
                LEFT JOIN venue_links vl ON vl.company_id = e.company_id AND vl.venue_id = f.venue_id
                WHERE f.venue_id IS NOT NULL
                GROUP BY f.venue_id
                """
        case .festivals:
            return """
                SELECT fe.id, fe.name, count(*)::int AS events, sum(f.sold)::bigint AS sold, sum(f.gross_minor) AS gross
                FROM f
                JOIN festivals fe ON fe.company_id = (SELECT company FROM p) AND fe.id = f.festival_id
                GROUP BY fe.id, fe.name
                """
        case .agencies:
            return """
                SELECT g.id, g.name, count(*)::int AS events, sum(s.sold)::bigint AS sold, sum(s.gross) AS gross
                FROM (SELECT DISTINCT re.agency_id, f.event_id, f.sold, f.gross_minor AS gross
                      FROM f
                      JOIN event_artists ea ON ea.company_id = (SELECT company FROM p) AND ea.event_id = f.event_id
                      JOIN roster_entries re ON re.company_id = ea.company_id AND re.artist_id = ea.artist_id AND re.agency_id IS NOT NULL
                       AND (re.starts_on IS NULL OR re.starts_on <= f.event_date) AND (re.ends_on IS NULL OR re.ends_on >= f.event_date)) s
                JOIN agencies g ON g.company_id = (SELECT company FROM p) AND g.id = s.agency_id
                GROUP BY g.id, g.name
                """
        }
    }

    /// The tie-breakers after each ranking's own order.
    static func order(_ kind: RankingKind) -> String {
        switch kind {
        case .artists: "r.gross DESC, r.sold DESC, r.events DESC, lower(r.name), r.id"
        case .venues, .agencies: "r.events DESC, r.sold DESC, r.gross DESC, lower(r.name), r.id"
        case .festivals: "r.sold DESC, r.gross DESC, r.events DESC, lower(r.name), r.id"
        }
    }

    struct Ranked: Sendable {
        var currency: String
        var total: Int
        var items: [RankingEntry]
    }

    /// Places `offset + 1 … offset + limit` of a ranking, with how many are ranked.
    func ranking(_ kind: RankingKind, companyID: UUID, _ query: RankingQuery, offset: Int, limit: Int) async throws -> Ranked {
        let row = try await database.query("""
            WITH p AS (SELECT \(companyID)::uuid AS company),
            rc AS (SELECT reporting_currency(\(companyID), \(query.currency)::text) AS currency),
            f AS (SELECT x.* FROM rc, event_ticket_figures(\(companyID), \(query.window.from)::date, \(query.window.to)::date, rc.currency) x),
            r AS (\(unescaped: Self.grouping(kind))),
            ordered AS (SELECT r.*, row_number() OVER (ORDER BY \(unescaped: Self.order(kind))) AS rank FROM r),
            missing AS (SELECT f.currency, f.event_date FROM f WHERE f.rate_missing ORDER BY f.event_date, f.currency LIMIT 1)
            SELECT (SELECT currency::text FROM rc) AS currency,
                   (SELECT currency::text FROM missing) AS missing_from, (SELECT event_date::text FROM missing) AS missing_day,
                   (SELECT count(*)::int FROM r) AS total,
                   (SELECT coalesce(json_agg(json_build_object('rank', o.rank, 'id', o.id, 'name', o.name, 'events', o.events,
                                                               'ticketsSold', o.sold, 'grossMinor', o.gross::text) ORDER BY o.rank), '[]')::text
                      FROM ordered o WHERE o.rank > \(offset) AND o.rank <= \(offset) + \(limit)) AS items
            """).first { row -> (currency: String, missingFrom: String?, missingDay: String?, total: Int, items: String) in
            let c = Columns(row)
            return (try c("currency"), try c("missing_from"), try c("missing_day"), try c("total"), try c("items"))
        }
        guard let row else { throw APIError.internalError }
        try ViewJSON.checkRates(missingFrom: row.missingFrom, missingDay: row.missingDay, to: row.currency)
        return Ranked(currency: row.currency, total: row.total, items: try ViewJSON.decode([RankingEntry].self, from: row.items))
    }
}

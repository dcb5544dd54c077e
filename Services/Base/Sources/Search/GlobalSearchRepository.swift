import Foundation
import KisumKernel
import KisumPersistence
import PostgresNIO

/// The company-wide search: one statement over the company's artists, agencies, events, festivals and linked
/// venues. Each branch filters by `company_id` first and `ILIKE`, which the trigram indexes that lead with
/// `company_id` serve; kinds the caller may not read are switched off inside the statement, not filtered after.
struct GlobalSearchRepository: Sendable {
    let database: Database

    static let columns = "kind, id, name, detail, score"

    static func decode(_ row: PostgresRow) throws -> SearchHit {
        let c = Columns(row)
        return SearchHit(kind: try c("kind"), id: try c("id"), name: try c("name"), detail: try c("detail"), score: try c("score"))
    }

    func search(companyID: UUID, text: String, kinds: [String], page: PageRequest) async throws -> (items: [SearchHit], total: Int) {
        let pattern = SQLPattern.contains(text)
        func query(_ select: String, _ suffix: String) -> PostgresQuery {
            """
            SELECT \(unescaped: select) FROM (
                SELECT 'artist' AS kind, a.id, a.name, a.city AS detail, similarity(a.name, \(text))::float8 AS score
                FROM artists a WHERE 'artist' = ANY(\(kinds)) AND a.company_id = \(companyID) AND a.name ILIKE \(pattern)
                UNION ALL
                SELECT 'agency', g.id, g.name, g.kind, similarity(g.name, \(text))::float8
                FROM agencies g WHERE 'agency' = ANY(\(kinds)) AND g.company_id = \(companyID) AND g.name ILIKE \(pattern)
                UNION ALL
                SELECT 'event', e.id, e.name, concat_ws(' · ', e.event_date::text, e.venue_name, e.city), similarity(e.name, \(text))::float8
                FROM events e WHERE 'event' = ANY(\(kinds)) AND e.company_id = \(companyID) AND e.name ILIKE \(pattern)
                UNION ALL
                SELECT 'festival', f.id, f.name, concat_ws(' · ', f.starts_on::text, f.city), similarity(f.name, \(text))::float8
                FROM festivals f WHERE 'festival' = ANY(\(kinds)) AND f.company_id = \(companyID) AND f.name ILIKE \(pattern)
                UNION ALL
                SELECT 'venue', v.venue_id, v.venue_name, NULL, similarity(v.venue_name, \(text))::float8
                FROM venue_links v WHERE 'venue' = ANY(\(kinds)) AND v.company_id = \(companyID) AND v.venue_name ILIKE \(pattern)
            ) hits
            \(unescaped: suffix)
            """
        }
        return try await database.page(query, columns: Self.columns, orderBy: "ORDER BY score DESC, lower(name), kind, id",
                                       page: page, decode: Self.decode)
    }
}

import Foundation
import KisumKernel
import KisumPersistence
import PostgresNIO

/// The artist list, search and discovery: one statement per page, total included, genres of the page's rows
/// joined in (no N+1). Measured on 100,000 artists of one company (NOTES.md, "Artists"); the shape follows
/// from what the planner does with it:
/// - With search text, the matches are collected first (`MATERIALIZED`, so the planner answers the match from
///   the trigram GIN index `artists_company_name_trgm` instead of walking the name index hoping to meet 20
///   matches early), then counted and ranked. Ranking uses cheap keys (prefix, word start, length):
///   `similarity()` on every match cost more than the rest of the statement together.
/// - Text too short for trigrams matches names starting with it: a range of the C-collated name index
///   (`artists_company_name_prefix`), counted and paged by index-only scans; on the trigram index a single
///   letter took 0.4 s.
/// - Without text, the page walks the name or creation index and stops after `limit` rows, and the total
///   comes from a separate sub-select: `count(*) OVER ()` would make the page read every row, and the
///   planner does not cost that. Filtered by status and kind only, the total is read from `artist_counts`.
struct ArtistSearchRepository: Sendable {
    let database: Database

    func list(companyID: UUID, _ filter: ArtistFilter, sort: ArtistSort, page: PageRequest) async throws -> (items: [Artist], total: Int) {
        var total = 0
        var items: [Artist] = []
        for try await row in try await database.query(Self.statement(companyID: companyID, filter, sort: sort, page: page)) {
            let c = Columns(row)
            total = try c("list_total", as: Int.self)
            // The total's row comes back alone when the page is empty.
            if try c("id", as: UUID?.self) != nil { items.append(try ArtistsRepository.decode(row)) }
        }
        return (items, total)
    }

    /// The page's statement: its total in `list_total` on every row, and one row with a null `id` when the page
    /// is empty.
    static func statement(companyID: UUID, _ filter: ArtistFilter, sort: ArtistSort, page: PageRequest) -> PostgresQuery {
        var sql = ArtistQueryBuilder()
        let company = sql.bind(companyID)
        var filters = sql.filters(filter, company: company, alias: "a")
        let ctes: String
        var outerOrder = Self.order(sort, ranked: nil, name: "p.lname")
        if let q = filter.q, ArtistTextMatch(q) == .contains {
            let text = sql.bind(q)
            let pattern = sql.bind(SQLPattern.contains(q) ?? "")
            // Similar names only when no name holds the text (a typo). The rank keys are computed once per match
            // from the lower-cased name (the OFFSET 0 keeps the planner from repeating lower() in every key).
            ctes = """
                hits AS MATERIALIZED (
                    SELECT h.id, h.lname, h.created_at, starts_with(h.lname, lower(\(text))) AS prefix,
                           strpos(h.lname, ' ' || lower(\(text))) > 0 AS word, 0::real AS score, length(h.lname) AS len
                    FROM (SELECT a.id, lower(a.name) AS lname, a.created_at FROM artists a
                          WHERE a.company_id = \(company) AND a.name ILIKE \(pattern) AND \(filters) OFFSET 0) h),
                fuzzy AS MATERIALIZED (
                    SELECT a.id, lower(a.name) AS lname, a.created_at, false AS prefix, false AS word,
                           word_similarity(\(text), a.name) AS score, length(a.name) AS len
                    FROM artists a
                    WHERE a.company_id = \(company) AND \(text) <% a.name AND \(filters) AND NOT EXISTS (SELECT 1 FROM hits)),
                total AS (SELECT (SELECT count(*) FROM hits) + (SELECT count(*) FROM fuzzy) AS n),
                page AS (
                    SELECT * FROM (SELECT * FROM hits UNION ALL SELECT * FROM fuzzy) m
                    ORDER BY \(Self.order(sort, ranked: "m", name: "m.lname", alias: "m")) \(SQLText.page(page)))
                """
            outerOrder = Self.order(sort, ranked: "p", name: "p.lname")
        } else {
            var pageOrder = Self.order(sort, ranked: nil, name: "lower(a.name)", alias: "a")
            if let q = filter.q {
                // Short text: names starting with it, from the C-collated name index (a range scan whatever the
                // database's collation). In byte order the name equal to the text comes first by itself.
                filters += " AND lower(a.name) COLLATE \"C\" LIKE lower(\(sql.bind(SQLPattern.startsWith(q) ?? "")))"
                if sort == .relevance {
                    pageOrder = "lower(a.name) COLLATE \"C\", a.id"
                    outerOrder = "p.lname COLLATE \"C\", p.id"
                }
            }
            ctes = """
                total AS (SELECT \(Self.total(filter, company: company, filters: filters, sql: &sql)) AS n),
                page AS (
                    SELECT a.id, lower(a.name) AS lname, a.created_at FROM artists a
                    WHERE a.company_id = \(company) AND \(filters)
                    ORDER BY \(pageOrder) \(SQLText.page(page)))
                """
        }
        let statement = """
            WITH \(ctes)
            SELECT t.n AS list_total, \(ArtistsRepository.columns)
            FROM total t
            LEFT JOIN page p ON true
            LEFT JOIN artists a ON a.company_id = \(company) AND a.id = p.id
            \(ArtistsRepository.genresJoin)
            ORDER BY \(outerOrder)
            """
        return sql.query(statement)
    }

    /// The total of a list without search text: read from `artist_counts` when only status and kind narrow it
    /// (less the artists on the company's own roster for `notOnRoster`, counted from the roster side), else
    /// counted over the filtered rows.
    static func total(_ filter: ArtistFilter, company: String, filters: String, sql: inout ArtistQueryBuilder) -> String {
        guard filter.countsByStatusAndKind else {
            return "(SELECT count(*) FROM artists a WHERE a.company_id = \(company) AND \(filters))"
        }
        var counters = ["c.company_id = \(company)"]
        var rostered = ["r.company_id = \(company)", "r.agency_id IS NULL", "(r.ends_on IS NULL OR r.ends_on >= current_date)"]
        if let status = filter.status {
            let value = sql.bind(status)
            counters.append("c.status = \(value)")
            rostered.append("a.status = \(value)")
        }
        if let kind = filter.kind {
            let value = sql.bind(kind)
            counters.append("c.kind = \(value)")
            rostered.append("a.kind = \(value)")
        }
        let all = "(SELECT COALESCE(sum(c.artists), 0)::bigint FROM artist_counts c WHERE \(counters.joined(separator: " AND ")))"
        guard filter.notOnRoster else { return all }
        // The artists' rows are joined only when status or kind must be read from them.
        let join = filter.status == nil && filter.kind == nil ? "" : "JOIN artists a ON a.company_id = r.company_id AND a.id = r.artist_id"
        return """
            \(all) - (SELECT count(DISTINCT r.artist_id) FROM roster_entries r \(join)
                WHERE \(rostered.joined(separator: " AND ")))
            """
    }

    /// The ORDER BY of a page. Text search (`ranked` names the matches' alias) ranks names starting with the text
    /// first, then names with a word starting with it, then (the similar-name fallback) word similarity, then
    /// shorter names (of two names holding the text the shorter is the closer match, as trigram similarity would
    /// say; so the name equal to the text, the shortest that starts with it, comes first), then by name. Every
    /// order ends on the id, in the direction the `(company_id, lower(name), id)` and
    /// `(company_id, created_at DESC, id)` indexes can be walked.
    static func order(_ sort: ArtistSort, ranked: String?, name: String, alias: String = "p") -> String {
        let p = alias
        switch sort {
        case .relevance:
            guard let m = ranked else { return "\(name), \(p).id" }
            return "\(m).prefix DESC, \(m).word DESC, \(m).score DESC, \(m).len, \(m).lname, \(m).id"
        case .name:
            return "\(name), \(p).id"
        case .nameDescending:
            return "\(name) DESC, \(p).id DESC"
        case .createdAt:
            return "\(p).created_at, \(p).id DESC"
        case .createdAtDescending:
            return "\(p).created_at DESC, \(p).id"
        }
    }
}

/// Builds one statement from parts with numbered parameters (`PostgresQuery(unsafeSQL:binds:)`): the list's
/// filters appear in several places of its statement, which one string interpolation cannot express. Every
/// value is bound; only fixed SQL text is spliced.
struct ArtistQueryBuilder {
    private var binds = PostgresBindings()

    /// Appends a value and answers its placeholder (`$n`).
    mutating func bind<Value: PostgresNonThrowingEncodable>(_ value: Value) -> String {
        binds.append(value)
        return "$\(binds.count)"
    }

    func query(_ sql: String) -> PostgresQuery {
        PostgresQuery(unsafeSQL: sql, binds: binds)
    }

    /// The filters of an artist list as one condition on `alias` (each placeholder bound once, used where needed).
    /// A genre filter also matches the genre's sub-genres; an agency filter, artists on that agency's roster
    /// now or later (no end date, or one not yet past).
    mutating func filters(_ filter: ArtistFilter, company: String, alias a: String) -> String {
        var parts: [String] = []
        if let status = filter.status { parts.append("\(a).status = \(bind(status))") }
        if let kind = filter.kind { parts.append("\(a).kind = \(bind(kind))") }
        if let country = filter.countryID { parts.append("\(a).country_id = \(bind(country))") }
        if let city = filter.city { parts.append("lower(\(a).city) = lower(\(bind(city)))") }
        if let genre = filter.genreID {
            let id = bind(genre)
            parts.append("""
                EXISTS (SELECT 1 FROM artist_genres ag WHERE ag.company_id = \(company) AND ag.artist_id = \(a).id
                    AND ag.genre_id IN (SELECT g.id FROM genres g WHERE g.id = \(id) OR g.parent_id = \(id)))
                """)
        }
        if let agency = filter.agencyID {
            parts.append("""
                EXISTS (SELECT 1 FROM roster_entries r WHERE r.company_id = \(company) AND r.agency_id = \(bind(agency))
                    AND r.artist_id = \(a).id AND (r.ends_on IS NULL OR r.ends_on >= current_date))
                """)
        }
        if filter.notOnRoster {
            parts.append("""
                NOT EXISTS (SELECT 1 FROM roster_entries r WHERE r.company_id = \(company) AND r.agency_id IS NULL
                    AND r.artist_id = \(a).id AND (r.ends_on IS NULL OR r.ends_on >= current_date))
                """)
        }
        return parts.isEmpty ? "true" : "(" + parts.joined(separator: " AND ") + ")"
    }
}

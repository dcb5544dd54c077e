import Foundation
import KisumKernel
import KisumPersistence
import KisumServiceClient
import PostgresNIO

/// The party search: companies and agencies (company-level) and artists (person-level) in one statement.
struct PartiesRepository: Sendable {
    let database: Database

    /// One statement for the page and its total (`Database.page`: `count(*) OVER ()`), no per-row lookups:
    /// - `p` is the three tables as one UNION ALL of the same columns. PostgreSQL pulls a UNION ALL of plain
    ///   selects up into an append of its arms and pushes the outer WHERE into each arm, so every arm is searched
    ///   through its own `(company_id, name gin_trgm_ops)` or `(company_id, lower(email))` index, and `kind` (a
    ///   constant per arm) leaves the other arms out before they run.
    /// - A name matches when it contains `q` (ILIKE, the text taken literally) or is trigram-similar to it
    ///   (`%`, pg_trgm's default threshold 0.3): both operators the trigram GIN indexes serve.
    /// - `score` = 0.5 when the name starts with `q` + 0.5 × similarity, rounded to 4 decimals: 1 for the exact
    ///   name, above 0.5 for every name starting with `q` (so prefixes come first), at most 0.5 for the rest.
    ///   Without `q`, every party scores 1 and the order is by name.
    /// Left out: archived parties (nobody picks one as a new customer) and the company's own business profile
    /// (`companies.is_current`: the company itself is not its own counterparty).
    func search(companyID: UUID, _ filter: PartySearchFilter, page: PageRequest) async throws -> (items: [Party], total: Int) {
        let contains = SQLPattern.contains(filter.q)
        let prefix = SQLPattern.startsWith(filter.q)
        let kind = filter.kind?.rawValue
        func query(_ select: String, _ suffix: String) -> PostgresQuery {
            """
            SELECT \(unescaped: select) FROM (
                SELECT p.*,
                       CASE WHEN \(filter.q)::text IS NULL THEN 1
                            ELSE round((CASE WHEN p.name ILIKE \(prefix)::text THEN 0.5 ELSE 0 END
                                        + 0.5 * similarity(p.name, \(filter.q)::text))::numeric, 4) END::float8 AS score
                FROM (
                    SELECT id, company_id, 'company'::text AS kind, 'company'::text AS source, name, email, country_id, city
                    FROM companies WHERE NOT is_current AND status <> 'archived'
                    UNION ALL
                    SELECT id, company_id, 'company'::text, 'agency'::text, name, email, country_id, city
                    FROM agencies WHERE status <> 'archived'
                    UNION ALL
                    SELECT id, company_id, 'person'::text, 'artist'::text, name, email, country_id, city
                    FROM artists WHERE status <> 'archived'
                ) p
                WHERE p.company_id = \(companyID)
                  AND (\(kind)::text IS NULL OR p.kind = \(kind)::text)
                  AND (\(filter.q)::text IS NULL OR p.name ILIKE \(contains)::text OR p.name % \(filter.q)::text)
                  AND (\(filter.email)::text IS NULL OR lower(p.email) = lower(\(filter.email)::text))
                  AND (\(filter.countryID)::uuid IS NULL OR p.country_id = \(filter.countryID))
            ) s
            \(unescaped: suffix)
            """
        }
        return try await database.page(
            query, columns: "s.id, s.kind, s.source, s.name, s.email, s.country_id, s.city, s.score",
            orderBy: "ORDER BY s.score DESC, lower(s.name), s.id", page: page, decode: Self.decode)
    }

    static func decode(_ row: PostgresRow) throws -> Party {
        let c = Columns(row)
        let kind: String = try c("kind"), source: String = try c("source")
        guard let partyKind = PartyKind(rawValue: kind), let partySource = PartySource(rawValue: source) else {
            // The statement writes both as constants, so this is a programming error, never input.
            throw UnknownParty(kind: kind, source: source)
        }
        return Party(id: try c("id"), kind: partyKind, source: partySource, name: try c("name"), email: try c("email"),
                     countryId: try c("country_id"), city: try c("city"), score: try c("score"))
    }
}

struct UnknownParty: Error {
    var kind: String
    var source: String
}

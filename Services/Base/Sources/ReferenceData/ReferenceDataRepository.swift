import Foundation
import KisumKernel
import KisumPersistence
import PostgresNIO

/// Countries, regions and genres: global rows (no company), shipped by `Migrations/base/0001_reference_data.sql`.
/// The tables are small and fixed (249 countries), so name search is a `lower(name) LIKE` over an index-sized table.
struct ReferenceDataRepository: Sendable {
    let database: Database

    static let countryColumns = """
        c.id, c.name, c.official_name, c.iso2, c.iso3, c.iso_numeric, c.currency, c.region_id, r.code AS region_code
        """

    static func decodeCountry(_ row: PostgresRow) throws -> Country {
        let c = Columns(row)
        return Country(id: try c("id"), name: try c("name"), officialName: try c("official_name"), iso2: try c("iso2"),
                       iso3: try c("iso3"), isoNumeric: try c("iso_numeric"), currency: try c("currency"),
                       regionId: try c("region_id"), regionCode: try c("region_code"))
    }

    /// Text matches rank an exact ISO code first, then names starting with the text, then the rest by name
    /// (so `nl` finds the Netherlands before Finland). The text is bound once, in `search`.
    func countries(_ filter: CountryFilter, page: PageRequest) async throws -> (items: [Country], total: Int) {
        let pattern = SQLPattern.contains(filter.q)
        let prefix = SQLPattern.startsWith(filter.q)
        func query(_ select: String, _ suffix: String) -> PostgresQuery {
            """
            WITH search AS (SELECT upper(\(filter.q)::text) AS code, lower(\(pattern)::text) AS pattern, lower(\(prefix)::text) AS prefix)
            SELECT \(unescaped: select) FROM countries c JOIN regions r ON r.id = c.region_id CROSS JOIN search s
            WHERE (s.pattern IS NULL OR lower(c.name) LIKE s.pattern OR lower(c.official_name) LIKE s.pattern
                   OR c.iso2 = s.code OR c.iso3 = s.code)
              AND (\(filter.regionID)::uuid IS NULL OR c.region_id = \(filter.regionID))
              AND (\(filter.currency)::text IS NULL OR c.currency = \(filter.currency))
            \(unescaped: suffix)
            """
        }
        return try await database.page(
            query, columns: Self.countryColumns,
            orderBy: "ORDER BY COALESCE(c.iso2 = s.code OR c.iso3 = s.code, false) DESC, COALESCE(lower(c.name) LIKE s.prefix, false) DESC, c.name, c.iso2",
            page: page, decode: Self.decodeCountry)
    }

    func country(id: UUID) async throws -> Country? {
        try await database.query("""
            SELECT \(unescaped: Self.countryColumns) FROM countries c JOIN regions r ON r.id = c.region_id WHERE c.id = \(id)
            """).first(Self.decodeCountry)
    }

    /// By alpha-2 or alpha-3 code (already upper-cased).
    func country(isoCode: String) async throws -> Country? {
        try await database.query("""
            SELECT \(unescaped: Self.countryColumns) FROM countries c JOIN regions r ON r.id = c.region_id
            WHERE c.iso2 = \(isoCode) OR c.iso3 = \(isoCode)
            """).first(Self.decodeCountry)
    }

    static func decodeRegion(_ row: PostgresRow) throws -> Region {
        let c = Columns(row)
        return Region(id: try c("id"), code: try c("code"), name: try c("name"), countryCount: try c("country_count"))
    }

    static let regionSelect = """
        SELECT r.id, r.code, r.name, (SELECT count(*) FROM countries c WHERE c.region_id = r.id)::int AS country_count
        FROM regions r
        """

    func regions() async throws -> [Region] {
        try await database.query("\(unescaped: Self.regionSelect) ORDER BY r.name").collect(Self.decodeRegion)
    }

    func region(id: UUID) async throws -> Region? {
        try await database.query("\(unescaped: Self.regionSelect) WHERE r.id = \(id)").first(Self.decodeRegion)
    }

    func genres(q: String?, parentID: UUID?, topLevel: Bool?) async throws -> [Genre] {
        let pattern = SQLPattern.contains(q)
        return try await database.query("""
            SELECT g.id, g.slug, g.name, g.parent_id, g.position FROM genres g
            WHERE (\(pattern)::text IS NULL OR lower(g.name) LIKE lower(\(pattern)) OR g.slug LIKE lower(\(pattern)))
              AND (\(parentID)::uuid IS NULL OR g.parent_id = \(parentID))
              AND (\(topLevel)::boolean IS NULL OR (g.parent_id IS NULL) = \(topLevel))
            ORDER BY g.position, g.slug
            """).collect { row in
                let c = Columns(row)
                return Genre(id: try c("id"), slug: try c("slug"), name: try c("name"), parentId: try c("parent_id"),
                             position: try c("position"))
            }
    }
}

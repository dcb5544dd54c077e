import Foundation
import KisumKernel
import KisumPersistence
import PostgresNIO

/// A country's states and cities (migration 0007): global rows, every read names the country first, as the
/// indexes do.
struct PlacesRepository: Sendable {
    let database: Database

    static let stateColumns = "st.id, st.country_id, st.code, st.name, st.type, st.parent_id"

    static func decodeState(_ row: PostgresRow) throws -> CountryState {
        let c = Columns(row)
        return CountryState(id: try c("id"), countryId: try c("country_id"), code: try c("code"), name: try c("name"),
                            type: try c("type"), parentId: try c("parent_id"))
    }

    /// Text matches a part of the name, or the code exactly (`CA` or `US-CA`, ranked first); then by name.
    func states(countryID: UUID, q: String?, page: PageRequest) async throws -> (items: [CountryState], total: Int) {
        let pattern = SQLPattern.contains(q)
        func query(_ select: String, _ suffix: String) -> PostgresQuery {
            """
            WITH s AS (SELECT (SELECT iso2 FROM countries WHERE id = \(countryID)) || '-' || upper(\(q)::text) AS code)
            SELECT \(unescaped: select) FROM states st CROSS JOIN s
            WHERE st.country_id = \(countryID)
              AND (\(pattern)::text IS NULL OR st.name ILIKE \(pattern) OR st.code = s.code OR st.code = upper(\(q)::text))
            \(unescaped: suffix)
            """
        }
        return try await database.page(query, columns: Self.stateColumns,
                                       orderBy: "ORDER BY COALESCE(st.code = s.code, false) DESC, lower(st.name), st.code",
                                       page: page, decode: Self.decodeState)
    }

    static let cityColumns = """
        ci.id, ci.geoname_id, ci.country_id, ci.state_id, ci.name, ci.ascii_name, ci.population, ci.latitude, ci.longitude, ci.timezone
        """

    static func decodeCity(_ row: PostgresRow) throws -> City {
        let c = Columns(row)
        return City(id: try c("id"), geonameId: try c("geoname_id"), countryId: try c("country_id"), stateId: try c("state_id"),
                    name: try c("name"), asciiName: try c("ascii_name"), population: try c("population"),
                    latitude: try c("latitude"), longitude: try c("longitude"), timezone: try c("timezone"))
    }

    /// Text matches a part of the name or of its ascii spelling (trigram index); names starting with it come
    /// first, then the chosen order (largest first unless `name`).
    func cities(countryID: UUID, q: String?, stateID: UUID?, sort: CitySort, page: PageRequest) async throws -> (items: [City], total: Int) {
        let pattern = SQLPattern.contains(q)
        let prefix = SQLPattern.startsWith(q)
        func query(_ select: String, _ suffix: String) -> PostgresQuery {
            """
            WITH s AS (SELECT \(prefix)::text AS prefix)
            SELECT \(unescaped: select) FROM cities ci CROSS JOIN s
            WHERE ci.country_id = \(countryID)
              AND (\(stateID)::uuid IS NULL OR ci.state_id = \(stateID))
              AND (\(pattern)::text IS NULL OR ci.name ILIKE \(pattern) OR ci.ascii_name ILIKE \(pattern))
            \(unescaped: suffix)
            """
        }
        let then = sort == .name ? "lower(ci.name), ci.population DESC, ci.id" : "ci.population DESC, lower(ci.name), ci.id"
        return try await database.page(
            query, columns: Self.cityColumns,
            orderBy: "ORDER BY COALESCE(ci.name ILIKE s.prefix OR ci.ascii_name ILIKE s.prefix, false) DESC, \(then)",
            page: page, decode: Self.decodeCity)
    }

    func countryExists(_ id: UUID) async throws -> Bool {
        try await database.query("SELECT 1 FROM countries WHERE id = \(id)").first { _ in true } ?? false
    }
}

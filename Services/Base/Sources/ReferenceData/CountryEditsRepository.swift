import Foundation
import KisumKernel
import KisumPersistence
import PostgresNIO

/// Writes to the global `countries` table (platform staff only; the routes check that). Codes are unique,
/// the region must exist, and a country something refers to stays.
struct CountryEditsRepository: Sendable {
    let database: Database

    static let constraints = ConstraintMessages([
        "countries_pkey": APIError.conflict("country_exists", "A country with this alpha-2 code already exists.", info: ["field": "iso2"]),
        "countries_iso2_key": APIError.conflict("country_exists", "A country with this alpha-2 code already exists.", info: ["field": "iso2"]),
        "countries_iso3_key": APIError.conflict("country_exists", "A country with this alpha-3 code already exists.", info: ["field": "iso3"]),
        "countries_iso_numeric_key": APIError.conflict("country_exists", "A country with this numeric code already exists.",
                                                       info: ["field": "isoNumeric"]),
        "countries_region_id_fkey": ConstraintMessages.field("regionId", "not_found", "No region with this id."),
    ])

    func create(_ input: CountryInput) async throws -> Country {
        let row = try await Self.constraints.map {
            try await database.query("""
                WITH c AS (
                    INSERT INTO countries (id, iso2, iso3, iso_numeric, name, official_name, currency, region_id)
                    VALUES (md5('kisum-country-' || \(input.iso2 ?? "")::text)::uuid, \(input.iso2 ?? ""), \(input.iso3 ?? ""),
                            \(input.isoNumeric ?? ""), \(input.name ?? ""), \(input.officialName), \(input.currency), \(input.regionId))
                    RETURNING *)
                SELECT \(unescaped: ReferenceDataRepository.countryColumns) FROM c JOIN regions r ON r.id = c.region_id
                """).first(ReferenceDataRepository.decodeCountry)
        }
        guard let row else { throw APIError.internalError }
        return row
    }

    enum Replacement { case replaced(Country), notFound, codeChanged }

    /// Full replace of everything but the alpha-2 code (which, when sent, must be the country's own).
    func replace(id: UUID, _ input: CountryInput) async throws -> Replacement {
        try await Self.constraints.map {
            try await database.transaction { connection in
                let logger = database.logger
                guard let current = try await connection.query("SELECT iso2 FROM countries WHERE id = \(id) FOR UPDATE", logger: logger)
                    .first({ try $0.decode(String.self) }) else { return .notFound }
                if let iso2 = input.iso2, iso2 != current { return .codeChanged }
                let row = try await connection.query("""
                    WITH c AS (
                        UPDATE countries SET iso3 = \(input.iso3 ?? ""), iso_numeric = \(input.isoNumeric ?? ""), name = \(input.name ?? ""),
                            official_name = \(input.officialName), currency = \(input.currency), region_id = \(input.regionId)
                        WHERE id = \(id)
                        RETURNING *)
                    SELECT \(unescaped: ReferenceDataRepository.countryColumns) FROM c JOIN regions r ON r.id = c.region_id
                    """, logger: logger).first(ReferenceDataRepository.decodeCountry)
                return row.map(Replacement.replaced) ?? .notFound
            }
        }
    }

    /// Deletes a country with its states and cities (they cascade: they are part of it). Artists, agencies and
    /// companies of any tenant pointing at it keep it (their foreign keys do not cascade): 409 `country_in_use`.
    func delete(id: UUID) async throws -> Bool {
        do {
            return try await database.query("DELETE FROM countries WHERE id = \(id) RETURNING id").first { try $0.decode(UUID.self) } != nil
        } catch let error where error.postgresViolation?.sqlState == "23503" {
            throw APIError.conflict("country_in_use", "Artists, agencies or companies still refer to this country.")
        }
    }
}

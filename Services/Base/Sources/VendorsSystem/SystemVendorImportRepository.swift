import Foundation
import KisumKernel
import KisumPersistence
import PostgresNIO

/// Writes an imported catalog file (platform staff only; the route checks that): all rows or none, in one
/// transaction. The rows' references are resolved first, in three set-wise statements (categories by name in any
/// case, countries by alpha-2 code, names the catalog already has); every line that fails one is reported, then the
/// vendors and their services go in with one statement each.
struct SystemVendorImportRepository: Sendable {
    let database: Database

    func importRows(userID: UUID, _ rows: [SystemVendorCSV.Row]) async throws -> SystemVendorImportResult {
        let logger = database.logger
        return try await SystemVendorsRepository.constraints.map {
            try await database.transaction { connection in
                let categoryNames = Array(Set(rows.compactMap(\.category)))
                let categories = try await connection.query("""
                    SELECT n.name, k.id FROM unnest(\(categoryNames)::text[]) AS n(name)
                    JOIN vendor_categories k ON lower(btrim(k.name)) = lower(btrim(n.name))
                    """, logger: logger).collect { row -> (String, UUID) in
                    let c = Columns(row)
                    return (try c("name"), try c("id"))
                }
                let categoryIDs = Dictionary(categories, uniquingKeysWith: { first, _ in first })
                let codes = Array(Set(rows.compactMap(\.country)))
                let countries = try await connection.query("""
                    SELECT iso2, id FROM countries WHERE iso2 = ANY(\(codes)::text[])
                    """, logger: logger).collect { row -> (String, UUID) in
                    let c = Columns(row)
                    return (try c("iso2"), try c("id"))
                }
                let countryIDs = Dictionary(countries, uniquingKeysWith: { first, _ in first })
                let names = rows.map { $0.input.trimmedName }
                let existing = Set(try await connection.query("""
                    SELECT n.name FROM unnest(\(names)::text[]) AS n(name)
                    WHERE EXISTS (SELECT 1 FROM system_vendors s WHERE lower(btrim(s.name)) = lower(btrim(n.name)))
                    """, logger: logger).collect { try $0.decode(String.self) })

                var issues: [SystemVendorCSV.Issue] = []
                for row in rows {
                    if existing.contains(row.input.trimmedName) {
                        issues.append(.init(line: row.line, field: "name", code: "already_exists", message: "The catalog already has this vendor."))
                    }
                    if let category = row.category, categoryIDs[category] == nil {
                        issues.append(.init(line: row.line, field: "category", code: "not_found", message: "No vendor category has this name."))
                    }
                    if let country = row.country, countryIDs[country] == nil {
                        issues.append(.init(line: row.line, field: "country", code: "not_found", message: "No country has this code."))
                    }
                }
                if !issues.isEmpty { throw TicketCSV.failure(issues) }

                let ids = rows.map { _ in UUID() }
                // Absent optional values travel as "" in the text arrays and become NULL again (NULLIF).
                func texts(_ values: [String?]) -> [String] { values.map { $0 ?? "" } }
                try await connection.query("""
                    INSERT INTO system_vendors (id, name, category_id, email, phone, website, city, country_id, description, created_by)
                    SELECT u.id, u.name, NULLIF(u.category, '')::uuid, NULLIF(u.email, ''), NULLIF(u.phone, ''), NULLIF(u.website, ''),
                           NULLIF(u.city, ''), NULLIF(u.country, '')::uuid, NULLIF(u.description, ''), \(userID)
                    FROM unnest(\(ids)::uuid[], \(names)::text[],
                                \(texts(rows.map { $0.category.flatMap { categoryIDs[$0]?.uuidString } }))::text[],
                                \(texts(rows.map(\.input.email)))::text[], \(texts(rows.map(\.input.phone)))::text[],
                                \(texts(rows.map(\.input.website)))::text[], \(texts(rows.map(\.input.trimmedCity)))::text[],
                                \(texts(rows.map { $0.country.flatMap { countryIDs[$0]?.uuidString } }))::text[],
                                \(texts(rows.map(\.input.description)))::text[])
                        AS u(id, name, category, email, phone, website, city, country, description)
                    """, logger: logger)
                let services = zip(ids, rows).flatMap { id, row in row.services.map { (id, $0) } }
                if !services.isEmpty {
                    try await connection.query("""
                        INSERT INTO system_vendor_services (system_vendor_id, name)
                        SELECT u.vendor, u.name FROM unnest(\(services.map { $0.0 })::uuid[], \(services.map { $0.1 })::text[]) AS u(vendor, name)
                        """, logger: logger)
                }
                return SystemVendorImportResult(rows: rows.count, imported: rows.count, services: services.count)
            }
        }
    }
}

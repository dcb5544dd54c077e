import Foundation
import KisumKernel
import KisumPersistence
import PostgresNIO

/// Space rows, always within one company.
struct SpacesRepository: Sendable {
    let database: Database

    static let columns = """
        s.id, s.company_id, s.venue_id, s.name, s.description, s.kind, s.status, s.capacity, s.created_at, s.updated_at
        """

    static func decode(_ row: PostgresRow) throws -> Space {
        let c = Columns(row)
        return Space(id: try c("id"), companyId: try c("company_id"), venueId: try c("venue_id"), name: try c("name"),
                     description: try c("description"), kind: try c("kind"), status: try c("status"),
                     capacity: try c("capacity"), createdAt: try c("created_at"), updatedAt: try c("updated_at"))
    }

    func list(companyID: UUID, _ filter: SpaceFilter, page: PageRequest) async throws -> (items: [Space], total: Int) {
        let pattern = SQLPattern.contains(filter.q)
        func query(_ select: String, _ suffix: String) -> PostgresQuery {
            """
            SELECT \(unescaped: select) FROM spaces s
            WHERE s.company_id = \(companyID) AND s.deleted_at IS NULL
              AND (\(filter.venueID)::uuid IS NULL OR s.venue_id = \(filter.venueID))
              AND (\(filter.status)::text IS NULL OR s.status = \(filter.status))
              AND (\(pattern)::text IS NULL OR s.name ILIKE \(pattern))
            \(unescaped: suffix)
            """
        }
        return try await database.page(query, columns: Self.columns, orderBy: "ORDER BY s.created_at, s.id", page: page,
                                                      decode: Self.decode)
    }

    func get(companyID: UUID, id: UUID) async throws -> Space? {
        try await database.query("""
            SELECT \(unescaped: Self.columns) FROM spaces s
            WHERE s.company_id = \(companyID) AND s.id = \(id) AND s.deleted_at IS NULL
            """).first(Self.decode)
    }

    /// Live spaces of one venue (inquiry detail), in creation order.
    func list(companyID: UUID, venueID: UUID) async throws -> [Space] {
        try await database.query("""
            SELECT \(unescaped: Self.columns) FROM spaces s
            WHERE s.company_id = \(companyID) AND s.venue_id = \(venueID) AND s.deleted_at IS NULL
            ORDER BY s.created_at, s.id
            """).collect(Self.decode)
    }

    /// Inserts the space only if its venue is a live venue of the same company (one statement, so
    /// a concurrent venue delete cannot slip in between a check and the insert).
    func create(companyID: UUID, _ input: CreateSpace) async throws -> Space {
        let row = try await database.query("""
            WITH s AS (
                INSERT INTO spaces (company_id, venue_id, name, description, kind, status, capacity)
                SELECT v.company_id, v.id, \(input.name ?? ""), \(input.description), \(input.kind ?? "room"),
                       \(input.status ?? "active"), \(input.capacity)
                FROM venues v
                WHERE v.company_id = \(companyID) AND v.id = \(input.venueId) AND v.deleted_at IS NULL
                RETURNING *)
            SELECT \(unescaped: Self.columns) FROM s
            """).first(Self.decode)
        guard let row else {
            throw APIError.validation(field: "venueId", code: "not_found", message: "No venue with this id in this company.")
        }
        return row
    }

    func update(companyID: UUID, id: UUID, _ p: SpacePatch) async throws -> Space? {
        try await database.query("""
            UPDATE spaces s SET
                name = COALESCE(\(p.name.value), name),
                description = CASE WHEN \(p.description.clears) THEN NULL ELSE COALESCE(\(p.description.value), description) END,
                kind = COALESCE(\(p.kind.value), kind),
                status = COALESCE(\(p.status.value), status),
                capacity = CASE WHEN \(p.capacity.clears) THEN NULL ELSE COALESCE(\(p.capacity.value), capacity) END,
                updated_at = now()
            WHERE s.company_id = \(companyID) AND s.id = \(id) AND s.deleted_at IS NULL
            RETURNING \(unescaped: Self.columns)
            """).first(Self.decode)
    }

    /// Archives (soft-deletes) a space. Refused while it still carries current or future bookings or
    /// blocks. False when there is no such live space.
    func softDelete(companyID: UUID, id: UUID) async throws -> Bool {
        let logger = database.logger
        return try await database.transaction { connection in
            guard try await connection.query("""
                SELECT id FROM spaces WHERE company_id = \(companyID) AND id = \(id) AND deleted_at IS NULL FOR UPDATE
                """, logger: logger).first({ try $0.decode(UUID.self) }) != nil else { return false }
            let active = try await connection.query("""
                SELECT count(*) FROM space_occupancy
                WHERE company_id = \(companyID) AND space_id = \(id)
                  AND upper(during) > now() AND (expires_at IS NULL OR expires_at > now())
                """, logger: logger).count()
            if active > 0 {
                throw APIError.conflict("space_in_use", "The space still has current or future bookings or blocks.",
                                        info: ["activeItems": .number(Double(active))])
            }
            try await connection.query("""
                UPDATE spaces SET deleted_at = now(), status = 'archived', updated_at = now()
                WHERE company_id = \(companyID) AND id = \(id)
                """, logger: logger)
            return true
        }
    }
}

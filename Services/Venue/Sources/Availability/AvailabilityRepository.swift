import Foundation
import KisumKernel
import KisumPersistence
import PostgresNIO

/// Availability blocks. Their occupancy rows are written by the table's trigger in the same
/// statement, so the exclusion constraint judges every insert and move.
struct AvailabilityRepository: Sendable {
    let database: Database

    // The column keeps its first name, `kind`; the wire calls it `status` as the spec does (and `kind` too).
    static let columns = """
        b.id, b.company_id, b.space_id, b.kind, b.title, b.notes, b.starts_at, b.ends_at, b.expires_at,
        (b.expires_at IS NOT NULL AND b.expires_at <= now()) AS expired, b.created_by, b.created_at, b.updated_at
        """

    static let constraints = ConstraintMessages([
        "availability_blocks_time_order": .validation(field: "endAt", code: "before_start", message: "endAt must be after startAt."),
        "availability_blocks_expires_only_hold": .validation(field: "expiresAt", code: "only_for_holds",
                                                             message: "expiresAt is supported for hold blocks only."),
    ])

    static func decode(_ row: PostgresRow) throws -> AvailabilityBlock {
        let c = Columns(row)
        return AvailabilityBlock(
            id: try c("id"), companyId: try c("company_id"), spaceId: try c("space_id"), status: try c("kind"), kind: try c("kind"),
            title: try c("title"),
            notes: try c("notes"), startAt: try c("starts_at"), endAt: try c("ends_at"), expiresAt: try c("expires_at"),
            expired: try c("expired"), createdBy: try c("created_by"), createdAt: try c("created_at"), updatedAt: try c("updated_at"))
    }

    var occupancy: OccupancyGuard { OccupancyGuard(database: database) }

    func list(companyID: UUID, _ filter: BlockFilter, page: PageRequest) async throws -> (items: [AvailabilityBlock], total: Int) {
        func query(_ select: String, _ suffix: String) -> PostgresQuery {
            """
            SELECT \(unescaped: select) FROM availability_blocks b
            WHERE b.company_id = \(companyID)
              AND (\(filter.spaceIDs)::uuid[] IS NULL OR b.space_id = ANY(\(filter.spaceIDs)))
              AND (\(filter.venueID)::uuid IS NULL OR EXISTS (
                    SELECT 1 FROM spaces s WHERE s.company_id = b.company_id AND s.id = b.space_id AND s.venue_id = \(filter.venueID)))
              AND (\(filter.status)::text IS NULL OR b.kind = \(filter.status))
              AND (\(filter.kind)::text IS NULL OR b.kind = \(filter.kind))
              AND (\(filter.toAt)::timestamptz IS NULL OR b.starts_at < \(filter.toAt))
              AND (\(filter.fromAt)::timestamptz IS NULL OR b.ends_at > \(filter.fromAt))
              AND (\(filter.includeExpired) OR b.expires_at IS NULL OR b.expires_at > now())
            \(unescaped: suffix)
            """
        }
        return try await database.page(query, columns: Self.columns, orderBy: "ORDER BY b.starts_at, b.id", page: page,
                                                      decode: Self.decode)
    }

    func get(companyID: UUID, id: UUID) async throws -> AvailabilityBlock? {
        try await database.query("""
            SELECT \(unescaped: Self.columns) FROM availability_blocks b WHERE b.company_id = \(companyID) AND b.id = \(id)
            """).first(Self.decode)
    }

    /// Inserts the block on a live space of the company; 422 on `spaceId` otherwise, 409 with the
    /// conflicting item when the space is taken.
    func create(companyID: UUID, userID: UUID, _ input: CreateBlock) async throws -> AvailabilityBlock {
        guard let spaceID = input.spaceId, let start = input.startAt, let end = input.endAt else {
            throw APIError.validation(field: "body", code: "required", message: "spaceId, startAt and endAt are required.")
        }
        let row = try await occupancy.run(companyID: companyID, spaceIDs: [spaceID], startAt: start, endAt: end, excluding: nil) {
            try await Self.constraints.map {
                try await database.query("""
                    WITH b AS (
                        INSERT INTO availability_blocks (company_id, space_id, kind, title, notes, starts_at, ends_at, expires_at, created_by)
                        SELECT s.company_id, s.id, \(input.blockStatus ?? "manual"), \(input.title), \(input.notes), \(start), \(end),
                               \(input.expiresAt), \(userID)
                        FROM spaces s WHERE s.company_id = \(companyID) AND s.id = \(spaceID) AND s.deleted_at IS NULL
                        RETURNING *)
                    SELECT \(unescaped: Self.columns) FROM b
                    """).first(Self.decode)
            }
        }
        guard let row else { throw APIError.validation(field: "spaceId", code: "not_found", message: "No space with this id in this company.") }
        return row
    }

    /// One UPDATE; changing the status away from hold drops the expiry unless the patch sets one (which the
    /// CHECK then rejects). Nil when there is no such block.
    func update(companyID: UUID, id: UUID, _ p: BlockPatch) async throws -> AvailabilityBlock? {
        let logger = database.logger
        guard let current = try await get(companyID: companyID, id: id) else { return nil }
        let spaceID = p.spaceId.value ?? current.spaceId
        let start = p.startAt.value ?? current.startAt
        let end = p.endAt.value ?? current.endAt
        return try await occupancy.run(companyID: companyID, spaceIDs: [spaceID], startAt: start, endAt: end, excluding: ("block", id)) {
            try await Self.constraints.map {
                try await database.transaction { connection in
                    if let newSpace = p.spaceId.value {
                        let live = try await connection.query("""
                            SELECT count(*) FROM spaces WHERE company_id = \(companyID) AND id = \(newSpace) AND deleted_at IS NULL
                            """, logger: logger).count()
                        if live == 0 {
                            throw APIError.validation(field: "spaceId", code: "not_found", message: "No space with this id in this company.")
                        }
                    }
                    return try await connection.query("""
                        WITH b AS (
                            UPDATE availability_blocks SET
                                space_id = COALESCE(\(p.spaceId.value), space_id),
                                kind = COALESCE(\(p.blockStatus), kind),
                                title = CASE WHEN \(p.title.clears) THEN NULL ELSE COALESCE(\(p.title.value), title) END,
                                notes = CASE WHEN \(p.notes.clears) THEN NULL ELSE COALESCE(\(p.notes.value), notes) END,
                                starts_at = COALESCE(\(p.startAt.value), starts_at),
                                ends_at = COALESCE(\(p.endAt.value), ends_at),
                                expires_at = CASE
                                    WHEN \(p.expiresAt.clears) THEN NULL
                                    WHEN \(p.expiresAt.value)::timestamptz IS NOT NULL THEN \(p.expiresAt.value)
                                    WHEN COALESCE(\(p.blockStatus), kind) <> 'hold' THEN NULL
                                    ELSE expires_at END,
                                updated_at = now()
                            WHERE company_id = \(companyID) AND id = \(id)
                            RETURNING *)
                        SELECT \(unescaped: Self.columns) FROM b
                        """, logger: logger).first(Self.decode)
                }
            }
        }
    }

    /// Deletes the block (its occupancy row goes with it, reopening the time). False when absent.
    func delete(companyID: UUID, id: UUID) async throws -> Bool {
        try await database.query("""
            DELETE FROM availability_blocks WHERE company_id = \(companyID) AND id = \(id) RETURNING id
            """).first { try $0.decode(UUID.self) } != nil
    }
}

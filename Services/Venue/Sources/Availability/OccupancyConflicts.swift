import Foundation
import KisumKernel
import KisumPersistence
import PostgresNIO

/// The item a rejected booking or block collided with, reported in `error.info.conflict`.
struct OccupancyConflict: Sendable {
    var type: String
    var id: UUID
    var spaceId: UUID
    var startAt: Date
    var endAt: Date

    var json: JSONValue {
        ["type": .string(type), "id": .uuid(id), "spaceId": .uuid(spaceId),
         "startAt": .string(RFC3339.string(from: startAt)), "endAt": .string(RFC3339.string(from: endAt))]
    }
}

/// Turns the exclusion-constraint violation of `space_occupancy` into a 409 naming the conflicting
/// item. The lookup runs after the failed transaction rolled back; the winner of a race has
/// committed by then (the constraint waits for it), so it is visible.
struct OccupancyGuard: Sendable {
    static let constraint = "space_occupancy_no_overlap"
    let database: Database

    ///
    /// `body` must run a whole transaction: two transactions inserting overlapping rows at the same
    /// moment can each wait for the other inside the exclusion check, and PostgreSQL then aborts one
    /// as a deadlock (40P01). That loser is retried, and on the retry meets the committed winner as
    /// an ordinary conflict, so callers always see 409 `space_conflict` with the item.
    func run<T>(
        companyID: UUID, spaceIDs: @autoclosure () -> [UUID], startAt: Date, endAt: Date,
        excluding source: (kind: String, id: UUID)?, _ body: () async throws -> T
    ) async throws -> T {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await body()
            } catch where error.postgresViolation?.constraint == Self.constraint {
                let conflict = try await find(companyID: companyID, spaceIDs: spaceIDs(), startAt: startAt, endAt: endAt, excluding: source)
                throw APIError.conflict("space_conflict", "The space is already taken for part of this time.",
                                        info: conflict.map { ["conflict": $0.json] })
            } catch where error.postgresViolation?.sqlState == "40P01" && attempt < Self.maxAttempts {
                // Jittered pause so the retried transactions do not collide in lockstep again.
                try await Task.sleep(for: .milliseconds(Int.random(in: 5...25) * attempt))
            }
        }
    }

    static let maxAttempts = 5

    /// The earliest live occupying item overlapping the range on any of the spaces.
    func find(companyID: UUID, spaceIDs: [UUID], startAt: Date, endAt: Date, excluding source: (kind: String, id: UUID)?)
        async throws -> OccupancyConflict?
    {
        try await database.query("""
            SELECT source_kind, source_id, space_id, lower(during) AS starts_at, upper(during) AS ends_at
            FROM space_occupancy
            WHERE company_id = \(companyID) AND space_id = ANY(\(spaceIDs))
              AND during && tstzrange(\(startAt), \(endAt), '[)')
              AND (expires_at IS NULL OR expires_at > now())
              AND NOT (source_kind = \(source?.kind ?? "") AND source_id = \(source?.id ?? UUID()))
            ORDER BY lower(during), source_id
            LIMIT 1
            """).first { row in
            let (kind, id, space, start, end) = try row.decode((String, UUID, UUID, Date, Date).self)
            return OccupancyConflict(type: kind, id: id, spaceId: space, startAt: start, endAt: end)
        }
    }
}

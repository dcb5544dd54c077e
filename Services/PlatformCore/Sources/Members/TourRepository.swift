import Foundation
import KisumKernel
import KisumPersistence
import PostgresNIO

/// The tours jsonb of the caller's active membership, changed with one UPDATE each (jsonb_set / `-`), so
/// two tabs finishing different tours at once cannot overwrite each other.
struct TourRepository: Sendable {
    let database: Database

    /// At most this many tours per member, so the column cannot be grown without bound.
    static let maxTours = 200

    /// `^[a-z0-9][a-z0-9_-]{0,63}$`.
    static func isValidTourID(_ id: String) -> Bool {
        guard (1...64).contains(id.utf8.count), let first = id.utf8.first, isSlugByte(first), first != 0x2D, first != 0x5F else {
            return false
        }
        return id.utf8.allSatisfy(isSlugByte)
    }

    private static func isSlugByte(_ b: UInt8) -> Bool {
        (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) || b == 0x2D || b == 0x5F
    }

    func tours(workspaceID: UUID, userID: UUID) async throws -> TourMap {
        let text = try await database.query("""
            SELECT tours::text FROM memberships WHERE workspace_id = \(workspaceID) AND user_id = \(userID) AND status = 'active'
            """).first { try $0.decode(String.self) }
        guard let text else { throw APIError.notFound("member") }
        return TourMap(storedJSON: text)
    }

    /// Sets `completed` / `skipped` (absent ones keep their value, false for a new tour). `completed_at` is
    /// the time of the first completion; marking a tour not completed clears it. nil: the member already has
    /// `maxTours` other tours.
    func update(workspaceID: UUID, userID: UUID, tourID: String, completed: Bool?, skipped: Bool?) async throws -> TourMap? {
        let now = RFC3339.string(from: Date())
        return try await database.query("""
            UPDATE memberships SET
                tours = jsonb_set(tours, ARRAY[\(tourID)::text], jsonb_build_object(
                    'completed', COALESCE(\(completed)::boolean, (tours -> \(tourID)::text ->> 'completed')::boolean, false),
                    'skipped', COALESCE(\(skipped)::boolean, (tours -> \(tourID)::text ->> 'skipped')::boolean, false),
                    'completed_at', CASE
                        WHEN \(completed)::boolean IS FALSE THEN NULL
                        WHEN \(completed)::boolean IS TRUE THEN
                            CASE WHEN (tours -> \(tourID)::text ->> 'completed')::boolean
                                 THEN COALESCE(tours -> \(tourID)::text ->> 'completed_at', \(now)::text)
                                 ELSE \(now)::text END
                        ELSE tours -> \(tourID)::text ->> 'completed_at' END)),
                updated_at = now()
            WHERE workspace_id = \(workspaceID) AND user_id = \(userID) AND status = 'active'
              AND (tours ? \(tourID)::text OR (SELECT count(*) FROM jsonb_object_keys(tours)) < \(Self.maxTours))
            RETURNING tours::text
            """).first { try $0.decode(String.self) }.map(TourMap.init(storedJSON:))
    }

    /// Forgets one tour (or every tour when `tourID` is nil).
    func reset(workspaceID: UUID, userID: UUID, tourID: String?) async throws -> TourMap {
        let text = try await database.query("""
            UPDATE memberships SET
                tours = CASE WHEN \(tourID)::text IS NULL THEN '{}'::jsonb ELSE tours - \(tourID)::text END,
                updated_at = now()
            WHERE workspace_id = \(workspaceID) AND user_id = \(userID) AND status = 'active'
            RETURNING tours::text
            """).first { try $0.decode(String.self) }
        guard let text else { throw APIError.notFound("member") }
        return TourMap(storedJSON: text)
    }
}

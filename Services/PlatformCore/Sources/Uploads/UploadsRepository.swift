import Foundation
import KisumPersistence
import PostgresNIO

/// The reads behind `GET /api/v1/uploads/{path}`'s access rule.
struct UploadsRepository: Sendable {
    let database: Database

    /// Whether `caller` may see `owner`'s avatar: the same user, or both active in one active workspace
    /// (the people a member can already see in member lists).
    func sharesWorkspace(caller: UUID, owner: UUID) async throws -> Bool {
        if caller == owner { return true }
        return try await database.query("""
            SELECT 1 FROM memberships mine
            JOIN memberships theirs ON theirs.workspace_id = mine.workspace_id
            JOIN workspaces w ON w.id = mine.workspace_id
            WHERE mine.user_id = \(caller) AND theirs.user_id = \(owner)
              AND mine.status = 'active' AND theirs.status = 'active' AND w.status = 'active'
            LIMIT 1
            """).first { _ in true } ?? false
    }
}

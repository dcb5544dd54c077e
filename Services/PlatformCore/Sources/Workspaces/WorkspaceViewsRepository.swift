import Foundation
import KisumKernel
import KisumPersistence
import PostgresNIO

/// The workspace list and view of `GET /api/v1/workspaces…`, the workspace patch, the current workspace.
extension WorkspaceRepository {
    /// The head of a `WorkspaceView` query: `m` is the caller's membership, `w` the workspace, `u` the caller.
    static let viewSelect = """
        SELECT \(Workspace.columns), w.settings::text AS settings,
               m.role, m.id AS member_id, m.status AS membership_status, m.joined_at,
               COALESCE(u.current_workspace_id = w.id, false) AS is_current,
               (SELECT count(*) FROM memberships c WHERE c.workspace_id = w.id AND c.status = 'active') AS member_count
        FROM memberships m
        JOIN workspaces w ON w.id = m.workspace_id
        JOIN users u ON u.id = m.user_id
        """

    /// The caller's workspaces (memberships not removed, workspaces active), by name.
    func views(userID: UUID, filter: WorkspaceListFilter) async throws -> (items: [WorkspaceView], total: Int) {
        let total = try await database.query(listQuery(
            "SELECT count(*) FROM memberships m JOIN workspaces w ON w.id = m.workspace_id", order: "",
            userID: userID, filter: filter, limit: 1, offset: 0)).first { try $0.decode(Int.self) } ?? 0
        let items = try await database.query(listQuery(
            Self.viewSelect, order: "ORDER BY lower(w.name), w.id",
            userID: userID, filter: filter, limit: filter.limit, offset: filter.skip)).collect(WorkspaceView.init(row:))
        return (items, total)
    }

    /// The page and its count share the conditions (PostgresQuery values cannot be nested).
    private func listQuery(_ head: String, order: String, userID: UUID, filter: WorkspaceListFilter, limit: Int, offset: Int) -> PostgresQuery {
        let pattern = SQLPattern.contains(filter.search)
        return """
            \(unescaped: head)
            WHERE m.user_id = \(userID) AND m.status <> 'removed' AND w.status = 'active'
              AND (\(pattern)::text IS NULL OR w.name ILIKE \(pattern) OR w.slug ILIKE \(pattern))
              AND (\(filter.membershipStatus)::text IS NULL OR m.status = \(filter.membershipStatus))
            \(unescaped: order)
            LIMIT \(limit) OFFSET \(offset)
            """
    }

    /// The workspace as `userID` sees it (any membership that is not removed), or nil.
    func view(workspaceID: UUID, userID: UUID, on connection: PostgresConnection? = nil) async throws -> WorkspaceView? {
        let query: PostgresQuery = """
            \(unescaped: Self.viewSelect)
            WHERE m.workspace_id = \(workspaceID) AND m.user_id = \(userID) AND m.status <> 'removed'
            """
        if let connection { return try await connection.query(query, logger: logger).first(WorkspaceView.init(row:)) }
        return try await database.query(query).first(WorkspaceView.init(row:))
    }

    /// One UPDATE for the whole patch; a taken slug is 409 `slug_taken`.
    func update(workspaceID: UUID, patch: WorkspacePatch, on connection: PostgresConnection) async throws {
        do {
            try await connection.query("""
                UPDATE workspaces SET
                    name = COALESCE(\(patch.name), name),
                    slug = COALESCE(\(patch.slug), slug),
                    description = CASE WHEN \(patch.clearDescription) THEN NULL ELSE COALESCE(\(patch.description), description) END,
                    logo_url = CASE WHEN \(patch.clearLogoUrl) THEN NULL ELSE COALESCE(\(patch.logoUrl), logo_url) END,
                    website = CASE WHEN \(patch.clearWebsite) THEN NULL ELSE COALESCE(\(patch.website), website) END,
                    timezone = CASE WHEN \(patch.clearTimezone) THEN NULL ELSE COALESCE(\(patch.timezone), timezone) END,
                    currency = CASE WHEN \(patch.clearCurrency) THEN NULL ELSE COALESCE(\(patch.currency), currency) END,
                    settings = COALESCE(\(patch.settings)::jsonb, settings),
                    updated_at = now()
                WHERE id = \(workspaceID)
                """, logger: logger)
        } catch where error.postgresViolation?.constraint == "workspaces_slug_key" {
            throw APIError.conflict("slug_taken", "Another workspace already uses this slug.")
        }
    }

    /// Remembers the workspace the user works in.
    func setCurrent(userID: UUID, workspaceID: UUID) async throws {
        try await database.query("UPDATE users SET current_workspace_id = \(workspaceID), updated_at = now() WHERE id = \(userID)")
    }
}

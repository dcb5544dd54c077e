import Foundation
import KisumKernel
import KisumPersistence
import PostgresNIO

/// The editable workspace fields. Nullable columns take an explicit clear flag (`null` in the body
/// clears, an absent key leaves the value).
struct WorkspacePatch: Sendable {
    var name: String?
    var slug: String?
    var description: String?
    var clearDescription = false
    var logoUrl: String?
    var clearLogoUrl = false
    var website: String?
    var clearWebsite = false
    var timezone: String?
    var clearTimezone = false
    var currency: String?
    var clearCurrency = false
    /// Replaces the whole settings object (JSON text of an object).
    var settings: String?

    /// The fields this patch touches, for the activity feed.
    var changedFields: [String] {
        var fields: [String] = []
        if name != nil { fields.append("name") }
        if slug != nil { fields.append("slug") }
        if description != nil || clearDescription { fields.append("description") }
        if logoUrl != nil || clearLogoUrl { fields.append("logo_url") }
        if website != nil || clearWebsite { fields.append("website") }
        if timezone != nil || clearTimezone { fields.append("timezone") }
        if currency != nil || clearCurrency { fields.append("currency") }
        if settings != nil { fields.append("settings") }
        return fields
    }
}

/// Filters of `GET /api/v1/workspaces`.
struct WorkspaceListFilter: Sendable {
    var search: String?
    var membershipStatus: String?
    var skip: Int
    var limit: Int
}

extension WorkspaceRepository {
    /// The caller's workspaces (memberships not removed, workspaces active), by name.
    func views(userID: UUID, filter: WorkspaceListFilter) async throws -> (items: [WorkspaceView], total: Int) {
        let total = try await database.query(listQuery(
            "SELECT count(*) FROM memberships m JOIN workspaces w ON w.id = m.workspace_id", order: "",
            userID: userID, filter: filter, limit: 1, offset: 0)).first { try $0.decode(Int.self) } ?? 0
        let items = try await database.query(listQuery(
            WorkspaceView.select, order: "ORDER BY lower(w.name), w.id",
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
            \(unescaped: WorkspaceView.select)
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

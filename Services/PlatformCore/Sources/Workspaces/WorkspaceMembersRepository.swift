import Foundation
import KisumKernel
import KisumPersistence
import PostgresNIO

/// The member-and-invitation list of `GET /api/v1/workspaces/{workspace_id}/members`.
extension WorkspaceRepository {
    /// The head of a `WorkspaceMemberEntry` query: `m` membership, `u` user, `i` the open invitation
    /// (lateral, only for invited memberships).
    static let memberEntrySelect = """
        SELECT m.id, m.user_id, u.email, u.full_name, u.display_name, u.avatar_url, m.role, m.status, u.status AS user_status,
               EXISTS (SELECT 1 FROM credentials c WHERE c.user_id = u.id) AS has_password,
               m.title, m.department, m.joined_at, m.invited_by, i.id AS invitation_id, i.created_at AS invited_at,
               i.expires_at AS invitation_expires_at, i.expires_at <= now() AS invitation_expired, u.last_login_at, m.created_at
        FROM memberships m
        JOIN users u ON u.id = m.user_id
        LEFT JOIN LATERAL (
            SELECT i.id, i.created_at, i.expires_at FROM invitations i
            WHERE i.workspace_id = m.workspace_id AND i.membership_id = m.id AND i.status = 'pending'
            ORDER BY i.created_at DESC LIMIT 1
        ) i ON m.status = 'invited'
        """

    /// Members and open invitations of one workspace (removed memberships excluded): active first, then
    /// suspended, then invited, each by name.
    func members(workspaceID: UUID, filter: WorkspaceMemberFilter) async throws -> (items: [WorkspaceMemberEntry], total: Int) {
        let total = try await database.query(memberQuery(
            "SELECT count(*) FROM memberships m JOIN users u ON u.id = m.user_id", order: "",
            workspaceID: workspaceID, filter: filter, limit: 1, offset: 0)).first { try $0.decode(Int.self) } ?? 0
        let items = try await database.query(memberQuery(
            Self.memberEntrySelect,
            order: "ORDER BY CASE m.status WHEN 'active' THEN 0 WHEN 'suspended' THEN 1 ELSE 2 END, lower(COALESCE(u.full_name, u.email)), m.id",
            workspaceID: workspaceID, filter: filter, limit: filter.limit, offset: filter.skip)).collect(WorkspaceMemberEntry.init(row:))
        return (items, total)
    }

    private func memberQuery(_ head: String, order: String, workspaceID: UUID, filter: WorkspaceMemberFilter, limit: Int, offset: Int)
        -> PostgresQuery
    {
        let pattern = SQLPattern.contains(filter.search)
        return """
            \(unescaped: head)
            WHERE m.workspace_id = \(workspaceID) AND m.status <> 'removed'
              AND (\(pattern)::text IS NULL OR u.email ILIKE \(pattern) OR u.full_name ILIKE \(pattern) OR u.display_name ILIKE \(pattern))
              AND (\(filter.status)::text IS NULL OR m.status = \(filter.status))
              AND (\(filter.role)::text IS NULL OR m.role = \(filter.role))
            \(unescaped: order)
            LIMIT \(limit) OFFSET \(offset)
            """
    }
}

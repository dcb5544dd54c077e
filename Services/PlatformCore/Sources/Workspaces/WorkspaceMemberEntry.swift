import Foundation
import Hummingbird
import KisumKernel
import KisumPersistence
import PostgresNIO

/// One row of a workspace's member list: an active (or suspended) member, or someone invited who has
/// not accepted yet (`status` = `invited`, with the open invitation's id and expiry). `id` is the
/// membership id (`member_id` in every route).
public struct WorkspaceMemberEntry: ResponseEncodable, Sendable, Equatable {
    public var id: UUID
    public var userId: UUID
    public var email: String
    public var fullName: String?
    public var displayName: String?
    public var avatarUrl: String?
    public var role: String
    /// Membership status: `active`, `invited` or `suspended`.
    public var status: String
    /// The account's status (`pending` until the invitee accepted or activated).
    public var userStatus: String
    public var hasPassword: Bool
    public var title: String?
    public var department: String?
    public var joinedAt: Date?
    public var invitedBy: UUID?
    public var invitationId: UUID?
    public var invitedAt: Date?
    public var invitationExpiresAt: Date?
    public var invitationExpired: Bool?
    public var lastLoginAt: Date?
    public var createdAt: Date

    /// `m` membership, `u` user, `i` the open invitation (lateral, only for invited memberships).
    static let select = """
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

    init(row: PostgresRow) throws {
        let r = row.makeRandomAccess()
        id = try r["id"].decode(UUID.self)
        userId = try r["user_id"].decode(UUID.self)
        email = try r["email"].decode(String.self)
        fullName = try r["full_name"].decode(String?.self)
        displayName = try r["display_name"].decode(String?.self)
        avatarUrl = try r["avatar_url"].decode(String?.self)
        role = try r["role"].decode(String.self)
        status = try r["status"].decode(String.self)
        userStatus = try r["user_status"].decode(String.self)
        hasPassword = try r["has_password"].decode(Bool.self)
        title = try r["title"].decode(String?.self)
        department = try r["department"].decode(String?.self)
        joinedAt = try r["joined_at"].decode(Date?.self)
        invitedBy = try r["invited_by"].decode(UUID?.self)
        invitationId = try r["invitation_id"].decode(UUID?.self)
        invitedAt = try r["invited_at"].decode(Date?.self)
        invitationExpiresAt = try r["invitation_expires_at"].decode(Date?.self)
        invitationExpired = try r["invitation_expired"].decode(Bool?.self)
        lastLoginAt = try r["last_login_at"].decode(Date?.self)
        createdAt = try r["created_at"].decode(Date.self)
    }
}

/// Filters of `GET /api/v1/workspaces/{workspace_id}/members`.
struct WorkspaceMemberFilter: Sendable {
    var search: String?
    var status: String?
    var role: String?
    var skip: Int
    var limit: Int
}

extension WorkspaceRepository {
    /// Members and open invitations of one workspace (removed memberships excluded): active first, then
    /// suspended, then invited, each by name.
    func members(workspaceID: UUID, filter: WorkspaceMemberFilter) async throws -> (items: [WorkspaceMemberEntry], total: Int) {
        let total = try await database.query(memberQuery(
            "SELECT count(*) FROM memberships m JOIN users u ON u.id = m.user_id", order: "",
            workspaceID: workspaceID, filter: filter, limit: 1, offset: 0)).first { try $0.decode(Int.self) } ?? 0
        let items = try await database.query(memberQuery(
            WorkspaceMemberEntry.select,
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

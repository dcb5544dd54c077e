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

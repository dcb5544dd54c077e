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
    public var role: String
    /// Membership status: `active`, `invited` or `suspended`.
    public var status: String
    public var userId: UUID
    public var email: String
    public var fullName: String?
    public var displayName: String?
    public var avatarUrl: String?
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
        let c = Columns(row)
        id = try c("id")
        (userId, email, fullName, displayName, avatarUrl) = try c.person()
        role = try c("role")
        status = try c("status")
        userStatus = try c("user_status")
        hasPassword = try c("has_password")
        title = try c("title")
        department = try c("department")
        joinedAt = try c("joined_at")
        invitedBy = try c("invited_by")
        invitationId = try c("invitation_id")
        invitedAt = try c("invited_at")
        invitationExpiresAt = try c("invitation_expires_at")
        invitationExpired = try c("invitation_expired")
        lastLoginAt = try c("last_login_at")
        createdAt = try c("created_at")
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

import Foundation
import Hummingbird
import PostgresNIO

/// An invitation to a workspace as administrators see it (never the token).
public struct Invitation: ResponseEncodable, Sendable, Equatable {
    public var id: UUID
    public var workspaceId: UUID
    public var email: String
    public var role: String
    /// `pending`, `accepted` or `cancelled`.
    public var status: String
    /// The membership (status `invited` while pending).
    public var memberId: UUID?
    public var userId: UUID?
    public var invitedBy: UUID?
    /// How the current link went out: `email` or `link` (copied by an administrator).
    public var delivery: String
    public var expiresAt: Date
    public var acceptedAt: Date?
    public var cancelledAt: Date?
    public var createdAt: Date
    public var updatedAt: Date

    static let columns = """
        i.id, i.workspace_id, i.email, i.role, i.status, i.membership_id, i.user_id, i.invited_by, i.delivery, i.expires_at,
        i.accepted_at, i.cancelled_at, i.created_at, i.updated_at
        """

    init(row: PostgresRow) throws {
        let r = row.makeRandomAccess()
        id = try r["id"].decode(UUID.self)
        workspaceId = try r["workspace_id"].decode(UUID.self)
        email = try r["email"].decode(String.self)
        role = try r["role"].decode(String.self)
        status = try r["status"].decode(String.self)
        memberId = try r["membership_id"].decode(UUID?.self)
        userId = try r["user_id"].decode(UUID?.self)
        invitedBy = try r["invited_by"].decode(UUID?.self)
        delivery = try r["delivery"].decode(String.self)
        expiresAt = try r["expires_at"].decode(Date.self)
        acceptedAt = try r["accepted_at"].decode(Date?.self)
        cancelledAt = try r["cancelled_at"].decode(Date?.self)
        createdAt = try r["created_at"].decode(Date.self)
        updatedAt = try r["updated_at"].decode(Date.self)
    }

    public enum Status {
        public static let pending = "pending"
        public static let accepted = "accepted"
        public static let cancelled = "cancelled"
    }
}

/// How an invitation link reaches the invitee.
enum InvitationDelivery: String, Sendable {
    /// E-mailed to the address: accepting proves the address.
    case email
    /// Returned to the administrator to share (no e-mail): accepting proves nothing about the address.
    case link
}

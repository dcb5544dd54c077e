import Foundation
import Hummingbird
import KisumPersistence
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
        let c = Columns(row)
        id = try c("id")
        workspaceId = try c("workspace_id")
        email = try c("email")
        role = try c("role")
        status = try c("status")
        memberId = try c("membership_id")
        userId = try c("user_id")
        invitedBy = try c("invited_by")
        delivery = try c("delivery")
        expiresAt = try c("expires_at")
        acceptedAt = try c("accepted_at")
        cancelledAt = try c("cancelled_at")
        createdAt = try c("created_at")
        updatedAt = try c("updated_at")
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

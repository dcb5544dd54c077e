import Foundation
import Hummingbird
import KisumKernel
import KisumPersistence
import Logging
import PostgresNIO

/// An item named in an offboarding overview.
public struct OwnedItem: Codable, Sendable, Equatable {
    public var id: UUID
    public var name: String
}

/// What a member owns or is assigned in Platform Core, grouped by kind.
public struct OwnedItems: ResponseEncodable, Sendable {
    public var memberId: UUID
    public var userId: UUID
    /// Teams where the member is a lead.
    public var teamsLed: [OwnedItem]
    /// Teams the member created (`teams.created_by`).
    public var teamsCreated: [OwnedItem]
    /// Active (not revoked) API keys the member created; `name` is the key's name.
    public var apiKeys: [OwnedItem]
    /// Pending invitations the member sent; `name` is the invited e-mail.
    public var pendingInvitations: [OwnedItem]
    /// This workspace, when the member is its recorded owner (moves only by ownership transfer).
    public var ownedWorkspaces: [OwnedItem]
    public var total: Int
}

public struct OwnedItemCounts: ResponseEncodable, Sendable, Equatable {
    public var teamsLed: Int
    public var teamsCreated: Int
    public var apiKeys: Int
    public var pendingInvitations: Int
    public var ownedWorkspaces: Int
}

public struct DeletionInfo: ResponseEncodable, Sendable {
    public var memberId: UUID
    public var userId: UUID
    public var email: String
    public var role: String
    public var status: String
    /// Workspaces the person belongs to (memberships not removed), this one included.
    public var workspaceCount: Int
    /// Whether the caller may remove them from this workspace (`DELETE /members/{member_id}`).
    public var canRemove: Bool
    /// Whether the account can be deleted entirely (`DELETE /members/{member_id}/permanent`): only in this
    /// workspace, and removable by the caller.
    public var canDeleteUser: Bool
    /// Why not: `is_self`, `is_owner`, `insufficient_role`, `user_in_other_workspaces`, `staff_account`.
    public var blockers: [String]
    public var ownedItems: OwnedItemCounts
}

public struct ReassignResult: ResponseEncodable, Sendable {
    public var fromMemberId: UUID
    public var toMemberId: UUID
    public var teamsLed: Int
    public var teamsCreated: Int
    public var apiKeys: Int
    public var pendingInvitations: Int
}

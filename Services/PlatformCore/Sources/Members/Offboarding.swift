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

/// What a member owns or is assigned in Platform Core, grouped by kind: `member_id`, `user_id`, one list per
/// kind of `OffboardingRepository.kinds` under its key (`teams_led`, `teams_created`, `api_keys`,
/// `pending_invitations`, `owned_workspaces`, …), and `total`.
public struct OwnedItems: ResponseEncodable, Sendable {
    public var memberId: UUID
    public var userId: UUID
    /// Every kind in `OffboardingRepository.kinds` order, empty lists included.
    public var byKind: [OwnedItemGroup]
    public var total: Int { byKind.reduce(0) { $0 + $1.items.count } }

    public var counts: OwnedItemCounts {
        OwnedItemCounts(byKind: Dictionary(uniqueKeysWithValues: byKind.map { ($0.kind, $0.items.count) }))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: KindKey.self)
        try c.encode(memberId, forKey: KindKey("memberId"))
        try c.encode(userId, forKey: KindKey("userId"))
        for group in byKind { try c.encode(group.items, forKey: KindKey(group.kind)) }
        try c.encode(total, forKey: KindKey("total"))
    }
}

public struct OwnedItemGroup: Sendable {
    public var kind: String
    public var items: [OwnedItem]
}

/// Items per kind (`deletion-info`'s `owned_items`, the reassign answer): `{"teams_led": 1, …}`.
public struct OwnedItemCounts: Encodable, Sendable, Equatable {
    public var byKind: [String: Int]

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: KindKey.self)
        for (kind, count) in byKind.sorted(by: { $0.key < $1.key }) { try c.encode(count, forKey: KindKey(kind)) }
    }
}

/// A kind's wire key (already snake_case, which the snake_case coder leaves as it is).
struct KindKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ key: String) { stringValue = key }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
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

/// `{from_member_id, to_member_id, <kind>: moved, …}` for every kind that moves by reassignment.
public struct ReassignResult: ResponseEncodable, Sendable {
    public var fromMemberId: UUID
    public var toMemberId: UUID
    public var moved: OwnedItemCounts

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: KindKey.self)
        try c.encode(fromMemberId, forKey: KindKey("fromMemberId"))
        try c.encode(toMemberId, forKey: KindKey("toMemberId"))
        for (kind, count) in moved.byKind.sorted(by: { $0.key < $1.key }) { try c.encode(count, forKey: KindKey(kind)) }
    }
}

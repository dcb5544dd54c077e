import Foundation
import Hummingbird
import KisumKernel
import KisumPersistence
import PostgresNIO

/// A workspace as one of its members sees it: the workspace (with its free-form settings) and the
/// caller's membership there. The list, detail, create, update and switch routes all answer with it.
public struct WorkspaceView: ResponseEncodable, Sendable, Equatable {
    /// The workspace's own fields, encoded flat next to the ones below.
    public var workspace: Workspace
    public var settings: JSONValue
    /// The caller's membership.
    public var role: String
    public var memberId: UUID
    public var membershipStatus: String
    public var joinedAt: Date?
    /// The workspace the caller last switched to (`POST /workspaces/switch`).
    public var isCurrent: Bool
    /// Active members.
    public var memberCount: Int

    init(row: PostgresRow) throws {
        workspace = try Workspace(row: row)
        let c = Columns(row)
        settings = try JSONValueParser.parse(try c("settings", as: String.self))
        role = try c("role")
        memberId = try c("member_id")
        membershipStatus = try c("membership_status")
        joinedAt = try c("joined_at")
        isCurrent = try c("is_current")
        memberCount = try c("member_count")
    }

    enum CodingKeys: String, CodingKey {
        case settings, role, memberId, membershipStatus, joinedAt, isCurrent, memberCount
    }

    public func encode(to encoder: any Encoder) throws {
        try workspace.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(settings, forKey: .settings)
        try container.encode(role, forKey: .role)
        try container.encode(memberId, forKey: .memberId)
        try container.encode(membershipStatus, forKey: .membershipStatus)
        try container.encode(joinedAt, forKey: .joinedAt)
        try container.encode(isCurrent, forKey: .isCurrent)
        try container.encode(memberCount, forKey: .memberCount)
    }
}

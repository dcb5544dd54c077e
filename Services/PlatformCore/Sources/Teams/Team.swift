import Foundation
import Hummingbird
import KisumKernel
import PostgresNIO

/// A team of the current workspace, with its size and leads.
public struct Team: ResponseEncodable, Sendable, Equatable {
    public var id: UUID
    public var workspaceId: UUID
    public var name: String
    public var description: String?
    public var parentTeamId: UUID?
    public var color: String?
    public var isActive: Bool
    public var createdBy: UUID?
    /// Members of the team (leads included).
    public var memberCount: Int
    public var leads: [TeamLead]
    public var createdAt: Date
    public var updatedAt: Date

    init(row: PostgresRow) throws {
        let r = row.makeRandomAccess()
        id = try r["id"].decode(UUID.self)
        workspaceId = try r["workspace_id"].decode(UUID.self)
        name = try r["name"].decode(String.self)
        description = try r["description"].decode(String?.self)
        parentTeamId = try r["parent_team_id"].decode(UUID?.self)
        color = try r["color"].decode(String?.self)
        isActive = try r["is_active"].decode(Bool.self)
        createdBy = try r["created_by"].decode(UUID?.self)
        memberCount = try r["member_count"].decode(Int.self)
        leads = []
        createdAt = try r["created_at"].decode(Date.self)
        updatedAt = try r["updated_at"].decode(Date.self)
    }
}

public struct TeamLead: ResponseEncodable, Sendable, Equatable {
    public var memberId: UUID
    public var userId: UUID
    public var email: String
    public var fullName: String?
}

/// A member's place in a team, with who they are.
public struct TeamMember: ResponseEncodable, Sendable, Equatable {
    public var teamId: UUID
    public var memberId: UUID
    public var userId: UUID
    public var email: String
    public var fullName: String?
    public var displayName: String?
    public var avatarUrl: String?
    /// Role in the team: lead or member.
    public var role: String
    /// The person's workspace role and membership status.
    public var workspaceRole: String
    public var memberStatus: String
    public var addedBy: UUID?
    public var createdAt: Date
    public var updatedAt: Date

    /// `tm` = team_members, `m` = memberships, `u` = users.
    static let columns = """
        tm.team_id, tm.membership_id, m.user_id, u.email, u.full_name, u.display_name, u.avatar_url, tm.role,
        m.role AS workspace_role, m.status AS member_status, tm.added_by, tm.created_at, tm.updated_at
        """

    init(row: PostgresRow) throws {
        let r = row.makeRandomAccess()
        teamId = try r["team_id"].decode(UUID.self)
        memberId = try r["membership_id"].decode(UUID.self)
        userId = try r["user_id"].decode(UUID.self)
        email = try r["email"].decode(String.self)
        fullName = try r["full_name"].decode(String?.self)
        displayName = try r["display_name"].decode(String?.self)
        avatarUrl = try r["avatar_url"].decode(String?.self)
        role = try r["role"].decode(String.self)
        workspaceRole = try r["workspace_role"].decode(String.self)
        memberStatus = try r["member_status"].decode(String.self)
        addedBy = try r["added_by"].decode(UUID?.self)
        createdAt = try r["created_at"].decode(Date.self)
        updatedAt = try r["updated_at"].decode(Date.self)
    }
}

/// Roles inside a team.
enum TeamRole {
    static let lead = "lead"
    static let member = "member"
    static let all = [lead, member]
}

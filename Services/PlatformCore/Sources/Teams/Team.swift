import Foundation
import Hummingbird
import KisumKernel
import KisumPersistence
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
        let c = Columns(row)
        id = try c("id")
        workspaceId = try c("workspace_id")
        name = try c("name")
        description = try c("description")
        parentTeamId = try c("parent_team_id")
        color = try c("color")
        isActive = try c("is_active")
        createdBy = try c("created_by")
        memberCount = try c("member_count")
        leads = []
        createdAt = try c("created_at")
        updatedAt = try c("updated_at")
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
        let c = Columns(row)
        teamId = try c("team_id")
        memberId = try c("membership_id")
        (userId, email, fullName, displayName, avatarUrl) = try c.person()
        role = try c("role")
        workspaceRole = try c("workspace_role")
        memberStatus = try c("member_status")
        addedBy = try c("added_by")
        createdAt = try c("created_at")
        updatedAt = try c("updated_at")
    }
}

/// Roles inside a team.
enum TeamRole {
    static let lead = "lead"
    static let member = "member"
    static let all = [lead, member]
}

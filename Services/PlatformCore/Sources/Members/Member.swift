import Foundation
import Hummingbird
import KisumKernel
import KisumPersistence
import PostgresNIO

/// A member of a workspace as the Members routes show it: the membership (`id` = member_id) joined with
/// its user. `title` and `department` are the member's profile in this workspace (memberships columns),
/// not the user's global title.
public struct Member: ResponseEncodable, Sendable, Equatable {
    public var id: UUID
    public var workspaceId: UUID
    public var userId: UUID
    public var email: String
    public var fullName: String?
    public var displayName: String?
    public var avatarUrl: String?
    public var phone: String?
    public var timezone: String?
    public var role: String
    public var status: String
    /// `status == active`: the member can use the workspace now.
    public var isActive: Bool
    public var title: String?
    public var department: String?
    public var userStatus: String
    public var invitedBy: UUID?
    public var joinedAt: Date?
    public var lastLoginAt: Date?
    public var createdAt: Date
    public var updatedAt: Date

    /// `m` = memberships, `u` = users.
    static let columns = """
        m.id, m.workspace_id, m.user_id, u.email, u.full_name, u.display_name, u.avatar_url, u.phone, u.timezone,
        m.role, m.status, m.title, m.department, u.status AS user_status, m.invited_by, m.joined_at, u.last_login_at,
        m.created_at, m.updated_at
        """

    init(row: PostgresRow) throws {
        let c = Columns(row)
        id = try c("id")
        workspaceId = try c("workspace_id")
        (userId, email, fullName, displayName, avatarUrl) = try c.person()
        phone = try c("phone")
        timezone = try c("timezone")
        role = try c("role")
        status = try c("status")
        title = try c("title")
        department = try c("department")
        userStatus = try c("user_status")
        invitedBy = try c("invited_by")
        joinedAt = try c("joined_at")
        lastLoginAt = try c("last_login_at")
        createdAt = try c("created_at")
        updatedAt = try c("updated_at")
        isActive = status == MembershipStatus.active
    }
}

extension Columns {
    /// The person behind a member-shaped row (members, the workspace member list, team members): the
    /// same five `users` columns, read in one place.
    func person() throws -> (userId: UUID, email: String, fullName: String?, displayName: String?, avatarUrl: String?) {
        (try self("user_id"), try self("email"), try self("full_name"), try self("display_name"), try self("avatar_url"))
    }
}

/// One row of `GET /members/directory`: just enough for pickers, mentions and avatars.
public struct MemberDirectoryEntry: ResponseEncodable, Sendable {
    public var id: UUID
    public var role: String
    public var userId: UUID
    public var email: String
    public var fullName: String?
    public var displayName: String?
    public var avatarUrl: String?
}

public struct MemberDirectory: ResponseEncodable, Sendable {
    public var items: [MemberDirectoryEntry]
    public var total: Int
    /// True when the workspace has more active members than `MemberRepository.directoryLimit`.
    public var truncated: Bool
}

/// The caller's own member record (`GET /members/me`): the member, their onboarding state and what they
/// may do here. Encoded flat (the member's fields at the top level).
public struct MyMember: ResponseEncodable, Sendable {
    public var member: Member
    public var tours: [String: TourStatus]
    public var onboardingCompletedAt: Date?
    public var permissions: [String]
    public var modules: [String]

    enum CodingKeys: String, CodingKey {
        case tours, onboardingCompletedAt, permissions, modules
    }

    public func encode(to encoder: any Encoder) throws {
        try member.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(tours, forKey: .tours)
        try container.encode(onboardingCompletedAt, forKey: .onboardingCompletedAt)
        try container.encode(permissions, forKey: .permissions)
        try container.encode(modules, forKey: .modules)
    }
}

/// `PUT /members/{member_id}`: role, status (active / suspended), title, department. `null` clears title or
/// department; an absent field keeps its value.
struct MemberPatch: ValidatableBody, Sendable {
    var role: String?
    var status: String?
    var title: Patch<String> = .absent
    var department: Patch<String> = .absent

    func validate(_ v: inout Validator) {
        v.oneOf(role, "role", Role.assignable)
        v.oneOf(status, "status", [MembershipStatus.active, MembershipStatus.suspended])
        v.text(title.value, "title", required: false, maxLength: 200)
        v.text(department.value, "department", required: false, maxLength: 200)
    }
}

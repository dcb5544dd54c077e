import Foundation
import Hummingbird
import KisumKernel
import KisumPersistence
import PostgresNIO

/// Who is in a team, and as what (lead / member). `member_id` is the membership id, as in the Members routes.
struct TeamMemberHandlers {
    let database: Database
    let workspaces: WorkspaceRepository
    var teams: TeamRepository { TeamRepository(database: database) }

    /// `GET /teams/{team_id}/members?skip=&limit=`: leads first, then by name.
    @Sendable func list(_ request: Request, context: PlatformRequestContext) async throws -> PlainList<TeamMember> {
        let scope = try context.tenant(permission: Permission.teamsRead)
        let teamID = try context.parameters.uuid("team_id", what: "team")
        var query = QueryReader(request)
        let (skip, limit) = query.plainListWindow()
        try query.validate()
        guard try await teams.exists(workspaceID: scope.companyID, teamID: teamID) else { throw APIError.notFound("team") }
        let page = try await teams.members(workspaceID: scope.companyID, teamID: teamID, skip: skip, limit: limit)
        return PlainList(items: page.members, total: page.total)
    }

    struct AddBody: ValidatableBody {
        var memberId: String?
        var role: String?

        var member: UUID? { memberId.flatMap(UUID.init(uuidString:)) }

        func validate(_ v: inout Validator) {
            if let memberId {
                v.check(UUID(uuidString: memberId) != nil, "member_id", "invalid_uuid", "Must be a UUID.")
            } else {
                v.add("member_id", "required", "This field is required.")
            }
            v.oneOf(role, "role", TeamRole.all)
        }
    }

    /// `POST /teams/{team_id}/members` `{member_id, role?}` (201). The member must be active or invited here.
    @Sendable func add(_ request: Request, context: PlatformRequestContext) async throws -> EditedResponse<TeamMember> {
        let scope = try context.tenant(permission: Permission.teamsManage)
        let identity = try context.requireIdentity()
        let teamID = try context.parameters.uuid("team_id", what: "team")
        let body = try await request.decodeValid(as: AddBody.self, context: context)
        let memberID = body.member!
        let role = body.role ?? TeamRole.member
        let teams = self.teams
        let members = MemberRepository(database: database)
        let added = try await database.transaction { connection in
            guard let team = try await teams.find(workspaceID: scope.companyID, teamID: teamID, on: connection) else {
                throw APIError.notFound("team")
            }
            // Lock the membership so a concurrent removal cannot slip between this check and the insert.
            let status = try await members.lockStatus(workspaceID: scope.companyID, memberID: memberID, on: connection)
            guard let status, [MembershipStatus.active, MembershipStatus.invited].contains(status) else {
                throw APIError.validation(field: "member_id", code: "not_an_eligible_member",
                                          message: "Only active or invited members of this workspace can join a team.")
            }
            guard try await teams.addMember(workspaceID: scope.companyID, teamID: teamID, memberID: memberID, role: role,
                                            addedBy: scope.userID, on: connection) else {
                throw APIError.conflict("already_team_member", "This member is already in the team.")
            }
            let added = try await teams.member(workspaceID: scope.companyID, teamID: teamID, memberID: memberID, on: connection).orNotFound("team member")
            try await workspaces.recordActivity(
                workspaceID: scope.companyID, userID: scope.userID, actor: identity.actor, action: "team.member_added",
                entityType: "team", entityID: teamID.uuidString.lowercased(),
                description: "\(added.email) added to \(team.name) as \(role)", on: connection)
            return added
        }
        return added.created()
    }

    struct RoleBody: ValidatableBody {
        var role: String?

        func validate(_ v: inout Validator) {
            v.oneOf(role, "role", TeamRole.all, required: true)
        }
    }

    /// `PUT /teams/{team_id}/members/{member_id}` `{role}`.
    @Sendable func updateRole(_ request: Request, context: PlatformRequestContext) async throws -> TeamMember {
        let scope = try context.tenant(permission: Permission.teamsManage)
        let identity = try context.requireIdentity()
        let teamID = try context.parameters.uuid("team_id", what: "team")
        let memberID = try context.parameters.uuid("member_id", what: "team member")
        let body = try await request.decodeValid(as: RoleBody.self, context: context)
        let role = body.role!
        let teams = self.teams
        return try await database.transaction { connection in
            guard try await teams.setMemberRole(workspaceID: scope.companyID, teamID: teamID, memberID: memberID, role: role, on: connection),
                  let updated = try await teams.member(workspaceID: scope.companyID, teamID: teamID, memberID: memberID, on: connection)
            else { throw APIError.notFound("team member") }
            try await workspaces.recordActivity(
                workspaceID: scope.companyID, userID: scope.userID, actor: identity.actor, action: "team.member_role_changed",
                entityType: "team", entityID: teamID.uuidString.lowercased(),
                description: "\(updated.email) is now \(role) of the team", on: connection)
            return updated
        }
    }

    /// `DELETE /teams/{team_id}/members/{member_id}` (204).
    @Sendable func remove(_ request: Request, context: PlatformRequestContext) async throws -> Response {
        let scope = try context.tenant(permission: Permission.teamsManage)
        let identity = try context.requireIdentity()
        let teamID = try context.parameters.uuid("team_id", what: "team")
        let memberID = try context.parameters.uuid("member_id", what: "team member")
        let teams = self.teams
        try await database.transaction { connection in
            guard let member = try await teams.member(workspaceID: scope.companyID, teamID: teamID, memberID: memberID, on: connection),
                  try await teams.removeMember(workspaceID: scope.companyID, teamID: teamID, memberID: memberID, on: connection)
            else { throw APIError.notFound("team member") }
            try await workspaces.recordActivity(
                workspaceID: scope.companyID, userID: scope.userID, actor: identity.actor, action: "team.member_removed",
                entityType: "team", entityID: teamID.uuidString.lowercased(),
                description: "\(member.email) removed from the team", on: connection)
        }
        return Response(status: .noContent)
    }
}

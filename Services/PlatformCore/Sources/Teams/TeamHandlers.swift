import Foundation
import Hummingbird
import KisumKernel
import KisumPersistence
import PostgresNIO

/// Teams of the current workspace: read with `teams.read`, create with `can_create_team`, delete with
/// `can_delete_team` (the spec's names), edit with `teams.manage`.
struct TeamHandlers {
    let database: Database
    let workspaces: WorkspaceRepository
    var teams: TeamRepository { TeamRepository(database: database) }

    /// `GET /teams?search=&is_active=&parent_team_id=&skip=&limit=`.
    @Sendable func list(_ request: Request, context: PlatformRequestContext) async throws -> PlainList<Team> {
        let scope = try context.tenant(permission: Permission.teamsRead)
        var query = QueryReader(request)
        let filter = TeamRepository.ListFilter(search: query.search("search"), isActive: query.bool("is_active"),
                                               parentTeamID: query.uuid("parent_team_id"), skip: 0, limit: 0)
        let (skip, limit) = query.plainListWindow()
        try query.validate()
        var paged = filter
        paged.skip = skip
        paged.limit = limit
        let page = try await teams.list(workspaceID: scope.companyID, filter: paged)
        return PlainList(items: page.teams, total: page.total)
    }

    /// `GET /teams/{team_id}`.
    @Sendable func get(_ request: Request, context: PlatformRequestContext) async throws -> Team {
        let scope = try context.tenant(permission: Permission.teamsRead)
        let teamID = try context.parameters.uuid("team_id", what: "team")
        guard let team = try await teams.find(workspaceID: scope.companyID, teamID: teamID) else { throw APIError.notFound("team") }
        return team
    }

    /// Create and update bodies. On update, `null` clears description, color and parent_team_id.
    struct TeamBody: ValidatableBody {
        var name: String?
        var description: String?
        var clearDescription = false
        var parentTeamId: String?
        var clearParent = false
        var color: String?
        var clearColor = false
        var isActive: Bool?

        enum CodingKeys: String, CodingKey { case name, description, parentTeamId, color, isActive }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            name = try c.decodeIfPresent(String.self, forKey: .name)
            description = try c.decodeIfPresent(String.self, forKey: .description)
            clearDescription = c.contains(.description) && description == nil
            parentTeamId = try c.decodeIfPresent(String.self, forKey: .parentTeamId)
            clearParent = c.contains(.parentTeamId) && parentTeamId == nil
            color = try c.decodeIfPresent(String.self, forKey: .color)
            clearColor = c.contains(.color) && color == nil
            isActive = try c.decodeIfPresent(Bool.self, forKey: .isActive)
        }

        var parentID: UUID? { parentTeamId.flatMap(UUID.init(uuidString:)) }

        func validate(_ v: inout Validator) {
            v.text(name, "name", required: false, maxLength: 200)
            if let description { v.check(description.unicodeScalars.count <= 2000, "description", "too_long", "At most 2000 characters.") }
            if let parentTeamId { v.check(UUID(uuidString: parentTeamId) != nil, "parent_team_id", "invalid_uuid", "Must be a UUID.") }
            v.text(color, "color", required: false, maxLength: 32)
        }

        var fields: TeamRepository.Fields {
            .init(name: name?.trimmingCharacters(in: .whitespacesAndNewlines), description: description, clearDescription: clearDescription,
                  parentTeamID: parentID, clearParent: clearParent, color: color, clearColor: clearColor, isActive: isActive)
        }
    }

    static let parentNotFound = APIError.validation(field: "parent_team_id", code: "not_found",
                                                    message: "The parent team does not exist in this workspace.")

    /// `POST /teams` (201). Names are unique per workspace, ignoring case (409 `team_name_taken`).
    @Sendable func create(_ request: Request, context: PlatformRequestContext) async throws -> EditedResponse<Team> {
        let scope = try context.tenant(permission: Permission.canCreateTeam)
        let identity = try context.requireIdentity()
        let body = try await request.decodeJSON(as: TeamBody.self, context: context)
        var v = Validator()
        if body.name == nil { v.add("name", "required", "This field is required.") }
        body.validate(&v)
        try v.validate()
        let teams = self.teams
        let team = try await database.transaction { connection in
            if let parentID = body.parentID {
                guard try await teams.exists(workspaceID: scope.companyID, teamID: parentID, on: connection) else { throw Self.parentNotFound }
            }
            let id = try await teams.create(workspaceID: scope.companyID, fields: body.fields, createdBy: scope.userID, on: connection)
            let team = try await teams.find(workspaceID: scope.companyID, teamID: id, on: connection).orNotFound("team")
            try await workspaces.recordActivity(workspaceID: scope.companyID, userID: scope.userID, actor: identity.actor,
                                                     action: "team.created", entityType: "team", entityID: id.uuidString.lowercased(),
                                                     description: "Team \(team.name) created", on: connection)
            return team
        }
        return team.created()
    }

    /// `PUT /teams/{team_id}`: a patch. A parent must be a team of this workspace that is not the team
    /// itself or one of its descendants (422 `parent_cycle`).
    @Sendable func update(_ request: Request, context: PlatformRequestContext) async throws -> Team {
        let scope = try context.tenant(permission: Permission.teamsManage)
        let identity = try context.requireIdentity()
        let teamID = try context.parameters.uuid("team_id", what: "team")
        let body = try await request.decodeValid(as: TeamBody.self, context: context)
        let teams = self.teams
        return try await database.transaction { connection in
            if let parentID = body.parentID {
                try await teams.lockHierarchy(workspaceID: scope.companyID, on: connection)
                guard try await teams.exists(workspaceID: scope.companyID, teamID: teamID, on: connection) else {
                    throw APIError.notFound("team")
                }
                guard try await teams.exists(workspaceID: scope.companyID, teamID: parentID, on: connection) else { throw Self.parentNotFound }
                if try await teams.wouldCycle(workspaceID: scope.companyID, teamID: teamID, parentID: parentID, on: connection) {
                    throw APIError.validation(field: "parent_team_id", code: "parent_cycle",
                                              message: "A team cannot be placed under itself or one of its own sub-teams.")
                }
            }
            guard try await teams.update(workspaceID: scope.companyID, teamID: teamID, fields: body.fields, on: connection) else {
                throw APIError.notFound("team")
            }
            let team = try await teams.find(workspaceID: scope.companyID, teamID: teamID, on: connection).orNotFound("team")
            try await workspaces.recordActivity(workspaceID: scope.companyID, userID: scope.userID, actor: identity.actor,
                                                     action: "team.updated", entityType: "team", entityID: teamID.uuidString.lowercased(),
                                                     description: "Team \(team.name) updated", on: connection)
            return team
        }
    }

    /// `DELETE /teams/{team_id}` (204). Its sub-teams move to the top level (the foreign key sets their
    /// parent to NULL); its member list goes with it.
    @Sendable func delete(_ request: Request, context: PlatformRequestContext) async throws -> Response {
        let scope = try context.tenant(permission: Permission.canDeleteTeam)
        let identity = try context.requireIdentity()
        let teamID = try context.parameters.uuid("team_id", what: "team")
        let teams = self.teams
        try await database.transaction { connection in
            // Deleting changes the tree too (children are re-parented), so it waits for re-parentings in flight.
            try await teams.lockHierarchy(workspaceID: scope.companyID, on: connection)
            guard let name = try await teams.delete(workspaceID: scope.companyID, teamID: teamID, on: connection) else {
                throw APIError.notFound("team")
            }
            try await workspaces.recordActivity(workspaceID: scope.companyID, userID: scope.userID, actor: identity.actor,
                                                     action: "team.deleted", entityType: "team", entityID: teamID.uuidString.lowercased(),
                                                     description: "Team \(name) deleted", on: connection)
        }
        return Response(status: .noContent)
    }
}

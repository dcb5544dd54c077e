import Foundation
import Hummingbird
import KisumKernel

/// `/api/agencies/{id}/team`: the people at an agency (`basic.agencies.read` / `.write`).
struct AgencyTeamRoutes: Sendable {
    typealias Context = BaseService.Context
    let team: AgencyTeamRepository
    let agencies: AgenciesRepository

    func addRoutes(to tenant: RouterGroup<Context>) {
        let agencies = tenant.group("/api/agencies")
        agencies.get("{id}/team", use: list)
        agencies.post("{id}/team", use: create)
        agencies.put("{id}/team/{teamId}", use: replace)
        agencies.delete("{id}/team/{teamId}", use: delete)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Page<AgencyTeamMember> {
        let scope = try context.tenant(permission: BasePermission.agenciesRead)
        let agencyID = try context.parameters.uuid("id", what: "agency")
        var q = QueryReader(request)
        let page = q.page()
        let role = q.oneOf("role", AgencyTeamRole.all)
        try q.validate()
        let result = try await team.list(companyID: scope.companyID, agencyID: agencyID, role: role, page: page)
        if result.items.isEmpty, try await !agencies.exists(companyID: scope.companyID, id: agencyID) {
            throw APIError.notFound("agency")
        }
        return Page(items: result.items, total: result.total, request: page)
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> EditedResponse<AgencyTeamMember> {
        let scope = try context.tenant(permission: BasePermission.agenciesWrite)
        let agencyID = try context.parameters.uuid("id", what: "agency")
        let body = try await request.decode(as: AgencyTeamMemberInput.self, context: context) { $0.validate(&$1, replacing: false) }
        let member = try await team.create(companyID: scope.companyID, userID: scope.userID, agencyID: agencyID, body)
        return EditedResponse(status: .created, response: try member.orNotFound("agency"))
    }

    @Sendable func replace(_ request: Request, context: Context) async throws -> AgencyTeamMember {
        let scope = try context.tenant(permission: BasePermission.agenciesWrite)
        let agencyID = try context.parameters.uuid("id", what: "agency")
        let id = try context.parameters.uuid("teamId", what: "team member")
        let body = try await request.decode(as: AgencyTeamMemberInput.self, context: context) { $0.validate(&$1, replacing: true) }
        return try await team.replace(companyID: scope.companyID, agencyID: agencyID, id: id, body).orNotFound("team member")
    }

    @Sendable func delete(_ request: Request, context: Context) async throws -> Response {
        let scope = try context.tenant(permission: BasePermission.agenciesWrite)
        let agencyID = try context.parameters.uuid("id", what: "agency")
        let id = try context.parameters.uuid("teamId", what: "team member")
        guard try await team.delete(companyID: scope.companyID, agencyID: agencyID, id: id) else { throw APIError.notFound("team member") }
        return Response(status: .noContent)
    }
}

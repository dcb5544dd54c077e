import Foundation
import Hummingbird
import KisumKernel

/// `/api/agencies/{id}/roster`: the artists an agency represents for the company, under the agencies'
/// permissions. The entries are the roster's (`RosterRepository`); an entry of another agency answers 404 here.
struct AgencyRosterRoutes: Sendable {
    typealias Context = BaseService.Context
    let roster: RosterRepository
    let agencies: AgenciesRepository

    func addRoutes(to tenant: RouterGroup<Context>) {
        let agencies = tenant.group("/api/agencies")
        agencies.get("{id}/roster", use: list)
        agencies.post("{id}/roster", use: create)
        agencies.put("{id}/roster/{rosterId}", use: replace)
        agencies.delete("{id}/roster/{rosterId}", use: delete)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Page<RosterEntry> {
        let scope = try context.tenant(permission: BasePermission.agenciesRead)
        let agencyID = try context.parameters.uuid("id", what: "agency")
        var q = QueryReader(request)
        let page = q.page()
        let filter = RosterFilter(agencyID: agencyID, role: q.oneOf("role", RosterRole.all), active: q.bool("active"))
        try q.validate()
        let result = try await roster.list(companyID: scope.companyID, filter, page: page)
        // Only an empty answer needs to tell "no such agency" from "nothing on its roster (on this page)".
        if result.items.isEmpty, try await !agencies.exists(companyID: scope.companyID, id: agencyID) {
            throw APIError.notFound("agency")
        }
        return Page(items: result.items, total: result.total, request: page)
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> EditedResponse<RosterEntry> {
        let scope = try context.tenant(permission: BasePermission.agenciesWrite)
        let agencyID = try context.parameters.uuid("id", what: "agency")
        let body = try await request.decodeValid(as: AgencyRosterInput.self, context: context)
        let entry = try await roster.create(companyID: scope.companyID, userID: scope.userID, inAgency: agencyID, body)
        return EditedResponse(status: .created, response: try entry.orNotFound("agency"))
    }

    @Sendable func replace(_ request: Request, context: Context) async throws -> RosterEntry {
        let scope = try context.tenant(permission: BasePermission.agenciesWrite)
        let agencyID = try context.parameters.uuid("id", what: "agency")
        let id = try context.parameters.uuid("rosterId", what: "roster entry")
        let body = try await request.decodeValid(as: AgencyRosterInput.self, context: context)
        return try await roster.replace(companyID: scope.companyID, id: id, within: agencyID, agencyID: agencyID, body)
            .orNotFound("roster entry")
    }

    @Sendable func delete(_ request: Request, context: Context) async throws -> Response {
        let scope = try context.tenant(permission: BasePermission.agenciesWrite)
        let agencyID = try context.parameters.uuid("id", what: "agency")
        let id = try context.parameters.uuid("rosterId", what: "roster entry")
        guard try await roster.delete(companyID: scope.companyID, id: id, within: agencyID) else { throw APIError.notFound("roster entry") }
        return Response(status: .noContent)
    }
}

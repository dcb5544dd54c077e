import Foundation
import Hummingbird
import KisumKernel

/// `GET /api/roster/{id}/avails`: the avails of the entry's artist on the days the entry holds (open ends
/// unbounded). Under the artists' permissions, like the rest of `/api/roster`.
struct RosterAvailsRoutes: Sendable {
    typealias Context = BaseService.Context
    let repository: AvailsRepository

    func addRoutes(to tenant: RouterGroup<Context>) {
        let roster = tenant.group("/api/roster")
        roster.get("{id}/avails", use: list)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Page<Avail> {
        let scope = try context.tenant(permission: BasePermission.artistsRead)
        let id = try context.parameters.uuid("id", what: "roster entry")
        var q = QueryReader(request)
        let page = q.page(defaultLimit: 50, maxLimit: 200)
        try q.validate()
        let entry = try await repository.rosterPeriod(companyID: scope.companyID, rosterID: id).orNotFound("roster entry")
        let filter = AvailFilter(artistID: entry.artistID, from: entry.startsOn, to: entry.endsOn)
        let result = try await repository.list(companyID: scope.companyID, filter, page: page)
        return Page(items: result.items, total: result.total, request: page)
    }
}

import Foundation
import Hummingbird
import KisumKernel

/// `GET /api/trend`: the company's events, tickets sold and ticket gross over time (issue 14, "Rankings, Trend,
/// Reviews: computed from stored data … period filters"). Needs `basic.events.read` and `basic.tickets.read`.
struct TrendRoutes: Sendable {
    typealias Context = BaseService.Context
    let repository: TrendRepository

    func addRoutes(to tenant: RouterGroup<Context>) {
        let trend = tenant.group("/api/trend")
        trend.get("", use: get)
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> Trend {
        let companyID = try RankingsRoutes.requireAccess(context)
        let query = try TrendQuery.read(request)
        return try await repository.trend(companyID: companyID, query)
    }
}

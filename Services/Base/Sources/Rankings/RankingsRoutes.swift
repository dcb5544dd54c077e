import Foundation
import Hummingbird
import KisumKernel

/// `/api/rankings`: artists, venues, festivals and agencies ranked on the company's own events and ticket sales of a
/// period (issue 14: "computed from stored data … with a documented formula per ranking in the contract, period
/// filters"). Every ranking reads events and their tickets: `basic.events.read` and `basic.tickets.read`.
struct RankingsRoutes: Sendable {
    typealias Context = BaseService.Context
    let repository: RankingsRepository

    func addRoutes(to tenant: RouterGroup<Context>) {
        let rankings = tenant.group("/api/rankings")
        rankings.get("", use: overview)
        rankings.get("artists", use: artists)
        rankings.get("venues", use: venues)
        rankings.get("festivals", use: festivals)
        rankings.get("agencies", use: agencies)
    }

    @Sendable func overview(_ request: Request, context: Context) async throws -> RankingsOverview {
        let companyID = try Self.requireAccess(context)
        var q = QueryReader(request)
        let limit = q.int("limit", range: 1...50) ?? 5
        let query = try RankingQuery.read(&q)
        var lists: [RankingKind: [RankingEntry]] = [:]
        var currency = query.currency ?? ""
        for kind in RankingKind.allCases {
            let ranked = try await repository.ranking(kind, companyID: companyID, query, offset: 0, limit: limit)
            lists[kind] = ranked.items
            currency = ranked.currency
        }
        return RankingsOverview(from: query.window.from, to: query.window.to, currency: currency, limit: limit,
                                artists: lists[.artists] ?? [], venues: lists[.venues] ?? [], festivals: lists[.festivals] ?? [],
                                agencies: lists[.agencies] ?? [])
    }

    @Sendable func artists(_ request: Request, context: Context) async throws -> RankingPage {
        try await page(.artists, request, context)
    }

    @Sendable func venues(_ request: Request, context: Context) async throws -> RankingPage {
        try await page(.venues, request, context)
    }

    @Sendable func festivals(_ request: Request, context: Context) async throws -> RankingPage {
        try await page(.festivals, request, context)
    }

    @Sendable func agencies(_ request: Request, context: Context) async throws -> RankingPage {
        try await page(.agencies, request, context)
    }

    private func page(_ kind: RankingKind, _ request: Request, _ context: Context) async throws -> RankingPage {
        let companyID = try Self.requireAccess(context)
        var q = QueryReader(request)
        let page = q.page(defaultLimit: 20, maxLimit: 100)
        let query = try RankingQuery.read(&q)
        let ranked = try await repository.ranking(kind, companyID: companyID, query, offset: page.offset, limit: page.limit)
        return RankingPage(items: ranked.items, total: ranked.total, page: page.page, limit: page.limit, from: query.window.from,
                           to: query.window.to, currency: ranked.currency)
    }

    /// Rankings and the trend read events and their ticket sales.
    static func requireAccess(_ context: Context) throws -> UUID {
        try context.require(permission: BasePermission.eventsRead)
        return try context.tenant(permission: BasePermission.ticketsRead).companyID
    }
}

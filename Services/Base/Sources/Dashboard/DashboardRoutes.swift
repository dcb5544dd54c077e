import Foundation
import Hummingbird
import KisumKernel

/// Dashboard (issue 10: "the dashboard has KPI stats and upcoming events"), behind `basic.events.read`.
struct DashboardRoutes: Sendable {
    typealias Context = BaseService.Context
    let stats: DashboardRepository
    let upcoming: UpcomingEventsRepository

    func addRoutes(to tenant: RouterGroup<Context>) {
        let dashboard = tenant.group("/api/dashboard")
        dashboard.get("", use: overview)
        dashboard.get("stats", use: statsView)
        dashboard.get("upcoming-events", use: upcomingView)
    }

    /// The stats and the upcoming events together (the two views' statements, one after the other).
    @Sendable func overview(_ request: Request, context: Context) async throws -> DashboardOverview {
        let scope = try context.tenant(permission: BasePermission.eventsRead)
        var q = QueryReader(request)
        let statsQuery = Self.statsQuery(&q)
        let limit = q.int("limit", range: 1...50) ?? 5
        try q.validate()
        try statsQuery.check()
        return DashboardOverview(stats: try await stats.stats(companyID: scope.companyID, currency: statsQuery.currency, window: statsQuery.window),
                                 upcomingEvents: try await upcoming.upcoming(companyID: scope.companyID, limit: limit))
    }

    @Sendable func statsView(_ request: Request, context: Context) async throws -> DashboardStats {
        let scope = try context.tenant(permission: BasePermission.eventsRead)
        var q = QueryReader(request)
        let statsQuery = Self.statsQuery(&q)
        try q.validate()
        try statsQuery.check()
        return try await stats.stats(companyID: scope.companyID, currency: statsQuery.currency, window: statsQuery.window)
    }

    @Sendable func upcomingView(_ request: Request, context: Context) async throws -> UpcomingEvents {
        let scope = try context.tenant(permission: BasePermission.eventsRead)
        var q = QueryReader(request)
        let limit = q.int("limit", range: 1...50) ?? 5
        try q.validate()
        return try await upcoming.upcoming(companyID: scope.companyID, limit: limit)
    }

    struct StatsQuery {
        var currency: String?
        var window: ViewWindow
        var issues: [FieldIssue]

        /// The pair rules (422) once the parameters read (400).
        func check() throws {
            if !issues.isEmpty { throw APIError.validation(issues) }
            try ExchangeErrors.checkKnown([("currency", currency)])
        }
    }

    /// Default window: this month. At most ten years.
    static func statsQuery(_ q: inout QueryReader) -> StatsQuery {
        let today = CalendarDate.today()
        let (window, issues) = ViewWindow.read(&q, defaultFrom: ViewDay.monthStart(today), defaultTo: ViewDay.monthEnd(today), maxDays: 3653)
        return StatsQuery(currency: q.currency("currency"), window: window, issues: issues)
    }
}

import Foundation
import Hummingbird
import KisumKernel

/// Analytics: the financials of the events dated in a window, grouped (issue 10, "read models computed from the
/// stored lines (by period, event, artist, currency)"; the spec's "Financial analytics view exposed by Base").
struct AnalyticsRoutes: Sendable {
    typealias Context = BaseService.Context
    let repository: AnalyticsRepository

    func addRoutes(to tenant: RouterGroup<Context>) {
        let analytics = tenant.group("/api/analytics")
        analytics.get("financials", use: financials)
    }

    @Sendable func financials(_ request: Request, context: Context) async throws -> FinancialAnalytics {
        let companyID = try MoneyAccess.requireIncomeAndExpenses(context)
        var q = QueryReader(request)
        let today = CalendarDate.today()
        // Default: this calendar year. At most ten years (the month groups then number 120).
        let year = String(today.prefix(4))
        let (window, issues) = ViewWindow.read(&q, defaultFrom: "\(year)-01-01", defaultTo: "\(year)-12-31", maxDays: 3653)
        let groupBy = q.oneOf("groupBy", AnalyticsGrouping.allCases.map(\.rawValue)).flatMap(AnalyticsGrouping.init(rawValue:)) ?? .event
        let filter = AnalyticsRepository.Filter(currency: q.currency("currency"), window: window, groupBy: groupBy)
        try q.validate()
        if !issues.isEmpty { throw APIError.validation(issues) }
        try ExchangeErrors.checkKnown([("currency", filter.currency)])
        return try await repository.financials(companyID: companyID, filter)
    }
}

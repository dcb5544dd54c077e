import Foundation
import Hummingbird
import KisumKernel

/// Cash Flow (issue 10: "read models computed from the stored lines (by period, event, artist, currency), one
/// SQL query per view, with filters and periods"). Income and expenses both show, so both read permissions are
/// needed.
struct CashFlowRoutes: Sendable {
    typealias Context = BaseService.Context
    let repository: CashFlowRepository

    func addRoutes(to tenant: RouterGroup<Context>) {
        let cashFlow = tenant.group("/api/cash-flow")
        cashFlow.get("", use: cashFlowView)
    }

    @Sendable func cashFlowView(_ request: Request, context: Context) async throws -> CashFlow {
        let companyID = try MoneyAccess.requireIncomeAndExpenses(context)
        var q = QueryReader(request)
        let today = CalendarDate.today()
        // Default: this month and the five after it.
        let (window, issues) = ViewWindow.read(&q, defaultFrom: ViewDay.monthStart(today), defaultTo: ViewDay.monthEnd(today, plus: 5),
                                               maxDays: 366 * 30)
        let period = q.oneOf("period", CashFlowPeriod.allCases.map(\.rawValue)).flatMap(CashFlowPeriod.init(rawValue:)) ?? .month
        let filter = CashFlowRepository.Filter(currency: q.currency("currency"), window: window, period: period,
                                               eventID: q.uuid("eventId"), artistID: q.uuid("artistId"))
        try q.validate()
        var v = Validator()
        for issue in issues { v.add(issue.field, issue.code, issue.message) }
        if issues.isEmpty, period.buckets(window) > CashFlowPeriod.maxBuckets {
            v.add("to", "too_many_buckets", "At most \(CashFlowPeriod.maxBuckets) \(period.rawValue)s from from to to.")
        }
        try v.validate()
        try ExchangeErrors.checkKnown([("currency", filter.currency)])
        return try await repository.cashFlow(companyID: companyID, filter)
    }
}

/// Access rules of the money read models.
enum MoneyAccess {
    /// Cash flow, transactions and analytics show income and expenses together: both read permissions, else 403
    /// naming the first one missing.
    static func requireIncomeAndExpenses(_ context: BaseService.Context) throws -> UUID {
        try context.require(permission: BasePermission.incomeRead)
        return try context.tenant(permission: BasePermission.expensesRead).companyID
    }
}

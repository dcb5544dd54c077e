import Foundation
import Hummingbird
import KisumKernel

/// Transactions: the money that moved (income payments in, approved actual expenses out), newest first, each in
/// its own currency and, when `reportingCurrency` is given, converted on its own day with the rate named.
struct TransactionsRoutes: Sendable {
    typealias Context = BaseService.Context
    let repository: TransactionsRepository

    func addRoutes(to tenant: RouterGroup<Context>) {
        let transactions = tenant.group("/api/transactions")
        transactions.get("", use: list)
        transactions.get("{id}", use: get)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Page<MoneyTransaction> {
        let companyID = try MoneyAccess.requireIncomeAndExpenses(context)
        var q = QueryReader(request)
        let page = q.page(defaultLimit: 50, maxLimit: 200)
        let filter = TransactionFilter(type: q.oneOf("type", ["in", "out"]), eventID: q.uuid("eventId"), artistID: q.uuid("artistId"),
                                       currency: q.currency("currency"), from: q.calendarDate("from"), to: q.calendarDate("to"),
                                       reportingCurrency: q.currency("reportingCurrency"))
        try q.validate()
        if let from = filter.from, let to = filter.to, from > to {
            throw APIError.validation(field: "to", code: "before_start", message: "to must be on or after from.")
        }
        try ExchangeErrors.checkKnown([("reportingCurrency", filter.reportingCurrency)])
        switch try await repository.list(companyID: companyID, filter, page: page) {
        case .found(let items, let total): return Page(items: items, total: total, request: page)
        case .rateMissing(let from, let day): throw APIError.exchangeRateMissing(from: from, to: filter.reportingCurrency ?? "", day: day, field: "reportingCurrency")
        case .outOfRange: throw ExchangeErrors.amountOutOfRange()
        }
    }

    /// A payment's or an approved actual's id; anything else (another company's, a pending actual) is 404.
    @Sendable func get(_ request: Request, context: Context) async throws -> MoneyTransaction {
        let companyID = try MoneyAccess.requireIncomeAndExpenses(context)
        let id = try context.parameters.uuid("id", what: "transaction")
        var q = QueryReader(request)
        let reporting = q.currency("reportingCurrency")
        try q.validate()
        try ExchangeErrors.checkKnown([("reportingCurrency", reporting)])
        switch try await repository.get(companyID: companyID, id: id, reportingCurrency: reporting) {
        case .found(let items, _): return try items.first.orNotFound("transaction")
        case .rateMissing(let from, let day): throw APIError.exchangeRateMissing(from: from, to: reporting ?? "", day: day, field: "reportingCurrency")
        case .outOfRange: throw ExchangeErrors.amountOutOfRange()
        }
    }
}

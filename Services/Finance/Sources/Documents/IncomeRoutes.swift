import Foundation
import Hummingbird
import KisumKernel

/// Income invoices: money owed to the company (`finance.income.*`; payments need `finance.payments.write`).
struct IncomeRoutes: Sendable {
    let handlers: DocumentHandlers
    let summary: SummaryHandler

    func addRoutes(to api: RouterGroup<FinanceService.Context>) {
        let income = api.group("/api/income")
        income.get("", use: handlers.list)
        income.post("", use: handlers.create)
        income.get("summary", use: summary.summary)
        income.get("{id}", use: handlers.get)
        income.patch("{id}", use: handlers.update)
        income.post("{id}/payments", use: handlers.pay)
    }
}

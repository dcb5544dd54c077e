import Foundation
import Hummingbird
import KisumKernel

/// Bills: money the company owes (`finance.bills.*`; payments need `finance.payments.write`).
struct BillsRoutes: Sendable {
    let handlers: DocumentHandlers
    let summary: SummaryHandler

    func addRoutes(to api: RouterGroup<FinanceService.Context>) {
        let bills = api.group("/api/bills")
        bills.post("", use: handlers.create)
        bills.get("", use: handlers.list)
        bills.get("summary", use: summary.summary)
        bills.get("{id}", use: handlers.get)
        bills.patch("{id}", use: handlers.update)
        bills.post("{id}/payments", use: handlers.pay)
    }
}

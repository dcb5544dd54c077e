import Foundation
import Hummingbird
import KisumKernel

/// Every payment and refund of the company across income invoices and bills (`finance.payments.read`);
/// payments are recorded on their document (`POST /api/income/{id}/payments`, `POST /api/bills/{id}/payments`).
struct PaymentsRoutes: Sendable {
    typealias Context = FinanceService.Context
    let repository: PaymentsRepository

    func addRoutes(to api: RouterGroup<Context>) {
        let payments = api.group("/api/payments")
        payments.get("", use: list)
    }

    /// `kind` (income | bill), `documentId`, `currency`, `method`, `paidFrom`/`paidTo` (UTC days), `page`, `limit`.
    @Sendable func list(_ request: Request, context: Context) async throws -> Page<PaymentListItem> {
        let scope = try context.tenant(permission: FinancePermission.paymentsRead)
        var q = QueryReader(request)
        let page = q.page()
        let filter = PaymentFilter(kind: q.oneOf("kind", DocumentKind.allCases.map(\.rawValue)), documentId: q.uuid("documentId"),
                                   currency: q.currency("currency"), method: q.oneOf("method", PaymentMethod.all),
                                   paidFrom: q.calendarDate("paidFrom"), paidTo: q.calendarDate("paidTo"))
        try q.validate()
        let result = try await repository.list(companyID: scope.companyID, filter, page: page)
        return Page(items: result.items, total: result.total, request: page)
    }
}

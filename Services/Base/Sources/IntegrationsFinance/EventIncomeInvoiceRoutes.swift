import Foundation
import HTTPTypes
import Hummingbird
import KisumKernel

/// `POST /api/event-income/{id}/invoice` (Event Income, `basic.income.write`): the income line's Finance invoice, made
/// now, in machine mode, under the line id as Finance's idempotency key: the very path the event sync's relay takes, so
/// the two never make two invoices for one line. The first call answers 201 with the new invoice and records it on the
/// line (`event_income.finance_invoice_id`); later calls answer 200 with the same invoice, brought up to date when the
/// line changed (while Finance's invoice is a draft).
struct EventIncomeInvoiceRoutes: Sendable {
    typealias Context = BaseService.Context
    let sync: FinanceSyncRepository
    let gateway: FinanceGateway

    func addRoutes(to tenant: RouterGroup<Context>) {
        let income = tenant.group("/api/event-income")
        income.post("{id}/invoice", use: invoice)
    }

    @Sendable func invoice(_ request: Request, context: Context) async throws -> EditedResponse<IncomeInvoice> {
        let scope = try context.tenant(permission: BasePermission.incomeWrite)
        let id = try context.parameters.uuid("id", what: "income line")
        let client = try gateway.required()
        let line = try await sync.line(companyID: scope.companyID, kind: .income, id: id).orNotFound("income line")
        guard line.connected else { throw IntegrationsFinanceRoutes.notConnected }
        do {
            let pushed = try await FinanceLinePusher(client: client).push(line, companyID: scope.companyID)
            try await sync.recordDelivered(companyID: scope.companyID, line: line, generation: line.generation, document: pushed.id)
            return EditedResponse(status: line.financeDocumentId == nil ? .created : .ok,
                                  response: IncomeInvoice(incomeId: id, financeInvoiceId: pushed.id, invoice: pushed.document))
        } catch let refused as FinanceLineRefused {
            if let reply = refused.reply { throw reply.refusal }
            throw APIError.conflict("finance_invoice_locked", refused.description,
                                    info: refused.document.map { ["financeInvoiceId": .uuid($0)] })
        } catch is FinanceUnavailable {
            throw FinanceGateway.unavailable
        }
    }
}

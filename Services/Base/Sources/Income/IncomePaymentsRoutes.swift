import Foundation
import Hummingbird
import KisumKernel

/// `/api/event-income/{id}/payments` (tag Event Income): money received against an income line
/// (`basic.income.read` / `.write`).
struct IncomePaymentsRoutes: Sendable {
    typealias Context = BaseService.Context
    let repository: IncomePaymentsRepository

    func addRoutes(to tenant: RouterGroup<Context>) {
        let income = tenant.group("/api/event-income")
        income.get("{id}/payments", use: list)
        income.post("{id}/payments", use: create)
        income.delete("{id}/payments/{paymentId}", use: delete)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Page<IncomePayment> {
        let scope = try context.tenant(permission: BasePermission.incomeRead)
        let id = try context.parameters.uuid("id", what: "income line")
        var q = QueryReader(request)
        let page = q.page(defaultLimit: 50, maxLimit: 200)
        try q.validate()
        let result = try await repository.list(companyID: scope.companyID, incomeID: id, page: page).orNotFound("income line")
        return Page(items: result.items, total: result.total, request: page)
    }

    /// 201 with the payment and the line. `Idempotency-Key` makes a retry safe: the same body under the same key
    /// answers the first payment again (201, `Idempotent-Replayed: true`); another body is 409 `idempotency_conflict`.
    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        let scope = try context.tenant(permission: BasePermission.incomeWrite)
        let id = try context.parameters.uuid("id", what: "income line")
        let key = try IdempotencyKey.read(request)
        let body = try await request.decodeValid(as: PaymentInput.self, context: context)
        let result = try await repository.create(companyID: scope.companyID, incomeID: id, userID: scope.userID, body, key: key)
            .orNotFound("income line")
        var response = try context.responseEncoder.encode(result.receipt, from: request, context: context)
        response.status = .created
        if result.replayed, let replayed = IdempotencyKey.replayed { response.headers[replayed] = "true" }
        return response
    }

    @Sendable func delete(_ request: Request, context: Context) async throws -> Response {
        let scope = try context.tenant(permission: BasePermission.incomeWrite)
        let id = try context.parameters.uuid("id", what: "income line")
        let paymentID = try context.parameters.uuid("paymentId", what: "payment")
        guard try await repository.delete(companyID: scope.companyID, incomeID: id, id: paymentID) else { throw APIError.notFound("payment") }
        return Response(status: .noContent)
    }
}

import Foundation
import HTTPTypes
import Hummingbird
import KisumKernel

/// The chart of accounts. Platform Core seeds no accounts permission, so the documents' permissions stand in:
/// reading takes `finance.income.read` or `finance.bills.read` (whoever books either kind of document chooses
/// among the accounts), changing the chart takes `finance.income.write` and `finance.bills.write` (it is
/// shared by both kinds). Machine callers hold every Finance permission.
struct AccountsRoutes: Sendable {
    typealias Context = FinanceService.Context
    let repository: AccountsRepository

    func addRoutes(to api: RouterGroup<Context>) {
        let accounts = api.group("/api/accounts")
        accounts.get("", use: list)
        accounts.post("", use: create)
        accounts.get("{id}", use: get)
        accounts.patch("{id}", use: update)
    }

    /// `type`, `active`, `q` (part of the code or name), `page`, `limit` (at most 200: a chart is read whole).
    @Sendable func list(_ request: Request, context: Context) async throws -> Page<FinanceAccount> {
        let companyID = try Self.reader(context)
        var q = QueryReader(request)
        let page = q.page(defaultLimit: 100, maxLimit: 200)
        let filter = AccountFilter(type: q.oneOf("type", AccountRules.types), active: q.bool("active"), q: q.search("q", maxLength: 100))
        try q.validate()
        let result = try await repository.list(companyID: companyID, filter, page: page)
        return Page(items: result.items, total: result.total, request: page)
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> FinanceAccount {
        let companyID = try Self.reader(context)
        let id = try context.parameters.uuid("id", what: "account")
        return try await repository.get(companyID: companyID, id: id).orNotFound("account")
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> EditedResponse<FinanceAccount> {
        let scope = try Self.writer(context)
        let body = try await request.decodeValid(as: CreateAccount.self, context: context)
        let createdBy = context.kisum.internalCaller ? nil : scope.userID
        guard let account = try await repository.create(companyID: scope.companyID, createdBy: createdBy, body) else {
            throw APIError.internalError
        }
        return EditedResponse(status: .created, response: account)
    }

    @Sendable func update(_ request: Request, context: Context) async throws -> FinanceAccount {
        let scope = try Self.writer(context)
        let id = try context.parameters.uuid("id", what: "account")
        let patch = try await request.decodeValid(as: AccountPatch.self, context: context)
        return try await repository.update(companyID: scope.companyID, id: id, patch).orNotFound("account")
    }

    /// Either document kind's read permission.
    static func reader(_ context: Context) throws -> UUID {
        let access = try context.requireAccess()
        if !access.permits(FinancePermission.incomeRead) { try context.require(permission: FinancePermission.billsRead) }
        return try context.requireCompany()
    }

    /// Both document kinds' write permissions.
    static func writer(_ context: Context) throws -> (companyID: UUID, userID: UUID) {
        try context.require(permission: FinancePermission.billsWrite)
        return try context.tenant(permission: FinancePermission.incomeWrite)
    }
}

import Foundation
import Hummingbird
import KisumKernel

/// `/api/event-expense/categories`: the built-in categories and the company's own (`basic.expenses.read` /
/// `.write`). Only the company's are written; a built-in's code in the path is 409 `builtin_category`.
struct ExpenseCategoriesRoutes: Sendable {
    typealias Context = BaseService.Context
    let repository: ExpenseCategoriesRepository

    func addRoutes(to tenant: RouterGroup<Context>) {
        let categories = tenant.group("/api/event-expense/categories")
        categories.get("", use: list)
        categories.post("", use: create)
        categories.put("{id}", use: replace)
        categories.delete("{id}", use: delete)
    }

    /// Built-ins first (in their order), then the company's by name; `builtIn` and `q` (code or name) filter.
    @Sendable func list(_ request: Request, context: Context) async throws -> Page<ExpenseCategory> {
        let scope = try context.tenant(permission: BasePermission.expensesRead)
        var q = QueryReader(request)
        let page = q.page(defaultLimit: 100, maxLimit: 200)
        let builtIn = q.bool("builtIn")
        let text = q.search("q", maxLength: 100)
        try q.validate()
        let result = try await repository.list(companyID: scope.companyID, builtIn: builtIn, q: text, page: page)
        return Page(items: result.items, total: result.total, request: page)
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> EditedResponse<ExpenseCategory> {
        let scope = try context.tenant(permission: BasePermission.expensesWrite)
        let body = try await request.decodeValid(as: ExpenseCategoryInput.self, context: context)
        return EditedResponse(status: .created, response: try await repository.create(companyID: scope.companyID, userID: scope.userID, body))
    }

    /// The company category's id; a built-in's code is refused as such rather than "not found".
    static func categoryID(_ context: Context) throws -> UUID {
        if let code = context.parameters.get("id"), ExpenseCategories.isBuiltIn(code) { throw ExpenseCategories.builtInRefused(code) }
        return try context.parameters.uuid("id", what: "expense category")
    }

    @Sendable func replace(_ request: Request, context: Context) async throws -> ExpenseCategory {
        let scope = try context.tenant(permission: BasePermission.expensesWrite)
        let id = try Self.categoryID(context)
        let body = try await request.decodeValid(as: ExpenseCategoryInput.self, context: context)
        return try await repository.replace(companyID: scope.companyID, id: id, body).orNotFound("expense category")
    }

    @Sendable func delete(_ request: Request, context: Context) async throws -> Response {
        let scope = try context.tenant(permission: BasePermission.expensesWrite)
        let id = try Self.categoryID(context)
        guard try await repository.delete(companyID: scope.companyID, id: id) else { throw APIError.notFound("expense category") }
        return Response(status: .noContent)
    }
}

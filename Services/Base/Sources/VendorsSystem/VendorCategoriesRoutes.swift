import Foundation
import Hummingbird
import KisumKernel

/// `/api/vendors-system/categories`: the catalog's categories. Read by every member of a company with Base, changed
/// by platform staff only (403 `staff_only`); a category catalog vendors are in is not deleted (409 `category_in_use`).
struct VendorCategoriesRoutes: Sendable {
    typealias Context = BaseService.Context
    let repository: VendorCategoriesRepository

    func addRoutes(to tenant: RouterGroup<Context>) {
        let categories = tenant.group("/api/vendors-system/categories")
        categories.get("", use: list)
        categories.post("", use: create)
        categories.put("{id}", use: replace)
        categories.delete("{id}", use: delete)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Page<VendorCategory> {
        var q = QueryReader(request)
        let page = q.page(defaultLimit: 100, maxLimit: 200)
        let text = q.search(maxLength: 100)
        try q.validate()
        let result = try await repository.list(q: text, page: page)
        return Page(items: result.items, total: result.total, request: page)
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> EditedResponse<VendorCategory> {
        try context.requireStaff()
        let body = try await request.decodeValid(as: VendorCategoryInput.self, context: context)
        return EditedResponse(status: .created, response: try await repository.create(body))
    }

    @Sendable func replace(_ request: Request, context: Context) async throws -> VendorCategory {
        try context.requireStaff()
        let id = try context.parameters.uuid("id", what: "vendor category")
        let body = try await request.decodeValid(as: VendorCategoryInput.self, context: context)
        return try await repository.replace(id: id, body).orNotFound("vendor category")
    }

    @Sendable func delete(_ request: Request, context: Context) async throws -> Response {
        try context.requireStaff()
        let id = try context.parameters.uuid("id", what: "vendor category")
        guard try await repository.delete(id: id) else { throw APIError.notFound("vendor category") }
        return Response(status: .noContent)
    }
}

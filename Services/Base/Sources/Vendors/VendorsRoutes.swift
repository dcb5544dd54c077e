import Foundation
import Hummingbird
import KisumKernel

/// `/api/vendors`: the company's own vendors (`basic.vendors.read` / `.write`). Their contacts and events:
/// `VendorDetailsRoutes`; the system-wide catalog and "link into my vendors": `SystemVendorsRoutes`.
struct VendorsRoutes: Sendable {
    typealias Context = BaseService.Context
    let repository: VendorsRepository

    func addRoutes(to tenant: RouterGroup<Context>) {
        let vendors = tenant.group("/api/vendors")
        vendors.get("", use: list)
        vendors.post("", use: create)
        vendors.get("search", use: search)
        vendors.get("{id}", use: get)
        vendors.put("{id}", use: replace)
        vendors.delete("{id}", use: delete)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Page<Vendor> {
        let scope = try context.tenant(permission: BasePermission.vendorsRead)
        var q = QueryReader(request)
        let page = q.page()
        let filter = VendorFilter(q: q.search(maxLength: 200), category: q.search("category", maxLength: 100), linked: q.bool("linked"))
        let sort = q.oneOf("sort", VendorSort.allCases.map(\.rawValue)).flatMap(VendorSort.init(rawValue:)) ?? .name
        try q.validate()
        let result = try await repository.list(companyID: scope.companyID, filter, sort: sort, page: page)
        return Page(items: result.items, total: result.total, request: page)
    }

    /// `q` is required here (the list takes it as an optional filter).
    @Sendable func search(_ request: Request, context: Context) async throws -> Page<Vendor> {
        let scope = try context.tenant(permission: BasePermission.vendorsRead)
        var q = QueryReader(request)
        let page = q.page()
        let text = try Self.requiredSearch(&q)
        let result = try await repository.search(companyID: scope.companyID, text: text, page: page)
        return Page(items: result.items, total: result.total, request: page)
    }

    /// The `q` of a search route: required, not only white space, at most 200 characters (400 otherwise).
    static func requiredSearch(_ q: inout QueryReader) throws -> String {
        let text = q.search(maxLength: 200)
        if text?.allSatisfy(\.isWhitespace) ?? q.issues.isEmpty {
            q.add("q", "required", "Give the text to search for.")
        }
        try q.validate()
        guard let text else { throw APIError.badRequest("invalid_query", "Give the text to search for.") }
        return text.trimmingCharacters(in: .whitespaces)
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> EditedResponse<Vendor> {
        let scope = try context.tenant(permission: BasePermission.vendorsWrite)
        let body = try await request.decodeValid(as: VendorInput.self, context: context)
        return EditedResponse(status: .created, response: try await repository.create(companyID: scope.companyID, userID: scope.userID, body))
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> Vendor {
        let scope = try context.tenant(permission: BasePermission.vendorsRead)
        let id = try context.parameters.uuid("id", what: "vendor")
        return try await repository.get(companyID: scope.companyID, id: id).orNotFound("vendor")
    }

    @Sendable func replace(_ request: Request, context: Context) async throws -> Vendor {
        let scope = try context.tenant(permission: BasePermission.vendorsWrite)
        let id = try context.parameters.uuid("id", what: "vendor")
        let body = try await request.decodeValid(as: VendorInput.self, context: context)
        return try await repository.replace(companyID: scope.companyID, id: id, body).orNotFound("vendor")
    }

    @Sendable func delete(_ request: Request, context: Context) async throws -> Response {
        let scope = try context.tenant(permission: BasePermission.vendorsWrite)
        let id = try context.parameters.uuid("id", what: "vendor")
        guard try await repository.delete(companyID: scope.companyID, id: id) else { throw APIError.notFound("vendor") }
        return Response(status: .noContent)
    }
}

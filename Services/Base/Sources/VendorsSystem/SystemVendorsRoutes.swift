import Foundation
import Hummingbird
import KisumKernel

/// `/api/vendors-system`: the system-wide vendor catalog, its services, the CSV import and "link into my vendors".
/// The catalog is global like reference data: every member of a company with Base reads it (the tenant group checks
/// membership and the module; no permission), only platform staff change it (`requireStaff`, 403 `staff_only`).
/// Linking writes the company's own vendor list, so it needs `basic.vendors.write`. Categories: `VendorCategoriesRoutes`.
struct SystemVendorsRoutes: Sendable {
    typealias Context = BaseService.Context
    let repository: SystemVendorsRepository
    let imports: SystemVendorImportRepository
    let vendors: VendorsRepository

    func addRoutes(to tenant: RouterGroup<Context>) {
        let system = tenant.group("/api/vendors-system")
        system.get("", use: list)
        system.post("", use: create)
        system.get("search", use: search)
        system.post("import", use: importFile)
        system.get("{id}", use: get)
        system.put("{id}", use: replace)
        system.delete("{id}", use: delete)
        system.get("{id}/services", use: listServices)
        system.post("{id}/services", use: addService)
        system.delete("{id}/services/{serviceId}", use: removeService)
        system.post("{id}/link", use: link)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Page<SystemVendor> {
        let companyID = try context.requireCompany()
        var q = QueryReader(request)
        let page = q.page()
        let filter = SystemVendorFilter(q: q.search(maxLength: 200), categoryID: q.uuid("categoryId"))
        try q.validate()
        let result = try await repository.list(companyID: companyID, filter, page: page)
        return Page(items: result.items, total: result.total, request: page)
    }

    /// `q` is required here (the list takes it as an optional filter).
    @Sendable func search(_ request: Request, context: Context) async throws -> Page<SystemVendor> {
        let companyID = try context.requireCompany()
        var q = QueryReader(request)
        let page = q.page()
        let text = try VendorsRoutes.requiredSearch(&q)
        let result = try await repository.search(companyID: companyID, text: text, page: page)
        return Page(items: result.items, total: result.total, request: page)
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> SystemVendor {
        let companyID = try context.requireCompany()
        let id = try context.parameters.uuid("id", what: "system vendor")
        return try await repository.get(companyID: companyID, id: id).orNotFound("system vendor")
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> EditedResponse<SystemVendor> {
        try context.requireStaff()
        let companyID = try context.requireCompany()
        let userID = try context.requireIdentity().userID
        let body = try await request.decodeValid(as: SystemVendorInput.self, context: context)
        return EditedResponse(status: .created, response: try await repository.create(companyID: companyID, userID: userID, body))
    }

    @Sendable func replace(_ request: Request, context: Context) async throws -> SystemVendor {
        try context.requireStaff()
        let companyID = try context.requireCompany()
        let id = try context.parameters.uuid("id", what: "system vendor")
        let body = try await request.decodeValid(as: SystemVendorInput.self, context: context)
        return try await repository.replace(companyID: companyID, id: id, body).orNotFound("system vendor")
    }

    /// Companies' vendors linked from the entry stay on their lists, unlinked.
    @Sendable func delete(_ request: Request, context: Context) async throws -> Response {
        try context.requireStaff()
        let id = try context.parameters.uuid("id", what: "system vendor")
        guard try await repository.delete(id: id) else { throw APIError.notFound("system vendor") }
        return Response(status: .noContent)
    }

    @Sendable func listServices(_ request: Request, context: Context) async throws -> Page<SystemVendorService> {
        let id = try context.parameters.uuid("id", what: "system vendor")
        var q = QueryReader(request)
        let page = q.page(defaultLimit: 50, maxLimit: 200)
        try q.validate()
        let result = try await repository.services(systemVendorID: id, page: page)
        if result.total == 0, try await !repository.exists(id: id) { throw APIError.notFound("system vendor") }
        return Page(items: result.items, total: result.total, request: page)
    }

    @Sendable func addService(_ request: Request, context: Context) async throws -> EditedResponse<SystemVendorService> {
        try context.requireStaff()
        let id = try context.parameters.uuid("id", what: "system vendor")
        let body = try await request.decodeValid(as: SystemVendorServiceInput.self, context: context)
        return EditedResponse(status: .created, response: try await repository.addService(systemVendorID: id, body))
    }

    @Sendable func removeService(_ request: Request, context: Context) async throws -> Response {
        try context.requireStaff()
        let id = try context.parameters.uuid("id", what: "system vendor")
        let serviceID = try context.parameters.uuid("serviceId", what: "service")
        guard try await repository.removeService(systemVendorID: id, id: serviceID) else { throw APIError.notFound("service") }
        return Response(status: .noContent)
    }

    /// multipart/form-data, the CSV in field `file` (at most 2 MiB, 5,000 rows): every row or none; 422 lists every bad
    /// line. 201 with what was written (200 for a file with a header and no rows).
    @Sendable func importFile(_ request: Request, context: Context) async throws -> EditedResponse<SystemVendorImportResult> {
        try context.requireStaff()
        let userID = try context.requireIdentity().userID
        let data = try await MultipartForm.uploadedFile(of: request, field: "file", limit: SystemVendorCSV.maxBytes, what: "vendor file")
        let rows = try SystemVendorCSV.read(data)
        let result = try await imports.importRows(userID: userID, rows)
        return EditedResponse(status: result.imported > 0 ? .created : .ok, response: result)
    }

    /// Copies the entry into the company's vendors (201). Linking it again answers the vendor it already made (200):
    /// retrying is harmless, and the company's edits to its copy are kept.
    @Sendable func link(_ request: Request, context: Context) async throws -> EditedResponse<Vendor> {
        let scope = try context.tenant(permission: BasePermission.vendorsWrite)
        let id = try context.parameters.uuid("id", what: "system vendor")
        let linked = try await vendors.link(companyID: scope.companyID, userID: scope.userID, systemVendorID: id).orNotFound("system vendor")
        return EditedResponse(status: linked.created ? .created : .ok, response: linked.vendor)
    }
}

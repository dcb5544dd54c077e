import Foundation
import Hummingbird
import KisumKernel

/// `/api/companies`: business metadata of the organisations the company deals with, and its own business
/// profile (`current`). Never membership or access (Platform Core's). Logo and settings handlers are in
/// `CompanyDetailsRoutes.swift`.
struct CompaniesRoutes: Sendable {
    typealias Context = BaseService.Context
    let repository: CompaniesRepository
    let details: CompanyDetailsRepository

    func addRoutes(to tenant: RouterGroup<Context>) {
        let companies = tenant.group("/api/companies")
        companies.get("", use: list)
        companies.post("", use: create)
        companies.get("search", use: search)
        companies.get("current", use: current)
        companies.put("current", use: saveCurrent)
        companies.get("{id}", use: get)
        companies.put("{id}", use: replace)
        companies.delete("{id}", use: delete)
        companies.post("{id}/logo", use: uploadLogo)
        companies.get("{id}/logo", use: logo)
        companies.get("{id}/settings", use: settings)
        companies.put("{id}/settings", use: saveSettings)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Page<Company> {
        let scope = try context.tenant(permission: BasePermission.companiesRead)
        var q = QueryReader(request)
        let page = q.page(defaultLimit: 20, maxLimit: 100)
        let filter = CompanyFilter(q: q.search(maxLength: 200), kind: q.oneOf("kind", CompanyRules.kinds),
                                   status: q.oneOf("status", CompanyRules.statuses), countryID: q.uuid("countryId"),
                                   city: q.search("city", maxLength: 100), sort: q.oneOf("sort", CompanyRules.sorts) ?? "name")
        try q.validate()
        let result = try await repository.list(companyID: scope.companyID, filter, page: page)
        return Page(items: result.items, total: result.total, request: page)
    }

    /// `q` is required here and the answer is ranked (the list takes `q` as a plain filter).
    @Sendable func search(_ request: Request, context: Context) async throws -> Page<Company> {
        let scope = try context.tenant(permission: BasePermission.companiesRead)
        var q = QueryReader(request)
        let page = q.page(defaultLimit: 20, maxLimit: 100)
        let text = q.search(maxLength: 200)
        if text?.allSatisfy(\.isWhitespace) ?? q.issues.isEmpty {
            q.add("q", "required", "Give the text to search for.")
        }
        let kind = q.oneOf("kind", CompanyRules.kinds)
        let status = q.oneOf("status", CompanyRules.statuses)
        try q.validate()
        guard let text else { throw APIError.badRequest("invalid_query", "q is required.") }
        let result = try await repository.search(companyID: scope.companyID, q: text, kind: kind, status: status, page: page)
        return Page(items: result.items, total: result.total, request: page)
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> Company {
        let scope = try context.tenant(permission: BasePermission.companiesRead)
        let id = try context.parameters.uuid("id", what: "company")
        return try await repository.get(companyID: scope.companyID, id: id).orNotFound("company")
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> EditedResponse<Company> {
        let scope = try context.tenant(permission: BasePermission.companiesWrite)
        let body = try await request.decodeValid(as: CompanyInput.self, context: context)
        return EditedResponse(status: .created, response: try await repository.create(companyID: scope.companyID, userID: scope.userID, body))
    }

    @Sendable func replace(_ request: Request, context: Context) async throws -> Company {
        let scope = try context.tenant(permission: BasePermission.companiesWrite)
        let id = try context.parameters.uuid("id", what: "company")
        let body = try await request.decodeValid(as: CompanyInput.self, context: context)
        return try await repository.replace(companyID: scope.companyID, id: id, body).orNotFound("company")
    }

    @Sendable func delete(_ request: Request, context: Context) async throws -> Response {
        let scope = try context.tenant(permission: BasePermission.companiesWrite)
        let id = try context.parameters.uuid("id", what: "company")
        switch try await repository.delete(companyID: scope.companyID, id: id) {
        case .deleted: return Response(status: .noContent)
        case .notFound: throw APIError.notFound("company")
        case .current:
            throw APIError.conflict("current_company", "This is the company's own business profile: edit it with PUT /api/companies/current, it cannot be deleted.")
        }
    }

    /// The tenant's own business profile: 404 `company_profile_not_found` until the first `PUT` creates it.
    @Sendable func current(_ request: Request, context: Context) async throws -> Company {
        let scope = try context.tenant(permission: BasePermission.companiesRead)
        guard let company = try await repository.current(companyID: scope.companyID) else {
            throw APIError(.notFound, code: "company_profile_not_found",
                           message: "The company has no business profile yet; PUT /api/companies/current creates it.")
        }
        return company
    }

    /// Creates the profile (201) or replaces it (200).
    @Sendable func saveCurrent(_ request: Request, context: Context) async throws -> EditedResponse<Company> {
        let scope = try context.tenant(permission: BasePermission.companiesWrite)
        let body = try await request.decodeValid(as: CompanyInput.self, context: context)
        let saved = try await repository.upsertCurrent(companyID: scope.companyID, userID: scope.userID, body)
        return EditedResponse(status: saved.created ? .created : .ok, response: saved.company)
    }
}

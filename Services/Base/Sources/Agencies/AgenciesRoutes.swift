import Foundation
import Hummingbird
import KisumKernel

/// `/api/agencies`: the booking agencies and management companies in the company's registry
/// (`basic.agencies.read` / `.write`). Their roster and team: `AgencyRosterRoutes`, `AgencyTeamRoutes`.
struct AgenciesRoutes: Sendable {
    typealias Context = BaseService.Context
    let repository: AgenciesRepository

    func addRoutes(to tenant: RouterGroup<Context>) {
        let agencies = tenant.group("/api/agencies")
        agencies.get("", use: list)
        agencies.post("", use: create)
        agencies.get("search", use: search)
        agencies.get("{id}", use: get)
        agencies.put("{id}", use: replace)
        agencies.delete("{id}", use: delete)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Page<Agency> {
        let scope = try context.tenant(permission: BasePermission.agenciesRead)
        var q = QueryReader(request)
        let page = q.page()
        let filter = AgencyFilter(q: q.search(maxLength: 200), kind: q.oneOf("kind", AgencyKind.all),
                                  status: q.oneOf("status", PartyStatus.all), countryID: q.uuid("countryId"),
                                  city: q.search("city", maxLength: 100))
        let sort = q.oneOf("sort", AgencySort.allCases.map(\.rawValue)).flatMap(AgencySort.init(rawValue:)) ?? .name
        try q.validate()
        let result = try await repository.list(companyID: scope.companyID, filter, sort: sort, page: page)
        return Page(items: result.items, total: result.total, request: page)
    }

    /// `q` is required here (the list takes it as an optional filter).
    @Sendable func search(_ request: Request, context: Context) async throws -> Page<Agency> {
        let scope = try context.tenant(permission: BasePermission.agenciesRead)
        var q = QueryReader(request)
        let page = q.page()
        let text = q.search(maxLength: 200)
        if text?.allSatisfy(\.isWhitespace) ?? q.issues.isEmpty {
            q.add("q", "required", "Give the text to search for.")
        }
        try q.validate()
        guard let text else { throw APIError.badRequest("invalid_query", "Give the text to search for.") }
        let result = try await repository.search(companyID: scope.companyID, text: text, page: page)
        return Page(items: result.items, total: result.total, request: page)
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> EditedResponse<Agency> {
        let scope = try context.tenant(permission: BasePermission.agenciesWrite)
        let body = try await request.decode(as: AgencyInput.self, context: context) { $0.validate(&$1, replacing: false) }
        guard let agency = try await repository.create(companyID: scope.companyID, userID: scope.userID, body) else {
            throw APIError.internalError
        }
        return EditedResponse(status: .created, response: agency)
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> Agency {
        let scope = try context.tenant(permission: BasePermission.agenciesRead)
        let id = try context.parameters.uuid("id", what: "agency")
        return try await repository.get(companyID: scope.companyID, id: id).orNotFound("agency")
    }

    @Sendable func replace(_ request: Request, context: Context) async throws -> Agency {
        let scope = try context.tenant(permission: BasePermission.agenciesWrite)
        let id = try context.parameters.uuid("id", what: "agency")
        let body = try await request.decode(as: AgencyInput.self, context: context) { $0.validate(&$1, replacing: true) }
        return try await repository.replace(companyID: scope.companyID, id: id, body).orNotFound("agency")
    }

    @Sendable func delete(_ request: Request, context: Context) async throws -> Response {
        let scope = try context.tenant(permission: BasePermission.agenciesWrite)
        let id = try context.parameters.uuid("id", what: "agency")
        guard try await repository.delete(companyID: scope.companyID, id: id) else { throw APIError.notFound("agency") }
        return Response(status: .noContent)
    }
}

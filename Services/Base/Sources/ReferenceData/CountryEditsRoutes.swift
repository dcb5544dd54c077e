import Foundation
import Hummingbird
import KisumKernel

/// Creating, editing and deleting countries. Reference data is global (every company reads the same rows),
/// so no company permission can govern it: only platform staff may (Platform Core's `users.is_superuser`,
/// reported as `staff` in effective access); everyone else gets 403 `staff_only`.
struct CountryEditsRoutes: Sendable {
    typealias Context = BaseService.Context
    let repository: CountryEditsRepository

    func addRoutes(to tenant: RouterGroup<Context>) {
        let countries = tenant.group("/api/countries")
        countries.post("", use: create)
        countries.put("{id}", use: replace)
        countries.delete("{id}", use: delete)
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> EditedResponse<Country> {
        try context.requireStaff()
        let body = try await request.decode(as: CountryInput.self, context: context) { body, v in body.validate(&v, creating: true) }
        return EditedResponse(status: .created, response: try await repository.create(body))
    }

    @Sendable func replace(_ request: Request, context: Context) async throws -> Country {
        try context.requireStaff()
        let id = try context.parameters.uuid("id", what: "country")
        let body = try await request.decode(as: CountryInput.self, context: context) { body, v in body.validate(&v, creating: false) }
        switch try await repository.replace(id: id, body) {
        case .replaced(let country): return country
        case .notFound: throw APIError.notFound("country")
        case .codeChanged:
            throw APIError.validation(field: "iso2", code: "immutable",
                                      message: "A country's alpha-2 code cannot change (its id derives from it); create the new country instead.")
        }
    }

    @Sendable func delete(_ request: Request, context: Context) async throws -> Response {
        try context.requireStaff()
        let id = try context.parameters.uuid("id", what: "country")
        guard try await repository.delete(id: id) else { throw APIError.notFound("country") }
        return Response(status: .noContent)
    }
}

import Foundation
import Hummingbird
import KisumKernel

/// `/api/v1/spaces`: the operational units of the tenant's venues.
struct SpacesRoutes: Sendable {
    typealias Context = VenueService.Context
    let repository: SpacesRepository

    func addRoutes(to tenant: RouterGroup<Context>) {
        let spaces = tenant.group("/api/v1/spaces")
        spaces.get("", use: list)
        spaces.post("", use: create)
        spaces.get("{id}", use: get)
        spaces.patch("{id}", use: update)
        spaces.delete("{id}", use: delete)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Page<Space> {
        let scope = try context.tenant(permission: VenuePermission.spacesRead)
        var q = QueryReader(request)
        let page = q.page()
        let filter = SpaceFilter(q: q.search(), status: q.oneOf("status", SpaceRules.statuses), venueID: q.uuid("venueId"))
        try q.validate()
        let result = try await repository.list(companyID: scope.companyID, filter, page: page)
        return Page(items: result.items, total: result.total, request: page)
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> EditedResponse<Space> {
        let scope = try context.tenant(permission: VenuePermission.spacesWrite)
        let body = try await request.decodeValid(as: CreateSpace.self, context: context)
        return EditedResponse(status: .created, response: try await repository.create(companyID: scope.companyID, body))
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> Space {
        let scope = try context.tenant(permission: VenuePermission.spacesRead)
        let id = try context.parameters.uuid("id", what: "space")
        guard let space = try await repository.get(companyID: scope.companyID, id: id) else { throw APIError.notFound("space") }
        return space
    }

    @Sendable func update(_ request: Request, context: Context) async throws -> Space {
        let scope = try context.tenant(permission: VenuePermission.spacesWrite)
        let id = try context.parameters.uuid("id", what: "space")
        let patch = try await request.decodeValid(as: SpacePatch.self, context: context)
        guard let space = try await repository.update(companyID: scope.companyID, id: id, patch) else { throw APIError.notFound("space") }
        return space
    }

    @Sendable func delete(_ request: Request, context: Context) async throws -> Response {
        let scope = try context.tenant(permission: VenuePermission.spacesWrite)
        let id = try context.parameters.uuid("id", what: "space")
        guard try await repository.softDelete(companyID: scope.companyID, id: id) else { throw APIError.notFound("space") }
        return Response(status: .noContent)
    }
}

import Foundation
import Hummingbird
import KisumKernel

/// `/api/v1/venues`: the tenant's venue records.
struct VenuesRoutes: Sendable {
    typealias Context = VenueService.Context
    let repository: VenuesRepository

    func addRoutes(to tenant: RouterGroup<Context>) {
        let venues = tenant.group("/api/v1/venues")
        venues.get("", use: list)
        venues.post("", use: create)
        venues.get("{id}", use: get)
        venues.patch("{id}", use: update)
        venues.delete("{id}", use: delete)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Page<Venue> {
        let scope = try context.tenant(permission: VenuePermission.venuesRead)
        var q = QueryReader(request)
        let page = q.page()
        let filter = VenueFilter(q: q.search(), status: q.oneOf("status", VenueStatus.all), city: q.search("city", maxLength: 100),
                                 companyID: scope.companyID)
        try q.validate()
        let result = try await repository.list(filter, page: page)
        return Page(items: result.items, total: result.total, request: page)
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> EditedResponse<Venue> {
        let scope = try context.tenant(permission: VenuePermission.venuesWrite)
        let body = try await request.decode(as: CreateVenue.self, context: context) { $0.validate(&$1, writer: .tenant) }
        let venue = try await repository.create(companyID: scope.companyID, body, status: body.status ?? "active", claimable: false)
        return EditedResponse(status: .created, response: venue)
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> Venue {
        let scope = try context.tenant(permission: VenuePermission.venuesRead)
        let id = try context.parameters.uuid("id", what: "venue")
        guard let venue = try await repository.get(companyID: scope.companyID, id: id) else { throw APIError.notFound("venue") }
        return venue
    }

    @Sendable func update(_ request: Request, context: Context) async throws -> Venue {
        let scope = try context.tenant(permission: VenuePermission.venuesWrite)
        let id = try context.parameters.uuid("id", what: "venue")
        let patch = try await request.decode(as: VenuePatch.self, context: context) { $0.validate(&$1, writer: .tenant) }
        guard let venue = try await repository.update(companyID: scope.companyID, id: id, patch) else { throw APIError.notFound("venue") }
        return venue
    }

    @Sendable func delete(_ request: Request, context: Context) async throws -> Response {
        let scope = try context.tenant(permission: VenuePermission.venuesWrite)
        let id = try context.parameters.uuid("id", what: "venue")
        guard try await repository.softDelete(companyID: scope.companyID, id: id) else { throw APIError.notFound("venue") }
        return Response(status: .noContent)
    }
}

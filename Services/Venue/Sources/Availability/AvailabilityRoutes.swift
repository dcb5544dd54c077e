import Foundation
import Hummingbird
import KisumKernel

/// `/api/v1/availability`: blocks on spaces, by status (hold, maintenance, blackout, manual).
struct AvailabilityRoutes: Sendable {
    typealias Context = VenueService.Context
    let repository: AvailabilityRepository

    func addRoutes(to tenant: RouterGroup<Context>) {
        let availability = tenant.group("/api/v1/availability")
        availability.get("", use: list)
        availability.post("blocks", use: create)
        availability.patch("blocks/{id}", use: update)
        availability.delete("blocks/{id}", use: delete)
    }

    /// Filters: `spaceId` (one id or a comma-separated list), `venueId`, `status` (or its alias `kind`), `fromAt`/`toAt`
    /// (blocks overlapping the window), `includeExpired` (default true; expired holds carry `expired: true`).
    @Sendable func list(_ request: Request, context: Context) async throws -> Page<AvailabilityBlock> {
        let scope = try context.tenant(permission: VenuePermission.availabilityRead)
        var q = QueryReader(request)
        let page = q.page()
        let spaceIDs = q.uuidList("spaceId", in: request, max: 50)
        let filter = BlockFilter(spaceIDs: spaceIDs, venueID: q.uuid("venueId"), status: q.oneOf("status", BlockRules.statuses),
                                 kind: q.oneOf("kind", BlockRules.statuses),
                                 fromAt: q.date("fromAt"), toAt: q.date("toAt"), includeExpired: q.bool("includeExpired") ?? true)
        try q.validate()
        let result = try await repository.list(companyID: scope.companyID, filter, page: page)
        return Page(items: result.items, total: result.total, request: page)
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> EditedResponse<AvailabilityBlock> {
        let scope = try context.tenant(permission: VenuePermission.availabilityWrite)
        let body = try await request.decodeValid(as: CreateBlock.self, context: context)
        let block = try await repository.create(companyID: scope.companyID, userID: scope.userID, body)
        return EditedResponse(status: .created, response: block)
    }

    @Sendable func update(_ request: Request, context: Context) async throws -> AvailabilityBlock {
        let scope = try context.tenant(permission: VenuePermission.availabilityWrite)
        let id = try context.parameters.uuid("id", what: "availability block")
        let patch = try await request.decodeValid(as: BlockPatch.self, context: context)
        guard let block = try await repository.update(companyID: scope.companyID, id: id, patch) else {
            throw APIError.notFound("availability block")
        }
        return block
    }

    @Sendable func delete(_ request: Request, context: Context) async throws -> Response {
        let scope = try context.tenant(permission: VenuePermission.availabilityWrite)
        let id = try context.parameters.uuid("id", what: "availability block")
        guard try await repository.delete(companyID: scope.companyID, id: id) else { throw APIError.notFound("availability block") }
        return Response(status: .noContent)
    }
}

import Foundation
import Hummingbird
import KisumKernel

/// `/api/v1/deals`: venue-side commercial terms.
struct DealsRoutes: Sendable {
    typealias Context = VenueService.Context
    let repository: DealsRepository

    func addRoutes(to tenant: RouterGroup<Context>) {
        let deals = tenant.group("/api/v1/deals")
        deals.get("", use: list)
        deals.post("", use: create)
        deals.get("{id}", use: get)
        deals.patch("{id}", use: update)
    }

    /// Filters: bookingId, status, dealType, q (name or notes), page, limit.
    @Sendable func list(_ request: Request, context: Context) async throws -> Page<Deal> {
        let scope = try context.tenant(permission: VenuePermission.dealsRead)
        var q = QueryReader(request)
        let page = q.page()
        let filter = DealFilter(bookingID: q.uuid("bookingId"), status: q.oneOf("status", DealStatus.all),
                                dealType: q.oneOf("dealType", DealRules.types), q: q.search())
        try q.validate()
        let result = try await repository.list(companyID: scope.companyID, filter, page: page)
        return Page(items: result.items, total: result.total, request: page)
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> EditedResponse<Deal> {
        let scope = try context.tenant(permission: VenuePermission.dealsWrite)
        let body = try await request.decodeValid(as: CreateDeal.self, context: context)
        return EditedResponse(status: .created, response: try await repository.create(companyID: scope.companyID, userID: scope.userID, body))
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> Deal {
        let scope = try context.tenant(permission: VenuePermission.dealsRead)
        let id = try context.parameters.uuid("id", what: "deal")
        guard let deal = try await repository.get(companyID: scope.companyID, id: id) else { throw APIError.notFound("deal") }
        return deal
    }

    @Sendable func update(_ request: Request, context: Context) async throws -> Deal {
        let scope = try context.tenant(permission: VenuePermission.dealsWrite)
        let id = try context.parameters.uuid("id", what: "deal")
        let patch = try await request.decodeValid(as: DealPatch.self, context: context)
        guard let deal = try await repository.update(companyID: scope.companyID, id: id, patch) else { throw APIError.notFound("deal") }
        return deal
    }
}

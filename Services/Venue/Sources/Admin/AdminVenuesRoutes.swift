import Foundation
import Hummingbird
import KisumKernel

/// `/internal/admin/venues…` and `/internal/admin/venue-types`: the Admin control plane over Venue
/// truth, addressed by the numeric `venueId`. Behind the internal API key; spans companies.
struct AdminVenuesRoutes: Sendable {
    typealias Context = VenueService.Context
    let venues: VenuesRepository
    let venueTypes: VenueTypesRepository
    let holdingCompanyID: UUID

    func addRoutes(to machine: RouterGroup<Context>) {
        let venues = machine.group("/internal/admin/venues")
        let venueTypes = machine.group("/internal/admin/venue-types")
        venues.get("", use: listManaged)
        venues.get("sleeping", use: listSleeping)
        venues.get("{venueId}", use: get)
        venues.post("", use: create)
        venues.patch("{venueId}", use: update)
        venues.delete("{venueId}", use: delete)
        venueTypes.get("", use: listTypes)
    }

    /// Managed (non-sleeping) venues of every company. Filters: page, limit, q, status, city, companyId.
    @Sendable func listManaged(_ request: Request, context: Context) async throws -> Page<Venue> {
        var q = QueryReader(request)
        let page = q.page()
        let filter = VenueFilter(q: q.search(), status: q.oneOf("status", ["active", "inactive", "archived"]),
                                 city: q.search("city", maxLength: 100), companyID: q.uuid("companyId"), excludeStatus: "sleeping")
        try q.validate()
        let result = try await venues.list(filter, page: page)
        return Page(items: result.items, total: result.total, request: page)
    }

    /// Sleeping venues still under the Kisum holding company. Filters: page, limit, q, city, claimable.
    @Sendable func listSleeping(_ request: Request, context: Context) async throws -> Page<Venue> {
        var q = QueryReader(request)
        let page = q.page()
        let filter = VenueFilter(q: q.search(), status: "sleeping", city: q.search("city", maxLength: 100),
                                 companyID: holdingCompanyID, claimable: q.bool("claimable"))
        try q.validate()
        let result = try await venues.list(filter, page: page)
        return Page(items: result.items, total: result.total, request: page)
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> Venue {
        let number = try context.parameters.positiveInt("venueId", what: "venue")
        guard let venue = try await venues.get(venueNumber: number) else { throw APIError.notFound("venue") }
        return venue
    }

    /// Without `companyId` the venue joins the holding company's sleeping, claimable inventory;
    /// with one it is an ordinary active (or inactive) venue of that company, never a sleeping one.
    @Sendable func create(_ request: Request, context: Context) async throws -> EditedResponse<Venue> {
        let holding = holdingCompanyID
        let body = try await request.decode(as: CreateVenue.self, context: context) { body, v in
            body.validate(&v, writer: .admin)
            VenueLifecycle.create(holding: (body.companyId ?? holding) == holding, status: body.status, claimable: body.claimable, into: &v)
        }
        let company = body.companyId ?? holdingCompanyID
        let status = body.status ?? (company == holdingCompanyID ? "sleeping" : "active")
        let claimable = body.claimable ?? (status == "sleeping")
        let venue = try await venues.create(companyID: company, body, status: status, claimable: claimable)
        return EditedResponse(status: .created, response: venue)
    }

    @Sendable func update(_ request: Request, context: Context) async throws -> Venue {
        let number = try context.parameters.positiveInt("venueId", what: "venue")
        let patch = try await request.decode(as: VenuePatch.self, context: context) { $0.validate(&$1, writer: .admin) }
        guard let venue = try await venues.update(companyID: nil, venueNumber: number, patch) else { throw APIError.notFound("venue") }
        return venue
    }

    /// Soft delete (archive), with the same in-use rule as the tenant route.
    @Sendable func delete(_ request: Request, context: Context) async throws -> Response {
        let number = try context.parameters.positiveInt("venueId", what: "venue")
        guard try await venues.softDelete(companyID: nil, venueNumber: number) else { throw APIError.notFound("venue") }
        return Response(status: .noContent)
    }

    @Sendable func listTypes(_ request: Request, context: Context) async throws -> Page<VenueType> {
        var q = QueryReader(request)
        let page = q.page(defaultLimit: 100, maxLimit: 500)
        let search = q.search()
        try q.validate()
        let result = try await venueTypes.list(q: search, page: page)
        return Page(items: result.items, total: result.total, request: page)
    }
}

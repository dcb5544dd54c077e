import Foundation
import Hummingbird
import KisumKernel

/// `/api/avails`: artists' date holds with their rank on the day, and the shows they are tied to
/// (`basic.avails.read` / `.write`).
struct AvailsRoutes: Sendable {
    typealias Context = BaseService.Context
    let repository: AvailsRepository
    let shows: AvailShowsRepository

    func addRoutes(to tenant: RouterGroup<Context>) {
        let avails = tenant.group("/api/avails")
        avails.get("", use: list)
        avails.post("", use: create)
        avails.get("user", use: byUser)
        avails.get("{id}", use: get)
        avails.put("{id}", use: replace)
        avails.delete("{id}", use: delete)
        avails.post("{id}/shows", use: linkShow)
        avails.get("{id}/shows", use: listShows)
        avails.get("{id}/shows-summary", use: showsSummary)
    }

    /// Filters combine with AND; by day, then rank, then creation.
    @Sendable func list(_ request: Request, context: Context) async throws -> Page<Avail> {
        let scope = try context.tenant(permission: BasePermission.availsRead)
        var q = QueryReader(request)
        let page = q.page(defaultLimit: 50, maxLimit: 200)
        let filter = AvailFilter(artistID: q.uuid("artistId"), status: q.oneOf("status", AvailStatus.all), from: q.calendarDate("from"),
                                 to: q.calendarDate("to"), countryID: q.uuid("countryId"), city: q.search("city", maxLength: 100),
                                 rosterAgencyID: q.uuid("rosterAgencyId"))
        try q.validate()
        let result = try await repository.list(companyID: scope.companyID, filter, page: page)
        return Page(items: result.items, total: result.total, request: page)
    }

    /// The avails the caller created, or `userId`'s.
    @Sendable func byUser(_ request: Request, context: Context) async throws -> Page<Avail> {
        let scope = try context.tenant(permission: BasePermission.availsRead)
        var q = QueryReader(request)
        let page = q.page(defaultLimit: 50, maxLimit: 200)
        let user = q.uuid("userId") ?? scope.userID
        try q.validate()
        let result = try await repository.list(companyID: scope.companyID, AvailFilter(createdBy: user), page: page)
        return Page(items: result.items, total: result.total, request: page)
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> EditedResponse<Avail> {
        let scope = try context.tenant(permission: BasePermission.availsWrite)
        let body = try await request.decodeValid(as: CreateAvail.self, context: context)
        let avail = try await repository.create(companyID: scope.companyID, userID: scope.userID, body)
        return EditedResponse(status: .created, response: avail)
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> Avail {
        let scope = try context.tenant(permission: BasePermission.availsRead)
        let id = try context.parameters.uuid("id", what: "avail")
        return try await repository.get(companyID: scope.companyID, id: id).orNotFound("avail")
    }

    @Sendable func replace(_ request: Request, context: Context) async throws -> Avail {
        let scope = try context.tenant(permission: BasePermission.availsWrite)
        let id = try context.parameters.uuid("id", what: "avail")
        let body = try await request.decodeValid(as: ReplaceAvail.self, context: context)
        return try await repository.replace(companyID: scope.companyID, id: id, body).orNotFound("avail")
    }

    @Sendable func delete(_ request: Request, context: Context) async throws -> Response {
        let scope = try context.tenant(permission: BasePermission.availsWrite)
        let id = try context.parameters.uuid("id", what: "avail")
        guard try await repository.delete(companyID: scope.companyID, id: id) else { throw APIError.notFound("avail") }
        return Response(status: .noContent)
    }

    @Sendable func linkShow(_ request: Request, context: Context) async throws -> EditedResponse<ArtistShow> {
        let scope = try context.tenant(permission: BasePermission.availsWrite)
        let id = try context.parameters.uuid("id", what: "avail")
        let body = try await request.decodeValid(as: LinkAvailShow.self, context: context)
        guard let showID = body.showId else { throw APIError.internalError }
        if let show = try await shows.link(companyID: scope.companyID, userID: scope.userID, availID: id, showID: showID) {
            return EditedResponse(status: .created, response: show)
        }
        // Nothing linked: either the avail is not the company's, or the show is not its artist's.
        guard try await repository.exists(companyID: scope.companyID, id: id) else { throw APIError.notFound("avail") }
        throw APIError.validation(field: "showId", code: "not_found", message: "No show of this avail's artist with this id.")
    }

    @Sendable func listShows(_ request: Request, context: Context) async throws -> Page<ArtistShow> {
        let scope = try context.tenant(permission: BasePermission.availsRead)
        let id = try context.parameters.uuid("id", what: "avail")
        var q = QueryReader(request)
        let page = q.page(defaultLimit: 50, maxLimit: 200)
        try q.validate()
        let result = try await shows.list(companyID: scope.companyID, availID: id, page: page)
        // Only an empty answer needs to tell "no linked shows" from "no such avail here".
        if result.total == 0, try await !repository.exists(companyID: scope.companyID, id: id) { throw APIError.notFound("avail") }
        return Page(items: result.items, total: result.total, request: page)
    }

    @Sendable func showsSummary(_ request: Request, context: Context) async throws -> AvailShowsSummary {
        let scope = try context.tenant(permission: BasePermission.availsRead)
        let id = try context.parameters.uuid("id", what: "avail")
        return try await shows.summary(companyID: scope.companyID, availID: id).orNotFound("avail")
    }
}

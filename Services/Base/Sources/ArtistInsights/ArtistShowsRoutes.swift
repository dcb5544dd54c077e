import Foundation
import Hummingbird
import KisumKernel

/// An artist's show history (`/api/artists/{id}/historical`) and the same shows as events (`…/events`).
/// The artist itself (`/api/artists`, `ArtistsRoutes`) is another feature's; these routes only read and add
/// rows under an artist of the caller's company, and answer 404 for any other artist id.
struct ArtistShowsRoutes: Sendable {
    typealias Context = BaseService.Context
    let repository: ArtistShowsRepository

    func addRoutes(to tenant: RouterGroup<Context>) {
        let artists = tenant.group("/api/artists")
        artists.get("{id}/historical", use: list)
        artists.post("{id}/historical", use: create)
        artists.delete("{id}/historical/{showId}", use: delete)
        artists.get("{id}/events", use: events)
    }

    /// Filters: from/to (days, inclusive), countryId, city (case-insensitive, whole name), status; page, limit.
    @Sendable func list(_ request: Request, context: Context) async throws -> Page<ArtistShow> {
        let scope = try context.tenant(permission: BasePermission.artistsRead)
        let artistID = try context.parameters.uuid("id", what: "artist")
        var q = QueryReader(request)
        let page = q.page(defaultLimit: 50, maxLimit: 200)
        let filter = ArtistShowFilter(from: q.calendarDate("from"), to: q.calendarDate("to"), countryID: q.uuid("countryId"),
                                      city: q.search("city", maxLength: 100), status: q.oneOf("status", ArtistShowRules.statuses))
        try q.validate()
        let result = try await repository.list(companyID: scope.companyID, artistID: artistID, filter, page: page)
        // Only an empty answer needs to tell "no shows" from "no such artist here".
        if result.total == 0, try await !repository.artistExists(companyID: scope.companyID, artistID: artistID) {
            throw APIError.notFound("artist")
        }
        return Page(items: result.items, total: result.total, request: page)
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> EditedResponse<ArtistShow> {
        let scope = try context.tenant(permission: BasePermission.artistsWrite)
        let artistID = try context.parameters.uuid("id", what: "artist")
        let body = try await request.decodeValid(as: CreateArtistShow.self, context: context)
        let show = try await repository.create(companyID: scope.companyID, userID: scope.userID, artistID: artistID, body,
                                               status: body.resolvedStatus(today: CalendarDate.today()))
        return EditedResponse(status: .created, response: show)
    }

    @Sendable func delete(_ request: Request, context: Context) async throws -> Response {
        let scope = try context.tenant(permission: BasePermission.artistsWrite)
        let artistID = try context.parameters.uuid("id", what: "artist")
        let showID = try context.parameters.uuid("showId", what: "show")
        guard try await repository.delete(companyID: scope.companyID, artistID: artistID, showID: showID) else {
            throw APIError.notFound("show")
        }
        return Response(status: .noContent)
    }

    /// `when`: upcoming (default), past or all, relative to `date` (default today in UTC); page, limit.
    @Sendable func events(_ request: Request, context: Context) async throws -> Page<ArtistEvent> {
        let scope = try context.tenant(permission: BasePermission.artistsRead)
        let artistID = try context.parameters.uuid("id", what: "artist")
        var q = QueryReader(request)
        let page = q.page(defaultLimit: 20, maxLimit: 100)
        let window = q.oneOf("when", EventWindow.names).flatMap(EventWindow.init(rawValue:)) ?? .upcoming
        let day = q.calendarDate("date") ?? CalendarDate.today()
        try q.validate()
        let result = try await repository.events(companyID: scope.companyID, artistID: artistID, window: window, day: day, page: page)
        if result.total == 0, try await !repository.artistExists(companyID: scope.companyID, artistID: artistID) {
            throw APIError.notFound("artist")
        }
        return Page(items: result.items, total: result.total, request: page)
    }
}

import Foundation
import Hummingbird
import KisumKernel

/// `/api/artists/{id}/platforms`: an artist's social and streaming profiles and the audience snapshots
/// recorded for them. Stats are computed from stored snapshots only; nothing here calls a platform.
struct ArtistPlatformsRoutes: Sendable {
    typealias Context = BaseService.Context
    let repository: ArtistPlatformsRepository

    func addRoutes(to tenant: RouterGroup<Context>) {
        let platforms = tenant.group("/api/artists/{id}/platforms")
        platforms.get("", use: list)
        platforms.post("", use: create)
        platforms.delete("{platformId}", use: delete)
        platforms.get("{platformId}/stats", use: stats)
        platforms.post("{platformId}/stats", use: record)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Page<ArtistPlatform> {
        let scope = try context.tenant(permission: BasePermission.artistsRead)
        let artistID = try context.parameters.uuid("id", what: "artist")
        var q = QueryReader(request)
        let page = q.page(defaultLimit: 50, maxLimit: 100)
        try q.validate()
        let result = try await repository.list(companyID: scope.companyID, artistID: artistID, page: page).orNotFound("artist")
        return Page(items: result.items, total: result.total, request: page)
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> EditedResponse<ArtistPlatform> {
        let scope = try context.tenant(permission: BasePermission.artistsWrite)
        let artistID = try context.parameters.uuid("id", what: "artist")
        let body = try await request.decodeValid(as: PlatformInput.self, context: context)
        let link = try await repository.create(companyID: scope.companyID, artistID: artistID, userID: scope.userID, body)
        return EditedResponse(status: .created, response: try link.orNotFound("artist"))
    }

    @Sendable func delete(_ request: Request, context: Context) async throws -> Response {
        let scope = try context.tenant(permission: BasePermission.artistsWrite)
        let artistID = try context.parameters.uuid("id", what: "artist")
        let id = try context.parameters.uuid("platformId", what: "platform link")
        guard try await repository.delete(companyID: scope.companyID, artistID: artistID, id: id) else {
            throw APIError.notFound("platform link")
        }
        return Response(status: .noContent)
    }

    /// `from`/`to` (UTC days, both included) bound the window; `limit` how many of its latest snapshots come along.
    @Sendable func stats(_ request: Request, context: Context) async throws -> PlatformStats {
        let scope = try context.tenant(permission: BasePermission.artistsRead)
        let artistID = try context.parameters.uuid("id", what: "artist")
        let id = try context.parameters.uuid("platformId", what: "platform link")
        var q = QueryReader(request)
        let from = q.calendarDate("from")
        let to = q.calendarDate("to")
        let limit = q.int("limit", range: 1...1000) ?? 100
        try q.validate()
        // Both well-formed, so the order is a rule between two fields: 422, not 400.
        if let from, let to, to < from {
            throw APIError.validation(field: "to", code: "before_start", message: "to must not be before from.")
        }
        return try await repository.stats(companyID: scope.companyID, artistID: artistID, platformID: id, from: from, to: to,
                                          limit: limit).orNotFound("platform link")
    }

    @Sendable func record(_ request: Request, context: Context) async throws -> EditedResponse<PlatformSnapshot> {
        let scope = try context.tenant(permission: BasePermission.artistsWrite)
        let artistID = try context.parameters.uuid("id", what: "artist")
        let id = try context.parameters.uuid("platformId", what: "platform link")
        let body = try await request.decodeValid(as: SnapshotInput.self, context: context)
        let snapshot = try await repository.record(companyID: scope.companyID, artistID: artistID, platformID: id,
                                                   userID: scope.userID, body)
        return EditedResponse(status: .created, response: try snapshot.orNotFound("platform link"))
    }
}

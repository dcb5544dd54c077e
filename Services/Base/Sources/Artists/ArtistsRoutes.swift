import Foundation
import HTTPTypes
import Hummingbird
import KisumKernel

/// `/api/artists`: the company's artists with search, discovery, similar artists and the bio. Reads need
/// `basic.artists.read`, writes `basic.artists.write`; another company's ids answer 404.
struct ArtistsRoutes: Sendable {
    typealias Context = BaseService.Context
    let repository: ArtistsRepository
    let search: ArtistSearchRepository

    func addRoutes(to tenant: RouterGroup<Context>) {
        let artists = tenant.group("/api/artists")
        artists.get("", use: list)
        artists.post("", use: create)
        artists.get("search", use: searchArtists)
        artists.get("discover", use: discover)
        artists.get("{id}", use: get)
        artists.put("{id}", use: update)
        artists.delete("{id}", use: delete)
        artists.get("{id}/similar", use: similar)
        artists.get("{id}/bio", use: bio)
        artists.post("{id}/bio", use: saveBio)
    }

    /// The filters `GET /api/artists` and `/search` share.
    static func filter(_ q: inout QueryReader, text: String?) -> ArtistFilter {
        ArtistFilter(q: text, genreID: q.uuid("genreId"), countryID: q.uuid("countryId"), city: q.search("city", maxLength: 100),
                     agencyID: q.uuid("agencyId"), status: q.oneOf("status", ArtistStatus.all), kind: q.oneOf("kind", ArtistKind.all))
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Page<Artist> {
        let scope = try context.tenant(permission: BasePermission.artistsRead)
        var q = QueryReader(request)
        let page = q.page(defaultLimit: 20, maxLimit: 100)
        let filter = Self.filter(&q, text: q.search(maxLength: 200))
        let sort = q.oneOf("sort", ArtistSort.listChoices).flatMap(ArtistSort.init(rawValue:)) ?? .relevance
        try q.validate()
        let result = try await search.list(companyID: scope.companyID, filter, sort: sort, page: page)
        return Page(items: result.items, total: result.total, request: page)
    }

    /// `q` is required here; the list takes it as an optional filter.
    @Sendable func searchArtists(_ request: Request, context: Context) async throws -> Page<Artist> {
        let scope = try context.tenant(permission: BasePermission.artistsRead)
        var q = QueryReader(request)
        let page = q.page(defaultLimit: 20, maxLimit: 100)
        let text = q.search(maxLength: 200)
        if text?.allSatisfy(\.isWhitespace) ?? q.issues.isEmpty {
            q.add("q", "required", "Give the text to search for.")
        }
        let filter = Self.filter(&q, text: text)
        let sort = q.oneOf("sort", ArtistSort.listChoices).flatMap(ArtistSort.init(rawValue:)) ?? .relevance
        try q.validate()
        let result = try await search.list(companyID: scope.companyID, filter, sort: sort, page: page)
        return Page(items: result.items, total: result.total, request: page)
    }

    @Sendable func discover(_ request: Request, context: Context) async throws -> Page<Artist> {
        let scope = try context.tenant(permission: BasePermission.artistsRead)
        var q = QueryReader(request)
        let page = q.page(defaultLimit: 20, maxLimit: 100)
        let filter = ArtistFilter(genreID: q.uuid("genreId"), countryID: q.uuid("countryId"), city: q.search("city", maxLength: 100),
                                  status: q.oneOf("status", ArtistStatus.all), kind: q.oneOf("kind", ArtistKind.all),
                                  notOnRoster: q.bool("notOnRoster") ?? false)
        let sort = ArtistSort.discover(q.oneOf("sort", ArtistSort.discoverChoices))
        try q.validate()
        let result = try await search.list(companyID: scope.companyID, filter, sort: sort, page: page)
        return Page(items: result.items, total: result.total, request: page)
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> EditedResponse<Artist> {
        let scope = try context.tenant(permission: BasePermission.artistsWrite)
        // A `version` sent along is ignored: a new artist starts at 1.
        let body = try await request.decode(as: ArtistInput.self, context: context) { $0.validate(&$1) }
        let artist = try await repository.create(companyID: scope.companyID, userID: scope.userID, body)
        return Self.tagged(artist, status: .created)
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> EditedResponse<Artist> {
        let scope = try context.tenant(permission: BasePermission.artistsRead)
        let id = try context.parameters.uuid("id", what: "artist")
        return Self.tagged(try await repository.get(companyID: scope.companyID, id: id).orNotFound("artist"))
    }

    /// The version to compare comes from the body's `version` or the `If-Match` header (the ETag a read
    /// answered); with both, they must agree.
    @Sendable func update(_ request: Request, context: Context) async throws -> EditedResponse<Artist> {
        let scope = try context.tenant(permission: BasePermission.artistsWrite)
        let id = try context.parameters.uuid("id", what: "artist")
        let header = try ExpectedVersion.header(request)
        let body = try await request.decode(as: ArtistInput.self, context: context) { body, v in
            body.validate(&v)
            ExpectedVersion.check(body: body.version, header: header, &v)
        }
        let version = body.version ?? header ?? 0
        let artist = try await repository.update(companyID: scope.companyID, id: id, expectedVersion: version, body)
        return Self.tagged(try artist.orNotFound("artist"))
    }

    @Sendable func delete(_ request: Request, context: Context) async throws -> Response {
        let scope = try context.tenant(permission: BasePermission.artistsWrite)
        let id = try context.parameters.uuid("id", what: "artist")
        guard try await repository.delete(companyID: scope.companyID, id: id) else { throw APIError.notFound("artist") }
        return Response(status: .noContent)
    }

    @Sendable func similar(_ request: Request, context: Context) async throws -> SimilarArtists {
        let scope = try context.tenant(permission: BasePermission.artistsRead)
        let id = try context.parameters.uuid("id", what: "artist")
        var q = QueryReader(request)
        let limit = q.int("limit", range: 1...50) ?? 10
        try q.validate()
        guard try await repository.exists(companyID: scope.companyID, id: id) else { throw APIError.notFound("artist") }
        return SimilarArtists(artistId: id, items: try await repository.similar(companyID: scope.companyID, id: id, limit: limit))
    }

    @Sendable func bio(_ request: Request, context: Context) async throws -> ArtistBio {
        let scope = try context.tenant(permission: BasePermission.artistsRead)
        let id = try context.parameters.uuid("id", what: "artist")
        return try await repository.bio(companyID: scope.companyID, id: id).orNotFound("artist")
    }

    @Sendable func saveBio(_ request: Request, context: Context) async throws -> ArtistBio {
        let scope = try context.tenant(permission: BasePermission.artistsWrite)
        let id = try context.parameters.uuid("id", what: "artist")
        let body = try await request.decodeJSON(as: BioInput.self, context: context)
        let document = try body.validated()
        return try await repository.saveBio(companyID: scope.companyID, id: id, document: document, text: body.text).orNotFound("artist")
    }

    /// The artist with its version as the ETag, for a later `If-Match`.
    static func tagged(_ artist: Artist, status: HTTPResponse.Status = .ok) -> EditedResponse<Artist> {
        EditedResponse(status: status, headers: [.eTag: "\"\(artist.version)\""], response: artist)
    }
}

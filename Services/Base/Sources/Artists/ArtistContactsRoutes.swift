import Foundation
import Hummingbird
import KisumKernel

/// `/api/artists/{id}/contacts`: the people around an artist. The artist permissions cover them (the catalog
/// has no contact permission of its own).
struct ArtistContactsRoutes: Sendable {
    typealias Context = BaseService.Context
    let repository: ArtistContactsRepository

    func addRoutes(to tenant: RouterGroup<Context>) {
        let contacts = tenant.group("/api/artists/{id}/contacts")
        contacts.get("", use: list)
        contacts.post("", use: create)
        contacts.put("{contactId}", use: update)
        contacts.delete("{contactId}", use: delete)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Page<ArtistContact> {
        let scope = try context.tenant(permission: BasePermission.artistsRead)
        let artistID = try context.parameters.uuid("id", what: "artist")
        var q = QueryReader(request)
        let page = q.page(defaultLimit: 50, maxLimit: 100)
        try q.validate()
        let result = try await repository.list(companyID: scope.companyID, artistID: artistID, page: page).orNotFound("artist")
        return Page(items: result.items, total: result.total, request: page)
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> EditedResponse<ArtistContact> {
        let scope = try context.tenant(permission: BasePermission.artistsWrite)
        let artistID = try context.parameters.uuid("id", what: "artist")
        let body = try await request.decodeValid(as: ContactInput.self, context: context)
        let contact = try await repository.create(companyID: scope.companyID, artistID: artistID, userID: scope.userID, body)
        return EditedResponse(status: .created, response: try contact.orNotFound("artist"))
    }

    @Sendable func update(_ request: Request, context: Context) async throws -> ArtistContact {
        let scope = try context.tenant(permission: BasePermission.artistsWrite)
        let artistID = try context.parameters.uuid("id", what: "artist")
        let id = try context.parameters.uuid("contactId", what: "contact")
        let body = try await request.decodeValid(as: ContactInput.self, context: context)
        return try await repository.update(companyID: scope.companyID, artistID: artistID, id: id, body).orNotFound("contact")
    }

    @Sendable func delete(_ request: Request, context: Context) async throws -> Response {
        let scope = try context.tenant(permission: BasePermission.artistsWrite)
        let artistID = try context.parameters.uuid("id", what: "artist")
        let id = try context.parameters.uuid("contactId", what: "contact")
        guard try await repository.delete(companyID: scope.companyID, artistID: artistID, id: id) else { throw APIError.notFound("contact") }
        return Response(status: .noContent)
    }
}

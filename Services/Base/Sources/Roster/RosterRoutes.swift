import Foundation
import Hummingbird
import KisumKernel

/// `/api/roster`: the company's roster across itself (agencyId null) and its agencies. The roster is how the
/// company represents artists, so it sits under the artists' permissions (`BasePermission`).
/// `GET /api/roster/{id}/avails` is in `Avails/RosterAvailsRoutes.swift`.
struct RosterRoutes: Sendable {
    typealias Context = BaseService.Context
    let repository: RosterRepository

    func addRoutes(to tenant: RouterGroup<Context>) {
        let roster = tenant.group("/api/roster")
        roster.get("", use: list)
        roster.post("", use: create)
        roster.get("{id}", use: get)
        roster.put("{id}", use: replace)
        roster.delete("{id}", use: delete)
    }

    /// `agencyId=none` and `own=true` both mean the company's own roster; filters combine with AND.
    @Sendable func list(_ request: Request, context: Context) async throws -> Page<RosterEntry> {
        let scope = try context.tenant(permission: BasePermission.artistsRead)
        var q = QueryReader(request)
        let page = q.page()
        var filter = RosterFilter(own: q.bool("own"), artistID: q.uuid("artistId"), role: q.oneOf("role", RosterRole.all),
                                  active: q.bool("active"), q: q.search(maxLength: 200))
        // Exactly `none`, as the contract spells it; anything else must be an agency's id.
        if request.uri.queryParameters.get("agencyId") == "none" {
            filter.ownOnly = true
        } else {
            filter.agencyID = q.uuid("agencyId")
        }
        try q.validate()
        let result = try await repository.list(companyID: scope.companyID, filter, page: page)
        return Page(items: result.items, total: result.total, request: page)
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> EditedResponse<RosterEntry> {
        let scope = try context.tenant(permission: BasePermission.artistsWrite)
        let body = try await request.decode(as: RosterInput.self, context: context) { $0.validate(&$1, replacing: false) }
        guard let entry = try await repository.create(companyID: scope.companyID, userID: scope.userID, agencyID: body.agencyId.value,
                                                      body.fields) else { throw APIError.internalError }
        return EditedResponse(status: .created, response: entry)
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> RosterEntry {
        let scope = try context.tenant(permission: BasePermission.artistsRead)
        let id = try context.parameters.uuid("id", what: "roster entry")
        return try await repository.get(companyID: scope.companyID, id: id).orNotFound("roster entry")
    }

    @Sendable func replace(_ request: Request, context: Context) async throws -> RosterEntry {
        let scope = try context.tenant(permission: BasePermission.artistsWrite)
        let id = try context.parameters.uuid("id", what: "roster entry")
        let body = try await request.decode(as: RosterInput.self, context: context) { $0.validate(&$1, replacing: true) }
        return try await repository.replace(companyID: scope.companyID, id: id, within: nil, agencyID: body.agencyId.value, body.fields)
            .orNotFound("roster entry")
    }

    @Sendable func delete(_ request: Request, context: Context) async throws -> Response {
        let scope = try context.tenant(permission: BasePermission.artistsWrite)
        let id = try context.parameters.uuid("id", what: "roster entry")
        guard try await repository.delete(companyID: scope.companyID, id: id) else { throw APIError.notFound("roster entry") }
        return Response(status: .noContent)
    }
}

import Foundation
import Hummingbird
import KisumKernel

/// `/api/festivals`: festival editions, their events and lineup (`basic.festivals.read` / `.write`). Events join a
/// festival through the body's `eventIds` (the whole set): one write, checked in one transaction, no extra routes.
struct FestivalsRoutes: Sendable {
    typealias Context = BaseService.Context
    let repository: FestivalsRepository

    func addRoutes(to tenant: RouterGroup<Context>) {
        let festivals = tenant.group("/api/festivals")
        festivals.get("", use: list)
        festivals.post("", use: create)
        festivals.get("{id}", use: get)
        festivals.put("{id}", use: replace)
        festivals.delete("{id}", use: delete)
        festivals.get("{id}/lineup", use: lineup)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Page<Festival> {
        let scope = try context.tenant(permission: BasePermission.festivalsRead)
        var q = QueryReader(request)
        let page = q.page(defaultLimit: 50, maxLimit: 200)
        let filter = FestivalFilter(
            status: q.oneOf("status", FestivalValues.statuses), year: q.int("year", range: 1900...2199), from: q.calendarDate("from"),
            to: q.calendarDate("to"), countryID: q.uuid("countryId"), city: q.search("city", maxLength: 100), q: q.search("q", maxLength: 200),
            sort: SortParameter.read(&q, allowed: FestivalValues.sorts, default: "startsOn"))
        try q.validate()
        let result = try await repository.list(companyID: scope.companyID, filter, page: page)
        return Page(items: result.items, total: result.total, request: page)
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> EditedResponse<Festival> {
        let scope = try context.tenant(permission: BasePermission.festivalsWrite)
        let body = try await request.decodeValid(as: FestivalInput.self, context: context)
        let festival = try await repository.create(companyID: scope.companyID, userID: scope.userID, body)
        return ExpectedVersion.tagged(festival, version: festival.version, status: .created)
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> EditedResponse<Festival> {
        let scope = try context.tenant(permission: BasePermission.festivalsRead)
        let id = try context.parameters.uuid("id", what: "festival")
        let festival = try await repository.get(companyID: scope.companyID, id: id).orNotFound("festival")
        return ExpectedVersion.tagged(festival, version: festival.version)
    }

    @Sendable func replace(_ request: Request, context: Context) async throws -> EditedResponse<Festival> {
        let scope = try context.tenant(permission: BasePermission.festivalsWrite)
        let id = try context.parameters.uuid("id", what: "festival")
        let header = try ExpectedVersion.header(request)
        let body = try await request.decode(as: FestivalInput.self, context: context) { body, v in
            body.validate(&v)
            ExpectedVersion.check(body: body.version, header: header, &v)
        }
        let festival = try await repository.replace(companyID: scope.companyID, id: id, expectedVersion: body.version ?? header ?? 0, body)
            .orNotFound("festival")
        return ExpectedVersion.tagged(festival, version: festival.version)
    }

    @Sendable func delete(_ request: Request, context: Context) async throws -> Response {
        let scope = try context.tenant(permission: BasePermission.festivalsWrite)
        let id = try context.parameters.uuid("id", what: "festival")
        guard try await repository.delete(companyID: scope.companyID, id: id) else { throw APIError.notFound("festival") }
        return Response(status: .noContent)
    }

    @Sendable func lineup(_ request: Request, context: Context) async throws -> FestivalLineup {
        let scope = try context.tenant(permission: BasePermission.festivalsRead)
        let id = try context.parameters.uuid("id", what: "festival")
        return try await repository.lineup(companyID: scope.companyID, id: id).orNotFound("festival")
    }
}

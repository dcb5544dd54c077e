import Foundation
import Hummingbird
import KisumKernel

/// `/api/event-tax` (tag Event Tax): an event's tax lines and their computed sheet (`basic.taxes.read` / `.write`).
struct EventTaxRoutes: Sendable {
    typealias Context = BaseService.Context
    let repository: EventTaxRepository
    let sheets: EventTaxSheetRepository

    func addRoutes(to tenant: RouterGroup<Context>) {
        let taxes = tenant.group("/api/event-tax")
        taxes.get("", use: list)
        taxes.post("", use: create)
        taxes.get("event/{eventId}", use: sheet)
        taxes.get("{id}", use: get)
        taxes.put("{id}", use: replace)
        taxes.delete("{id}", use: delete)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Page<EventTax> {
        let scope = try context.tenant(permission: BasePermission.taxesRead)
        var q = QueryReader(request)
        let page = q.page(defaultLimit: 50, maxLimit: 200)
        let filter = TaxFilter(eventID: q.uuid("eventId"), kind: q.oneOf("kind", TaxValues.kinds), appliesTo: q.oneOf("appliesTo", TaxValues.scopes))
        try q.validate()
        let result = try await repository.list(companyID: scope.companyID, filter, page: page)
        return Page(items: result.items, total: result.total, request: page)
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> EditedResponse<EventTax> {
        let scope = try context.tenant(permission: BasePermission.taxesWrite)
        let body = try await request.decodeValid(as: TaxInput.self, context: context)
        let tax = try await repository.create(companyID: scope.companyID, userID: scope.userID, body)
        return ExpectedVersion.tagged(tax, version: tax.version, status: .created)
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> EditedResponse<EventTax> {
        let scope = try context.tenant(permission: BasePermission.taxesRead)
        let id = try context.parameters.uuid("id", what: "tax line")
        let tax = try await repository.get(companyID: scope.companyID, id: id).orNotFound("tax line")
        return ExpectedVersion.tagged(tax, version: tax.version)
    }

    @Sendable func replace(_ request: Request, context: Context) async throws -> EditedResponse<EventTax> {
        let scope = try context.tenant(permission: BasePermission.taxesWrite)
        let id = try context.parameters.uuid("id", what: "tax line")
        let header = try ExpectedVersion.header(request)
        let body = try await request.decode(as: TaxInput.self, context: context) { body, v in
            body.validate(&v, eventRequired: false)
            ExpectedVersion.check(body: body.version, header: header, &v)
        }
        let tax = try await repository.replace(companyID: scope.companyID, id: id, expectedVersion: body.version ?? header ?? 0, body)
            .orNotFound("tax line")
        return ExpectedVersion.tagged(tax, version: tax.version)
    }

    @Sendable func delete(_ request: Request, context: Context) async throws -> Response {
        let scope = try context.tenant(permission: BasePermission.taxesWrite)
        let id = try context.parameters.uuid("id", what: "tax line")
        guard try await repository.delete(companyID: scope.companyID, id: id) else { throw APIError.notFound("tax line") }
        return Response(status: .noContent)
    }

    /// The event's tax lines and what they come to in its reporting currency (`EventTaxSheet`).
    @Sendable func sheet(_ request: Request, context: Context) async throws -> EventTaxSheet {
        let scope = try context.tenant(permission: BasePermission.taxesRead)
        let eventID = try context.parameters.uuid("eventId", what: "event")
        return try await sheets.sheet(companyID: scope.companyID, eventID: eventID).orNotFound("event")
    }
}

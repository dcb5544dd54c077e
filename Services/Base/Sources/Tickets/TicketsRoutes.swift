import Foundation
import Hummingbird
import KisumKernel

/// `/api/event-ticket`: an event's ticket allocations and their price tiers (`basic.tickets.read` / `.write`).
struct TicketsRoutes: Sendable {
    typealias Context = BaseService.Context
    let repository: TicketsRepository

    func addRoutes(to tenant: RouterGroup<Context>) {
        let tickets = tenant.group("/api/event-ticket")
        tickets.get("", use: list)
        tickets.post("", use: create)
        tickets.post("bulk", use: bulk)
        tickets.get("event/{eventId}", use: byEvent)
        tickets.get("{id}", use: get)
        tickets.put("{id}", use: replace)
        tickets.delete("{id}", use: delete)
        tickets.get("{id}/tiers", use: tiers)
        tickets.post("{id}/tiers", use: addTier)
        tickets.put("{id}/tiers/{tierId}", use: replaceTier)
        tickets.delete("{id}/tiers/{tierId}", use: deleteTier)
    }

    static func filter(_ q: inout QueryReader, eventID: UUID?) -> TicketFilter {
        TicketFilter(eventID: eventID, status: q.oneOf("status", TicketRules.statuses), kind: q.oneOf("kind", TicketRules.kinds),
                     q: q.search("q", maxLength: 200), sort: q.oneOf("sort", TicketRules.sorts) ?? "createdAt")
    }

    /// Filters (eventId, status, kind, q on the name) combine with AND.
    @Sendable func list(_ request: Request, context: Context) async throws -> Page<EventTicket> {
        let scope = try context.tenant(permission: BasePermission.ticketsRead)
        var q = QueryReader(request)
        let page = q.page(defaultLimit: 50, maxLimit: 200)
        let eventID = q.uuid("eventId")
        let filter = Self.filter(&q, eventID: eventID)
        try q.validate()
        let result = try await repository.list(companyID: scope.companyID, filter, page: page)
        return Page(items: result.items, total: result.total, request: page)
    }

    /// The event's allocations; 404 when the company has no such event.
    @Sendable func byEvent(_ request: Request, context: Context) async throws -> Page<EventTicket> {
        let scope = try context.tenant(permission: BasePermission.ticketsRead)
        let eventID = try context.parameters.uuid("eventId", what: "event")
        var q = QueryReader(request)
        let page = q.page(defaultLimit: 50, maxLimit: 200)
        let filter = Self.filter(&q, eventID: eventID)
        try q.validate()
        let result = try await repository.list(companyID: scope.companyID, filter, page: page)
        if result.total == 0, try await !repository.eventExists(companyID: scope.companyID, eventID: eventID) {
            throw APIError.notFound("event")
        }
        return Page(items: result.items, total: result.total, request: page)
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> EditedResponse<EventTicket> {
        let scope = try context.tenant(permission: BasePermission.ticketsWrite)
        let body = try await request.decodeValid(as: CreateTicket.self, context: context)
        let ticket = try await repository.create(companyID: scope.companyID, userID: scope.userID, body)
        return EditedResponse(status: .created, response: ticket)
    }

    /// All allocations or none; field errors are addressed by index (`[2].tiers[0].capacity`).
    @Sendable func bulk(_ request: Request, context: Context) async throws -> EditedResponse<TicketBulkResult> {
        let scope = try context.tenant(permission: BasePermission.ticketsWrite)
        let body = try await request.decodeValid(as: BulkCreateTickets.self, context: context)
        let ids = try await repository.bulkCreate(companyID: scope.companyID, userID: scope.userID, body.items)
        let items = try await repository.get(companyID: scope.companyID, ids: ids)
        return EditedResponse(status: .created, response: TicketBulkResult(items: items))
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> EventTicket {
        let scope = try context.tenant(permission: BasePermission.ticketsRead)
        let id = try context.parameters.uuid("id", what: "event ticket")
        return try await repository.get(companyID: scope.companyID, id: id).orNotFound("event ticket")
    }

    @Sendable func replace(_ request: Request, context: Context) async throws -> EventTicket {
        let scope = try context.tenant(permission: BasePermission.ticketsWrite)
        let id = try context.parameters.uuid("id", what: "event ticket")
        let body = try await request.decodeValid(as: ReplaceTicket.self, context: context)
        return try await repository.replace(companyID: scope.companyID, id: id, body).orNotFound("event ticket")
    }

    @Sendable func delete(_ request: Request, context: Context) async throws -> Response {
        let scope = try context.tenant(permission: BasePermission.ticketsWrite)
        let id = try context.parameters.uuid("id", what: "event ticket")
        guard try await repository.delete(companyID: scope.companyID, id: id) else { throw APIError.notFound("event ticket") }
        return Response(status: .noContent)
    }

    // MARK: Tiers

    @Sendable func tiers(_ request: Request, context: Context) async throws -> [EventTicketTier] {
        let scope = try context.tenant(permission: BasePermission.ticketsRead)
        let id = try context.parameters.uuid("id", what: "event ticket")
        let tiers = try await repository.tiers(companyID: scope.companyID, ticketID: id)
        if tiers.isEmpty, try await !repository.exists(companyID: scope.companyID, id: id) { throw APIError.notFound("event ticket") }
        return tiers
    }

    @Sendable func addTier(_ request: Request, context: Context) async throws -> EditedResponse<EventTicketTier> {
        let scope = try context.tenant(permission: BasePermission.ticketsWrite)
        let id = try context.parameters.uuid("id", what: "event ticket")
        let body = try await request.decodeValid(as: TierBody.self, context: context)
        let tier = try await repository.addTier(companyID: scope.companyID, ticketID: id, body)
        return EditedResponse(status: .created, response: tier)
    }

    @Sendable func replaceTier(_ request: Request, context: Context) async throws -> EventTicketTier {
        let scope = try context.tenant(permission: BasePermission.ticketsWrite)
        let id = try context.parameters.uuid("id", what: "event ticket")
        let tierID = try context.parameters.uuid("tierId", what: "tier")
        let body = try await request.decodeValid(as: TierBody.self, context: context)
        return try await repository.replaceTier(companyID: scope.companyID, ticketID: id, id: tierID, body).orNotFound("tier")
    }

    @Sendable func deleteTier(_ request: Request, context: Context) async throws -> Response {
        let scope = try context.tenant(permission: BasePermission.ticketsWrite)
        let id = try context.parameters.uuid("id", what: "event ticket")
        let tierID = try context.parameters.uuid("tierId", what: "tier")
        guard try await repository.deleteTier(companyID: scope.companyID, ticketID: id, id: tierID) else { throw APIError.notFound("tier") }
        return Response(status: .noContent)
    }
}

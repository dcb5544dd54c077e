import Foundation
import Hummingbird
import KisumKernel

/// `/api/v1/events`: canonical promoter events of the caller's company.
struct EventsRoutes: Sendable {
    typealias Context = PromoterService.Context
    let repository: EventsRepository

    /// `tenant` is the path-less tenant group; the group below names its full path (NOTES.md, step 5).
    func addRoutes(to tenant: RouterGroup<Context>) {
        let events = tenant.group("/api/v1/events")
        events.post("", use: create)
        events.get("", use: list)
        events.get("{id}", use: get)
        events.patch("{id}", use: update)
        events.post("{id}/cancel", use: cancel)
    }

    /// Filters: status, venueId, q (title), fromAt/toAt (events overlapping the window; an event without
    /// an end is the instant it starts), page, limit.
    @Sendable func list(_ request: Request, context: Context) async throws -> Page<PromoterEvent> {
        let scope = try context.tenant(permission: PromoterPermission.eventsRead)
        var q = QueryReader(request)
        let page = q.page()
        let filter = EventFilter(status: q.oneOf("status", EventStatus.all), venueID: q.uuid("venueId"), q: q.search(),
                                 fromAt: q.date("fromAt"), toAt: q.date("toAt"))
        try q.validate()
        let result = try await repository.list(companyID: scope.companyID, filter, page: page)
        return Page(items: result.items, total: result.total, request: page)
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> EditedResponse<PromoterEvent> {
        let scope = try context.tenant(permission: PromoterPermission.eventsWrite)
        let body = try await request.decodeValid(as: CreateEvent.self, context: context)
        return EditedResponse(status: .created, response: try await repository.create(companyID: scope.companyID, userID: scope.userID, body))
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> PromoterEvent {
        let scope = try context.tenant(permission: PromoterPermission.eventsRead)
        let id = try context.parameters.uuid("id", what: "event")
        return try await repository.get(companyID: scope.companyID, id: id).orNotFound("event")
    }

    @Sendable func update(_ request: Request, context: Context) async throws -> PromoterEvent {
        let scope = try context.tenant(permission: PromoterPermission.eventsWrite)
        let id = try context.parameters.uuid("id", what: "event")
        let patch = try await request.decodeValid(as: EventPatch.self, context: context)
        return try await repository.update(companyID: scope.companyID, id: id, patch).orNotFound("event")
    }

    /// No body: cancelling needs nothing but the event.
    @Sendable func cancel(_ request: Request, context: Context) async throws -> PromoterEvent {
        let scope = try context.tenant(permission: PromoterPermission.eventsWrite)
        let id = try context.parameters.uuid("id", what: "event")
        return try await repository.cancel(companyID: scope.companyID, id: id).orNotFound("event")
    }
}

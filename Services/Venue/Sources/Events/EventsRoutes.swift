import Foundation
import Hummingbird
import KisumKernel

/// `/api/v1/events`: venue-side event references.
struct EventsRoutes: Sendable {
    typealias Context = VenueService.Context
    let repository: EventsRepository
    let promoters: PromoterEventResolver

    func addRoutes(to tenant: RouterGroup<Context>) {
        let events = tenant.group("/api/v1/events")
        events.get("", use: list)
        events.post("", use: create)
        events.get("{id}", use: get)
        events.patch("{id}", use: update)
        events.post("{id}/link-promoter", use: linkPromoter)
    }

    /// Filters: status, venueId, bookingId, promoterEventId, placeholder (only|exclude), fromAt, toAt, page, limit.
    @Sendable func list(_ request: Request, context: Context) async throws -> Page<VenueEvent> {
        let scope = try context.tenant(permission: VenuePermission.eventsRead)
        var q = QueryReader(request)
        let page = q.page()
        let filter = EventFilter(
            status: q.oneOf("status", EventRules.statuses), venueID: q.uuid("venueId"), bookingID: q.uuid("bookingId"),
            promoterEventID: q.search("promoterEventId", maxLength: 64), placeholder: q.oneOf("placeholder", ["only", "exclude"]),
            fromAt: q.date("fromAt"), toAt: q.date("toAt"))
        try q.validate()
        let result = try await repository.list(companyID: scope.companyID, filter, page: page)
        return Page(items: result.items, total: result.total, request: page)
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> EditedResponse<VenueEvent> {
        let scope = try context.tenant(permission: VenuePermission.eventsWrite)
        let body = try await request.decodeValid(as: CreateEvent.self, context: context)
        // Promoter is asked before the transaction opens: no row lock or pooled connection waits on it.
        let promoterEventID = try await promoters.canonical(body.promoterEventId, companyID: scope.companyID)
        let event = try await repository.create(companyID: scope.companyID, userID: scope.userID, body, promoterEventID: promoterEventID)
        return EditedResponse(status: .created, response: event)
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> VenueEvent {
        let scope = try context.tenant(permission: VenuePermission.eventsRead)
        let id = try context.parameters.uuid("id", what: "event")
        return try await repository.get(companyID: scope.companyID, id: id).orNotFound("event")
    }

    @Sendable func update(_ request: Request, context: Context) async throws -> VenueEvent {
        let scope = try context.tenant(permission: VenuePermission.eventsWrite)
        let id = try context.parameters.uuid("id", what: "event")
        let patch = try await request.decodeValid(as: EventPatch.self, context: context)
        return try await repository.update(companyID: scope.companyID, id: id, patch).orNotFound("event")
    }

    @Sendable func linkPromoter(_ request: Request, context: Context) async throws -> VenueEvent {
        let scope = try context.tenant(permission: VenuePermission.eventsWrite)
        let id = try context.parameters.uuid("id", what: "event")
        let body = try await request.decodeValid(as: LinkPromoter.self, context: context)
        // An unknown or non-placeholder event is answered without asking Promoter (the transaction checks both
        // again under the row lock); only then is the promoter event resolved, before anything is written.
        let event = try await repository.get(companyID: scope.companyID, id: id).orNotFound("event")
        guard event.isPlaceholder else { throw EventsRepository.notPlaceholder }
        guard let promoterEventID = try await promoters.canonical(body.promoterEventId, companyID: scope.companyID) else {
            throw APIError.validation(field: "promoterEventId", code: "required", message: "This field is required.")
        }
        return try await repository.linkPromoter(companyID: scope.companyID, id: id, promoterEventID: promoterEventID).orNotFound("event")
    }
}

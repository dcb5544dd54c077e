import Foundation
import Hummingbird
import KisumKernel

/// `/api/event-group`: tours, series and residencies, their events and their roll-up (`basic.events.read` / `.write`).
struct EventGroupsRoutes: Sendable {
    typealias Context = BaseService.Context
    let repository: EventGroupsRepository
    let summaries: EventGroupSummaryRepository

    func addRoutes(to tenant: RouterGroup<Context>) {
        let groups = tenant.group("/api/event-group")
        groups.get("", use: list)
        groups.post("", use: create)
        groups.get("search", use: search)
        groups.get("{id}", use: get)
        groups.put("{id}", use: replace)
        groups.delete("{id}", use: delete)
        groups.get("{id}/events", use: listEvents)
        groups.post("{id}/events", use: addEvent)
        groups.delete("{id}/events/{eventId}", use: removeEvent)
        groups.get("{id}/summary", use: summary)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Page<EventGroup> {
        let scope = try context.tenant(permission: BasePermission.eventsRead)
        var q = QueryReader(request)
        let page = q.page(defaultLimit: 50, maxLimit: 200)
        let filter = EventGroupFilter(
            kind: q.oneOf("kind", EventGroupValues.kinds), status: q.oneOf("status", EventGroupValues.statuses), artistID: q.uuid("artistId"),
            from: q.calendarDate("from"), to: q.calendarDate("to"), q: q.search("q", maxLength: 200),
            sort: SortParameter.read(&q, allowed: EventGroupValues.sorts, default: "startsOn"))
        try q.validate()
        let result = try await repository.list(companyID: scope.companyID, filter, page: page)
        return Page(items: result.items, total: result.total, request: page)
    }

    /// `q` is required here (400 when missing or empty): a search without text is the list. Only blanks
    /// (schema-valid text) find nothing.
    @Sendable func search(_ request: Request, context: Context) async throws -> Page<EventGroup> {
        let scope = try context.tenant(permission: BasePermission.eventsRead)
        var q = QueryReader(request)
        let page = q.page(defaultLimit: 20, maxLimit: 100)
        let text = q.search("q", maxLength: 200)
        let raw = request.uri.queryParameters.get("q") ?? ""
        if raw.isEmpty { q.add("q", "required", "Send the text to search for.") }
        try q.validate()
        guard let text else { return Page(items: [], total: 0, request: page) }
        let result = try await repository.search(companyID: scope.companyID, q: text, page: page)
        return Page(items: result.items, total: result.total, request: page)
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> EditedResponse<EventGroup> {
        let scope = try context.tenant(permission: BasePermission.eventsWrite)
        let body = try await request.decodeValid(as: EventGroupInput.self, context: context)
        let group = try await repository.create(companyID: scope.companyID, userID: scope.userID, body)
        return ExpectedVersion.tagged(group, version: group.version, status: .created)
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> EditedResponse<EventGroup> {
        let scope = try context.tenant(permission: BasePermission.eventsRead)
        let id = try context.parameters.uuid("id", what: "event group")
        let group = try await repository.get(companyID: scope.companyID, id: id).orNotFound("event group")
        return ExpectedVersion.tagged(group, version: group.version)
    }

    @Sendable func replace(_ request: Request, context: Context) async throws -> EditedResponse<EventGroup> {
        let scope = try context.tenant(permission: BasePermission.eventsWrite)
        let id = try context.parameters.uuid("id", what: "event group")
        let header = try ExpectedVersion.header(request)
        let body = try await request.decode(as: EventGroupInput.self, context: context) { body, v in
            body.validate(&v)
            ExpectedVersion.check(body: body.version, header: header, &v)
        }
        let group = try await repository.replace(companyID: scope.companyID, id: id, expectedVersion: body.version ?? header ?? 0, body)
            .orNotFound("event group")
        return ExpectedVersion.tagged(group, version: group.version)
    }

    @Sendable func delete(_ request: Request, context: Context) async throws -> Response {
        let scope = try context.tenant(permission: BasePermission.eventsWrite)
        let id = try context.parameters.uuid("id", what: "event group")
        guard try await repository.delete(companyID: scope.companyID, id: id) else { throw APIError.notFound("event group") }
        return Response(status: .noContent)
    }

    @Sendable func listEvents(_ request: Request, context: Context) async throws -> Page<GroupedEvent> {
        let scope = try context.tenant(permission: BasePermission.eventsRead)
        let id = try context.parameters.uuid("id", what: "event group")
        var q = QueryReader(request)
        let page = q.page(defaultLimit: 50, maxLimit: 200)
        try q.validate()
        let result = try await repository.events(companyID: scope.companyID, groupID: id, page: page)
        if result.total == 0, try await !repository.exists(companyID: scope.companyID, id: id) { throw APIError.notFound("event group") }
        return Page(items: result.items, total: result.total, request: page)
    }

    @Sendable func addEvent(_ request: Request, context: Context) async throws -> EditedResponse<GroupedEvent> {
        let scope = try context.tenant(permission: BasePermission.eventsWrite)
        let id = try context.parameters.uuid("id", what: "event group")
        let body = try await request.decodeValid(as: EventGroupEventLink.self, context: context)
        guard let eventID = body.eventId else { throw APIError.internalError }
        if let event = try await repository.addEvent(companyID: scope.companyID, groupID: id, eventID: eventID) {
            return EditedResponse(status: .created, response: event)
        }
        guard try await repository.exists(companyID: scope.companyID, id: id) else { throw APIError.notFound("event group") }
        throw APIError.notFound("event")
    }

    @Sendable func removeEvent(_ request: Request, context: Context) async throws -> Response {
        let scope = try context.tenant(permission: BasePermission.eventsWrite)
        let id = try context.parameters.uuid("id", what: "event group")
        let eventID = try context.parameters.uuid("eventId", what: "event")
        guard try await repository.removeEvent(companyID: scope.companyID, groupID: id, eventID: eventID) else {
            guard try await repository.exists(companyID: scope.companyID, id: id) else { throw APIError.notFound("event group") }
            throw APIError.notFound("event")
        }
        return Response(status: .noContent)
    }

    @Sendable func summary(_ request: Request, context: Context) async throws -> EventGroupSummary {
        let scope = try context.tenant(permission: BasePermission.eventsRead)
        let id = try context.parameters.uuid("id", what: "event group")
        return try await summaries.summary(companyID: scope.companyID, groupID: id).orNotFound("event group")
    }
}

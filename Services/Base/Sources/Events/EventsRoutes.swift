import Foundation
import HTTPTypes
import Hummingbird
import KisumKernel

/// `/api/events`: the company's events with their bill, the lifecycle (status machine, confirm, cancel), duplicate,
/// summary and CSV export (`basic.events.read` / `.write`). Issue 9, Events group.
struct EventsRoutes: Sendable {
    typealias Context = BaseService.Context
    let repository: EventsRepository
    let writes: EventWritesRepository

    func addRoutes(to tenant: RouterGroup<Context>) {
        let events = tenant.group("/api/events")
        events.get("", use: list)
        events.post("", use: create)
        events.get("search", use: search)
        events.get("export", use: export)
        events.get("{id}", use: get)
        events.put("{id}", use: replace)
        events.delete("{id}", use: delete)
        events.patch("{id}/status", use: changeStatus)
        events.post("{id}/confirm", use: confirm)
        events.post("{id}/cancel", use: cancel)
        events.post("{id}/duplicate", use: duplicate)
        events.get("{id}/summary", use: summary)
    }

    /// `type` slices the calendar (`EventListType`), the other filters narrow it; `sort` as `EventSort`.
    @Sendable func list(_ request: Request, context: Context) async throws -> Page<LiveEvent> {
        let scope = try context.tenant(permission: BasePermission.eventsRead)
        var q = QueryReader(request)
        let page = q.page(defaultLimit: 20, maxLimit: 100)
        let filter = EventFilter.read(&q)
        let sort = q.oneOf("sort", EventSort.choices)
        try q.validate()
        let result = try await repository.list(companyID: scope.companyID, filter, sort: sort, page: page)
        return Page(items: result.items, total: result.total, request: page)
    }

    /// The list's filters with `q` required: name, venue, city or an artist on the bill containing the text.
    @Sendable func search(_ request: Request, context: Context) async throws -> Page<LiveEvent> {
        let scope = try context.tenant(permission: BasePermission.eventsRead)
        var q = QueryReader(request)
        let page = q.page(defaultLimit: 20, maxLimit: 100)
        let filter = EventFilter.read(&q)
        let sort = q.oneOf("sort", EventSort.choices)
        // A missing or empty q is refused (the contract's minLength 1); a blank one is schema-valid and searches for
        // nothing in particular (all events).
        if (request.uri.queryParameters.get("q") ?? "").isEmpty { q.add("q", "required", "Search text is required.") }
        try q.validate()
        let result = try await repository.list(companyID: scope.companyID, filter, sort: sort, page: page)
        return Page(items: result.items, total: result.total, request: page)
    }

    /// The filtered list as CSV (at most `EventsCSV.maxRows` rows), with the list's filters and sort.
    @Sendable func export(_ request: Request, context: Context) async throws -> Response {
        let scope = try context.tenant(permission: BasePermission.eventsRead)
        var q = QueryReader(request)
        let filter = EventFilter.read(&q)
        let sort = q.oneOf("sort", EventSort.choices)
        try q.validate()
        let events = try await repository.export(companyID: scope.companyID, filter, sort: sort, limit: EventsCSV.maxRows)
        let headers: HTTPFields = [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"events.csv\"",
                                   .cacheControl: "no-store"]
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: EventsCSV.document(events))))
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> EditedResponse<LiveEvent> {
        let scope = try context.tenant(permission: BasePermission.eventsWrite)
        // A `version` sent along is ignored: a new event starts at 1.
        let body = try await request.decodeValid(as: EventInput.self, context: context)
        return Self.tagged(try await writes.create(companyID: scope.companyID, userID: scope.userID, body), status: .created)
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> EditedResponse<LiveEvent> {
        let scope = try context.tenant(permission: BasePermission.eventsRead)
        let id = try context.parameters.uuid("id", what: "event")
        return Self.tagged(try await repository.get(companyID: scope.companyID, id: id).orNotFound("event"))
    }

    /// A full replacement under optimistic concurrency: the version read comes in the body's `version` or as
    /// `If-Match` (the ETag of a read); with both they must agree. A stale version is 409 `version_conflict`.
    /// `status` and `artists` in the body are ignored (the status and bill routes change those).
    @Sendable func replace(_ request: Request, context: Context) async throws -> EditedResponse<LiveEvent> {
        let scope = try context.tenant(permission: BasePermission.eventsWrite)
        let id = try context.parameters.uuid("id", what: "event")
        let header = try ExpectedVersion.header(request)
        let body = try await request.decode(as: EventInput.self, context: context) { body, v in
            var copy = body
            copy.status = nil
            copy.artists = nil
            copy.validate(&v)
            ExpectedVersion.check(body: body.version, header: header, &v)
        }
        let version = body.version ?? header ?? 0
        let event = try await writes.update(companyID: scope.companyID, id: id, userID: scope.userID, expectedVersion: version, body)
        return Self.tagged(try event.orNotFound("event"))
    }

    @Sendable func delete(_ request: Request, context: Context) async throws -> Response {
        let scope = try context.tenant(permission: BasePermission.eventsWrite)
        let id = try context.parameters.uuid("id", what: "event")
        guard try await writes.delete(companyID: scope.companyID, id: id) else { throw APIError.notFound("event") }
        return Response(status: .noContent)
    }

    /// Any move the state machine allows (`EventStatus.next`); others are 409 `invalid_transition` with the allowed ones.
    @Sendable func changeStatus(_ request: Request, context: Context) async throws -> EditedResponse<LiveEvent> {
        let scope = try context.tenant(permission: BasePermission.eventsWrite)
        let id = try context.parameters.uuid("id", what: "event")
        let body = try await request.decodeValid(as: EventStatusChange.self, context: context)
        let status = body.status ?? ""
        let event = try await writes.transition(companyID: scope.companyID, id: id, userID: scope.userID, to: status,
                                                reason: body.reason, action: "status_changed")
        return Self.tagged(try event.orNotFound("event"))
    }

    @Sendable func confirm(_ request: Request, context: Context) async throws -> EditedResponse<LiveEvent> {
        let scope = try context.tenant(permission: BasePermission.eventsWrite)
        let id = try context.parameters.uuid("id", what: "event")
        let event = try await writes.transition(companyID: scope.companyID, id: id, userID: scope.userID, to: "confirmed", reason: nil,
                                                action: "confirmed")
        return Self.tagged(try event.orNotFound("event"))
    }

    /// The body (with an optional `reason`) may be left out.
    @Sendable func cancel(_ request: Request, context: Context) async throws -> EditedResponse<LiveEvent> {
        let scope = try context.tenant(permission: BasePermission.eventsWrite)
        let id = try context.parameters.uuid("id", what: "event")
        let body = try await request.decodeValidIfPresent(as: EventCancel.self, context: context)
        let reason = body?.reason?.trimmingCharacters(in: .whitespacesAndNewlines)
        let event = try await writes.transition(companyID: scope.companyID, id: id, userID: scope.userID, to: "cancelled", reason: reason,
                                                action: "cancelled")
        return Self.tagged(try event.orNotFound("event"))
    }

    @Sendable func duplicate(_ request: Request, context: Context) async throws -> EditedResponse<LiveEvent> {
        let scope = try context.tenant(permission: BasePermission.eventsWrite)
        let id = try context.parameters.uuid("id", what: "event")
        let body = try await request.decodeValid(as: EventDuplicate.self, context: context)
        let copy = try await writes.duplicate(companyID: scope.companyID, id: id, userID: scope.userID, body)
        return Self.tagged(try copy.orNotFound("event"), status: .created)
    }

    @Sendable func summary(_ request: Request, context: Context) async throws -> EventSummary {
        let scope = try context.tenant(permission: BasePermission.eventsRead)
        let id = try context.parameters.uuid("id", what: "event")
        return try await repository.summary(companyID: scope.companyID, id: id).orNotFound("event")
    }

    /// The event with its version as the ETag, for a later `If-Match`.
    static func tagged(_ event: LiveEvent, status: HTTPResponse.Status = .ok) -> EditedResponse<LiveEvent> {
        EditedResponse(status: status, headers: [.eTag: "\"\(event.version)\""], response: event)
    }
}

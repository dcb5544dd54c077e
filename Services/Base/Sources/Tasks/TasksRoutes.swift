import Foundation
import Hummingbird
import KisumKernel

/// `/api/tasks`: the team's to-dos, optionally about an event, with comments (`basic.tasks.read` / `.write`).
struct TasksRoutes: Sendable {
    typealias Context = BaseService.Context
    let repository: TasksRepository

    func addRoutes(to tenant: RouterGroup<Context>) {
        let tasks = tenant.group("/api/tasks")
        tasks.get("", use: list)
        tasks.post("", use: create)
        tasks.get("event/{eventId}", use: byEvent)
        tasks.get("{id}", use: get)
        tasks.put("{id}", use: replace)
        tasks.delete("{id}", use: delete)
        tasks.patch("{id}/status", use: setStatus)
        tasks.post("{id}/comments", use: comment)
    }

    /// Filters combine with AND; sorted by due day (undated last) unless `sort` says otherwise.
    @Sendable func list(_ request: Request, context: Context) async throws -> Page<BookingTask> {
        let scope = try context.tenant(permission: BasePermission.tasksRead)
        var q = QueryReader(request)
        let page = q.page(defaultLimit: 50, maxLimit: 200)
        let eventID = q.uuid("eventId")
        let filter = Self.filter(&q, eventID: eventID)
        try q.validate()
        let result = try await repository.list(companyID: scope.companyID, filter, page: page)
        return Page(items: result.items, total: result.total, request: page)
    }

    /// The event's tasks, with the list's filters; 404 when the event is not the company's.
    @Sendable func byEvent(_ request: Request, context: Context) async throws -> Page<BookingTask> {
        let scope = try context.tenant(permission: BasePermission.tasksRead)
        let eventID = try context.parameters.uuid("eventId", what: "event")
        var q = QueryReader(request)
        let page = q.page(defaultLimit: 50, maxLimit: 200)
        let filter = Self.filter(&q, eventID: eventID)
        try q.validate()
        guard try await repository.eventExists(companyID: scope.companyID, id: eventID) else { throw APIError.notFound("event") }
        let result = try await repository.list(companyID: scope.companyID, filter, page: page)
        return Page(items: result.items, total: result.total, request: page)
    }

    static func filter(_ q: inout QueryReader, eventID: UUID?) -> TaskFilter {
        TaskFilter(status: q.oneOf("status", TaskValues.statuses), priority: q.oneOf("priority", TaskValues.priorities),
                   assigneeID: q.uuid("assigneeId"), eventID: eventID, dueFrom: q.calendarDate("dueFrom"), dueTo: q.calendarDate("dueTo"),
                   q: q.search("q", maxLength: 200), sort: SortParameter.read(&q, allowed: TaskValues.sorts, default: "dueOn"))
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> EditedResponse<BookingTask> {
        let scope = try context.tenant(permission: BasePermission.tasksWrite)
        let body = try await request.decodeValid(as: TaskInput.self, context: context)
        let task = try await repository.create(companyID: scope.companyID, userID: scope.userID, body)
        return ExpectedVersion.tagged(task, version: task.version, status: .created)
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> EditedResponse<BookingTaskDetail> {
        let scope = try context.tenant(permission: BasePermission.tasksRead)
        let id = try context.parameters.uuid("id", what: "task")
        let task = try await repository.get(companyID: scope.companyID, id: id).orNotFound("task")
        return ExpectedVersion.tagged(task, version: task.version)
    }

    @Sendable func replace(_ request: Request, context: Context) async throws -> EditedResponse<BookingTask> {
        let scope = try context.tenant(permission: BasePermission.tasksWrite)
        let id = try context.parameters.uuid("id", what: "task")
        let header = try ExpectedVersion.header(request)
        let body = try await request.decode(as: TaskInput.self, context: context) { body, v in
            body.validate(&v)
            ExpectedVersion.check(body: body.version, header: header, &v)
        }
        let task = try await repository.replace(companyID: scope.companyID, id: id, expectedVersion: body.version ?? header ?? 0, body)
            .orNotFound("task")
        return ExpectedVersion.tagged(task, version: task.version)
    }

    @Sendable func delete(_ request: Request, context: Context) async throws -> Response {
        let scope = try context.tenant(permission: BasePermission.tasksWrite)
        let id = try context.parameters.uuid("id", what: "task")
        guard try await repository.delete(companyID: scope.companyID, id: id) else { throw APIError.notFound("task") }
        return Response(status: .noContent)
    }

    @Sendable func setStatus(_ request: Request, context: Context) async throws -> EditedResponse<BookingTask> {
        let scope = try context.tenant(permission: BasePermission.tasksWrite)
        let id = try context.parameters.uuid("id", what: "task")
        let body = try await request.decodeValid(as: TaskStatusInput.self, context: context)
        let task = try await repository.setStatus(companyID: scope.companyID, id: id, status: body.status ?? "todo").orNotFound("task")
        return ExpectedVersion.tagged(task, version: task.version)
    }

    @Sendable func comment(_ request: Request, context: Context) async throws -> EditedResponse<TaskComment> {
        let scope = try context.tenant(permission: BasePermission.tasksWrite)
        let id = try context.parameters.uuid("id", what: "task")
        let body = try await request.decodeValid(as: TaskCommentInput.self, context: context)
        let text = body.body?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        let comment = try await repository.addComment(companyID: scope.companyID, taskID: id, userID: scope.userID, body: text).orNotFound("task")
        return EditedResponse(status: .created, response: comment)
    }
}

import Foundation
import HTTPTypes
import Hummingbird
import KisumKernel

/// `/api/event-expense`: an event's estimated expense lines, their summary and CSV export
/// (`basic.expenses.read` / `.write`). Actual expenses are refused here (`ActualExpenseGuard`).
struct ExpensesRoutes: Sendable {
    typealias Context = BaseService.Context
    let repository: ExpensesRepository
    let reports: ExpenseReportsRepository

    func addRoutes(to tenant: RouterGroup<Context>) {
        let expenses = tenant.group("/api/event-expense")
        expenses.get("", use: list)
        expenses.post("", use: create)
        expenses.post("bulk", use: bulk)
        expenses.get("event/{eventId}", use: byEvent)
        expenses.get("event/{eventId}/summary", use: summary)
        expenses.get("event/{eventId}/export", use: export)
        expenses.get("{id}", use: get)
        expenses.put("{id}", use: replace)
        expenses.delete("{id}", use: delete)
    }

    static func filter(_ q: inout QueryReader, eventID: UUID?) -> ExpenseFilter {
        ExpenseFilter(eventID: eventID, category: q.search("category", maxLength: 40), currency: q.currency("currency"),
                      dueFrom: q.calendarDate("dueFrom"), dueTo: q.calendarDate("dueTo"), q: q.search("q", maxLength: 200),
                      sort: SortParameter.read(&q, allowed: ExpenseRules.sorts, default: "dueDate"))
    }

    /// Filters (eventId, category, currency, dueFrom/dueTo, q in description, vendor and notes) combine with AND.
    @Sendable func list(_ request: Request, context: Context) async throws -> Page<EventExpense> {
        let scope = try context.tenant(permission: BasePermission.expensesRead)
        var q = QueryReader(request)
        let page = q.page(defaultLimit: 50, maxLimit: 200)
        let eventID = q.uuid("eventId")
        let filter = Self.filter(&q, eventID: eventID)
        try q.validate()
        let result = try await repository.list(companyID: scope.companyID, filter, page: page)
        return Page(items: result.items, total: result.total, request: page)
    }

    /// The event's lines; 404 when the company has no such event.
    @Sendable func byEvent(_ request: Request, context: Context) async throws -> Page<EventExpense> {
        let scope = try context.tenant(permission: BasePermission.expensesRead)
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

    /// The actual-expense guard comes before field validation: it is the answer that tells the client where to go.
    static func decodeCreate(_ request: Request, context: Context) async throws -> CreateExpense {
        let body = try await request.decodeJSON(as: CreateExpense.self, context: context)
        if !body.fields.actualMarkers.isEmpty { throw ActualExpenseGuard.refusal(body.fields.actualMarkers) }
        var v = Validator()
        body.validate(&v)
        try v.validate()
        return body
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> EditedResponse<EventExpense> {
        let scope = try context.tenant(permission: BasePermission.expensesWrite)
        let body = try await Self.decodeCreate(request, context: context)
        let created = try await repository.create(companyID: scope.companyID, userID: scope.userID, [body], addressed: false)
        guard let line = created.first else { throw APIError.internalError }
        return ExpectedVersion.tagged(line, version: line.version, status: .created)
    }

    /// All lines or none; every bad line is reported by its index (`[2].amountMinor`).
    @Sendable func bulk(_ request: Request, context: Context) async throws -> EditedResponse<EventExpenseBatch> {
        let scope = try context.tenant(permission: BasePermission.expensesWrite)
        let body = try await request.decodeJSON(as: BulkCreateExpenses.self, context: context)
        try body.check()
        let items = try await repository.create(companyID: scope.companyID, userID: scope.userID, body.items, addressed: true)
        return EditedResponse(status: .created, response: EventExpenseBatch(items: items))
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> EditedResponse<EventExpense> {
        let scope = try context.tenant(permission: BasePermission.expensesRead)
        let id = try context.parameters.uuid("id", what: "expense")
        let line = try await repository.get(companyID: scope.companyID, id: id).orNotFound("expense")
        return ExpectedVersion.tagged(line, version: line.version)
    }

    /// A full replacement with the version read (body `version` or `If-Match`); stale → 409 `version_conflict`.
    @Sendable func replace(_ request: Request, context: Context) async throws -> EditedResponse<EventExpense> {
        let scope = try context.tenant(permission: BasePermission.expensesWrite)
        let id = try context.parameters.uuid("id", what: "expense")
        let header = try ExpectedVersion.header(request)
        let body = try await request.decodeJSON(as: ReplaceExpense.self, context: context)
        if !body.fields.actualMarkers.isEmpty { throw ActualExpenseGuard.refusal(body.fields.actualMarkers) }
        var v = Validator()
        body.fields.validate(&v)
        ExpectedVersion.check(body: body.version, header: header, &v)
        try v.validate()
        let line = try await repository.replace(companyID: scope.companyID, id: id, expectedVersion: body.version ?? header ?? 0, body)
            .orNotFound("expense")
        return ExpectedVersion.tagged(line, version: line.version)
    }

    @Sendable func delete(_ request: Request, context: Context) async throws -> Response {
        let scope = try context.tenant(permission: BasePermission.expensesWrite)
        let id = try context.parameters.uuid("id", what: "expense")
        guard try await repository.delete(companyID: scope.companyID, id: id) else { throw APIError.notFound("expense") }
        return Response(status: .noContent)
    }

    @Sendable func summary(_ request: Request, context: Context) async throws -> EventExpenseSummary {
        let scope = try context.tenant(permission: BasePermission.expensesRead)
        let eventID = try context.parameters.uuid("eventId", what: "event")
        return try await reports.summary(companyID: scope.companyID, eventID: eventID).orNotFound("event")
    }

    /// `text/csv`, one row per line (`ExpenseCSV`).
    @Sendable func export(_ request: Request, context: Context) async throws -> Response {
        let scope = try context.tenant(permission: BasePermission.expensesRead)
        let eventID = try context.parameters.uuid("eventId", what: "event")
        let lines = try await reports.export(companyID: scope.companyID, eventID: eventID).orNotFound("event")
        var headers = HTTPFields()
        headers[.contentType] = "text/csv; charset=utf-8"
        headers[.contentDisposition] = "attachment; filename=\"event-\(eventID.uuidString.lowercased())-expenses.csv\""
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: ExpenseCSV.document(lines))))
    }
}

import Foundation
import Hummingbird
import KisumKernel

/// `/api/event-income` (tag Event Income): income lines, their categories, bulk entry and an event's summary
/// (`basic.income.read` / `.write`). Payments are in `IncomePaymentsRoutes`; the invoice (Finance) and
/// attachments routes of the group are other features'.
struct EventIncomeRoutes: Sendable {
    typealias Context = BaseService.Context
    let repository: EventIncomeRepository
    let summaries: IncomeSummaryRepository

    func addRoutes(to tenant: RouterGroup<Context>) {
        let income = tenant.group("/api/event-income")
        income.get("", use: list)
        income.post("", use: create)
        income.get("categories", use: categories)
        income.post("bulk", use: bulk)
        income.get("event/{eventId}", use: listForEvent)
        income.get("event/{eventId}/summary", use: summary)
        income.get("{id}", use: get)
        income.put("{id}", use: replace)
        income.delete("{id}", use: delete)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Page<EventIncome> {
        let scope = try context.tenant(permission: BasePermission.incomeRead)
        var q = QueryReader(request)
        let page = q.page(defaultLimit: 50, maxLimit: 200)
        let eventID = q.uuid("eventId")
        let filter = Self.filter(&q, eventID: eventID)
        try q.validate()
        let result = try await repository.list(companyID: scope.companyID, filter, page: page)
        return Page(items: result.items, total: result.total, request: page)
    }

    /// The event's lines with the same filters; 404 when the company has no such event.
    @Sendable func listForEvent(_ request: Request, context: Context) async throws -> Page<EventIncome> {
        let scope = try context.tenant(permission: BasePermission.incomeRead)
        let eventID = try context.parameters.uuid("eventId", what: "event")
        var q = QueryReader(request)
        let page = q.page(defaultLimit: 50, maxLimit: 200)
        let filter = Self.filter(&q, eventID: eventID)
        try q.validate()
        let result = try await repository.list(companyID: scope.companyID, filter, page: page)
        if result.total == 0, try await !repository.eventExists(companyID: scope.companyID, eventID: eventID) { throw APIError.notFound("event") }
        return Page(items: result.items, total: result.total, request: page)
    }

    private static func filter(_ q: inout QueryReader, eventID: UUID?) -> IncomeFilter {
        IncomeFilter(
            eventID: eventID, category: q.oneOf("category", IncomeCategories.codes), currency: q.currency("currency"),
            status: q.oneOf("status", IncomeStatus.all), from: q.calendarDate("from"), to: q.calendarDate("to"),
            q: q.search("q", maxLength: 200), sort: SortParameter.read(&q, allowed: IncomeFilter.sorts, default: "expectedDate"))
    }

    @Sendable func categories(_ request: Request, context: Context) async throws -> [IncomeCategory] {
        _ = try context.tenant(permission: BasePermission.incomeRead)
        return IncomeCategories.all
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> EditedResponse<EventIncome> {
        let scope = try context.tenant(permission: BasePermission.incomeWrite)
        let body = try await request.decodeValid(as: IncomeInput.self, context: context)
        let income = try await repository.create(companyID: scope.companyID, userID: scope.userID, body)
        return ExpectedVersion.tagged(income, version: income.version, status: .created)
    }

    @Sendable func bulk(_ request: Request, context: Context) async throws -> EditedResponse<IncomeBulkResult> {
        let scope = try context.tenant(permission: BasePermission.incomeWrite)
        let body = try await request.decodeValid(as: IncomeBulkInput.self, context: context)
        let items = try await repository.createMany(companyID: scope.companyID, userID: scope.userID, body.items ?? [])
        return EditedResponse(status: .created, response: IncomeBulkResult(items: items))
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> EditedResponse<EventIncome> {
        let scope = try context.tenant(permission: BasePermission.incomeRead)
        let id = try context.parameters.uuid("id", what: "income line")
        let income = try await repository.get(companyID: scope.companyID, id: id).orNotFound("income line")
        return ExpectedVersion.tagged(income, version: income.version)
    }

    @Sendable func replace(_ request: Request, context: Context) async throws -> EditedResponse<EventIncome> {
        let scope = try context.tenant(permission: BasePermission.incomeWrite)
        let id = try context.parameters.uuid("id", what: "income line")
        let header = try ExpectedVersion.header(request)
        let body = try await request.decode(as: IncomeInput.self, context: context) { body, v in
            body.validate(&v, prefix: "", eventRequired: false)
            ExpectedVersion.check(body: body.version, header: header, &v)
        }
        let income = try await repository.replace(companyID: scope.companyID, id: id, expectedVersion: body.version ?? header ?? 0, body)
            .orNotFound("income line")
        return ExpectedVersion.tagged(income, version: income.version)
    }

    @Sendable func delete(_ request: Request, context: Context) async throws -> Response {
        let scope = try context.tenant(permission: BasePermission.incomeWrite)
        let id = try context.parameters.uuid("id", what: "income line")
        guard try await repository.delete(companyID: scope.companyID, id: id) else { throw APIError.notFound("income line") }
        return Response(status: .noContent)
    }

    @Sendable func summary(_ request: Request, context: Context) async throws -> IncomeSummary {
        let scope = try context.tenant(permission: BasePermission.incomeRead)
        let eventID = try context.parameters.uuid("eventId", what: "event")
        return try await summaries.summary(companyID: scope.companyID, eventID: eventID).orNotFound("event")
    }
}

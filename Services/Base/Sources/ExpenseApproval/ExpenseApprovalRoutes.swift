import Foundation
import Hummingbird
import KisumKernel

/// `/api/event-expense-approval`: the only way an actual expense comes to exist (issue 10). Submitting and editing
/// need `basic.expenses.write`, reading `basic.expenses.read`, deciding `basic.approvals.write`.
struct ExpenseApprovalRoutes: Sendable {
    typealias Context = BaseService.Context
    let repository: ExpenseApprovalRepository

    func addRoutes(to tenant: RouterGroup<Context>) {
        let approval = tenant.group("/api/event-expense-approval")
        approval.get("", use: list)
        approval.post("", use: submit)
        approval.get("event/{eventId}", use: byEvent)
        approval.get("{id}", use: get)
        approval.put("{id}", use: replace)
        approval.post("{id}/approve", use: approve)
        approval.post("{id}/reject", use: reject)
    }

    /// Every submission, newest first; filters combine with AND.
    @Sendable func list(_ request: Request, context: Context) async throws -> Page<ExpenseActual> {
        let scope = try context.tenant(permission: BasePermission.expensesRead)
        var q = QueryReader(request)
        let page = q.page(defaultLimit: 50, maxLimit: 200)
        let filter = Self.filter(&q, eventID: q.uuid("eventId"), defaultStatus: nil)
        try q.validate()
        let result = try await repository.list(companyID: scope.companyID, filter, page: page)
        return Page(items: result.items, total: result.total, request: page)
    }

    /// The event's actual expenses: the approved ones (the source of truth) unless `status` names another.
    @Sendable func byEvent(_ request: Request, context: Context) async throws -> Page<ExpenseActual> {
        let scope = try context.tenant(permission: BasePermission.expensesRead)
        let eventID = try context.parameters.uuid("eventId", what: "event")
        var q = QueryReader(request)
        let page = q.page(defaultLimit: 50, maxLimit: 200)
        let filter = Self.filter(&q, eventID: eventID, defaultStatus: "approved")
        try q.validate()
        guard try await repository.eventExists(companyID: scope.companyID, id: eventID) else { throw APIError.notFound("event") }
        let result = try await repository.list(companyID: scope.companyID, filter, page: page)
        return Page(items: result.items, total: result.total, request: page)
    }

    static func filter(_ q: inout QueryReader, eventID: UUID?, defaultStatus: String?) -> ExpenseActualFilter {
        ExpenseActualFilter(eventID: eventID, status: q.oneOf("status", ExpenseActualValues.statuses) ?? defaultStatus,
                            submittedBy: q.uuid("submittedBy"), from: q.calendarDate("from"), to: q.calendarDate("to"),
                            currency: q.currency("currency"), estimateID: q.uuid("estimateId"),
                            sort: SortParameter.read(&q, allowed: ExpenseActualValues.sorts, default: "-submittedAt"))
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> EditedResponse<ExpenseActual> {
        let scope = try context.tenant(permission: BasePermission.expensesRead)
        let id = try context.parameters.uuid("id", what: "expense")
        let actual = try await repository.get(companyID: scope.companyID, id: id).orNotFound("expense")
        return ExpectedVersion.tagged(actual, version: actual.version)
    }

    /// 201 with the submission: `approved` (autoApproved) below the company's expense threshold in its currency,
    /// else `pending` with an item in the approval queue.
    @Sendable func submit(_ request: Request, context: Context) async throws -> EditedResponse<ExpenseActual> {
        let scope = try context.tenant(permission: BasePermission.expensesWrite)
        let body = try await request.decode(as: ExpenseActualInput.self, context: context) { body, v in body.validateCreate(&v) }
        let actual = try await repository.create(companyID: scope.companyID, userID: scope.userID, body)
        return ExpectedVersion.tagged(actual, version: actual.version, status: .created)
    }

    /// A pending submission's figures, replaced (`version` or `If-Match`); the threshold is checked again.
    @Sendable func replace(_ request: Request, context: Context) async throws -> EditedResponse<ExpenseActual> {
        let scope = try context.tenant(permission: BasePermission.expensesWrite)
        let id = try context.parameters.uuid("id", what: "expense")
        let header = try ExpectedVersion.header(request)
        let body = try await request.decode(as: ExpenseActualInput.self, context: context) { body, v in
            body.validate(&v)
            ExpectedVersion.check(body: body.version, header: header, &v)
        }
        let actual = try await repository.replace(companyID: scope.companyID, id: id, userID: scope.userID,
                                                  expectedVersion: body.version ?? header ?? 0, body).orNotFound("expense")
        return ExpectedVersion.tagged(actual, version: actual.version)
    }

    @Sendable func approve(_ request: Request, context: Context) async throws -> EditedResponse<ExpenseActual> {
        let scope = try context.tenant(permission: BasePermission.approvalsWrite)
        let id = try context.parameters.uuid("id", what: "expense")
        let body = try await request.decodeOptional(as: ExpenseApproveInput.self, context: context, default: ExpenseApproveInput()) { body, v in
            body.validate(&v)
        }
        let actual = try await repository.decide(companyID: scope.companyID, id: id, userID: scope.userID, approve: true, note: body.note)
            .orNotFound("expense")
        return ExpectedVersion.tagged(actual, version: actual.version)
    }

    @Sendable func reject(_ request: Request, context: Context) async throws -> EditedResponse<ExpenseActual> {
        let scope = try context.tenant(permission: BasePermission.approvalsWrite)
        let id = try context.parameters.uuid("id", what: "expense")
        let body = try await request.decodeValid(as: ExpenseRejectInput.self, context: context)
        let reason = body.reason?.trimmingCharacters(in: .whitespacesAndNewlines)
        let actual = try await repository.decide(companyID: scope.companyID, id: id, userID: scope.userID, approve: false, note: reason)
            .orNotFound("expense")
        return ExpectedVersion.tagged(actual, version: actual.version)
    }
}

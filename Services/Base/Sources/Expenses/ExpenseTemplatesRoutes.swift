import Foundation
import Hummingbird
import KisumKernel

/// `/api/event-expense/templates` and `…/event/{eventId}/from-template`: budget templates and an event's
/// estimated lines made from one, or copied from another event (`basic.expenses.read` / `.write`).
struct ExpenseTemplatesRoutes: Sendable {
    typealias Context = BaseService.Context
    let repository: ExpenseTemplatesRepository

    func addRoutes(to tenant: RouterGroup<Context>) {
        let templates = tenant.group("/api/event-expense")
        templates.get("templates", use: list)
        templates.post("event/{eventId}/from-template", use: apply)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> ExpenseTemplateList {
        _ = try context.tenant(permission: BasePermission.expensesRead)
        return ExpenseTemplateList(items: ExpenseTemplates.all)
    }

    /// 201 with the lines made, in template (or source due-date) order. Another company's sourceEventId is 404,
    /// like the path's event.
    @Sendable func apply(_ request: Request, context: Context) async throws -> EditedResponse<EventExpenseBatch> {
        let scope = try context.tenant(permission: BasePermission.expensesWrite)
        let eventID = try context.parameters.uuid("eventId", what: "event")
        let body = try await request.decodeValid(as: FromTemplateInput.self, context: context)
        if let source = body.sourceEventId {
            if source == eventID {
                throw APIError.validation(field: "sourceEventId", code: "same_event", message: "Copy from another event than this one.")
            }
            switch try await repository.copy(companyID: scope.companyID, userID: scope.userID, eventID: eventID, sourceEventID: source,
                                             dueDate: body.dueDate) {
            case .copied(let items): return EditedResponse(status: .created, response: EventExpenseBatch(items: items))
            case .noEvent: throw APIError.notFound("event")
            case .noSource: throw APIError.notFound("source event")
            }
        }
        guard let template = body.templateId.flatMap(ExpenseTemplates.named) else { throw APIError.internalError }
        let items = try await repository.fromTemplate(companyID: scope.companyID, userID: scope.userID, eventID: eventID, template: template, body)
            .orNotFound("event")
        return EditedResponse(status: .created, response: EventExpenseBatch(items: items))
    }
}

import Foundation
import Hummingbird
import KisumKernel

/// `/api/v1/operations/checklists` and `/api/v1/operations/templates`.
struct OperationsRoutes: Sendable {
    typealias Context = VenueService.Context
    let checklists: ChecklistsRepository
    let templates: TemplatesRepository

    func addRoutes(to tenant: RouterGroup<Context>) {
        let checklists = tenant.group("/api/v1/operations/checklists")
        let templates = tenant.group("/api/v1/operations/templates")
        checklists.get("", use: listChecklists)
        checklists.post("", use: createChecklist)
        checklists.get("{id}", use: getChecklist)
        checklists.patch("{id}", use: updateChecklist)
        templates.get("", use: listTemplates)
        templates.post("", use: createTemplate)
        templates.get("{id}", use: getTemplate)
        templates.patch("{id}", use: updateTemplate)
    }

    // MARK: Checklists

    /// Filters: eventId, spaceId, bookingId, status, readiness, page, limit.
    @Sendable func listChecklists(_ request: Request, context: Context) async throws -> Page<Checklist> {
        let scope = try context.tenant(permission: VenuePermission.operationsRead)
        var q = QueryReader(request)
        let page = q.page()
        let filter = ChecklistFilter(eventID: q.uuid("eventId"), spaceID: q.uuid("spaceId"), bookingID: q.uuid("bookingId"),
                                     status: q.oneOf("status", ChecklistRules.statuses), readiness: q.oneOf("readiness", Readiness.all))
        try q.validate()
        let result = try await checklists.list(companyID: scope.companyID, filter, page: page)
        return Page(items: result.items, total: result.total, request: page)
    }

    @Sendable func createChecklist(_ request: Request, context: Context) async throws -> EditedResponse<Checklist> {
        let scope = try context.tenant(permission: VenuePermission.operationsWrite)
        let body = try await request.decodeValid(as: CreateChecklist.self, context: context)
        return EditedResponse(status: .created, response: try await checklists.create(companyID: scope.companyID, userID: scope.userID, body))
    }

    @Sendable func getChecklist(_ request: Request, context: Context) async throws -> Checklist {
        let scope = try context.tenant(permission: VenuePermission.operationsRead)
        let id = try context.parameters.uuid("id", what: "checklist")
        guard let checklist = try await checklists.get(companyID: scope.companyID, id: id) else { throw APIError.notFound("checklist") }
        return checklist
    }

    @Sendable func updateChecklist(_ request: Request, context: Context) async throws -> Checklist {
        let scope = try context.tenant(permission: VenuePermission.operationsWrite)
        let id = try context.parameters.uuid("id", what: "checklist")
        let patch = try await request.decodeValid(as: ChecklistPatch.self, context: context)
        guard let checklist = try await checklists.update(companyID: scope.companyID, id: id, patch) else {
            throw APIError.notFound("checklist")
        }
        return checklist
    }

    // MARK: Templates

    /// Filters: q (name or description), page, limit.
    @Sendable func listTemplates(_ request: Request, context: Context) async throws -> Page<ChecklistTemplate> {
        let scope = try context.tenant(permission: VenuePermission.operationsRead)
        var q = QueryReader(request)
        let page = q.page()
        let search = q.search()
        try q.validate()
        let result = try await templates.list(companyID: scope.companyID, q: search, page: page)
        return Page(items: result.items, total: result.total, request: page)
    }

    @Sendable func createTemplate(_ request: Request, context: Context) async throws -> EditedResponse<ChecklistTemplate> {
        let scope = try context.tenant(permission: VenuePermission.operationsWrite)
        let body = try await request.decodeValid(as: CreateTemplate.self, context: context)
        return EditedResponse(status: .created, response: try await templates.create(companyID: scope.companyID, userID: scope.userID, body))
    }

    @Sendable func getTemplate(_ request: Request, context: Context) async throws -> ChecklistTemplate {
        let scope = try context.tenant(permission: VenuePermission.operationsRead)
        let id = try context.parameters.uuid("id", what: "checklist template")
        guard let template = try await templates.get(companyID: scope.companyID, id: id) else { throw APIError.notFound("checklist template") }
        return template
    }

    @Sendable func updateTemplate(_ request: Request, context: Context) async throws -> ChecklistTemplate {
        let scope = try context.tenant(permission: VenuePermission.operationsWrite)
        let id = try context.parameters.uuid("id", what: "checklist template")
        let patch = try await request.decodeValid(as: TemplatePatch.self, context: context)
        guard let template = try await templates.update(companyID: scope.companyID, id: id, patch) else {
            throw APIError.notFound("checklist template")
        }
        return template
    }
}

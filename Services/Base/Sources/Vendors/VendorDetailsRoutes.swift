import Foundation
import Hummingbird
import KisumKernel

/// A vendor's contacts (`/api/vendors/{id}/contacts…`) and the events it serves (`/api/vendors/{id}/events…`, with
/// attach and detach so the list has something to show). Another company's vendor is 404 on every route.
struct VendorDetailsRoutes: Sendable {
    typealias Context = BaseService.Context
    let vendors: VendorsRepository
    let contacts: VendorContactsRepository
    let events: VendorEventsRepository

    func addRoutes(to tenant: RouterGroup<Context>) {
        let vendors = tenant.group("/api/vendors")
        vendors.get("{id}/contacts", use: listContacts)
        vendors.post("{id}/contacts", use: createContact)
        vendors.put("{id}/contacts/{contactId}", use: replaceContact)
        vendors.delete("{id}/contacts/{contactId}", use: deleteContact)
        vendors.get("{id}/events", use: listEvents)
        vendors.post("{id}/events", use: attachEvent)
        vendors.delete("{id}/events/{eventId}", use: detachEvent)
    }

    @Sendable func listContacts(_ request: Request, context: Context) async throws -> Page<VendorContact> {
        let scope = try context.tenant(permission: BasePermission.vendorsRead)
        let id = try context.parameters.uuid("id", what: "vendor")
        var q = QueryReader(request)
        let page = q.page(defaultLimit: 50, maxLimit: 200)
        try q.validate()
        let result = try await contacts.list(companyID: scope.companyID, vendorID: id, page: page)
        if result.total == 0, try await !vendors.exists(companyID: scope.companyID, id: id) { throw APIError.notFound("vendor") }
        return Page(items: result.items, total: result.total, request: page)
    }

    @Sendable func createContact(_ request: Request, context: Context) async throws -> EditedResponse<VendorContact> {
        let scope = try context.tenant(permission: BasePermission.vendorsWrite)
        let id = try context.parameters.uuid("id", what: "vendor")
        let body = try await request.decodeValid(as: VendorContactInput.self, context: context)
        let contact = try await contacts.create(companyID: scope.companyID, vendorID: id, userID: scope.userID, body)
        return EditedResponse(status: .created, response: contact)
    }

    @Sendable func replaceContact(_ request: Request, context: Context) async throws -> VendorContact {
        let scope = try context.tenant(permission: BasePermission.vendorsWrite)
        let id = try context.parameters.uuid("id", what: "vendor")
        let contactID = try context.parameters.uuid("contactId", what: "contact")
        let body = try await request.decodeValid(as: VendorContactInput.self, context: context)
        return try await contacts.replace(companyID: scope.companyID, vendorID: id, id: contactID, body).orNotFound("contact")
    }

    @Sendable func deleteContact(_ request: Request, context: Context) async throws -> Response {
        let scope = try context.tenant(permission: BasePermission.vendorsWrite)
        let id = try context.parameters.uuid("id", what: "vendor")
        let contactID = try context.parameters.uuid("contactId", what: "contact")
        guard try await contacts.delete(companyID: scope.companyID, vendorID: id, id: contactID) else { throw APIError.notFound("contact") }
        return Response(status: .noContent)
    }

    /// Latest event first unless `order=asc`; `from` / `to` bound the event day.
    @Sendable func listEvents(_ request: Request, context: Context) async throws -> Page<VendorEvent> {
        let scope = try context.tenant(permission: BasePermission.vendorsRead)
        let id = try context.parameters.uuid("id", what: "vendor")
        var q = QueryReader(request)
        let page = q.page(defaultLimit: 50, maxLimit: 200)
        let from = q.calendarDate("from")
        let to = q.calendarDate("to")
        let order = q.oneOf("order", ["asc", "desc"]) ?? "desc"
        try q.validate()
        if let from, let to, to < from {
            throw APIError.validation(field: "to", code: "before_start", message: "to must not be before from.")
        }
        let result = try await events.list(companyID: scope.companyID, vendorID: id, from: from, to: to, descending: order == "desc", page: page)
        if result.total == 0, try await !vendors.exists(companyID: scope.companyID, id: id) { throw APIError.notFound("vendor") }
        return Page(items: result.items, total: result.total, request: page)
    }

    @Sendable func attachEvent(_ request: Request, context: Context) async throws -> EditedResponse<VendorEvent> {
        let scope = try context.tenant(permission: BasePermission.vendorsWrite)
        let id = try context.parameters.uuid("id", what: "vendor")
        let body = try await request.decodeValid(as: VendorEventInput.self, context: context)
        let attached = try await events.attach(companyID: scope.companyID, vendorID: id, userID: scope.userID, body).orNotFound("vendor")
        return EditedResponse(status: .created, response: attached)
    }

    @Sendable func detachEvent(_ request: Request, context: Context) async throws -> Response {
        let scope = try context.tenant(permission: BasePermission.vendorsWrite)
        let id = try context.parameters.uuid("id", what: "vendor")
        let eventID = try context.parameters.uuid("eventId", what: "event")
        guard try await events.detach(companyID: scope.companyID, vendorID: id, eventID: eventID) else {
            throw APIError.notFound("event attachment")
        }
        return Response(status: .noContent)
    }
}

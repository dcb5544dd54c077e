import Foundation
import Hummingbird
import KisumKernel
import HTTPTypes

/// `/api/event-ticket`: sales records, the CSV import and export, and an event's summary
/// (`basic.tickets.read` / `.write`).
struct TicketSalesRoutes: Sendable {
    typealias Context = BaseService.Context
    let sales: TicketSalesRepository
    let reports: TicketReportsRepository
    let tickets: TicketsRepository

    func addRoutes(to tenant: RouterGroup<Context>) {
        let tickets = tenant.group("/api/event-ticket")
        tickets.post("import", use: importFile)
        tickets.get("event/{eventId}/summary", use: summary)
        tickets.get("event/{eventId}/sales", use: listSales)
        tickets.get("event/{eventId}/export", use: export)
        tickets.post("{id}/sales", use: createSale)
        tickets.put("{id}/sales/{saleId}", use: replaceSale)
        tickets.delete("{id}/sales/{saleId}", use: deleteSale)
    }

    @Sendable func summary(_ request: Request, context: Context) async throws -> TicketSummary {
        let scope = try context.tenant(permission: BasePermission.ticketsRead)
        let eventID = try context.parameters.uuid("eventId", what: "event")
        return try await reports.summary(companyID: scope.companyID, eventID: eventID).orNotFound("event")
    }

    @Sendable func listSales(_ request: Request, context: Context) async throws -> Page<EventTicketSale> {
        let scope = try context.tenant(permission: BasePermission.ticketsRead)
        let eventID = try context.parameters.uuid("eventId", what: "event")
        var q = QueryReader(request)
        let page = q.page(defaultLimit: 50, maxLimit: 200)
        let filter = SaleFilter(ticketID: q.uuid("ticketId"), tierID: q.uuid("tierId"), channel: q.search("channel", maxLength: 100),
                                from: q.calendarDate("from"), to: q.calendarDate("to"))
        try q.validate()
        let result = try await sales.list(companyID: scope.companyID, eventID: eventID, filter, page: page)
        if result.total == 0, try await !tickets.eventExists(companyID: scope.companyID, eventID: eventID) { throw APIError.notFound("event") }
        return Page(items: result.items, total: result.total, request: page)
    }

    /// `text/csv` of every sales record of the event (the import's columns plus names and currency).
    @Sendable func export(_ request: Request, context: Context) async throws -> Response {
        let scope = try context.tenant(permission: BasePermission.ticketsRead)
        let eventID = try context.parameters.uuid("eventId", what: "event")
        let rows = try await reports.sales(companyID: scope.companyID, eventID: eventID)
        if rows.isEmpty, try await !tickets.eventExists(companyID: scope.companyID, eventID: eventID) { throw APIError.notFound("event") }
        let csv = TicketCSV.export(rows)
        var headers = HTTPFields()
        headers[.contentType] = "text/csv; charset=utf-8"
        headers[.contentDisposition] = "attachment; filename=\"event-\(eventID.uuidString.lowercased())-sales.csv\""
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: csv)))
    }

    @Sendable func createSale(_ request: Request, context: Context) async throws -> EditedResponse<EventTicketSale> {
        let scope = try context.tenant(permission: BasePermission.ticketsWrite)
        let id = try context.parameters.uuid("id", what: "event ticket")
        let fields = try await request.decodeValid(as: SaleBody.self, context: context).fields
        let (tierID, gross) = try await priced(scope.companyID, ticketID: id, fields)
        let sale = try await sales.create(companyID: scope.companyID, userID: scope.userID, tierID: tierID, fields, grossMinor: gross)
        return EditedResponse(status: .created, response: sale)
    }

    @Sendable func replaceSale(_ request: Request, context: Context) async throws -> EventTicketSale {
        let scope = try context.tenant(permission: BasePermission.ticketsWrite)
        let id = try context.parameters.uuid("id", what: "event ticket")
        let saleID = try context.parameters.uuid("saleId", what: "sales record")
        let fields = try await request.decodeValid(as: SaleBody.self, context: context).fields
        guard try await sales.saleExists(companyID: scope.companyID, ticketID: id, id: saleID) else { throw APIError.notFound("sales record") }
        let (tierID, gross) = try await priced(scope.companyID, ticketID: id, fields)
        return try await sales.replace(companyID: scope.companyID, ticketID: id, id: saleID, tierID: tierID, fields, grossMinor: gross)
            .orNotFound("sales record")
    }

    @Sendable func deleteSale(_ request: Request, context: Context) async throws -> Response {
        let scope = try context.tenant(permission: BasePermission.ticketsWrite)
        let id = try context.parameters.uuid("id", what: "event ticket")
        let saleID = try context.parameters.uuid("saleId", what: "sales record")
        guard try await sales.delete(companyID: scope.companyID, ticketID: id, id: saleID) else { throw APIError.notFound("sales record") }
        return Response(status: .noContent)
    }

    /// multipart/form-data, the CSV in field `file`: all rows or none (422 lists every bad line).
    @Sendable func importFile(_ request: Request, context: Context) async throws -> EditedResponse<TicketImportResult> {
        let scope = try context.tenant(permission: BasePermission.ticketsWrite)
        let data = try await MultipartForm.uploadedFile(of: request, field: "file", limit: TicketCSV.maxBytes, what: "sales file")
        let rows = try TicketCSV.read(data)
        let result = try await sales.importSales(companyID: scope.companyID, userID: scope.userID, rows: rows)
        return EditedResponse(status: result.imported > 0 ? .created : .ok, response: result)
    }

    /// The tier (of this allocation) and the record's gross; 404 when the company has no such allocation, 422 on
    /// `tierId` when the allocation has no such tier.
    private func priced(_ companyID: UUID, ticketID: UUID, _ fields: SaleFields) async throws -> (UUID, Int64) {
        guard let tierID = fields.tierId, let price = try await sales.tierPrice(companyID: companyID, ticketID: ticketID, tierID: tierID) else {
            guard try await tickets.exists(companyID: companyID, id: ticketID) else { throw APIError.notFound("event ticket") }
            throw APIError.validation(field: "tierId", code: "not_found", message: "No tier with this id in this allocation.")
        }
        switch fields.gross(priceMinor: price) {
        case .success(let gross): return (tierID, gross)
        case .failure(let issue): throw APIError.validation(field: issue.field, code: issue.code, message: issue.message)
        }
    }
}

import Foundation
import HTTPTypes
import Hummingbird
import KisumKernel

/// `/api/events/{id}/…`: the bill, documents, timeline and activity log of an event (`basic.events.read` / `.write`).
struct EventDetailsRoutes: Sendable {
    typealias Context = BaseService.Context
    let events: EventsRepository
    let bill: EventBillRepository

    func addRoutes(to tenant: RouterGroup<Context>) {
        let event = tenant.group("/api/events/{id}")
        event.get("artists", use: artists)
        event.post("artists", use: addArtist)
        event.delete("artists/{artistId}", use: removeArtist)
        event.get("documents", use: documents)
        event.post("documents", use: upload)
        event.get("documents/{documentId}/download", use: download)
        event.delete("documents/{documentId}", use: deleteDocument)
        event.get("timeline", use: timeline)
        event.get("activity", use: activity)
    }

    /// The whole bill in billing order (at most 1,000 entries by the billing-order bound), as `{items,total,page,limit}`.
    @Sendable func artists(_ request: Request, context: Context) async throws -> Page<EventArtist> {
        let scope = try context.tenant(permission: BasePermission.eventsRead)
        let id = try context.parameters.uuid("id", what: "event")
        var q = QueryReader(request)
        let page = q.page(defaultLimit: 100, maxLimit: 200)
        try q.validate()
        let all = try await bill.artists(companyID: scope.companyID, eventID: id).orNotFound("event")
        let items = Array(all.dropFirst(min(page.offset, all.count)).prefix(page.limit))
        return Page(items: items, total: all.count, request: page)
    }

    /// Adds an artist (201); `billingOrder` left out puts it last. Already on the bill: 409 `artist_on_bill`.
    @Sendable func addArtist(_ request: Request, context: Context) async throws -> EditedResponse<EventArtist> {
        let scope = try context.tenant(permission: BasePermission.eventsWrite)
        let id = try context.parameters.uuid("id", what: "event")
        let body = try await request.decodeValid(as: EventArtistInput.self, context: context)
        let added = try await bill.add(companyID: scope.companyID, eventID: id, userID: scope.userID, body).orNotFound("event")
        return EditedResponse(status: .created, response: added)
    }

    @Sendable func removeArtist(_ request: Request, context: Context) async throws -> Response {
        let scope = try context.tenant(permission: BasePermission.eventsWrite)
        let id = try context.parameters.uuid("id", what: "event")
        let artistID = try context.parameters.uuid("artistId", what: "artist")
        switch try await bill.remove(companyID: scope.companyID, eventID: id, artistID: artistID, userID: scope.userID) {
        case .removed: return Response(status: .noContent)
        case .noEvent: throw APIError.notFound("event")
        case .notFound: throw APIError(.notFound, code: "artist_not_on_bill", message: "This artist is not on the event's bill.")
        }
    }

    @Sendable func documents(_ request: Request, context: Context) async throws -> Page<EventDocument> {
        let scope = try context.tenant(permission: BasePermission.eventsRead)
        let id = try context.parameters.uuid("id", what: "event")
        var q = QueryReader(request)
        let page = q.page(defaultLimit: 50, maxLimit: 200)
        try q.validate()
        let result = try await bill.documents(companyID: scope.companyID, eventID: id, page: page)
        if result.total == 0, try await !events.exists(companyID: scope.companyID, id: id) { throw APIError.notFound("event") }
        return Page(items: result.items, total: result.total, request: page)
    }

    /// multipart/form-data, the file in field `file` (≤ 10 MiB). The type is what the bytes are
    /// (`EventDocumentRules.sniff`); anything else is 422 `unsupported_document_type` on `file`, like company logos.
    @Sendable func upload(_ request: Request, context: Context) async throws -> EditedResponse<EventDocument> {
        let scope = try context.tenant(permission: BasePermission.eventsWrite)
        let id = try context.parameters.uuid("id", what: "event")
        let (fileName, bytes) = try await EventDocumentRules.upload(of: request)
        guard let type = EventDocumentRules.sniff(bytes, fileName: fileName) else {
            throw APIError.validation(field: "file", code: "unsupported_document_type",
                                      message: "Documents are PDF, PNG, JPEG, WebP, Word/Excel/PowerPoint (.docx/.xlsx/.pptx) or UTF-8 text.")
        }
        let document = try await bill.addDocument(companyID: scope.companyID, eventID: id, userID: scope.userID, fileName: fileName,
                                                  contentType: type, bytes: bytes)
        return EditedResponse(status: .created, response: try document.orNotFound("event"))
    }

    /// The stored bytes as an attachment with the sniffed type.
    @Sendable func download(_ request: Request, context: Context) async throws -> Response {
        let scope = try context.tenant(permission: BasePermission.eventsRead)
        let id = try context.parameters.uuid("id", what: "event")
        let documentID = try context.parameters.uuid("documentId", what: "document")
        guard let (name, type, bytes) = try await bill.download(companyID: scope.companyID, eventID: id, documentID: documentID) else {
            throw APIError.notFound("document")
        }
        // The name goes in RFC 6266's filename* (UTF-8, percent-encoded) so no quote or byte can break the header.
        let encoded = name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "document"
        var headers: HTTPFields = [.contentType: type, .contentDisposition: "attachment; filename*=UTF-8''\(encoded)",
                                   .cacheControl: "private, no-store"]
        if let noSniff = HTTPField.Name("X-Content-Type-Options") { headers[noSniff] = "nosniff" }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: bytes))
    }

    @Sendable func deleteDocument(_ request: Request, context: Context) async throws -> Response {
        let scope = try context.tenant(permission: BasePermission.eventsWrite)
        let id = try context.parameters.uuid("id", what: "event")
        let documentID = try context.parameters.uuid("documentId", what: "document")
        guard try await bill.deleteDocument(companyID: scope.companyID, eventID: id, documentID: documentID, userID: scope.userID) else {
            throw APIError.notFound("document")
        }
        return Response(status: .noContent)
    }

    @Sendable func timeline(_ request: Request, context: Context) async throws -> EventTimeline {
        let scope = try context.tenant(permission: BasePermission.eventsRead)
        let id = try context.parameters.uuid("id", what: "event")
        let items = try await events.timeline(companyID: scope.companyID, eventID: id).orNotFound("event")
        return EventTimeline(eventId: id, items: items)
    }

    /// Oldest first: every state-changing Events route wrote one entry in its own transaction.
    @Sendable func activity(_ request: Request, context: Context) async throws -> Page<EventActivity> {
        let scope = try context.tenant(permission: BasePermission.eventsRead)
        let id = try context.parameters.uuid("id", what: "event")
        var q = QueryReader(request)
        let page = q.page(defaultLimit: 50, maxLimit: 200)
        try q.validate()
        let result = try await events.activity(companyID: scope.companyID, eventID: id, page: page)
        if result.total == 0, try await !events.exists(companyID: scope.companyID, id: id) { throw APIError.notFound("event") }
        return Page(items: result.items, total: result.total, request: page)
    }
}

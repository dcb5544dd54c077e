import Foundation
import HTTPTypes
import Hummingbird
import KisumKernel

/// The company's contacts and documents at a venue it has linked (`/api/venues/{id}/contacts…`, `…/documents`):
/// Base's own data, so none of these calls Venue; a venue the company has not linked is 404 `venue_not_linked`.
struct VenueContactsRoutes: Sendable {
    typealias Context = BaseService.Context
    let links: VenueLinksRepository
    let contacts: VenueContactsRepository
    let documents: VenueDocumentsRepository

    func addRoutes(to tenant: RouterGroup<Context>) {
        let venues = tenant.group("/api/venues")
        venues.get("{id}/contacts", use: listContacts)
        venues.post("{id}/contacts", use: createContact)
        venues.put("{id}/contacts/{contactId}", use: replaceContact)
        venues.delete("{id}/contacts/{contactId}", use: deleteContact)
        venues.get("{id}/documents", use: listDocuments)
        venues.post("{id}/documents", use: uploadDocument)
    }

    @Sendable func listContacts(_ request: Request, context: Context) async throws -> Page<VenueContact> {
        let scope = try context.tenant(permission: BasePermission.venuesRead)
        let id = try context.parameters.uuid("id", what: "venue")
        var q = QueryReader(request)
        let page = q.page(defaultLimit: 50, maxLimit: 200)
        try q.validate()
        let result = try await contacts.list(companyID: scope.companyID, venueID: id, page: page)
        if result.total == 0, try await !links.exists(companyID: scope.companyID, venueID: id) { throw VenuesRoutes.notLinked }
        return Page(items: result.items, total: result.total, request: page)
    }

    @Sendable func createContact(_ request: Request, context: Context) async throws -> EditedResponse<VenueContact> {
        let scope = try context.tenant(permission: BasePermission.venuesWrite)
        let id = try context.parameters.uuid("id", what: "venue")
        let body = try await request.decodeValid(as: VenueContactInput.self, context: context)
        let contact = try await contacts.create(companyID: scope.companyID, venueID: id, userID: scope.userID, body)
        return EditedResponse(status: .created, response: contact)
    }

    @Sendable func replaceContact(_ request: Request, context: Context) async throws -> VenueContact {
        let scope = try context.tenant(permission: BasePermission.venuesWrite)
        let id = try context.parameters.uuid("id", what: "venue")
        let contactID = try context.parameters.uuid("contactId", what: "contact")
        let body = try await request.decodeValid(as: VenueContactInput.self, context: context)
        return try await contacts.replace(companyID: scope.companyID, venueID: id, id: contactID, body).orNotFound("contact")
    }

    @Sendable func deleteContact(_ request: Request, context: Context) async throws -> Response {
        let scope = try context.tenant(permission: BasePermission.venuesWrite)
        let id = try context.parameters.uuid("id", what: "venue")
        let contactID = try context.parameters.uuid("contactId", what: "contact")
        guard try await contacts.delete(companyID: scope.companyID, venueID: id, id: contactID) else { throw APIError.notFound("contact") }
        return Response(status: .noContent)
    }

    @Sendable func listDocuments(_ request: Request, context: Context) async throws -> Page<VenueDocument> {
        let scope = try context.tenant(permission: BasePermission.venuesRead)
        let id = try context.parameters.uuid("id", what: "venue")
        var q = QueryReader(request)
        let page = q.page(defaultLimit: 50, maxLimit: 200)
        let kind = q.oneOf("kind", VenueDocumentRules.kinds)
        try q.validate()
        let result = try await documents.list(companyID: scope.companyID, venueID: id, kind: kind, page: page)
        if result.total == 0, try await !links.exists(companyID: scope.companyID, venueID: id) { throw VenuesRoutes.notLinked }
        return Page(items: result.items, total: result.total, request: page)
    }

    /// multipart/form-data: the file in `file` (PDF, PNG, JPEG or WebP by its bytes, at most 10 MiB), optional text
    /// fields `title` (default the file name) and `kind`. Non-multipart 415, too large 413, another type 422.
    @Sendable func uploadDocument(_ request: Request, context: Context) async throws -> EditedResponse<VenueDocument> {
        let scope = try context.tenant(permission: BasePermission.venuesWrite)
        let id = try context.parameters.uuid("id", what: "venue")
        let limit = VenueDocumentRules.maxBytes
        guard let contentType = request.headers[.contentType], let boundary = MultipartForm.boundary(inContentType: contentType) else {
            throw APIError(.unsupportedMediaType, code: "unsupported_media_type", message: "Send the document as multipart/form-data (field \"file\").")
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit + 64 * 1024)
        } catch {
            throw MultipartForm.tooLarge(limit, what: "document")
        }
        let form = try MultipartForm(Array(buffer.readableBytesView), boundary: boundary)
        guard let part = form.filePart(named: "file") else {
            throw APIError.validation(field: "file", code: "required", message: "Attach the document in the \"file\" field.")
        }
        guard part.body.count <= limit else { throw MultipartForm.tooLarge(limit, what: "document") }
        let text = { (name: String) -> String? in
            form.parts.first { $0.name == name && $0.fileName == nil }.map { String(decoding: $0.body, as: UTF8.self) }
        }
        let title = text("title")
        let kind = text("kind")
        try VenueDocumentRules.validate(title: title, kind: kind)
        let bytes = Data(part.body)
        guard !bytes.isEmpty, let type = VenueDocumentRules.contentType(of: bytes) else {
            throw APIError(.unprocessableContent, code: "unsupported_media_type", message: "Upload a PDF, PNG, JPEG or WebP file.",
                           details: [FieldIssue(field: "file", code: "unsupported_media_type", message: "Upload a PDF, PNG, JPEG or WebP file.")])
        }
        let fileName = part.fileName.map { VenueLinkRules.clip($0, 255) }.flatMap { $0.isEmpty ? nil : $0 }
        let resolvedTitle = (title?.trimmingCharacters(in: .whitespacesAndNewlines)).flatMap { $0.isEmpty ? nil : $0 }
            ?? fileName.map { VenueLinkRules.clip($0, 200) } ?? "Document"
        guard let document = try await documents.create(companyID: scope.companyID, venueID: id, userID: scope.userID, title: resolvedTitle,
                                                        kind: kind ?? "other", fileName: fileName, contentType: type, bytes: bytes) else {
            throw VenuesRoutes.notLinked
        }
        return EditedResponse(status: .created, response: document)
    }
}

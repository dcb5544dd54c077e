import Foundation
import HTTPTypes
import Hummingbird
import KisumKernel
import KisumPdf

/// `/api/agreements`: agreements made from accepted offers, their generated PDF (`basic.agreements.read` /
/// `.write`). The files attached by kind are in `AgreementAssetsRoutes`.
struct AgreementsRoutes: Sendable {
    typealias Context = BaseService.Context
    let repository: AgreementsRepository

    func addRoutes(to tenant: RouterGroup<Context>) {
        let agreements = tenant.group("/api/agreements")
        agreements.get("", use: list)
        agreements.post("create", use: create)
        agreements.post("create/pdf/{offerId}", use: generatePdf)
        agreements.delete("delete/pdf/{offerId}", use: deletePdf)
        agreements.get("{id}", use: get)
        agreements.put("{id}", use: replace)
        agreements.get("{id}/pdf", use: downloadPdf)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Page<Agreement> {
        let scope = try context.tenant(permission: BasePermission.agreementsRead)
        var q = QueryReader(request)
        let page = q.page(defaultLimit: 50, maxLimit: 200)
        var filter = AgreementFilter(status: q.oneOf("status", AgreementStatus.all), artistID: q.uuid("artistId"), offerID: q.uuid("offerId"),
                                     eventID: q.uuid("eventId"), from: q.calendarDate("from"), to: q.calendarDate("to"), search: q.search("q"))
        if let sort = q.oneOf("sort", AgreementFilter.sorts) { filter.sort = sort }
        try q.validate()
        let result = try await repository.list(companyID: scope.companyID, filter, page: page)
        return Page(items: result.items, total: result.total, request: page)
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> EditedResponse<Agreement> {
        let scope = try context.tenant(permission: BasePermission.agreementsWrite)
        let body = try await request.decodeValid(as: CreateAgreement.self, context: context)
        let agreement = try await repository.create(companyID: scope.companyID, userID: scope.userID, body)
        return EditedResponse(status: .created, response: agreement)
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> Agreement {
        let scope = try context.tenant(permission: BasePermission.agreementsRead)
        let id = try context.parameters.uuid("id", what: "agreement")
        return try await repository.get(companyID: scope.companyID, id: id).orNotFound("agreement")
    }

    @Sendable func replace(_ request: Request, context: Context) async throws -> Agreement {
        let scope = try context.tenant(permission: BasePermission.agreementsWrite)
        let id = try context.parameters.uuid("id", what: "agreement")
        let body = try await request.decodeValid(as: ReplaceAgreement.self, context: context)
        return try await repository.replace(companyID: scope.companyID, id: id, body).orNotFound("agreement")
    }

    /// Generates (or regenerates) the PDF of the offer's agreement from its stored snapshot and stores it. The
    /// document is rendered outside any lock and stored only if the agreement did not change meanwhile.
    @Sendable func generatePdf(_ request: Request, context: Context) async throws -> Agreement {
        let scope = try context.tenant(permission: BasePermission.agreementsWrite)
        let offerID = try context.parameters.uuid("offerId", what: "offer")
        switch try await repository.documentSource(companyID: scope.companyID, offerID: offerID) {
        case .noOffer:
            throw APIError.notFound("offer")
        case .noAgreement:
            throw APIError.conflict("agreement_required", "The offer has no agreement yet: create it with POST /api/agreements/create.")
        case .agreement(let agreement, let source):
            guard agreement.status != "signed" else {
                throw APIError.conflict("agreement_signed", "A signed agreement keeps the document it was signed on.")
            }
            let generatedAt = Date()
            let bytes = try await DealDocuments.agreement(source, generatedAt: generatedAt).render()
            guard let stored = try await repository.storePdf(companyID: scope.companyID, id: agreement.id, renderedFrom: agreement.version,
                                                             bytes: bytes, generatedAt: generatedAt) else {
                throw APIError.conflict("concurrent_update", "The agreement changed while its document was generated; generate again.")
            }
            return stored
        }
    }

    @Sendable func deletePdf(_ request: Request, context: Context) async throws -> Response {
        let scope = try context.tenant(permission: BasePermission.agreementsWrite)
        let offerID = try context.parameters.uuid("offerId", what: "offer")
        switch try await repository.deletePdf(companyID: scope.companyID, offerID: offerID) {
        case .noOffer: throw APIError.notFound("offer")
        case .noAgreement: throw APIError(.notFound, code: "agreement_not_found", message: "The offer has no agreement.")
        case .noPdf: throw APIError(.notFound, code: "pdf_not_found", message: "The agreement has no generated PDF.")
        case .signed: throw APIError.conflict("agreement_signed", "A signed agreement keeps the document it was signed on.")
        case .deleted: return Response(status: .noContent)
        }
    }

    /// The stored PDF as an attachment, with its SHA-256 as ETag.
    @Sendable func downloadPdf(_ request: Request, context: Context) async throws -> Response {
        let scope = try context.tenant(permission: BasePermission.agreementsRead)
        let id = try context.parameters.uuid("id", what: "agreement")
        let stored = try await repository.pdf(companyID: scope.companyID, id: id).orNotFound("agreement")
        guard let bytes = stored.bytes, let sha = stored.sha256 else {
            throw APIError(.notFound, code: "pdf_not_found", message: "The agreement has no generated PDF: POST /api/agreements/create/pdf/{offerId}.")
        }
        return FileResponse.attachment(bytes, contentType: PdfDocument.contentType, fileName: "agreement-\(stored.title).pdf", sha256: sha)
    }
}

/// A stored file sent back as a download: private to the tenant, never sniffed or run by a browser.
enum FileResponse {
    static func attachment(_ bytes: ByteBuffer, contentType: String, fileName: String, sha256: String) -> Response {
        var headers: HTTPFields = [.contentType: contentType, .eTag: "\"\(sha256)\"", .cacheControl: "private, no-cache",
                                   .contentDisposition: disposition(fileName), .contentSecurityPolicy: "default-src 'none'",
                                   .contentLength: String(bytes.readableBytes)]
        if let noSniff = HTTPField.Name("X-Content-Type-Options") { headers[noSniff] = "nosniff" }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: bytes))
    }

    /// `attachment` with an ASCII `filename` (letters, digits, `.-_`; others become `-`) and the full name as
    /// RFC 5987 `filename*` (UTF-8, percent-encoded), which every current browser prefers.
    static func disposition(_ fileName: String) -> String {
        let ascii = String(fileName.unicodeScalars.map { scalar -> Character in
            scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || ".-_".unicodeScalars.contains(scalar)) ? Character(scalar) : "-"
        }).split(separator: "-", omittingEmptySubsequences: true).joined(separator: "-")
        let fallback = ascii.isEmpty || ascii.hasPrefix(".") ? "file" : String(ascii.prefix(120))
        let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        let encoded = fileName.addingPercentEncoding(withAllowedCharacters: unreserved) ?? fallback
        return "attachment; filename=\"\(fallback)\"; filename*=UTF-8''\(encoded)"
    }
}

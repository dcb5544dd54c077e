import Foundation
import Hummingbird
import KisumKernel
import KisumPdf

/// `GET /api/offer/{id}/pdf` (`basic.offers.read`): the offer as a document, rendered on request from the stored
/// offer (never stored: an offer changes until it is accepted, and its agreement keeps the PDF that matters).
/// Here rather than in Offers/ because it is a document built with the agreement's layout.
struct OfferPdfRoutes: Sendable {
    typealias Context = BaseService.Context
    let repository: OfferPdfRepository

    func addRoutes(to tenant: RouterGroup<Context>) {
        let offers = tenant.group("/api/offer")
        offers.get("{id}/pdf", use: pdf)
    }

    @Sendable func pdf(_ request: Request, context: Context) async throws -> Response {
        let scope = try context.tenant(permission: BasePermission.offersRead)
        let id = try context.parameters.uuid("id", what: "offer")
        let source = try await repository.source(companyID: scope.companyID, offerID: id).orNotFound("offer")
        let bytes = try await DealDocuments.offer(source, generatedAt: Date()).render()
        var response = FileResponse.attachment(ByteBuffer(bytes: bytes), contentType: PdfDocument.contentType,
                                               fileName: "offer-\(source.artistName)-\(source.eventDate).pdf", sha256: "")
        // Rendered per request: there is no stable version to tag.
        response.headers[.eTag] = nil
        return response
    }
}

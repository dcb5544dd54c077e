import Foundation
import HTTPTypes
import Hummingbird
import KisumKernel

/// Attachments of income lines (`/api/event-income/{id}/attachments…`, `basic.income.*`) and of estimated
/// expense lines (`/api/event-expense/{id}/attachments…`, `basic.expenses.*`): upload (multipart), list,
/// download, delete. The income lines themselves are Event Income's routes.
struct MoneyAttachmentsRoutes: Sendable {
    typealias Context = BaseService.Context
    let repository: MoneyAttachmentsRepository

    func addRoutes(to tenant: RouterGroup<Context>) {
        let income = tenant.group("/api/event-income")
        income.get("{id}/attachments", use: { try await list(.income, $0, $1) })
        income.post("{id}/attachments", use: { try await upload(.income, $0, $1) })
        income.get("{id}/attachments/{attachmentId}/download", use: { try await download(.income, $0, $1) })
        income.delete("{id}/attachments/{attachmentId}", use: { try await delete(.income, $0, $1) })
        let expense = tenant.group("/api/event-expense")
        expense.get("{id}/attachments", use: { try await list(.expense, $0, $1) })
        expense.post("{id}/attachments", use: { try await upload(.expense, $0, $1) })
        expense.get("{id}/attachments/{attachmentId}/download", use: { try await download(.expense, $0, $1) })
        expense.delete("{id}/attachments/{attachmentId}", use: { try await delete(.expense, $0, $1) })
    }

    @Sendable func list(_ owner: MoneyAttachmentOwner, _ request: Request, _ context: Context) async throws -> Page<MoneyAttachment> {
        let scope = try context.tenant(permission: owner.readPermission)
        let id = try context.parameters.uuid("id", what: owner.what)
        var q = QueryReader(request)
        let page = q.page(defaultLimit: 50, maxLimit: 200)
        try q.validate()
        let result = try await repository.list(owner, companyID: scope.companyID, ownerID: id, page: page)
        if result.total == 0, try await !repository.ownerExists(owner, companyID: scope.companyID, ownerID: id) {
            throw APIError.notFound(owner.what)
        }
        return Page(items: result.items, total: result.total, request: page)
    }

    /// multipart/form-data, the file in field `file` (`MoneyAttachmentRules`); 201 with the stored attachment.
    @Sendable func upload(_ owner: MoneyAttachmentOwner, _ request: Request, _ context: Context) async throws -> EditedResponse<MoneyAttachment> {
        let scope = try context.tenant(permission: owner.writePermission)
        let id = try context.parameters.uuid("id", what: owner.what)
        let file = try await MoneyAttachmentRules.upload(of: request)
        let attachment = try await repository.add(owner, companyID: scope.companyID, ownerID: id, userID: scope.userID, fileName: file.fileName,
                                                  contentType: file.contentType, bytes: file.bytes)
        return EditedResponse(status: .created, response: try attachment.orNotFound(owner.what))
    }

    /// The stored bytes as an attachment with the sniffed type (never rendered inline: `nosniff`, no cache).
    @Sendable func download(_ owner: MoneyAttachmentOwner, _ request: Request, _ context: Context) async throws -> Response {
        let scope = try context.tenant(permission: owner.readPermission)
        let id = try context.parameters.uuid("id", what: owner.what)
        let attachmentID = try context.parameters.uuid("attachmentId", what: "attachment")
        guard let (name, type, bytes) = try await repository.download(owner, companyID: scope.companyID, ownerID: id, id: attachmentID) else {
            throw APIError.notFound("attachment")
        }
        // RFC 6266's filename* (UTF-8, percent-encoded): no quote or byte of the name can break the header.
        let encoded = name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "attachment"
        var headers: HTTPFields = [.contentType: type, .contentDisposition: "attachment; filename*=UTF-8''\(encoded)",
                                   .cacheControl: "private, no-store"]
        if let noSniff = HTTPField.Name("X-Content-Type-Options") { headers[noSniff] = "nosniff" }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: bytes))
    }

    @Sendable func delete(_ owner: MoneyAttachmentOwner, _ request: Request, _ context: Context) async throws -> Response {
        let scope = try context.tenant(permission: owner.writePermission)
        let id = try context.parameters.uuid("id", what: owner.what)
        let attachmentID = try context.parameters.uuid("attachmentId", what: "attachment")
        guard try await repository.delete(owner, companyID: scope.companyID, ownerID: id, id: attachmentID) else {
            throw APIError.notFound("attachment")
        }
        return Response(status: .noContent)
    }
}

import Foundation
import Hummingbird
import KisumKernel

/// A receipt, contract or invoice attached to an income line or an estimated expense line (`money_attachments`,
/// 0017), without its bytes.
public struct MoneyAttachment: ResponseEncodable, Sendable, Equatable {
    public var id: UUID
    /// `income` or `expense`: what `ownerId` names.
    public var ownerType: String
    public var ownerId: UUID
    public var fileName: String
    /// What the bytes are (sniffed on upload), not what the client declared.
    public var contentType: String
    public var sizeBytes: Int
    /// Hex SHA-256 of the bytes, computed by the database.
    public var sha256: String
    public var createdBy: UUID?
    public var createdAt: Date
}

/// The line an attachment hangs off. The table names come from here, never from the request.
enum MoneyAttachmentOwner: String, Sendable {
    case income, expense

    var table: String { self == .income ? "event_income" : "event_expenses" }
    var column: String { self == .income ? "income_id" : "expense_id" }
    var what: String { self == .income ? "income line" : "expense" }
    var readPermission: String { self == .income ? BasePermission.incomeRead : BasePermission.expensesRead }
    var writePermission: String { self == .income ? BasePermission.incomeWrite : BasePermission.expensesWrite }
}

/// The upload rules: the event documents' (`EventDocumentRules`): multipart field `file`, at most 10 MiB (413),
/// and a type recognised from the bytes — PDF, PNG, JPEG, WebP, .docx/.xlsx/.pptx or UTF-8 text (CSV when named
/// .csv); anything else is 422 `unsupported_file_type` on `file`.
enum MoneyAttachmentRules {
    static let maxBytes = EventDocumentRules.maxBytes

    static func upload(of request: Request) async throws -> (fileName: String, contentType: String, bytes: Data) {
        let (fileName, bytes) = try await EventDocumentRules.upload(of: request)
        guard let type = EventDocumentRules.sniff(bytes, fileName: fileName) else {
            throw APIError.validation(field: "file", code: "unsupported_file_type",
                                      message: "Attachments are PDF, PNG, JPEG, WebP, Word/Excel/PowerPoint (.docx/.xlsx/.pptx) or UTF-8 text.")
        }
        return (fileName, type, bytes)
    }
}

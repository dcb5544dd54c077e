import Foundation
import Hummingbird
import KisumKernel

/// A file attached to an event (contract, rider, tech spec, artwork), without its bytes.
public struct EventDocument: ResponseEncodable, Sendable, Equatable {
    public var id: UUID
    public var eventId: UUID
    public var fileName: String
    /// What the bytes are (sniffed on upload), not what the client declared.
    public var contentType: String
    public var sizeBytes: Int
    /// Hex SHA-256 of the bytes.
    public var sha256: String
    public var uploadedBy: UUID
    public var uploadedAt: Date
}

/// The upload rules of event documents: at most 10 MiB, and a type recognised from the bytes.
enum EventDocumentRules {
    static let maxBytes = 10 * 1024 * 1024

    /// The multipart part `file` with its file name (`document` when the part has none, path parts dropped).
    /// Errors as `MultipartForm.uploadedFile`: 415 not multipart, 413 too large, 400 malformed, 422 no file.
    static func upload(of request: Request) async throws -> (fileName: String, bytes: Data) {
        guard let contentType = request.headers[.contentType], let boundary = MultipartForm.boundary(inContentType: contentType) else {
            throw APIError(.unsupportedMediaType, code: "unsupported_media_type", message: "Send the document as multipart/form-data (field \"file\").")
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: maxBytes + 64 * 1024)
        } catch {
            throw MultipartForm.tooLarge(maxBytes, what: "document")
        }
        let form = try MultipartForm(Array(body.readableBytesView), boundary: boundary)
        guard let part = form.filePart(named: "file") else {
            throw APIError.validation(field: "file", code: "required", message: "Attach the document in the \"file\" field.")
        }
        guard part.body.count <= maxBytes else { throw MultipartForm.tooLarge(maxBytes, what: "document") }
        guard !part.body.isEmpty else { throw APIError.validation(field: "file", code: "empty", message: "The document is empty.") }
        return (fileName(part.fileName), Data(part.body))
    }

    /// The last path component of the sent name, without control characters, at most 200 characters.
    static func fileName(_ sent: String?) -> String {
        let last = (sent ?? "").split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let clean = String(String.UnicodeScalarView(last.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }.prefix(200)))
            .trimmingCharacters(in: .whitespaces)
        return clean.isEmpty ? "document" : clean
    }

    /// The type the bytes are: PDF, PNG, JPEG, WebP, an Office Open XML file (a ZIP named .docx/.xlsx/.pptx) or
    /// UTF-8 text (CSV when named .csv). Nil for anything else (an executable, a bare archive …).
    static func sniff(_ data: Data, fileName: String) -> String? {
        let head = [UInt8](data.prefix(8))
        if head.starts(with: Array("%PDF-".utf8)) { return "application/pdf" }
        if let image = ImageType.sniff(data) { return image.contentType }
        let lower = fileName.lowercased()
        if head.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
            if lower.hasSuffix(".docx") { return "application/vnd.openxmlformats-officedocument.wordprocessingml.document" }
            if lower.hasSuffix(".xlsx") { return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" }
            if lower.hasSuffix(".pptx") { return "application/vnd.openxmlformats-officedocument.presentationml.presentation" }
            return nil
        }
        guard let text = String(data: data, encoding: .utf8),
              text.unicodeScalars.allSatisfy({ $0.value >= 0x20 || $0 == "\t" || $0 == "\n" || $0 == "\r" }) else { return nil }
        return lower.hasSuffix(".csv") ? "text/csv" : "text/plain"
    }
}

import Foundation
import Hummingbird
import KisumKernel
import KisumStorage
import NIOCore

/// An uploaded file's record (`files`, 0027), without its bytes or where they are stored.
public struct StoredFile: ResponseEncodable, Sendable, Equatable {
    public var id: UUID
    /// The sent file name without its path.
    public var name: String
    /// What the bytes are (`ContentSniffer`), not what the client declared.
    public var contentType: String
    public var size: Int64
    /// Hex SHA-256 of the bytes.
    public var sha256: String
    /// The event the file belongs to, if any.
    public var eventId: UUID?
    public var uploadedBy: UUID
    public var createdAt: Date
}

/// A file taken from a multipart request and checked: its name, its bytes and what they are.
struct CheckedUpload: Sendable {
    var fileName: String
    var bytes: Data
    var type: SniffedType
    /// The other text parts (`eventId`, Nextcloud's `path`), by name.
    var fields: [String: String]

    var sha256: String { ContentDigest.sha256Hex(bytes) }
}

/// The upload rules shared by Files and Nextcloud: multipart field `file`, at most `FILES_MAX_BYTES` (413
/// `file_too_large`), a type recognised from the bytes and allowed by `FILES_ALLOWED_TYPES` (415
/// `unsupported_file_type`), not empty (422). Not multipart → 415 `unsupported_media_type`; malformed → 400.
enum UploadRules {
    static let maxFieldBytes = 2048

    static func read(_ request: Request, settings: FilesSettings, textFields: Set<String>) async throws -> CheckedUpload {
        guard let contentType = request.headers[.contentType], let boundary = MultipartForm.boundary(inContentType: contentType) else {
            throw APIError(.unsupportedMediaType, code: "unsupported_media_type", message: "Send the file as multipart/form-data (field \"file\").")
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: settings.maxBytes + 64 * 1024)
        } catch {
            throw tooLarge(settings.maxBytes)
        }
        let form = try MultipartForm(Array(body.readableBytesView), boundary: boundary)
        guard let part = form.parts.first(where: { $0.name == "file" }) else {
            throw APIError.validation(field: "file", code: "required", message: "Attach the file in the \"file\" field.")
        }
        guard part.body.count <= settings.maxBytes else { throw tooLarge(settings.maxBytes) }
        guard !part.body.isEmpty else { throw APIError.validation(field: "file", code: "empty", message: "The file is empty.") }
        let bytes = Data(part.body)
        guard let type = ContentSniffer.sniff(bytes), settings.allowedTypes.contains(type) else {
            let allowed = SniffedType.allCases.filter(settings.allowedTypes.contains).map(\.rawValue).joined(separator: ", ")
            throw APIError(.unsupportedMediaType, code: "unsupported_file_type",
                           message: "The file's content is not a type accepted here (\(allowed)); its name and declared type are not consulted.")
        }
        var fields: [String: String] = [:]
        for field in textFields {
            guard let value = form.parts.first(where: { $0.name == field && $0.fileName == nil }) else { continue }
            guard value.body.count <= maxFieldBytes, let text = String(validating: value.body, as: UTF8.self) else {
                throw APIError.validation(field: field, code: "invalid", message: "At most \(maxFieldBytes) bytes of UTF-8 text.")
            }
            fields[field] = text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return CheckedUpload(fileName: fileName(part.fileName, type: type), bytes: bytes, type: type, fields: fields)
    }

    /// The last path component of the sent name, without control characters, at most 200 characters; without
    /// one, `file.<extension of the sniffed type>`.
    static func fileName(_ sent: String?, type: SniffedType) -> String {
        let last = (sent ?? "").split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let clean = String(String.UnicodeScalarView(last.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }.prefix(200)))
            .trimmingCharacters(in: .whitespaces)
        return clean.isEmpty || clean == "." || clean == ".." ? "file.\(type.fileExtension)" : clean
    }

    static func tooLarge(_ limit: Int) -> APIError {
        APIError(.contentTooLarge, code: "file_too_large", message: "The file is larger than \(limit / 1024) KiB.")
    }
}

import Foundation
import Hummingbird
import NIOCore

/// Image types accepted for uploads (Platform Core's avatars, Base's company logos), recognised by their
/// first bytes: the declared Content-Type and the file name are the client's word, the bytes are not.
public enum ImageType: String, Sendable, CaseIterable {
    case png, jpeg, webp

    public var contentType: String {
        switch self {
        case .png: return "image/png"
        case .jpeg: return "image/jpeg"
        case .webp: return "image/webp"
        }
    }

    public var fileExtension: String { self == .jpeg ? "jpg" : rawValue }

    public static func sniff(_ data: Data) -> ImageType? {
        let bytes = [UInt8](data.prefix(12))
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        if bytes.count >= 12, bytes[0..<4].elementsEqual("RIFF".utf8), bytes[8..<12].elementsEqual("WEBP".utf8) { return .webp }
        return nil
    }

    public init?(fileExtension: String) {
        switch fileExtension {
        case "png": self = .png
        case "jpg", "jpeg": self = .jpeg
        case "webp": self = .webp
        default: return nil
        }
    }

    /// By stored content type (`image/png` …), for serving back what an upload recorded.
    public init?(contentType: String) {
        guard let type = Self.allCases.first(where: { $0.contentType == contentType }) else { return nil }
        self = type
    }
}

extension MultipartForm {
    /// The part named `field` (or, without one, the first part with a filename) of a `multipart/form-data`
    /// request, reading at most a little more than `limit` bytes so an oversized upload is refused without
    /// buffering it whole. Not multipart → 415 `unsupported_media_type`; larger than `limit` → 413
    /// `payload_too_large`; a malformed body → 400 `invalid_multipart`; no such part → 422 `required`.
    /// What the file must be (an image, a PDF …) is the caller's check.
    public static func uploadedFile(of request: Request, field: String = "file", limit: Int, what: String = "file") async throws -> Data {
        guard let contentType = request.headers[.contentType], let boundary = boundary(inContentType: contentType) else {
            throw APIError(.unsupportedMediaType, code: "unsupported_media_type",
                           message: "Send the \(what) as multipart/form-data (field \"\(field)\").")
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: limit + 64 * 1024)
        } catch {
            throw tooLarge(limit, what: what)
        }
        let form = try MultipartForm(Array(body.readableBytesView), boundary: boundary)
        guard let chosen = form.filePart(named: field) else {
            throw APIError.validation(field: field, code: "required", message: "Attach the \(what) in the \"\(field)\" field.")
        }
        guard chosen.body.count <= limit else { throw tooLarge(limit, what: what) }
        return Data(chosen.body)
    }

    /// 413 `payload_too_large` naming the limit.
    public static func tooLarge(_ limit: Int, what: String = "file") -> APIError {
        APIError(.contentTooLarge, code: "payload_too_large", message: "The \(what) is larger than \(limit / 1024) KiB.")
    }
}

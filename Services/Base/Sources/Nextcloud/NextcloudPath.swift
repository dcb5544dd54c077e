import Foundation
import KisumKernel

/// A path in the Nextcloud account's files, relative to its root: `/`-separated segments, none empty, `.` or
/// `..`, no NUL or other control character, no backslash, at most 1,024 bytes (255 per segment). The empty
/// path is the root (listing only). Each segment is percent-encoded on its own when the URL is built, so a
/// name with `?`, `#` or `%` stays a name.
struct NextcloudPath: Sendable, Equatable {
    static let maxBytes = 1024
    static let maxSegmentBytes = 255
    let segments: [String]

    var isRoot: Bool { segments.isEmpty }
    var text: String { segments.joined(separator: "/") }
    var name: String { segments.last ?? "" }
    /// The folder holding this path; nil for the root and top-level names.
    var parent: NextcloudPath? { segments.count > 1 ? NextcloudPath(segments: Array(segments.dropLast())) : nil }

    private init(segments: [String]) { self.segments = segments }

    /// 422 `invalid_path` on `field` for anything else; a leading `/` is refused rather than guessed at.
    init(_ raw: String, field: String = "path", allowRoot: Bool) throws {
        func invalid(_ message: String) -> APIError { .validation(field: field, code: "invalid_path", message: message) }
        guard raw.utf8.count <= Self.maxBytes else { throw invalid("At most \(Self.maxBytes) bytes.") }
        if raw.isEmpty {
            guard allowRoot else { throw invalid("A file path, e.g. Documents/rider.pdf.") }
            segments = []
            return
        }
        guard !raw.hasPrefix("/") else { throw invalid("Relative to the account's files: no leading /.") }
        guard !raw.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F || $0 == "\\" }) else {
            throw invalid("No control characters or backslashes.")
        }
        // One trailing `/` names a folder the same way as without it.
        let trimmed = raw.hasSuffix("/") ? String(raw.dropLast()) : raw
        let parts = trimmed.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.allSatisfy({ !$0.isEmpty }) else { throw invalid("No empty segments (//).") }
        guard parts.allSatisfy({ $0 != "." && $0 != ".." }) else { throw invalid("No . or .. segments.") }
        guard parts.allSatisfy({ $0.utf8.count <= Self.maxSegmentBytes }) else { throw invalid("At most \(Self.maxSegmentBytes) bytes per segment.") }
        segments = parts
    }

    /// `a%20b/c.pdf`: every segment percent-encoded (RFC 3986 unreserved characters kept), slashes between.
    var encoded: String {
        segments.map { $0.addingPercentEncoding(withAllowedCharacters: Self.unreserved) ?? "" }.joined(separator: "/")
    }

    static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
}

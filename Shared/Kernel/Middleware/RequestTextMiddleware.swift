import HTTPTypes
import Hummingbird

/// Refuses a request whose path, query or headers carry U+0000 or bytes that are not UTF-8 once
/// percent-decoded: 400 `invalid_text`, before any handler or SQL sees them.
///
/// PostgreSQL `text` cannot hold NUL (a search for `%00` answered 500), and Hummingbird decodes an
/// invalid sequence to U+FFFD, so a value would be stored or matched as something the caller never
/// sent. JSON bodies get the same rule in `decodeJSON` (`TextSafety.jsonEscapesNUL`).
public struct RequestTextMiddleware<Context: KisumRequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let problem = Self.problem(in: request) { throw problem }
        return try await next(request, context)
    }

    static func problem(in request: Request) -> APIError? {
        if !TextSafety.isCleanPercentEncoded(request.uri.path.utf8) {
            return TextSafety.refusal(field: "path")
        }
        if let query = request.uri.query, !TextSafety.isCleanPercentEncoded(query.utf8) {
            return TextSafety.refusal(field: "query")
        }
        // Header values arrive as Swift strings (already valid UTF-8), so NUL is the only thing to refuse.
        for field in request.headers where field.value.utf8.contains(0) {
            return TextSafety.refusal(field: "header \(field.name.canonicalName)")
        }
        return nil
    }
}

/// The one rule for text from a request: valid UTF-8 without U+0000.
public enum TextSafety {
    public static func refusal(field: String) -> APIError {
        .badRequest("invalid_text", "Text in the request must be UTF-8 without NUL characters.",
                    details: [FieldIssue(field: field, code: "invalid_text", message: "Contains a NUL character or invalid UTF-8.")])
    }

    /// Valid UTF-8 with no zero byte.
    public static func isClean(_ bytes: some Collection<UInt8>) -> Bool {
        !bytes.contains(0) && (bytes.allSatisfy { $0 < 0x80 } || String(validating: bytes, as: UTF8.self) != nil)
    }

    /// `isClean` after percent-decoding; a malformed escape stays as its literal characters, as
    /// Hummingbird keeps it.
    public static func isCleanPercentEncoded(_ raw: some Collection<UInt8>) -> Bool {
        // The common case (plain ASCII, no escapes) is answered without copying: this runs on every request.
        guard raw.contains(where: { $0 == 0x25 || $0 >= 0x80 || $0 == 0 }) else { return true }
        let bytes = Array(raw)
        var decoded: [UInt8] = []
        decoded.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == 0x25, index + 2 < bytes.count,
               let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2]) {
                decoded.append(high << 4 | low)
                index += 3
            } else {
                decoded.append(bytes[index])
                index += 1
            }
        }
        return isClean(decoded)
    }

    /// True when a JSON text holds a `\u0000` escape inside a string (a raw NUL byte is already
    /// invalid JSON). Escaped backslashes are followed, so `"\\u0000"` (a backslash and "u0000") passes.
    public static func jsonEscapesNUL(_ bytes: some Sequence<UInt8>) -> Bool {
        var inString = false
        var escaping = false
        var unicodeDigits: [UInt8] = []
        var readingUnicode = false
        for byte in bytes {
            if readingUnicode {
                unicodeDigits.append(byte)
                if unicodeDigits.count == 4 {
                    if unicodeDigits.allSatisfy({ $0 == 0x30 }) { return true }
                    readingUnicode = false
                    unicodeDigits.removeAll(keepingCapacity: true)
                }
            } else if escaping {
                escaping = false
                if byte == 0x75 { readingUnicode = true } // \u
            } else if inString {
                if byte == 0x5C { escaping = true } else if byte == 0x22 { inString = false }
            } else if byte == 0x22 {
                inString = true
            }
        }
        return false
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: return byte - 0x30
        case 0x41...0x46: return byte - 0x41 + 10
        case 0x61...0x66: return byte - 0x61 + 10
        default: return nil
        }
    }
}

/// A `multipart/form-data` body (RFC 7578 over RFC 2046) split into its parts.
///
/// Ours rather than multipart-kit's parser: that one trapped (an array index out of range) on a part
/// header byte ≥ 0x80, so one request took the whole process down (issue 16). Every index here is
/// bounded by the loop that produces it, every malformed input is a 400 `invalid_multipart`, and the
/// part count and header size are capped before anything is kept.
public struct MultipartForm: Sendable {
    public struct Part: Sendable {
        /// Header names in lower case; values as sent (valid UTF-8, no control characters).
        public var headers: [String: String]
        public var body: ArraySlice<UInt8>

        /// `name` of the part's `Content-Disposition: form-data; name="…"`.
        public var name: String? { dispositionParameter("name") }
        /// `filename` of the part's `Content-Disposition`, when the part is a file.
        public var fileName: String? { dispositionParameter("filename") }

        func dispositionParameter(_ wanted: String) -> String? {
            guard let disposition = headers["content-disposition"] else { return nil }
            return MultipartForm.parameters(of: disposition)[wanted]
        }
    }

    public var parts: [Part]

    /// Splits `body` at `boundary`. At most `maxParts` parts, each with at most `maxHeaderBytes` of headers.
    public init(_ body: [UInt8], boundary: String, maxParts: Int = 16, maxHeaderBytes: Int = 8 * 1024) throws {
        let delimiter = Array("--\(boundary)".utf8)
        let crlf: [UInt8] = [13, 10]
        var parts: [Part] = []
        // The first delimiter opens the body or follows the preamble's CRLF.
        guard var position = Self.find(delimiter, in: body, from: 0, atLineStart: true) else {
            throw Self.invalid("The body has no part opened by its boundary.")
        }
        position += delimiter.count
        while true {
            if Self.matches([45, 45], in: body, at: position) { break } // "--": the close delimiter
            // Transport padding (spaces, tabs) may follow a delimiter before its CRLF.
            while position < body.count, body[position] == 32 || body[position] == 9 { position += 1 }
            guard Self.matches(crlf, in: body, at: position) else {
                throw Self.invalid("A boundary line is not followed by a line break.")
            }
            position += 2
            guard parts.count < maxParts else { throw Self.invalid("At most \(maxParts) parts.") }
            let headerEnd: Int
            let bodyStart: Int
            if Self.matches(crlf, in: body, at: position) {
                headerEnd = position
                bodyStart = position + 2
            } else {
                guard let end = Self.find([13, 10, 13, 10], in: body, from: position, limit: maxHeaderBytes) else {
                    throw Self.invalid("A part's headers are unterminated or longer than \(maxHeaderBytes) bytes.")
                }
                headerEnd = end
                bodyStart = end + 4
            }
            let headers = try Self.headers(body[position..<headerEnd])
            guard let next = Self.find(crlf + delimiter, in: body, from: bodyStart) else {
                throw Self.invalid("A part is not closed by the boundary.")
            }
            parts.append(Part(headers: headers, body: body[bodyStart..<next]))
            position = next + 2 + delimiter.count
        }
        self.parts = parts
    }

    /// The `boundary` parameter of a `multipart/form-data` content type, if it is a valid RFC 2046
    /// boundary (1–70 characters from its safe set).
    public static func boundary(inContentType contentType: String) -> String? {
        let lowered = contentType.lowercased()
        guard lowered.hasPrefix("multipart/form-data"), let boundary = parameters(of: contentType)["boundary"],
              (1...70).contains(boundary.utf8.count), boundary.utf8.last != 32,
              boundary.utf8.allSatisfy(isBoundaryByte)
        else { return nil }
        return boundary
    }

    /// The first part named `name`, else the first file part: what an upload form sends.
    public func filePart(named name: String) -> Part? {
        parts.first { $0.name == name } ?? parts.first { $0.fileName != nil }
    }

    // MARK: - Parsing helpers (every index checked against the buffer's count)

    static func invalid(_ message: String) -> APIError {
        APIError.badRequest("invalid_multipart", "The multipart body could not be read: \(message)")
    }

    static func matches(_ pattern: [UInt8], in bytes: [UInt8], at position: Int) -> Bool {
        guard position >= 0, pattern.count <= bytes.count - position else { return false }
        for offset in 0..<pattern.count where bytes[position + offset] != pattern[offset] { return false }
        return true
    }

    /// First index ≥ `from` where `pattern` starts (within `limit` bytes of `from` when given);
    /// with `atLineStart`, only at 0 or right after a CRLF.
    static func find(_ pattern: [UInt8], in bytes: [UInt8], from: Int, limit: Int? = nil, atLineStart: Bool = false) -> Int? {
        guard let first = pattern.first, from >= 0 else { return nil }
        var last = bytes.count - pattern.count
        if let limit { last = min(last, from + limit) }
        for index in stride(from: from, through: last, by: 1) where bytes[index] == first {
            if atLineStart, index != 0, !(index >= 2 && bytes[index - 2] == 13 && bytes[index - 1] == 10) { continue }
            if matches(pattern, in: bytes, at: index) { return index }
        }
        return nil
    }

    /// `Name: value` lines separated by CRLF; names are RFC 9110 tokens, values UTF-8 without controls.
    static func headers(_ block: ArraySlice<UInt8>) throws -> [String: String] {
        var headers: [String: String] = [:]
        guard !block.isEmpty else { return headers }
        let bytes = Array(block)
        var lineStart = 0
        while lineStart <= bytes.count {
            let lineEnd = find([13, 10], in: bytes, from: lineStart) ?? bytes.count
            let line = bytes[lineStart..<lineEnd]
            guard let colon = line.firstIndex(of: 58), colon > line.startIndex,
                  line[line.startIndex..<colon].allSatisfy(isTokenByte)
            else { throw invalid("A part header line is not `Name: value`.") }
            let rawValue = line[(colon + 1)...].drop { $0 == 32 || $0 == 9 }
            guard rawValue.allSatisfy({ $0 == 9 || ($0 >= 32 && $0 != 127) }),
                  let value = String(validating: rawValue, as: UTF8.self)
            else { throw invalid("A part header value holds control characters or invalid UTF-8.") }
            let name = String(decoding: line[line.startIndex..<colon], as: UTF8.self).lowercased()
            headers[name] = value.trimmingTrailingBlanks()
            lineStart = lineEnd + 2
        }
        return headers
    }

    /// `type; key=value; key="quoted; value"` → lower-cased keys and unquoted values.
    static func parameters(of header: String) -> [String: String] {
        var result: [String: String] = [:]
        var segments: [String] = []
        var current = ""
        var quoted = false
        var escaped = false
        for character in header {
            if escaped {
                current.append(character)
                escaped = false
            } else if quoted && character == "\\" {
                escaped = true
            } else if character == "\"" {
                quoted.toggle()
            } else if character == ";" && !quoted {
                segments.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        segments.append(current)
        for segment in segments.dropFirst() {
            guard let equals = segment.firstIndex(of: "=") else { continue }
            let key = segment[..<equals].trimmingTrailingBlanks().drop { $0 == " " || $0 == "\t" }.lowercased()
            let value = segment[segment.index(after: equals)...].drop { $0 == " " || $0 == "\t" }
            if result[key] == nil { result[key] = String(value).trimmingTrailingBlanks() }
        }
        return result
    }

    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
        case 0x21, 0x23, 0x24, 0x25, 0x26, 0x27, 0x2A, 0x2B, 0x2D, 0x2E, 0x5E, 0x5F, 0x60, 0x7C, 0x7E: return true
        default: return false
        }
    }

    static func isBoundaryByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
        case 0x27, 0x28, 0x29, 0x2B, 0x5F, 0x2C, 0x2D, 0x2E, 0x2F, 0x3A, 0x3D, 0x3F, 0x20: return true
        default: return false
        }
    }
}

extension StringProtocol {
    fileprivate func trimmingTrailingBlanks() -> String {
        var text = String(self)
        while let last = text.last, last == " " || last == "\t" { text.removeLast() }
        return text
    }
}

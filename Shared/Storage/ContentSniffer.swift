import Foundation

/// A file type recognised from the bytes. The declared Content-Type and the file name are the client's word;
/// what a file *is* decides what we store and serve it as.
public enum SniffedType: String, Sendable, CaseIterable, Codable {
    case pdf, png, jpeg, gif, webp, docx, xlsx, pptx, csv, txt

    public var contentType: String {
        switch self {
        case .pdf: return "application/pdf"
        case .png: return "image/png"
        case .jpeg: return "image/jpeg"
        case .gif: return "image/gif"
        case .webp: return "image/webp"
        case .docx: return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        case .xlsx: return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        case .pptx: return "application/vnd.openxmlformats-officedocument.presentationml.presentation"
        case .csv: return "text/csv"
        case .txt: return "text/plain"
        }
    }

    public var fileExtension: String { self == .jpeg ? "jpg" : rawValue }
}

/// Magic bytes first; Office Open XML by the parts its ZIP directory names (a bare ZIP is not a document);
/// then text: valid UTF-8 without NUL bytes, CSV when every line has the same number (> 1) of comma-separated
/// fields. Nil for anything else (executables, archives, binary blobs).
public enum ContentSniffer {
    public static func sniff(_ data: Data) -> SniffedType? {
        let bytes = [UInt8](data)
        guard !bytes.isEmpty else { return nil }
        if bytes.starts(with: Array("%PDF-".utf8)) { return .pdf }
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        if bytes.starts(with: Array("GIF87a".utf8)) || bytes.starts(with: Array("GIF89a".utf8)) { return .gif }
        if bytes.count >= 12, bytes[0..<4].elementsEqual("RIFF".utf8), bytes[8..<12].elementsEqual("WEBP".utf8) { return .webp }
        if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) { return officeType(ZipDirectory.entryNames(bytes)) }
        guard !bytes.contains(0), let text = String(validating: bytes, as: UTF8.self) else { return nil }
        return looksLikeCSV(text) ? .csv : .txt
    }

    static func officeType(_ names: Set<String>) -> SniffedType? {
        guard names.contains("[Content_Types].xml") else { return nil }
        if names.contains("word/document.xml") { return .docx }
        if names.contains("xl/workbook.xml") { return .xlsx }
        if names.contains("ppt/presentation.xml") { return .pptx }
        return nil
    }

    /// At least two lines (of the first 100), each with the same number of fields, at least two; quoted fields
    /// may hold commas (a quote inside a quoted field is doubled, which the toggle handles).
    static func looksLikeCSV(_ text: String) -> Bool {
        var fieldCounts: [Int] = []
        for line in text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }).prefix(100) {
            var fields = 1
            var quoted = false
            for character in line {
                if character == "\"" { quoted.toggle() } else if character == ",", !quoted { fields += 1 }
            }
            if quoted { return false }
            fieldCounts.append(fields)
        }
        guard fieldCounts.count >= 2, let first = fieldCounts.first, first >= 2 else { return false }
        return fieldCounts.allSatisfy { $0 == first }
    }
}

/// Reads the names in a ZIP file's central directory (found from its end record), with every offset checked
/// against the buffer: a truncated or hostile archive gives fewer names, never a trap. ZIP64 archives give none.
enum ZipDirectory {
    static let maxEntries = 10_000

    static func entryNames(_ bytes: [UInt8]) -> Set<String> {
        guard let end = endRecord(bytes) else { return [] }
        let count = u16(bytes, end + 10) ?? 0
        var position = Int(u32(bytes, end + 16) ?? UInt32.max)
        var names: Set<String> = []
        for _ in 0..<min(count, maxEntries) {
            guard u32(bytes, position) == 0x0201_4B50, let nameLength = u16(bytes, position + 28),
                  let extraLength = u16(bytes, position + 30), let commentLength = u16(bytes, position + 32)
            else { break }
            let nameStart = position + 46
            guard nameStart + nameLength <= bytes.count else { break }
            names.insert(String(decoding: bytes[nameStart..<(nameStart + nameLength)], as: UTF8.self))
            position = nameStart + nameLength + extraLength + commentLength
        }
        return names
    }

    /// The end-of-central-directory record: 22 bytes plus a comment of at most 65,535 bytes, at the end.
    static func endRecord(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 22 else { return nil }
        let lowest = max(0, bytes.count - 22 - 65_535)
        for start in stride(from: bytes.count - 22, through: lowest, by: -1) where u32(bytes, start) == 0x0605_4B50 {
            return start
        }
        return nil
    }

    static func u16(_ bytes: [UInt8], _ at: Int) -> Int? {
        guard at >= 0, at <= bytes.count - 2 else { return nil }
        return Int(bytes[at]) | Int(bytes[at + 1]) << 8
    }

    static func u32(_ bytes: [UInt8], _ at: Int) -> UInt32? {
        guard at >= 0, at <= bytes.count - 4 else { return nil }
        return UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
    }
}

import Foundation

/// A minimal PDF reader for tests: enough structure to prove a file is a well-formed PDF 1.4 as our
/// writer produces it (header, cross-reference offsets pointing at their objects, trailer, page count)
/// and to look for text in its uncompressed content streams.
struct MiniPdf {
    let bytes: [UInt8]

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The file as text, bytes above ASCII shown as `?` (so byte offsets and character offsets agree).
    var text: String { String(decoding: bytes.map { $0 < 0x80 ? $0 : UInt8(ascii: "?") }, as: UTF8.self) }

    func contains(_ string: String) -> Bool { text.contains(string) }

    /// `/Count n` of the page tree.
    var pageCount: Int? {
        guard let match = text.firstMatch(of: /\/Type \/Pages \/Kids \[[^\]]*\] \/Count (\d+)/) else { return nil }
        return Int(match.output.1)
    }

    /// Number of `/Type /Page ` objects (pages, not the tree).
    var pageObjects: Int { text.components(separatedBy: "/Type /Page ").count - 1 }

    /// Checks the header, the xref table (every in-use entry points at `N 0 obj`), the trailer's
    /// `/Size` and `startxref`, and the end marker; returns the object offsets by number.
    @discardableResult
    func checkStructure() throws -> [Int: Int] {
        guard bytes.starts(with: Array("%PDF-1.".utf8)) else { throw Problem("no %PDF- header") }
        guard text.hasSuffix("%%EOF\n") else { throw Problem("no %%EOF at the end") }
        guard let startxref = text.matches(of: /startxref\n(\d+)\n/).last, let xrefOffset = Int(startxref.output.1) else {
            throw Problem("no startxref")
        }
        guard xrefOffset < bytes.count, string(at: xrefOffset, length: 5) == "xref\n" else {
            throw Problem("startxref \(xrefOffset) does not point at the xref table")
        }
        let header = text[text.index(text.startIndex, offsetBy: xrefOffset + 5)...].prefix { $0 != "\n" }
        let parts = header.split(separator: " ")
        guard parts.count == 2, parts[0] == "0", let count = Int(parts[1]) else { throw Problem("bad xref subsection header \(header)") }
        var position = xrefOffset + 5 + header.count + 1
        var offsets: [Int: Int] = [:]
        for number in 0..<count {
            let entry = string(at: position, length: 20)
            guard entry.count == 20, entry.hasSuffix(" \n") || entry.hasSuffix("\r\n") else { throw Problem("xref entry \(number) is not 20 bytes: \(entry)") }
            let fields = entry.split(separator: " ")
            guard fields.count >= 3, let offset = Int(fields[0]) else { throw Problem("bad xref entry \(entry)") }
            if fields[2].hasPrefix("n") {
                let expected = "\(number) 0 obj"
                guard string(at: offset, length: expected.count) == expected else {
                    throw Problem("xref offset \(offset) of object \(number) points at \(string(at: offset, length: 12))")
                }
                offsets[number] = offset
            }
            position += 20
        }
        guard let size = text.firstMatch(of: /trailer\n<< \/Size (\d+)/).flatMap({ Int($0.output.1) }), size == count else {
            throw Problem("trailer /Size does not match the xref table (\(count))")
        }
        return offsets
    }

    private func string(at offset: Int, length: Int) -> String {
        guard offset >= 0, offset < bytes.count else { return "" }
        return String(decoding: bytes[offset..<min(bytes.count, offset + length)], as: UTF8.self)
    }

    struct Problem: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}

import Foundation

/// One page's drawing operations, in PDF user space (points, origin bottom-left).
struct PdfPage: Sendable {
    enum Operation: Sendable {
        case text(x: Double, y: Double, font: PdfFont, size: Double, text: String)
        case line(x1: Double, y1: Double, x2: Double, y2: Double, width: Double)
    }

    var operations: [Operation] = []
}

/// Serializes pages into a PDF 1.4 file: a catalog, a page tree, the two standard fonts, an info
/// dictionary, one page object and one (uncompressed) content stream per page, and a cross-reference
/// table whose offsets are the byte positions of each `N 0 obj` as written.
///
/// Uncompressed streams keep the writer free of a deflate dependency and make the output greppable;
/// contract documents are a few kilobytes either way.
struct PdfWriter {
    static let pageWidth = 595.0   // A4
    static let pageHeight = 842.0

    struct Info: Sendable {
        var title: String
        var subject: String?
        var producer: String = "Kisum Venue"
        var creationDate: Date
    }

    static func write(pages: [PdfPage], info: Info) -> [UInt8] {
        var out = Output()
        // The second line's high bytes mark the file as binary for transfer tools (PDF 1.4, 7.5.2).
        out.append("%PDF-1.4\n")
        out.bytes += [0x25, 0xE2, 0xE3, 0xCF, 0xD3, 0x0A]

        // Object numbers: 1 catalog, 2 page tree, 3/4 fonts, 5 info, then page i at 6 + 2i and its
        // content stream at 7 + 2i.
        let pageObjects = pages.indices.map { 6 + 2 * $0 }
        let objectCount = 5 + 2 * pages.count
        var offsets = [Int](repeating: 0, count: objectCount + 1)

        func object(_ number: Int, _ body: String) {
            offsets[number] = out.bytes.count
            out.append("\(number) 0 obj\n\(body)\nendobj\n")
        }

        object(1, "<< /Type /Catalog /Pages 2 0 R >>")
        object(2, "<< /Type /Pages /Kids [\(pageObjects.map { "\($0) 0 R" }.joined(separator: " "))] /Count \(pages.count) >>")
        for font in [PdfFont.regular, .bold] {
            object(font == .regular ? 3 : 4, "<< /Type /Font /Subtype /Type1 /BaseFont /\(font.baseFont) /Encoding /WinAnsiEncoding >>")
        }
        var infoEntries = "/Title \(literal(info.title)) /Producer \(literal(info.producer)) /CreationDate \(literal(pdfDate(info.creationDate)))"
        if let subject = info.subject { infoEntries += " /Subject \(literal(subject))" }
        object(5, "<< \(infoEntries) >>")

        for (index, page) in pages.enumerated() {
            let pageNumber = 6 + 2 * index
            let contentNumber = pageNumber + 1
            object(pageNumber, """
                << /Type /Page /Parent 2 0 R /MediaBox [0 0 \(format(pageWidth)) \(format(pageHeight))] \
                /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents \(contentNumber) 0 R >>
                """)
            let content = contentStream(page)
            offsets[contentNumber] = out.bytes.count
            out.append("\(contentNumber) 0 obj\n<< /Length \(content.count) >>\nstream\n")
            out.bytes += content
            out.append("\nendstream\nendobj\n")
        }

        let xrefOffset = out.bytes.count
        out.append("xref\n0 \(objectCount + 1)\n")
        // Each entry is exactly 20 bytes: 10-digit offset, space, 5-digit generation, space, type, space, LF.
        out.append("0000000000 65535 f \n")
        for number in 1...objectCount {
            out.append("\(pad(offsets[number], 10)) 00000 n \n")
        }
        out.append("trailer\n<< /Size \(objectCount + 1) /Root 1 0 R /Info 5 0 R >>\nstartxref\n\(xrefOffset)\n%%EOF\n")
        return out.bytes
    }

    /// The page's operators: text as `BT … Tj ET` blocks, rules as stroked paths.
    static func contentStream(_ page: PdfPage) -> [UInt8] {
        var out = Output()
        for operation in page.operations {
            switch operation {
            case .text(let x, let y, let font, let size, let text):
                out.append("BT /\(font.resourceName) \(format(size)) Tf \(format(x)) \(format(y)) Td ")
                out.bytes += literalBytes(text)
                out.append(" Tj ET\n")
            case .line(let x1, let y1, let x2, let y2, let width):
                out.append("\(format(width)) w \(format(x1)) \(format(y1)) m \(format(x2)) \(format(y2)) l S\n")
            }
        }
        return out.bytes
    }

    /// A PDF literal string `( … )` of the WinAnsi bytes: `(`, `)` and `\` are escaped, and bytes outside
    /// printable ASCII are written as octal escapes, so the file's structure never depends on the text.
    static func literalBytes(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = [UInt8(ascii: "(")]
        for byte in WinAnsi.encode(text) {
            switch byte {
            case UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "\\"):
                bytes += [UInt8(ascii: "\\"), byte]
            case 0x20...0x7E:
                bytes.append(byte)
            default:
                bytes += Array(("\\" + pad(String(byte, radix: 8), 3)).utf8)
            }
        }
        bytes.append(UInt8(ascii: ")"))
        return bytes
    }

    static func literal(_ text: String) -> String {
        String(decoding: literalBytes(text), as: UTF8.self)
    }

    /// `D:YYYYMMDDHHmmSSZ` (PDF 1.4, 3.8.3), in UTC.
    static func pdfDate(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return "D:" + pad(c.year ?? 1970, 4) + pad(c.month ?? 1, 2) + pad(c.day ?? 1, 2) + pad(c.hour ?? 0, 2) + pad(c.minute ?? 0, 2)
            + pad(c.second ?? 0, 2) + "Z"
    }

    /// Numbers with at most two decimals and no exponent (PDF has no exponent notation).
    static func format(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        let hundredths = Int((rounded * 100).rounded())
        let sign = hundredths < 0 ? "-" : ""
        let magnitude = abs(hundredths)
        if magnitude % 100 == 0 { return sign + String(magnitude / 100) }
        return sign + String(magnitude / 100) + "." + pad(magnitude % 100, 2)
    }

    /// Zero-padded decimal (the xref table needs fixed widths).
    static func pad(_ value: Int, _ width: Int) -> String {
        pad(String(value), width)
    }

    static func pad(_ digits: String, _ width: Int) -> String {
        String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    private struct Output {
        var bytes: [UInt8] = []

        mutating func append(_ text: String) {
            bytes += Array(text.utf8)
        }
    }
}

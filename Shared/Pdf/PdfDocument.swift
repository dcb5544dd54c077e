import Foundation

/// A document described as a list of blocks (headings, paragraphs, key/value rows, tables …) and rendered
/// to an A4 PDF by pango (layout, shaping, bidi, font fallback) over cairo's PDF surface. Text is plain text,
/// never markup, so a name with `<` or `&` is printed as it is. Fonts are Noto Sans; characters Noto Sans
/// lacks (CJK, Arabic …) come from the other Noto fonts through fontconfig's fallback, and right-to-left
/// paragraphs are laid out right-to-left by pango.
///
/// ```swift
/// var document = PdfDocument(title: "Performance agreement", footer: "Agreement 2030-06-01")
/// document.title("Performance agreement")
/// document.section("Artist")
/// document.field("Name", "坂本龍一")
/// document.paragraph("Long text wraps at the margin and flows onto the next page.")
/// document.table(PdfTable(columns: [.init("Tier"), .init("Price", weight: 0.5, alignment: .trailing)], rows: [["GA", "EUR 25.00"]]))
/// let bytes = try await document.render()
/// ```
public struct PdfDocument: Sendable {
    public enum Block: Sendable {
        case heading(String, PdfTextStyle, keepWithNext: Double)
        case paragraph(String, PdfTextStyle)
        case field(key: String, value: String, keyWidth: Double)
        case table(PdfTable)
        case signature(name: String, detail: String)
        case rule
        case space(Double)
        case pageBreak
    }

    /// What the PDF's document information says (readers show the title in their window bar).
    public struct Metadata: Sendable {
        public var title: String
        public var subject: String?
        public var author: String?
        public var creator: String
        public var createdAt: Date?

        public init(title: String, subject: String? = nil, author: String? = nil, creator: String = "Kisum", createdAt: Date? = nil) {
            self.title = title
            self.subject = subject
            self.author = author
            self.creator = creator
            self.createdAt = createdAt
        }
    }

    public var metadata: Metadata
    /// Printed at the foot of every page, left, beside "Page i of n" (the title when nil).
    public var footer: String?
    public private(set) var blocks: [Block] = []

    public init(title: String, subject: String? = nil, author: String? = nil, footer: String? = nil, createdAt: Date? = nil) {
        self.metadata = Metadata(title: title, subject: subject, author: author, createdAt: createdAt)
        self.footer = footer
    }

    // MARK: Blocks

    /// The document's title: large and bold.
    public mutating func title(_ text: String) {
        blocks.append(.heading(text, .title, keepWithNext: 30))
        blocks.append(.space(6))
    }

    /// A section heading with a rule under it, kept on the page of the lines that follow it.
    public mutating func section(_ text: String) {
        blocks.append(.space(10))
        blocks.append(.heading(text, .section, keepWithNext: 40))
        blocks.append(.rule)
        blocks.append(.space(4))
    }

    /// Wrapped text; a line break in the text starts a new line, and lines flow onto the next page.
    public mutating func paragraph(_ text: String, style: PdfTextStyle = .body, spaceAfter: Double = 4) {
        blocks.append(.paragraph(text, style))
        if spaceAfter > 0 { blocks.append(.space(spaceAfter)) }
    }

    /// A key in bold in a fixed column and its value wrapped beside it.
    public mutating func field(_ key: String, _ value: String, keyWidth: Double = 150) {
        blocks.append(.field(key: key, value: value.isEmpty ? "-" : value, keyWidth: keyWidth))
    }

    /// A table with a header row (repeated on every page the table runs onto).
    public mutating func table(_ table: PdfTable) {
        blocks.append(.table(table))
        blocks.append(.space(6))
    }

    /// A line to sign on, the signer's name and a detail (role, e-mail) under it, and a line for the date.
    public mutating func signature(name: String, detail: String) {
        blocks.append(.signature(name: name, detail: detail))
    }

    public mutating func rule() { blocks.append(.rule) }
    public mutating func space(_ points: Double) { blocks.append(.space(points)) }
    /// The next block starts on a new page.
    public mutating func pageBreak() { blocks.append(.pageBreak) }

    // MARK: Rendering

    /// The PDF's bytes. Renders on KisumPdf's own serial queue, never on the caller's thread (an event loop
    /// must not spend the milliseconds a document takes): see `PdfRenderer` for why one queue.
    public func render() async throws -> [UInt8] {
        try await withCheckedThrowingContinuation { continuation in
            PdfRenderer.queue.async {
                continuation.resume(with: Result { try PdfRenderer.render(self) })
            }
        }
    }

    /// The same, blocking the calling thread (tools and tests; never call it from an event loop).
    public func renderBlocking() throws -> [UInt8] {
        try PdfRenderer.queue.sync { try PdfRenderer.render(self) }
    }

    public static let contentType = "application/pdf"
}

/// Font size and weight of a text block.
public struct PdfTextStyle: Sendable, Equatable {
    public var size: Double
    public var bold: Bool
    /// 0 black … 1 white.
    public var gray: Double

    public init(size: Double, bold: Bool = false, gray: Double = 0.1) {
        self.size = size
        self.bold = bold
        self.gray = gray
    }

    public static let title = PdfTextStyle(size: 18, bold: true)
    public static let section = PdfTextStyle(size: 12, bold: true)
    public static let body = PdfTextStyle(size: 10)
    public static let strong = PdfTextStyle(size: 10, bold: true)
    public static let small = PdfTextStyle(size: 8.5, gray: 0.3)
}

/// Columns share the text width by their weights; cells wrap (at most `PdfTable.maxCellLines` lines each,
/// the rest ellipsized, so no row is taller than a page).
public struct PdfTable: Sendable {
    public enum Alignment: Sendable { case leading, trailing, center }

    public struct Column: Sendable {
        public var title: String
        public var weight: Double
        public var alignment: Alignment

        public init(_ title: String, weight: Double = 1, alignment: Alignment = .leading) {
            self.title = title
            self.weight = weight
            self.alignment = alignment
        }
    }

    public static let maxCellLines = 12

    public var columns: [Column]
    /// Rows shorter than the columns are padded with empty cells; extra cells are ignored.
    public var rows: [[String]]
    public var style: PdfTextStyle

    public init(columns: [Column], rows: [[String]], style: PdfTextStyle = PdfTextStyle(size: 9.5)) {
        self.columns = columns
        self.rows = rows
        self.style = style
    }
}

public struct PdfError: Error, CustomStringConvertible {
    public let description: String
}

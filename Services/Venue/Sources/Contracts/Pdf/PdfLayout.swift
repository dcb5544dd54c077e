import Foundation

/// Flows text down A4 pages: wraps words to the text width with the fonts' metrics, starts a new page
/// when the next line would cross the bottom margin, and stamps "page i of n" footers at the end
/// (when n is known).
struct PdfLayout {
    static let margin = 56.0
    static let footerY = 30.0
    var pages: [PdfPage] = [PdfPage()]
    private(set) var y = PdfWriter.pageHeight - margin
    let left = margin
    let right = PdfWriter.pageWidth - margin

    var width: Double { right - left }

    // MARK: Blocks

    mutating func heading(_ text: String, size: Double = 18) {
        paragraph(text, font: .bold, size: size, after: size * 0.5)
    }

    mutating func section(_ title: String) {
        space(8)
        ensureRoom(for: 11 * 1.4 + 6 + 10 * 1.4)  // keep a section title with its first line
        paragraph(title, font: .bold, size: 11, after: 2)
        rule()
        space(4)
    }

    /// Wrapped text; a blank line in the text starts a new paragraph.
    mutating func paragraph(_ text: String, font: PdfFont = .regular, size: Double = 10, indent: Double = 0, after: Double = 4) {
        for (index, part) in text.components(separatedBy: "\n").enumerated() {
            if index > 0, part.trimmingCharacters(in: .whitespaces).isEmpty { space(size * 0.6); continue }
            for line in Self.wrap(part, font: font, size: size, width: width - indent) {
                ensureRoom(for: size * 1.4)
                y -= size * 1.4
                draw(.text(x: left + indent, y: y, font: font, size: size, text: line))
            }
        }
        space(after)
    }

    /// `key  value` rows: the key in bold in a fixed column, the value wrapped beside it.
    mutating func field(_ key: String, _ value: String, size: Double = 10, keyWidth: Double = 150) {
        let keyLines = Self.wrap(key, font: .bold, size: size, width: keyWidth - 8)
        let valueLines = Self.wrap(value.isEmpty ? "-" : value, font: .regular, size: size, width: width - keyWidth)
        for index in 0..<max(keyLines.count, valueLines.count) {
            ensureRoom(for: size * 1.4)
            y -= size * 1.4
            if index < keyLines.count { draw(.text(x: left, y: y, font: .bold, size: size, text: keyLines[index])) }
            if index < valueLines.count { draw(.text(x: left + keyWidth, y: y, font: .regular, size: size, text: valueLines[index])) }
        }
        space(2)
    }

    /// A line to sign on, with the signer's name and role under it; never split across pages.
    mutating func signatureLine(name: String, detail: String) {
        let height = 34.0 + 2 * 10 * 1.4
        ensureRoom(for: height)
        y -= 34
        draw(.line(x1: left, y1: y, x2: left + 260, y2: y, width: 0.6))
        draw(.line(x1: left + 300, y1: y, x2: left + 420, y2: y, width: 0.6))
        y -= 12
        draw(.text(x: left, y: y, font: .bold, size: 10, text: Self.wrap(name, font: .bold, size: 10, width: 260).first ?? name))
        draw(.text(x: left + 300, y: y, font: .regular, size: 9, text: "Date"))
        y -= 12
        draw(.text(x: left, y: y, font: .regular, size: 9, text: Self.wrap(detail, font: .regular, size: 9, width: 260).first ?? detail))
        space(6)
    }

    mutating func rule() {
        ensureRoom(for: 4)
        y -= 3
        draw(.line(x1: left, y1: y, x2: right, y2: y, width: 0.5))
    }

    mutating func space(_ points: Double) {
        y -= points
    }

    /// Adds "title · page i of n" to every page and returns the pages.
    func finished(footer: String) -> [PdfPage] {
        var pages = self.pages
        for index in pages.indices {
            let text = "\(footer) - page \(index + 1) of \(pages.count)"
            let trimmed = Self.wrap(text, font: .regular, size: 8, width: width).first ?? text
            pages[index].operations.append(.text(x: left, y: Self.footerY, font: .regular, size: 8, text: trimmed))
        }
        return pages
    }

    // MARK: Mechanics

    private mutating func draw(_ operation: PdfPage.Operation) {
        pages[pages.count - 1].operations.append(operation)
    }

    private mutating func ensureRoom(for height: Double) {
        if y - height < Self.margin {
            pages.append(PdfPage())
            y = PdfWriter.pageHeight - Self.margin
        }
    }

    /// Greedy word wrap; a word wider than the line is broken by characters.
    static func wrap(_ text: String, font: PdfFont, size: Double, width: Double) -> [String] {
        let words = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard !words.isEmpty else { return [""] }
        var lines: [String] = []
        var current = ""
        for word in words {
            let candidate = current.isEmpty ? word : current + " " + word
            if font.width(of: candidate, size: size) <= width {
                current = candidate
                continue
            }
            if !current.isEmpty { lines.append(current) }
            current = ""
            var piece = ""
            for character in word {
                if font.width(of: piece + String(character), size: size) > width, !piece.isEmpty {
                    lines.append(piece)
                    piece = ""
                }
                piece.append(character)
            }
            current = piece
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }
}

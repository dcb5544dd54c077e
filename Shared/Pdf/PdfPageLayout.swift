import CPangoCairo
import Foundation

/// Flows blocks down A4 pages with pango layouts: paragraphs break between lines at the bottom margin,
/// headings stay with what follows, table rows never split and the header row repeats on each page.
/// The result is a list of drawing items per page, drawn once the page count is known (for "Page i of n").
/// Coordinates are cairo's: points, origin at the top left.
struct PdfPageLayout {
    enum Item {
        /// One line of a layout, its left edge at `x` and its baseline at `baseline`.
        case line(UnsafeMutablePointer<PangoLayoutLine>, x: Double, baseline: Double, gray: Double)
        /// A whole layout with its top-left corner at (`x`, `top`).
        case layout(OpaquePointer, x: Double, top: Double, gray: Double)
        case rule(x1: Double, x2: Double, y: Double, width: Double, gray: Double)
        case fill(x: Double, y: Double, width: Double, height: Double, gray: Double)
    }

    /// A line of a layout with its metrics relative to the layout's top.
    struct Line {
        var line: UnsafeMutablePointer<PangoLayoutLine>
        var x: Double
        var ascent: Double
        var height: Double
    }

    /// Noto Sans first; the other Noto families named after it come before fontconfig's general fallback, so a script
    /// Noto Sans lacks is set in Noto too (fontconfig's own order would pick, say, DejaVu for Arabic), and the list is
    /// the same on every machine with Debian's fonts-noto-core and fonts-noto-cjk. Anything else falls back as usual.
    static let family = "Noto Sans, Noto Sans Arabic, Noto Sans Hebrew, Noto Sans CJK JP, Noto Sans Devanagari, Noto Sans Thai, Noto Sans Armenian, Noto Sans Georgian, Noto Sans Ethiopic"
    static let scale = Double(PANGO_SCALE)

    let context: OpaquePointer
    let left = PdfRenderer.margin
    let right = PdfRenderer.pageWidth - PdfRenderer.margin
    let top = PdfRenderer.margin
    let bottom = PdfRenderer.pageHeight - PdfRenderer.margin
    var width: Double { right - left }

    private(set) var pages: [[Item]] = [[]]
    private var y = PdfRenderer.margin
    /// Every layout created, released after drawing (the items point into them).
    private var layouts: [OpaquePointer] = []

    init(context: OpaquePointer) {
        self.context = context
    }

    mutating func releaseLayouts() {
        for layout in layouts { g_object_unref(UnsafeMutableRawPointer(layout)) }
        layouts = []
    }

    // MARK: Blocks

    mutating func add(_ block: PdfDocument.Block) throws {
        switch block {
        case .heading(let text, let style, let keepWithNext):
            let layout = try makeLayout(text, style: style, width: width, followsScript: true)
            ensureRoom(height(of: layout) + keepWithNext)
            flow(layout, x: left, gray: style.gray, lineGap: style.size * 0.15)
        case .paragraph(let text, let style):
            flow(try makeLayout(text, style: style, width: width, followsScript: true), x: left, gray: style.gray, lineGap: style.size * 0.3)
        case .field(let key, let value, let keyWidth):
            try field(key, value, keyWidth: min(max(keyWidth, 40), width / 2))
        case .table(let table):
            try self.table(table)
        case .signature(let name, let detail):
            try signature(name: name, detail: detail)
        case .rule:
            ensureRoom(4)
            y += 3
            append(.rule(x1: left, x2: right, y: y, width: 0.5, gray: 0.55))
            y += 1
        case .space(let points):
            // Space never carries over to the top of a new page.
            y = min(y + max(points, 0), bottom)
        case .pageBreak:
            if !(pages.last?.isEmpty ?? true) { newPage() }
        }
    }

    /// Key lines and value lines side by side, row by row, so a long value may flow onto the next page.
    private mutating func field(_ key: String, _ value: String, keyWidth: Double) throws {
        let keys = lines(of: try makeLayout(key, style: .strong, width: keyWidth - 8))
        let values = lines(of: try makeLayout(value, style: .body, width: width - keyWidth))
        for index in 0..<max(keys.count, values.count) {
            let pair = [index < keys.count ? keys[index] : nil, index < values.count ? values[index] : nil]
            let ascent = pair.compactMap { $0?.ascent }.max() ?? 0
            let descent = pair.compactMap { line in line.map { $0.height - $0.ascent } }.max() ?? 0
            ensureRoom(ascent + descent)
            if let keyLine = pair[0] { append(.line(keyLine.line, x: left + keyLine.x, baseline: y + ascent, gray: 0.1)) }
            if let valueLine = pair[1] {
                append(.line(valueLine.line, x: left + keyWidth + valueLine.x, baseline: y + ascent, gray: 0.1))
            }
            y += ascent + descent + 3
        }
        y += 2
    }

    private mutating func table(_ table: PdfTable) throws {
        guard !table.columns.isEmpty else { return }
        let padding = 4.0
        let weights = table.columns.map { $0.weight.isFinite && $0.weight > 0 ? $0.weight : 1 }
        let total = weights.reduce(0, +)
        let widths = weights.map { width * $0 / total }
        var offsets: [Double] = []
        var x = left
        for columnWidth in widths {
            offsets.append(x)
            x += columnWidth
        }
        let headerStyle = PdfTextStyle(size: table.style.size, bold: true, gray: table.style.gray)

        func cells(_ texts: [String], style: PdfTextStyle) throws -> (layouts: [OpaquePointer], height: Double) {
            var layouts: [OpaquePointer] = []
            var height = 0.0
            for (index, column) in table.columns.enumerated() {
                let text = index < texts.count ? texts[index] : ""
                let layout = try makeLayout(text.replacingOccurrences(of: "\n", with: " "), style: style,
                                        width: max(widths[index] - 2 * padding, 10), alignment: column.alignment,
                                        maxLines: PdfTable.maxCellLines)
                layouts.append(layout)
                height = max(height, self.height(of: layout))
            }
            return (layouts, height + 2 * padding)
        }

        let header = try cells(table.columns.map(\.title), style: headerStyle)
        func drawHeader() {
            append(.fill(x: left, y: y, width: width, height: header.height, gray: 0.92))
            for (index, layout) in header.layouts.enumerated() {
                append(.layout(layout, x: offsets[index] + padding, top: y + padding, gray: headerStyle.gray))
            }
            y += header.height
            append(.rule(x1: left, x2: right, y: y, width: 0.6, gray: 0.45))
        }

        ensureRoom(header.height + (table.rows.isEmpty ? 0 : 2 * table.style.size + 2 * padding))
        drawHeader()
        for row in table.rows {
            let cellsOfRow = try cells(row, style: table.style)
            if y + cellsOfRow.height > bottom {
                newPage()
                drawHeader()
            }
            for (index, layout) in cellsOfRow.layouts.enumerated() {
                append(.layout(layout, x: offsets[index] + padding, top: y + padding, gray: table.style.gray))
            }
            y += cellsOfRow.height
            append(.rule(x1: left, x2: right, y: y, width: 0.3, gray: 0.7))
        }
    }

    private mutating func signature(name: String, detail: String) throws {
        let nameLayout = try makeLayout(name, style: .strong, width: 260, singleLine: true)
        let detailLayout = try makeLayout(detail, style: PdfTextStyle(size: 9, gray: 0.3), width: 260, singleLine: true)
        let dateLayout = try makeLayout("Date", style: PdfTextStyle(size: 9, gray: 0.3), width: 120, singleLine: true)
        ensureRoom(36 + height(of: nameLayout) + height(of: detailLayout) + 6)
        y += 36
        append(.rule(x1: left, x2: left + 260, y: y, width: 0.6, gray: 0.2))
        append(.rule(x1: left + 300, x2: left + 420, y: y, width: 0.6, gray: 0.2))
        y += 3
        append(.layout(dateLayout, x: left + 300, top: y, gray: 0.3))
        append(.layout(nameLayout, x: left, top: y, gray: 0.1))
        y += height(of: nameLayout)
        append(.layout(detailLayout, x: left, top: y, gray: 0.3))
        y += height(of: detailLayout) + 6
    }

    /// The footer items of a page: `left` ellipsized, `right` right-aligned.
    mutating func footer(left leftText: String, right rightText: String) throws -> [Item] {
        let style = PdfTextStyle(size: 8, gray: 0.35)
        let rightLayout = try makeLayout(rightText, style: style, width: 110, alignment: .trailing, singleLine: true)
        let leftLayout = try makeLayout(leftText, style: style, width: width - 120, singleLine: true)
        let baseline = PdfRenderer.footerBaseline
        return [.rule(x1: left, x2: right, y: baseline - 12, width: 0.3, gray: 0.7)]
            + lines(of: leftLayout).prefix(1).map { .line($0.line, x: left + $0.x, baseline: baseline, gray: style.gray) }
            + lines(of: rightLayout).prefix(1).map { .line($0.line, x: right - 110 + $0.x, baseline: baseline, gray: style.gray) }
    }

    // MARK: Mechanics

    /// Places a layout line by line, starting a new page whenever the next line would cross the bottom margin.
    private mutating func flow(_ layout: OpaquePointer, x: Double, gray: Double, lineGap: Double) {
        for line in lines(of: layout) {
            ensureRoom(line.height)
            append(.line(line.line, x: x + line.x, baseline: y + line.ascent, gray: gray))
            y += line.height + lineGap
        }
    }

    private mutating func ensureRoom(_ height: Double) {
        // A block taller than a page can never fit: it starts where it is and flows (or is cut) instead.
        if y + height > bottom, y > top { newPage() }
    }

    private mutating func newPage() {
        pages.append([])
        y = top
    }

    private mutating func append(_ item: Item) {
        pages[pages.count - 1].append(item)
    }

    private func height(of layout: OpaquePointer) -> Double {
        var logical = PangoRectangle()
        pango_layout_get_extents(layout, nil, &logical)
        return Double(logical.height) / Self.scale
    }

    /// The lines of a layout with their offsets; `x` is where pango aligned the line (right for right-to-left text).
    private func lines(of layout: OpaquePointer) -> [Line] {
        guard let iterator = pango_layout_get_iter(layout) else { return [] }
        defer { pango_layout_iter_free(iterator) }
        var result: [Line] = []
        repeat {
            var logical = PangoRectangle()
            pango_layout_iter_get_line_extents(iterator, nil, &logical)
            let baseline = pango_layout_iter_get_baseline(iterator)
            if let line = pango_layout_iter_get_line_readonly(iterator) {
                result.append(Line(line: line, x: Double(logical.x) / Self.scale, ascent: Double(baseline - logical.y) / Self.scale,
                                   height: Double(logical.height) / Self.scale))
            }
        } while pango_layout_iter_next_line(iterator) != 0
        return result
    }

    /// A layout of plain text (never markup) in Noto Sans, wrapped at `width` (words, then characters for a
    /// word longer than the line). `singleLine` ellipsizes instead of wrapping; `maxLines` ellipsizes the last.
    /// `followsScript`: a paragraph written right-to-left (Arabic, Hebrew) runs and aligns from the right, as pango
    /// decides from its first strong character; otherwise the base direction is left-to-right (a name in Arabic in a
    /// value column or a table cell is still shaped and ordered right-to-left, but starts where the column starts).
    private mutating func makeLayout(_ text: String, style: PdfTextStyle, width: Double, alignment: PdfTable.Alignment = .leading,
                                     singleLine: Bool = false, maxLines: Int? = nil, followsScript: Bool = false) throws -> OpaquePointer {
        // GObject aborts rather than return nil when memory runs out; the check keeps this free of traps anyway.
        guard let handle = pango_layout_new(context) else { throw PdfError(description: "pango could not create a layout") }
        layouts.append(handle)
        let font = pango_font_description_new()
        pango_font_description_set_family(font, Self.family)
        pango_font_description_set_weight(font, style.bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL)
        pango_font_description_set_absolute_size(font, (max(style.size, 1) * Self.scale).rounded())
        pango_layout_set_font_description(handle, font)
        pango_font_description_free(font)
        pango_layout_set_width(handle, Int32(clamping: Int((max(width, 1) * Self.scale).rounded())))
        pango_layout_set_wrap(handle, PANGO_WRAP_WORD_CHAR)
        pango_layout_set_auto_dir(handle, followsScript ? 1 : 0)
        switch alignment {
        case .leading: pango_layout_set_alignment(handle, PANGO_ALIGN_LEFT)
        case .trailing: pango_layout_set_alignment(handle, PANGO_ALIGN_RIGHT)
        case .center: pango_layout_set_alignment(handle, PANGO_ALIGN_CENTER)
        }
        if singleLine {
            pango_layout_set_ellipsize(handle, PANGO_ELLIPSIZE_END)
        } else if let maxLines {
            pango_layout_set_ellipsize(handle, PANGO_ELLIPSIZE_END)
            pango_layout_set_height(handle, Int32(clamping: -max(maxLines, 1)))
        }
        let plain = singleLine ? text.replacingOccurrences(of: "\n", with: " ") : text
        pango_layout_set_text(handle, plain, Int32(clamping: plain.utf8.count))
        return handle
    }
}

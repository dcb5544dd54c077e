import CPangoCairo
import Dispatch
import Foundation

/// Renders a `PdfDocument` through cairo's PDF surface into memory (a write callback, no temporary file).
///
/// Thread safety: every render runs on one serial queue, and the one pango font map below is only touched
/// there. Pango objects are not thread-safe (a font map, its font cache and fontconfig's lazily built state
/// must not be used by two threads at once), and pango's per-thread default font map would load the fonts
/// again on every thread the cooperative pool lends us; serializing keeps one font cache warm and makes
/// fontconfig's initialization (`FcInit`, run by the font map on first use) happen once, on this queue.
/// A document takes milliseconds, so one queue is not a bottleneck for contract and offer documents;
/// a service that renders in bulk should measure before adding a pool of queues (one font map each).
enum PdfRenderer {
    static let queue = DispatchQueue(label: "kisum.pdf.render", qos: .userInitiated)

    /// A4 in points.
    static let pageWidth = 595.2756
    static let pageHeight = 841.8898
    static let margin = 56.0
    /// Baseline of the footer line, from the top.
    static let footerBaseline = pageHeight - 30

    static func render(_ document: PdfDocument) throws -> [UInt8] {
        dispatchPrecondition(condition: .onQueue(queue))
        let sink = ByteSink()
        let unmanagedSink = Unmanaged.passRetained(sink)
        defer { unmanagedSink.release() }
        guard let surface = cairo_pdf_surface_create_for_stream(writeToSink, unmanagedSink.toOpaque(), pageWidth, pageHeight) else {
            throw PdfError(description: "cairo could not create a PDF surface")
        }
        defer { cairo_surface_destroy(surface) }
        setMetadata(document.metadata, on: surface)

        guard let cr = cairo_create(surface) else { throw PdfError(description: "cairo could not create a context") }
        defer { cairo_destroy(cr) }
        guard let context = pango_font_map_create_context(FontMap.shared.map) else {
            throw PdfError(description: "pango could not create a context")
        }
        defer { g_object_unref(UnsafeMutableRawPointer(context)) }
        pango_cairo_update_context(cr, context)
        // Pango rounds glyph positions to whole device units by default: at 72 units per inch that is a whole point,
        // which visibly spaces letters apart (and makes pdftotext split words). A PDF takes fractional positions.
        pango_context_set_round_glyph_positions(context, 0)
        // Unhinted metrics: positions in a PDF are exact, and hinting for a pixel grid would only distort widths.
        if let options = cairo_font_options_create() {
            cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF)
            cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE)
            pango_cairo_context_set_font_options(context, options)
            cairo_font_options_destroy(options)
        }

        var layout = PdfPageLayout(context: context)
        defer { layout.releaseLayouts() }
        for block in document.blocks { try layout.add(block) }

        let pages = layout.pages
        let footerText = document.footer ?? document.metadata.title
        for (index, page) in pages.enumerated() {
            for item in page { draw(item, on: cr) }
            let footer = try layout.footer(left: footerText, right: "Page \(index + 1) of \(pages.count)")
            for item in footer { draw(item, on: cr) }
            cairo_show_page(cr)
        }
        cairo_surface_finish(surface)
        let status = cairo_surface_status(surface)
        guard status == CAIRO_STATUS_SUCCESS else {
            throw PdfError(description: "cairo failed to write the PDF: " + String(cString: cairo_status_to_string(status)))
        }
        return sink.bytes
    }

    private static func draw(_ item: PdfPageLayout.Item, on cr: OpaquePointer) {
        switch item {
        case .line(let line, let x, let baseline, let gray):
            cairo_set_source_rgb(cr, gray, gray, gray)
            cairo_move_to(cr, x, baseline)
            pango_cairo_show_layout_line(cr, line)
        case .layout(let layout, let x, let top, let gray):
            cairo_set_source_rgb(cr, gray, gray, gray)
            cairo_move_to(cr, x, top)
            pango_cairo_show_layout(cr, layout)
        case .rule(let x1, let x2, let y, let width, let gray):
            cairo_set_source_rgb(cr, gray, gray, gray)
            cairo_set_line_width(cr, width)
            cairo_move_to(cr, x1, y)
            cairo_line_to(cr, x2, y)
            cairo_stroke(cr)
        case .fill(let x, let y, let width, let height, let gray):
            cairo_set_source_rgb(cr, gray, gray, gray)
            cairo_rectangle(cr, x, y, width, height)
            cairo_fill(cr)
        }
    }

    private static func setMetadata(_ metadata: PdfDocument.Metadata, on surface: OpaquePointer) {
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, metadata.title)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, metadata.creator)
        if let subject = metadata.subject { cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_SUBJECT, subject) }
        if let author = metadata.author { cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_AUTHOR, author) }
        if let date = metadata.createdAt {
            // cairo takes ISO 8601 and writes the PDF date form itself.
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime]
            cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, formatter.string(from: date))
        }
    }
}

/// cairo's stream callback: appends what cairo writes to the sink passed as its closure pointer.
private let writeToSink: cairo_write_func_t = { closure, data, length in
    guard let closure else { return CAIRO_STATUS_WRITE_ERROR }
    let sink = Unmanaged<ByteSink>.fromOpaque(closure).takeUnretainedValue()
    if let data, length > 0 {
        sink.bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: Int(length)))
    }
    return CAIRO_STATUS_SUCCESS
}

/// The bytes of one render; used only on the render queue.
private final class ByteSink {
    var bytes: [UInt8] = []

    init() {
        bytes.reserveCapacity(64 * 1024)
    }
}

/// The one font map (and with it pango's font cache), used only on `PdfRenderer.queue`.
final class FontMap: @unchecked Sendable {
    static let shared = FontMap()
    let map: UnsafeMutablePointer<PangoFontMap>

    private init() {
        // Never nil: pango_cairo_font_map_new aborts rather than return nothing.
        map = pango_cairo_font_map_new()
        // Sizes are set as absolute sizes in points; 72 dpi makes any relative size mean points too.
        pango_cairo_font_map_set_resolution(OpaquePointer(map), 72)
    }
}

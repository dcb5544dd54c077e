import Foundation

/// RFC 4180 cells and rows for Base's CSV exports (events, ticket sales, expenses): CRLF rows, a field holding a
/// comma, quote or line break quoted with quotes doubled. A cell starting with `=`, `+`, `-`, `@`, tab or CR would
/// be read as a formula by a spreadsheet, so it gets a leading `'` (OWASP's CSV-injection advice): opening an
/// export never runs what someone typed into a name or a note.
enum CSVText {
    static func cell(_ value: String?) -> String {
        guard var text = value else { return "" }
        if let first = text.unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(first) { text = "'" + text }
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func row(_ cells: [String?]) -> String {
        cells.map(cell).joined(separator: ",") + "\r\n"
    }
}

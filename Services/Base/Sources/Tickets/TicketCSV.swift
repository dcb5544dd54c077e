import Foundation
import KisumKernel

/// The sales CSV of `POST /api/event-ticket/import` and `GET /api/event-ticket/event/{eventId}/export` (RFC 4180:
/// comma-separated, `"` quoting with `""` inside, CRLF or LF line ends, UTF-8 with an optional BOM). The export's
/// columns are a superset of the import's, so an exported file imports (and, by externalRef, adds nothing).
enum TicketCSV {
    /// Import columns: the header row names them, in any order; `tier_id`, `quantity` and `external_ref` are
    /// required, and `sold_on` or both `period_start` and `period_end`.
    static let importColumns = ["tier_id", "sold_on", "period_start", "period_end", "quantity", "comps", "gross_minor", "channel",
                                "external_ref"]
    static let requiredColumns = ["tier_id", "quantity", "external_ref"]
    /// Export-only columns (ignored by the import).
    static let exportColumns = ["sale_id", "ticket_id", "ticket_name", "tier_name", "currency"]
    static let maxBytes = 5 * 1024 * 1024
    static let maxRows = 10_000

    struct Row: Sendable {
        var line: Int
        var fields: SaleFields
    }

    struct Issue: Sendable, Equatable {
        var line: Int
        var field: String
        var code: String
        var message: String
    }

    /// 422 listing every issue: `details[].field` is `lines[N].column`; `info.rows` carries `{line, field, code,
    /// message}` for clients that group by line.
    static func failure(_ issues: [Issue]) -> APIError {
        let rows = issues.map { issue -> JSONValue in
            .object(["line": .number(Double(issue.line)), "field": .string(issue.field), "code": .string(issue.code),
                     "message": .string(issue.message)])
        }
        var error = APIError.validation(issues.map { FieldIssue(field: "lines[\($0.line)].\($0.field)", code: $0.code, message: $0.message) },
                                        message: "The file has \(Set(issues.map(\.line)).count) bad line(s); nothing was imported.")
        error.info = ["rows": .array(rows)]
        return error
    }

    /// The CSV column of a `SaleFields` field name.
    static func column(of field: String) -> String {
        switch field {
        case "tierId": return "tier_id"
        case "soldOn": return "sold_on"
        case "periodStart": return "period_start"
        case "periodEnd": return "period_end"
        case "grossMinor": return "gross_minor"
        case "externalRef": return "external_ref"
        default: return field
        }
    }

    // MARK: Reading

    /// The file's data rows as sales fields, or 422 with every problem of every line (nothing is half-read).
    static func read(_ data: Data) throws -> [Row] {
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw APIError.validation(field: "file", code: "invalid_encoding", message: "The file must be UTF-8 text.")
        }
        let records = try Self.records(bytes)
        guard let header = records.first else {
            throw APIError.validation(field: "file", code: "empty", message: "The file has no header row.")
        }
        guard records.count - 1 <= maxRows else {
            throw APIError.validation(field: "file", code: "too_many_rows", message: "At most \(maxRows) rows per file.")
        }
        var issues: [Issue] = []
        var index: [String: Int] = [:]
        for (position, name) in header.fields.enumerated() {
            let column = name.trimmingCharacters(in: .whitespaces).lowercased()
            if !(importColumns + exportColumns).contains(column) {
                issues.append(Issue(line: header.line, field: String(column.prefix(50)), code: "unknown_column",
                                    message: "Columns: \(importColumns.joined(separator: ", "))."))
            } else if index[column] != nil {
                issues.append(Issue(line: header.line, field: column, code: "duplicate_column", message: "The column appears twice."))
            } else {
                index[column] = position
            }
        }
        for column in requiredColumns where index[column] == nil {
            issues.append(Issue(line: header.line, field: column, code: "required", message: "The header row must name this column."))
        }
        if !issues.isEmpty { throw failure(issues) }
        var rows: [Row] = []
        var refs: [String: Int] = [:]
        for record in records.dropFirst() {
            let before = issues.count
            func value(_ column: String) -> String? {
                guard let position = index[column], position < record.fields.count else { return nil }
                let text = record.fields[position]
                return text.isEmpty ? nil : text
            }
            func number<T: FixedWidthInteger>(_ column: String, _ type: T.Type) -> T? {
                guard let text = value(column) else { return nil }
                guard let number = T(text.trimmingCharacters(in: .whitespaces)) else {
                    issues.append(Issue(line: record.line, field: column, code: "invalid_integer", message: "A whole number."))
                    return nil
                }
                return number
            }
            if record.fields.count != header.fields.count {
                issues.append(Issue(line: record.line, field: "file", code: "column_count",
                                    message: "\(record.fields.count) fields where the header has \(header.fields.count)."))
                continue
            }
            var tierID: UUID?
            if let text = value("tier_id") {
                tierID = UUID(uuidString: text.trimmingCharacters(in: .whitespaces))
                if tierID == nil { issues.append(Issue(line: record.line, field: "tier_id", code: "invalid_uuid", message: "A tier id.")) }
            }
            let fields = SaleFields(
                tierId: tierID, soldOn: value("sold_on"), periodStart: value("period_start"), periodEnd: value("period_end"),
                quantity: number("quantity", Int.self), comps: number("comps", Int.self), grossMinor: number("gross_minor", Int64.self),
                channel: value("channel"), externalRef: value("external_ref"))
            var validator = Validator()
            fields.validate(&validator)
            for issue in validator.issues {
                let column = column(of: issue.field)
                // A value that did not parse is reported once, as unparsable.
                if issues[before...].contains(where: { $0.field == column }) { continue }
                issues.append(Issue(line: record.line, field: column, code: issue.code, message: issue.message))
            }
            if fields.externalRef == nil {
                issues.append(Issue(line: record.line, field: "external_ref", code: "required",
                                    message: "Imports need an external reference (they are idempotent on it)."))
            } else if let ref = fields.externalRef, let first = refs[ref] {
                issues.append(Issue(line: record.line, field: "external_ref", code: "duplicate", message: "Line \(first) has the same reference."))
            } else if let ref = fields.externalRef {
                refs[ref] = record.line
            }
            rows.append(Row(line: record.line, fields: fields))
        }
        if !issues.isEmpty { throw failure(issues) }
        return rows
    }

    /// RFC 4180 records with the line each starts on; blank lines are skipped. A stray quote or an unterminated
    /// quoted field is 422 on its line.
    static func records(_ bytes: [UInt8]) throws -> [(line: Int, fields: [String])] {
        var records: [(line: Int, fields: [String])] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var line = 1
        var start = 1
        var quoted = false
        var wasQuoted = false
        var i = 0
        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            wasQuoted = false
        }
        func endRecord() {
            endField()
            if !(fields.count == 1 && fields[0].isEmpty) { records.append((start, fields)) }
            fields.removeAll(keepingCapacity: true)
        }
        while i < bytes.count {
            let byte = bytes[i]
            if quoted {
                if byte == UInt8(ascii: "\"") {
                    if i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "\"") {
                        field.append(byte)
                        i += 1
                    } else {
                        quoted = false
                        wasQuoted = true
                    }
                } else {
                    if byte == UInt8(ascii: "\n") { line += 1 }
                    field.append(byte)
                }
            } else {
                switch byte {
                case UInt8(ascii: ","): endField()
                case UInt8(ascii: "\r"), UInt8(ascii: "\n"):
                    if byte == UInt8(ascii: "\r"), i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "\n") { i += 1 }
                    endRecord()
                    line += 1
                    start = line
                case UInt8(ascii: "\""):
                    guard field.isEmpty, !wasQuoted else {
                        throw failure([Issue(line: line, field: "file", code: "invalid_csv", message: "A quote inside an unquoted field.")])
                    }
                    quoted = true
                default:
                    if wasQuoted {
                        throw failure([Issue(line: line, field: "file", code: "invalid_csv", message: "Text after a closing quote.")])
                    }
                    field.append(byte)
                }
            }
            i += 1
        }
        if quoted { throw failure([Issue(line: start, field: "file", code: "invalid_csv", message: "A quoted field is never closed.")]) }
        if !field.isEmpty || !fields.isEmpty || wasQuoted { endRecord() }
        return records
    }

    // MARK: Writing

    /// One RFC 4180 field. Text a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, tab or CR)
    /// gets a leading `'`, so opening an export never executes what a sales channel typed.
    static func field(_ value: String?) -> String { CSVText.cell(value) }

    static let exportHeader = ["sale_id", "ticket_id", "ticket_name", "tier_id", "tier_name", "sold_on", "period_start", "period_end",
                               "quantity", "comps", "gross_minor", "currency", "channel", "external_ref"]

    static func export(_ sales: [EventTicketSale]) -> String {
        var out = exportHeader.joined(separator: ",") + "\r\n"
        for s in sales {
            let cells: [String?] = [
                s.id.uuidString.lowercased(), s.ticketId.uuidString.lowercased(), s.ticketName, s.tierId.uuidString.lowercased(), s.tierName,
                s.soldOn, s.periodStart, s.periodEnd, String(s.quantity), String(s.comps), String(s.grossMinor), s.currency, s.channel,
                s.externalRef,
            ]
            out += cells.map(field).joined(separator: ",") + "\r\n"
        }
        return out
    }
}

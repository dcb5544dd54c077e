import Foundation
import KisumKernel

/// The catalog file of `POST /api/vendors-system/import`: RFC 4180 (read by `TicketCSV.records`, the one CSV reader of
/// Base: quotes, CRLF or LF, an optional BOM), UTF-8, a header row naming the columns in any order. Every problem of
/// every line is collected and reported together in the shape the ticket import uses (`TicketCSV.failure`: details
/// `lines[N].column`, `info.rows` with `{line, field, code, message}`; line 1 is the header), so one round trip
/// shows the whole file's problems.
enum SystemVendorCSV {
    static let columns = ["name", "category", "email", "phone", "website", "city", "country", "description", "services"]
    static let maxBytes = 2 * 1024 * 1024
    static let maxRows = 5_000
    static let maxServices = 20

    typealias Issue = TicketCSV.Issue

    struct Row: Sendable {
        var line: Int
        var input: SystemVendorInput
        /// A catalog category's name (any case); the import resolves it.
        var category: String?
        /// ISO 3166-1 alpha-2, upper-cased; the import resolves it.
        var country: String?
        var services: [String]
    }

    /// The file's data rows, or 422 with every line's problems that need no database (the import adds those that do).
    static func read(_ data: Data) throws -> [Row] {
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw APIError.validation(field: "file", code: "invalid_encoding", message: "The file must be UTF-8 text.")
        }
        let records = try TicketCSV.records(bytes)
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
            if !columns.contains(column) {
                issues.append(Issue(line: header.line, field: String(column.prefix(50)), code: "unknown_column",
                                    message: "Columns: \(columns.joined(separator: ", "))."))
            } else if index[column] != nil {
                issues.append(Issue(line: header.line, field: column, code: "duplicate_column", message: "The column appears twice."))
            } else {
                index[column] = position
            }
        }
        if index["name"] == nil {
            issues.append(Issue(line: header.line, field: "name", code: "required", message: "The header row must name this column."))
        }
        if !issues.isEmpty { throw TicketCSV.failure(issues) }
        var rows: [Row] = []
        var names: [String: Int] = [:]
        for record in records.dropFirst() {
            guard record.fields.count == header.fields.count else {
                issues.append(Issue(line: record.line, field: "file", code: "column_count",
                                    message: "\(record.fields.count) fields where the header has \(header.fields.count)."))
                continue
            }
            func value(_ column: String) -> String? {
                guard let position = index[column], position < record.fields.count else { return nil }
                let text = record.fields[position].trimmingCharacters(in: .whitespacesAndNewlines)
                return text.isEmpty ? nil : text
            }
            let row = parse(line: record.line, value, into: &issues)
            if let key = row.input.name?.lowercased() {
                if let first = names[key] {
                    issues.append(Issue(line: record.line, field: "name", code: "duplicate", message: "Line \(first) has the same name."))
                } else {
                    names[key] = record.line
                }
            }
            rows.append(row)
        }
        if !issues.isEmpty { throw TicketCSV.failure(issues) }
        return rows
    }

    /// One data row: the body's own rules (name, e-mail, phone, website, city, description), the category's length,
    /// the country's form and the services list.
    private static func parse(line: Int, _ value: (String) -> String?, into issues: inout [Issue]) -> Row {
        let input = SystemVendorInput(name: value("name"), categoryId: nil, email: value("email"), phone: value("phone"),
                                      website: value("website"), city: value("city"), countryId: nil, description: value("description"))
        var validator = Validator()
        input.validate(&validator)
        let category = value("category")
        validator.text(category, "category", required: false, maxLength: 100)
        var country = value("country")
        if let code = country {
            if let upper = LetterCode.uppercased(code, lengths: 2...2) {
                country = upper
            } else {
                validator.add("country", "invalid_format", "An ISO 3166-1 alpha-2 code such as NL.")
            }
        }
        var services: [String] = []
        var seen: Set<String> = []
        for part in (value("services") ?? "").split(separator: ";") {
            let service = part.trimmingCharacters(in: .whitespacesAndNewlines)
            if service.isEmpty { continue }
            if service.unicodeScalars.count > 100 {
                validator.add("services", "too_long", "A service name has at most 100 characters.")
            } else if !seen.insert(service.lowercased()).inserted {
                validator.add("services", "duplicate", "\"\(service.prefix(100))\" is listed twice.")
            } else {
                services.append(service)
            }
        }
        if services.count > maxServices { validator.add("services", "too_many", "At most \(maxServices) services per vendor.") }
        for issue in validator.issues {
            issues.append(Issue(line: line, field: issue.field, code: issue.code, message: issue.message))
        }
        return Row(line: line, input: input, category: category, country: country, services: services)
    }
}

import Foundation

/// The events export: RFC 4180 (CRLF rows, fields with `,` `"` CR or LF quoted, quotes doubled) and safe to open
/// in a spreadsheet — a cell starting with `=`, `+`, `-`, `@`, tab or CR would be read as a formula, so it gets a
/// leading `'` (OWASP's CSV-injection advice).
enum EventsCSV {
    static let maxRows = 10_000
    static let header = ["id", "name", "status", "date", "doorsTime", "showTime", "curfewTime", "timezone", "venueName", "city",
                         "capacity", "currency", "artists", "eventGroupId", "cancellationReason", "version", "createdAt", "updatedAt"]

    static func document(_ events: [LiveEvent]) -> String {
        var out = row(header)
        for e in events {
            out += row([
                e.id.uuidString.lowercased(), e.name, e.status, e.date, e.doorsTime ?? "", e.showTime ?? "", e.curfewTime ?? "", e.timezone,
                e.venueName ?? "", e.city ?? "", e.capacity.map(String.init) ?? "", e.currency,
                e.artists.map(\.artistName).joined(separator: "; "), e.eventGroupId?.uuidString.lowercased() ?? "",
                e.cancellationReason ?? "", String(e.version), RFC3339Text.string(e.createdAt), RFC3339Text.string(e.updatedAt),
            ])
        }
        return out
    }

    static func row(_ cells: [String]) -> String {
        cells.map(cell).joined(separator: ",") + "\r\n"
    }

    static func cell(_ value: String) -> String { CSVText.cell(value) }
}

/// `2027-06-12T19:00:00Z` for the export's timestamps.
enum RFC3339Text {
    static func string(_ date: Date) -> String {
        let c = Calendar.utc.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04ld-%02ld-%02ldT%02ld:%02ld:%02ldZ", c.year ?? 1970, c.month ?? 1, c.day ?? 1, c.hour ?? 0, c.minute ?? 0, c.second ?? 0)
    }
}

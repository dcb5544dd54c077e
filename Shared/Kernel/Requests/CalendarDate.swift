import Foundation

/// A calendar day without a time or zone (`2027-01-31`): invoice issue and due dates. It travels as
/// text and is bound to PostgreSQL as `$n::date`, so no time zone ever shifts it by a day.
public enum CalendarDate {
    /// `YYYY-MM-DD` naming a real day in years 1000–9999 (leap years included).
    public static func isValid(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return false }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for byte in bytes[range] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              (1000...9999).contains(year), (1...12).contains(month), day >= 1 else { return false }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return day <= days[month - 1]
    }

    /// Today in UTC, as text.
    public static func today(_ now: Date = Date()) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: now)
        return String(format: "%04d-%02d-%02d", parts.year ?? 1970, parts.month ?? 1, parts.day ?? 1)
    }
}

extension Validator {
    /// A `YYYY-MM-DD` calendar day; `nil` passes unless `required`.
    public mutating func calendarDate(_ value: String?, _ field: String, required: Bool = false) {
        guard let value else {
            if required { add(field, "required", "This field is required.") }
            return
        }
        if !CalendarDate.isValid(value) { add(field, "invalid_date", "Must be a calendar date, YYYY-MM-DD.") }
    }
}

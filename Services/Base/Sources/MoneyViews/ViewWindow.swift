import Foundation
import KisumKernel

/// Calendar arithmetic on `YYYY-MM-DD` days (proleptic Gregorian, as PostgreSQL's `date`), in integers: the
/// windows' defaults and their size checks. Days come from `CalendarDate`, so years are 1000–9999.
enum ViewDay {
    /// Days since 1970-01-01 (H. Hinnant's days_from_civil).
    static func number(_ text: String) -> Int? {
        guard CalendarDate.isValid(text) else { return nil }
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return nil }
        return number(year: parts[0], month: parts[1], day: parts[2])
    }

    static func number(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The day `number` names (civil_from_days), as text.
    static func text(_ number: Int) -> String {
        let z = number + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        return String(format: "%04d-%02d-%02d", year, month, day)
    }

    /// 1000-01-01 and 9999-12-31, the days `CalendarDate` reads.
    static let first = number(year: 1000, month: 1, day: 1)
    static let last = number(year: 9999, month: 12, day: 31)

    static func yearMonth(_ text: String) -> (year: Int, month: Int)? {
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return nil }
        return (parts[0], parts[1])
    }

    /// The first day of the month `months` after the month of `text`.
    static func monthStart(_ text: String, plus months: Int = 0) -> String {
        guard let (year, month) = yearMonth(text) else { return text }
        let index = year * 12 + (month - 1) + months
        return String(format: "%04d-%02d-01", index / 12, index % 12 + 1)
    }

    /// The last day of the month `months` after the month of `text`.
    static func monthEnd(_ text: String, plus months: Int = 0) -> String {
        guard let next = number(monthStart(text, plus: months + 1)) else { return text }
        return Self.text(next - 1)
    }
}

/// The days a view covers (`from`/`to`, both inclusive), read from the query with defaults and a size limit.
struct ViewWindow: Sendable {
    var from: String
    var to: String

    /// `from`/`to` as sent, else the defaults (one side alone: the other is the default window's length away from
    /// it). `to` before `from` or a window over `maxDays` is 422: each parameter is well-formed, the pair is not.
    static func read(_ q: inout QueryReader, defaultFrom: String, defaultTo: String, maxDays: Int) -> (window: ViewWindow, issues: [FieldIssue]) {
        let from = q.calendarDate("from")
        let to = q.calendarDate("to")
        var window = ViewWindow(from: from ?? defaultFrom, to: to ?? defaultTo)
        let span = (ViewDay.number(defaultTo) ?? 0) - (ViewDay.number(defaultFrom) ?? 0)
        if from != nil, to == nil, let start = ViewDay.number(window.from) {
            window.to = ViewDay.text(min(start + span, ViewDay.last))
        } else if to != nil, from == nil, let end = ViewDay.number(window.to) {
            window.from = ViewDay.text(max(end - span, ViewDay.first))
        }
        var issues: [FieldIssue] = []
        if let start = ViewDay.number(window.from), let end = ViewDay.number(window.to) {
            if end < start {
                issues.append(FieldIssue(field: "to", code: "before_start", message: "to must be on or after from."))
            } else if end - start + 1 > maxDays {
                issues.append(FieldIssue(field: "to", code: "range_too_long", message: "At most \(maxDays) days from from to to."))
            }
        }
        return (window, issues)
    }
}

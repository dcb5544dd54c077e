import Foundation
import KisumKernel

/// Reads the feed's filters from the query (`GET /activity`) or an export body, with one set of rules:
/// lists are comma-separated; a date is an RFC 3339 date-time or a calendar day (`end_date` as a day includes
/// that whole day, UTC); malformed values the contract's schema already refuses are 400, values the schema
/// admits but that name nothing usable (ids that are not UUIDs, an end before the start) are 422.
enum ActivityFilterReader {
    static let maxListLength = 500
    static let maxIDListLength = 3_800
    static let maxIDs = 100

    /// Raw values as sent.
    struct Raw {
        var types: String?
        var actions: String?
        var userIDs: String?
        var teamIDs: String?
        var search: String?
        var startDate: String?
        var endDate: String?
        var scope: String?
    }

    /// Problems split by answer: `malformed` (400) and `invalid` (422).
    struct Problems {
        var malformed: [FieldIssue] = []
        var invalid: [FieldIssue] = []
    }

    static func filter(_ raw: Raw, userID: UUID, problems: inout Problems) -> ActivityFilter {
        var filter = ActivityFilter()
        filter.types = names(raw.types, "types", &problems)
        filter.actions = names(raw.actions, "actions", &problems)
        filter.userIds = ids(raw.userIDs, "user_ids", &problems)
        filter.teamIds = ids(raw.teamIDs, "team_ids", &problems)
        if let search = raw.search?.trimmingCharacters(in: .whitespaces), !search.isEmpty {
            if raw.search.map({ $0.unicodeScalars.count > 200 }) == true {
                problems.malformed.append(FieldIssue(field: "search", code: "too_long", message: "At most 200 characters."))
            } else {
                filter.search = search
            }
        }
        filter.startDate = date(raw.startDate, "start_date", endOfDay: false, &problems)
        filter.endBefore = date(raw.endDate, "end_date", endOfDay: true, &problems)
        if let start = filter.startDate, let end = filter.endBefore, end <= start {
            problems.invalid.append(FieldIssue(field: "end_date", code: "invalid_range", message: "end_date must be after start_date."))
        }
        switch raw.scope {
        case nil, "all": break
        case "mine": filter.onlyUserId = userID
        default:
            problems.malformed.append(FieldIssue(field: "scope", code: "invalid_choice", message: "Must be one of: mine, all."))
        }
        return filter
    }

    /// Throws the 400 first (the request could not be read), then the 422.
    static func check(_ problems: Problems, query: Bool) throws {
        if !problems.malformed.isEmpty {
            throw query ? APIError.badRequest("invalid_query", "Some query parameters are invalid.", details: problems.malformed)
                : APIError.validation(problems.malformed)
        }
        if !problems.invalid.isEmpty { throw APIError.validation(problems.invalid) }
    }

    static func names(_ text: String?, _ field: String, _ problems: inout Problems) -> [String]? {
        guard let text else { return nil }
        guard text.unicodeScalars.count <= maxListLength else {
            problems.malformed.append(FieldIssue(field: field, code: "too_long", message: "At most \(maxListLength) characters."))
            return nil
        }
        let items = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return items.isEmpty ? nil : Array(Set(items)).sorted()
    }

    static func ids(_ text: String?, _ field: String, _ problems: inout Problems) -> [UUID]? {
        guard let text else { return nil }
        guard text.unicodeScalars.count <= maxIDListLength else {
            problems.malformed.append(FieldIssue(field: field, code: "too_long", message: "At most \(maxIDListLength) characters."))
            return nil
        }
        let items = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if items.isEmpty { return nil }
        guard items.count <= maxIDs else {
            problems.invalid.append(FieldIssue(field: field, code: "too_many", message: "At most \(maxIDs) ids."))
            return nil
        }
        var result: [UUID] = []
        for item in items {
            guard let id = UUID(uuidString: item) else {
                problems.invalid.append(FieldIssue(field: field, code: "invalid_uuid", message: "Comma-separated UUIDs."))
                return nil
            }
            result.append(id)
        }
        return result
    }

    /// A date-time, or a calendar day: its start, or with `endOfDay` the next day's start (so the day is included).
    static func date(_ text: String?, _ field: String, endOfDay: Bool, _ problems: inout Problems) -> Date? {
        guard let raw = text else { return nil }
        let value = raw.trimmingCharacters(in: .whitespaces)
        // A day in any year JSON Schema's `format: date` admits (not only CalendarDate's 1000-9999).
        if value.utf8.count == 10, value.utf8.allSatisfy({ $0 == UInt8(ascii: "-") || ($0 >= 48 && $0 <= 57) }),
           let day = RFC3339.date(from: value + "T00:00:00Z") {
            return endOfDay ? day.addingTimeInterval(86_400) : day
        }
        if let date = RFC3339.date(from: value) { return date }
        problems.malformed.append(FieldIssue(field: field, code: "invalid_date",
                                             message: "Must be an RFC 3339 date-time or a YYYY-MM-DD date."))
        return nil
    }
}

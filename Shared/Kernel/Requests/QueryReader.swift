import Foundation
import Hummingbird

/// Typed access to query parameters. Bad values are collected and reported together as
/// 400 `invalid_query` with one detail per parameter.
public struct QueryReader {
    private let parameters: Parameters
    public private(set) var issues: [FieldIssue] = []

    public init(_ request: Request) {
        self.parameters = request.uri.queryParameters
    }

    /// Reports a problem found by service-specific parsing, so it is listed with the others.
    public mutating func add(_ field: String, _ code: String, _ message: String) {
        issues.append(FieldIssue(field: field, code: code, message: message))
    }

    /// Free text: a parameter sent empty (`?q=`) is the same as one left out.
    public func string(_ name: String) -> String? {
        guard let value = present(name), !value.isEmpty else { return nil }
        return value
    }

    /// A typed parameter's text as sent (trimmed); "" when sent empty, which typed readers refuse: an
    /// empty `?venueId=` is not a UUID, and silently dropping the filter would answer another question.
    private func present(_ name: String) -> String? {
        parameters.get(name)?.trimmingCharacters(in: .whitespaces)
    }

    /// An ISO 4217 currency code, any case, answered upper-cased. Read as sent (not trimmed), like the
    /// contracts' `^[A-Za-z]{3}$`: an empty or padded value is refused, not ignored.
    public mutating func currency(_ name: String) -> String? {
        guard let text = parameters.get(name) else { return nil }
        guard let upper = LetterCode.uppercased(text, lengths: 3...3) else {
            issues.append(FieldIssue(field: name, code: "invalid_currency", message: "An ISO 4217 code such as EUR."))
            return nil
        }
        return upper
    }

    public mutating func uuid(_ name: String) -> UUID? {
        guard let text = present(name) else { return nil }
        guard let value = UUID(uuidString: text) else {
            issues.append(FieldIssue(field: name, code: "invalid_uuid", message: "Must be a UUID."))
            return nil
        }
        return value
    }

    public mutating func int(_ name: String, range: ClosedRange<Int>) -> Int? {
        guard let text = present(name) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            issues.append(FieldIssue(field: name, code: "out_of_range",
                                     message: "Must be an integer between \(range.lowerBound) and \(range.upperBound)."))
            return nil
        }
        return value
    }

    public mutating func date(_ name: String) -> Date? {
        guard let text = present(name) else { return nil }
        guard let value = RFC3339.date(from: text) else {
            issues.append(FieldIssue(field: name, code: "invalid_date", message: "Must be an RFC 3339 date-time."))
            return nil
        }
        return value
    }

    /// A `YYYY-MM-DD` calendar day (`CalendarDate`), kept as text.
    public mutating func calendarDate(_ name: String) -> String? {
        guard let text = present(name) else { return nil }
        guard CalendarDate.isValid(text) else {
            issues.append(FieldIssue(field: name, code: "invalid_date", message: "Must be a calendar date, YYYY-MM-DD."))
            return nil
        }
        return text
    }

    public mutating func bool(_ name: String) -> Bool? {
        guard let text = present(name)?.lowercased() else { return nil }
        switch text {
        case "true", "1": return true
        case "false", "0": return false
        default:
            issues.append(FieldIssue(field: name, code: "invalid_boolean", message: "Must be true or false."))
            return nil
        }
    }

    public mutating func oneOf(_ name: String, _ allowed: [String]) -> String? {
        guard let text = present(name) else { return nil }
        guard allowed.contains(text) else {
            issues.append(FieldIssue(field: name, code: "invalid_choice", message: "Must be one of: \(allowed.joined(separator: ", "))."))
            return nil
        }
        return text
    }

    /// Bounded text search, so `q` cannot be abused for huge ILIKE patterns.
    public mutating func search(_ name: String = "q", maxLength: Int = 200) -> String? {
        // The length is the value's as sent (before trimming), in code points, as JSON Schema counts.
        guard let raw = parameters.get(name), let text = string(name) else { return nil }
        guard raw.unicodeScalars.count <= maxLength else {
            issues.append(FieldIssue(field: name, code: "too_long", message: "At most \(maxLength) characters."))
            return nil
        }
        return text
    }

    /// `page` (≥ 1) and `limit` (1…maxLimit), the Venue/Base paging style.
    public mutating func page(defaultLimit: Int = 20, maxLimit: Int = 100) -> PageRequest {
        let page = int("page", range: 1...1_000_000) ?? 1
        let limit = int("limit", range: 1...maxLimit) ?? defaultLimit
        return PageRequest(page: page, limit: limit)
    }

    /// `skip` (≥ 0) and `limit`, one of Platform Core's paging styles.
    public mutating func skipLimit(defaultLimit: Int = 50, maxLimit: Int = 200) -> (skip: Int, limit: Int) {
        (int("skip", range: 0...10_000_000) ?? 0, int("limit", range: 1...maxLimit) ?? defaultLimit)
    }

    public func validate() throws {
        if !issues.isEmpty {
            throw APIError.badRequest("invalid_query", "Some query parameters are invalid.", details: issues)
        }
    }
}

public struct PageRequest: Sendable, Equatable {
    public var page: Int
    public var limit: Int

    public init(page: Int, limit: Int) {
        self.page = page
        self.limit = limit
    }

    /// Saturates instead of trapping: the readers bound page and limit, but `PageRequest` is public.
    public var offset: Int {
        let (product, overflow) = (max(page, 1) - 1).multipliedReportingOverflow(by: max(limit, 0))
        return overflow ? Int.max : product
    }
}

/// A page of a list with its total, in the camelCase services' shape.
public struct Page<Item: Encodable & Sendable>: ResponseEncodable, Sendable {
    public var items: [Item]
    public var total: Int
    public var page: Int
    public var limit: Int

    public init(items: [Item], total: Int, request: PageRequest) {
        self.items = items
        self.total = total
        self.page = request.page
        self.limit = request.limit
    }
}

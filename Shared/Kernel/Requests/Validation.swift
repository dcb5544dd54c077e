import Foundation

/// Collects field problems so one response reports all of them (422 `validation_failed`).
public struct Validator: Sendable {
    public private(set) var issues: [FieldIssue] = []

    public init() {}

    public var isValid: Bool { issues.isEmpty }

    public mutating func add(_ field: String, _ code: String, _ message: String) {
        issues.append(FieldIssue(field: field, code: code, message: message))
    }

    public mutating func check(_ condition: Bool, _ field: String, _ code: String, _ message: String) {
        if !condition { add(field, code, message) }
    }

    /// A required, non-blank string no longer than `maxLength`.
    public mutating func text(_ value: String?, _ field: String, required: Bool = true, maxLength: Int = 255) {
        guard let value else {
            if required { add(field, "required", "This field is required.") }
            return
        }
        if value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            add(field, required ? "required" : "blank", "This field must not be blank.")
        } else if value.unicodeScalars.count > maxLength {
            // Code points, as JSON Schema's maxLength counts (a letter with a combining accent is two).
            add(field, "too_long", "At most \(maxLength) characters.")
        }
    }

    public mutating func oneOf(_ value: String?, _ field: String, _ allowed: [String], required: Bool = false) {
        guard let value else {
            if required { add(field, "required", "This field is required.") }
            return
        }
        if !allowed.contains(value) {
            add(field, "invalid_choice", "Must be one of: \(allowed.joined(separator: ", ")).")
        }
    }

    public mutating func range<T: Comparable>(_ value: T?, _ field: String, _ range: ClosedRange<T>) {
        guard let value else { return }
        if !range.contains(value) { add(field, "out_of_range", "Must be between \(range.lowerBound) and \(range.upperBound).") }
    }

    /// An amount in integer minor units (cents): 0 through `MinorUnits.max`. Bodies decode amounts as
    /// `Int64`, so a fraction or a number past 2^63 never gets here (400 `invalid_body`).
    public mutating func minorAmount(_ value: Int64?, _ field: String) {
        guard let value else { return }
        if value < 0 {
            add(field, "negative", "Amounts cannot be negative.")
        } else if value > MinorUnits.max {
            add(field, "out_of_range", "At most \(MinorUnits.max).")
        }
    }

    public mutating func email(_ value: String?, _ field: String, required: Bool = true) {
        guard let value else {
            if required { add(field, "required", "This field is required.") }
            return
        }
        if !Self.looksLikeEmail(value) { add(field, "invalid_email", "Must be an e-mail address.") }
    }

    /// `end` strictly after `start`.
    public mutating func interval(_ start: Date?, _ end: Date?, startField: String, endField: String) {
        guard let start, let end else { return }
        if end <= start { add(endField, "before_start", "\(endField) must be after \(startField).") }
    }

    public static func looksLikeEmail(_ value: String) -> Bool {
        let parts = value.split(separator: "@", omittingEmptySubsequences: false)
        guard value.unicodeScalars.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
              !parts[1].hasPrefix("."), !parts[1].hasSuffix("."), !value.contains(where: \.isWhitespace)
        else { return false }
        return true
    }

    /// Throws 422 with every collected issue.
    public func validate() throws {
        if !issues.isEmpty { throw APIError.validation(issues) }
    }
}

/// Money travels as integers in the currency's minor units, never as floating point.
public enum MinorUnits {
    /// Larger than any real fee and below 2^53, so every JavaScript client carries it exactly, and a
    /// sum of many amounts stays far from `Int64` overflow.
    public static let max: Int64 = 1_000_000_000_000_000
}

/// Request bodies that check themselves right after decoding.
public protocol ValidatableBody: Decodable {
    func validate(_ validator: inout Validator)
}

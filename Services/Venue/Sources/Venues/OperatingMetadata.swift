import Foundation
import KisumKernel

/// Validation of a venue's operating metadata (`operatingHours`, `restrictions`, `technicalSpecs`).
/// They are stored as jsonb, so their shape is checked here key by key: unknown keys are rejected
/// rather than silently kept, so a typo never turns into data nobody reads.
enum OperatingMetadata {
    static let weekdays = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

    /// `{"monday": [{"open": "18:00", "close": "02:00"}], …, "notes": "…"}`. A close earlier than the
    /// open time runs past midnight (club nights); an empty list or a missing day means closed.
    static func validateOperatingHours(_ value: JSONValue?, field: String, into validator: inout Validator) {
        forEachMember(of: value, field: field, what: "an object keyed by weekday", into: &validator) { key, dayValue, path, validator in
            if key == "notes" {
                text(dayValue, path, maxLength: 1000, into: &validator)
                return
            }
            guard weekdays.contains(key) else {
                validator.add(path, "unknown_field", "Allowed keys: \(weekdays.joined(separator: ", ")), notes.")
                return
            }
            guard let intervals = dayValue.arrayValue else {
                validator.add(path, "invalid_type", "Must be a list of {open, close} intervals.")
                return
            }
            if intervals.count > 6 { validator.add(path, "too_many", "At most 6 intervals per day.") }
            for (index, interval) in intervals.enumerated() {
                let itemPath = "\(path)[\(index)]"
                guard let fields = interval.objectValue else {
                    validator.add(itemPath, "invalid_type", "Must be an object with open and close.")
                    continue
                }
                for extra in fields.keys.sorted() where extra != "open" && extra != "close" {
                    validator.add("\(itemPath).\(extra)", "unknown_field", "Allowed keys: open, close.")
                }
                let open = fields["open"]?.stringValue
                let close = fields["close"]?.stringValue
                let openMinutes = open.flatMap { minutes($0, allow24: false) }
                let closeMinutes = close.flatMap { minutes($0, allow24: true) }
                if openMinutes == nil { validator.add("\(itemPath).open", "invalid_time", "Must be a time HH:MM (00:00–23:59).") }
                if closeMinutes == nil { validator.add("\(itemPath).close", "invalid_time", "Must be a time HH:MM (00:00–24:00).") }
                if let openMinutes, let closeMinutes, openMinutes == closeMinutes {
                    validator.add("\(itemPath).close", "empty_interval", "close must differ from open.")
                }
            }
        }
    }

    /// `{"minimumAge": 18, "curfew": "23:00", "noiseLimitDb": 98, "maxOccupancy": 800, "rules": ["…"], "notes": "…"}`.
    static func validateRestrictions(_ value: JSONValue?, field: String, into validator: inout Validator) {
        forEachMember(of: value, field: field, what: "an object", into: &validator) { key, item, path, validator in
            switch key {
            case "minimumAge": integer(item, path, 0...99, into: &validator)
            case "maxOccupancy": integer(item, path, 0...1_000_000, into: &validator)
            case "noiseLimitDb": number(item, path, 0...200, into: &validator)
            case "curfew":
                if item.stringValue.flatMap({ minutes($0, allow24: false) }) == nil {
                    validator.add(path, "invalid_time", "Must be a time HH:MM (00:00–23:59).")
                }
            case "rules": textList(item, path, maxItems: 50, maxLength: 500, into: &validator)
            case "notes": text(item, path, maxLength: 2000, into: &validator)
            default:
                validator.add(path, "unknown_field", "Allowed keys: minimumAge, maxOccupancy, noiseLimitDb, curfew, rules, notes.")
            }
        }
    }

    /// `{"stageWidthM": 12, "stageDepthM": 8, "ceilingHeightM": 9.5, "powerAmps": 400, "loadInNotes": "…", "equipment": ["…"], "notes": "…"}`.
    static func validateTechnicalSpecs(_ value: JSONValue?, field: String, into validator: inout Validator) {
        forEachMember(of: value, field: field, what: "an object", into: &validator) { key, item, path, validator in
            switch key {
            case "stageWidthM", "stageDepthM", "ceilingHeightM": number(item, path, 0...1000, into: &validator)
            case "powerAmps": integer(item, path, 0...100_000, into: &validator)
            case "loadInNotes": text(item, path, maxLength: 2000, into: &validator)
            case "equipment": textList(item, path, maxItems: 200, maxLength: 200, into: &validator)
            case "notes": text(item, path, maxLength: 4000, into: &validator)
            default:
                validator.add(path, "unknown_field",
                              "Allowed keys: stageWidthM, stageDepthM, ceilingHeightM, powerAmps, loadInNotes, equipment, notes.")
            }
        }
    }

    /// Minutes since midnight of `HH:MM`.
    static func minutes(_ text: String, allow24: Bool) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2,
              let hours = Int(parts[0]), let minutes = Int(parts[1]), (0...59).contains(minutes) else { return nil }
        if allow24, hours == 24, minutes == 0 { return 24 * 60 }
        guard (0...23).contains(hours) else { return nil }
        return hours * 60 + minutes
    }

    /// Calls `body` for each member of a JSON object, in key order, with its error path; reports a
    /// non-object as `invalid_type` ("Must be <what>."). Absent and null are fine (nothing to check).
    private static func forEachMember(of value: JSONValue?, field: String, what: String, into validator: inout Validator,
                                      _ body: (String, JSONValue, String, inout Validator) -> Void) {
        guard let value, !value.isNull else { return }
        guard let object = value.objectValue else {
            validator.add(field, "invalid_type", "Must be \(what).")
            return
        }
        for (key, item) in object.sorted(by: { $0.key < $1.key }) {
            body(key, item, "\(field).\(key)", &validator)
        }
    }

    private static func integer(_ value: JSONValue, _ path: String, _ range: ClosedRange<Int>, into validator: inout Validator) {
        guard let number = value.doubleValue, number.rounded() == number else {
            validator.add(path, "invalid_type", "Must be an integer.")
            return
        }
        // `Int(exactly:)`: a whole number past Int's range (1e300) is out of range, not a trap.
        guard let whole = Int(exactly: number), range.contains(whole) else {
            validator.add(path, "out_of_range", "Must be between \(range.lowerBound) and \(range.upperBound).")
            return
        }
    }

    private static func number(_ value: JSONValue, _ path: String, _ range: ClosedRange<Double>, into validator: inout Validator) {
        guard let number = value.doubleValue else {
            validator.add(path, "invalid_type", "Must be a number.")
            return
        }
        if !range.contains(number) {
            validator.add(path, "out_of_range", "Must be between \(range.lowerBound) and \(range.upperBound).")
        }
    }

    private static func text(_ value: JSONValue, _ path: String, maxLength: Int, into validator: inout Validator) {
        guard let text = value.stringValue else {
            validator.add(path, "invalid_type", "Must be a string.")
            return
        }
        if text.unicodeScalars.count > maxLength { validator.add(path, "too_long", "At most \(maxLength) characters.") }
    }

    private static func textList(_ value: JSONValue, _ path: String, maxItems: Int, maxLength: Int, into validator: inout Validator) {
        guard let items = value.arrayValue else {
            validator.add(path, "invalid_type", "Must be a list of strings.")
            return
        }
        if items.count > maxItems { validator.add(path, "too_many", "At most \(maxItems) items.") }
        for (index, item) in items.enumerated() {
            guard let text = item.stringValue, !text.trimmingCharacters(in: .whitespaces).isEmpty else {
                validator.add("\(path)[\(index)]", "invalid_type", "Must be a non-blank string.")
                continue
            }
            if text.unicodeScalars.count > maxLength { validator.add("\(path)[\(index)]", "too_long", "At most \(maxLength) characters.") }
        }
    }
}

import Foundation
import KisumKernel

/// Free-form JSON objects the UI owns (workspace settings, module settings): stored as given, bounded in size.
enum JSONObjectField {
    /// The value as JSON text for a `::jsonb` bind, keys as the client sent them; nil stays nil.
    static func text(_ value: JSONValue?) -> String? {
        guard let value, let data = try? JSONCoding.encoder.encode(value) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// 422 `invalid_type` unless the value is a JSON object, `too_large` past `maxBytes` of JSON.
    static func validate(_ value: JSONValue?, _ field: String, maxBytes: Int, into v: inout Validator) {
        guard let value else { return }
        guard value.objectValue != nil else { return v.add(field, "invalid_type", "Must be a JSON object.") }
        v.check((text(value)?.utf8.count ?? 0) <= maxBytes, field, "too_large", "At most \(maxBytes / 1024) KiB of JSON.")
    }
}

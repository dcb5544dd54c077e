import Foundation
import HTTPTypes
import Hummingbird
import KisumKernel

/// Optimistic concurrency for Base's replace (PUT) routes (artists, events, event groups, tasks, festivals, offers): the version the
/// client read comes in the body's `version` or as `If-Match` (the ETag a read answered); with both, they must
/// agree. A stale version is 409 `version_conflict` in the repository, never a silent overwrite.
enum ExpectedVersion {
    /// `If-Match: "3"` (also `3` or `W/"3"`); anything else is 400 `invalid_if_match`.
    static func header(_ request: Request) throws -> Int? {
        guard let raw = request.headers[.ifMatch] else { return nil }
        var text = Substring(raw.trimmingCharacters(in: .whitespaces))
        if text.hasPrefix("W/") { text = text.dropFirst(2) }
        if text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") { text = text.dropFirst().dropLast() }
        guard (1...9).contains(text.count), text.allSatisfy({ $0.isASCII && $0.isNumber }), let version = Int(text) else {
            throw APIError.badRequest("invalid_if_match", "If-Match must be the version as the ETag gives it, e.g. \"3\".")
        }
        return version
    }

    /// Adds the version rules to a body's validation: one of body or header is required, both must agree.
    static func check(body: Int?, header: Int?, _ v: inout Validator) {
        v.range(body, "version", 1...Int(Int32.max))
        switch (body, header) {
        case (nil, nil):
            v.add("version", "required", "Send the version you read, in the body or as If-Match.")
        case let (body?, header?) where body != header:
            v.add("version", "mismatch", "The body's version and If-Match name different versions.")
        default:
            break
        }
    }

    static func conflict(_ what: String, expected: Int, current: Int) -> APIError {
        APIError.conflict("version_conflict", "The \(what) was changed since version \(expected) was read.",
                          info: ["currentVersion": .number(Double(current))])
    }

    /// The response with the version as its ETag, for a later `If-Match`.
    static func tagged<T: ResponseEncodable>(_ value: T, version: Int, status: HTTPResponse.Status = .ok) -> EditedResponse<T> {
        EditedResponse(status: status, headers: [.eTag: "\"\(version)\""], response: value)
    }
}

/// A `sort` query parameter: one of the allowed keys, `-key` for descending. Answers the key and the direction,
/// which the repositories map onto fixed ORDER BY texts (never the parameter's own text).
enum SortParameter {
    static func read(_ q: inout QueryReader, allowed: [String], default fallback: String) -> (key: String, descending: Bool) {
        let all = allowed + allowed.map { "-" + $0 }
        let value = q.oneOf("sort", all) ?? fallback
        return value.hasPrefix("-") ? (String(value.dropFirst()), true) : (value, false)
    }
}

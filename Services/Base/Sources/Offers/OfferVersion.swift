import Foundation
import HTTPTypes
import Hummingbird
import KisumKernel

/// The version a write of an offer is based on (issue 9: "concurrent edits use a version number (`If-Match`
/// or a `version` field) and the loser gets 409, never a silent overwrite").
enum OfferVersion {
    /// `If-Match: "3"` (also `3` or `W/"3"`), the ETag offer responses carry. Anything else is 400.
    static func ifMatch(_ request: Request) throws -> Int? {
        guard let raw = request.headers[.ifMatch] else { return nil }
        var text = Substring(raw.trimmingCharacters(in: .whitespaces))
        if text.hasPrefix("W/") { text = text.dropFirst(2) }
        if text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") { text = text.dropFirst().dropLast() }
        guard (1...9).contains(text.count), text.allSatisfy({ $0.isASCII && $0.isNumber }), let version = Int(text) else {
            throw APIError.badRequest("invalid_if_match", "If-Match must be the offer's version as its ETag gives it, e.g. \"3\".")
        }
        return version
    }

    /// The body's version or the header's (they must agree when both are sent); neither is 422 `required`.
    static func resolve(body: Int?, header: Int?) throws -> Int {
        switch (body, header) {
        case (nil, nil):
            throw APIError.validation(field: "version", code: "required", message: "Send the version you read, in the body or as If-Match.")
        case let (body?, header?) where body != header:
            throw APIError.validation(field: "version", code: "mismatch", message: "The body's version and If-Match name different versions.")
        default:
            return body ?? header ?? 0
        }
    }
}

import Foundation
import HTTPTypes
import Hummingbird
import KisumKernel

/// The version a write of an offer is based on (issue 9: "concurrent edits use a version number (`If-Match`
/// or a `version` field) and the loser gets 409, never a silent overwrite").
enum OfferVersion {
    /// `If-Match: "3"` (also `3` or `W/"3"`), the ETag offer responses carry. Anything else is 400.
    static func ifMatch(_ request: Request) throws -> Int? {
        try ExpectedVersion.header(request)
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

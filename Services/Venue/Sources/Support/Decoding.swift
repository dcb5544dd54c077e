import Foundation
import Hummingbird
import KisumKernel

extension Request {
    /// Decodes a JSON body (malformed → 400) and validates it right away with `rules`
    /// (semantic problems → 422 `validation_failed` listing every field). For bodies whose rules
    /// depend on the caller (tenant vs Admin), which `decodeValid` cannot express.
    func decode<T: Decodable>(
        as type: T.Type, context: some KisumRequestContext, validate rules: (T, inout Validator) -> Void
    ) async throws -> T {
        let body = try await decodeJSON(as: type, context: context)
        var validator = Validator()
        rules(body, &validator)
        try validator.validate()
        return body
    }
}

extension Parameters {
    /// A numeric path id (Admin's `venueId`); anything else names nothing → 404.
    func positiveInt(_ name: String, what: String) throws -> Int {
        guard let text = get(name), let value = Int(text), value > 0 else { throw APIError.notFound(what) }
        return value
    }
}

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

extension QueryReader {
    /// A comma-separated list of UUIDs (`spaceId=a,b`); nil when absent.
    mutating func uuidList(_ name: String, max: Int) -> [UUID]? {
        guard let text = string(name) else { return nil }
        let parts = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let ids = parts.compactMap(UUID.init(uuidString:))
        guard ids.count == parts.count, !ids.isEmpty, ids.count <= max else {
            // Report through the reader's own issue list so all bad parameters come back together.
            _ = uuid(name)
            return nil
        }
        return ids
    }
}

extension Request {
    /// Like `decode(as:context:validate:)` for operations whose body may be omitted: an empty body
    /// means `defaultValue`; a present one must be valid JSON (400) and pass `rules` (422).
    func decodeOptional<T: Decodable>(
        as type: T.Type, context: some KisumRequestContext, default defaultValue: T, validate rules: (T, inout Validator) -> Void
    ) async throws -> T {
        let value = try await decodeJSONIfPresent(as: type, context: context) ?? defaultValue
        var validator = Validator()
        rules(value, &validator)
        try validator.validate()
        return value
    }
}

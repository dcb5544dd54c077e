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
    /// A comma-separated list of 1…`max` UUIDs (`spaceId=a,b`); nil when absent. Typed like `uuid`: sent
    /// empty (`?spaceId=`), with an empty item (`a,,b`, `a,`) or with anything but UUIDs it is refused
    /// (400 `invalid_query`) rather than read as "no filter".
    mutating func uuidList(_ name: String, in request: Request, max: Int) -> [UUID]? {
        guard let text = request.uri.queryParameters.get(name) else { return nil }
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        let ids = parts.compactMap { UUID(uuidString: String($0)) }
        guard ids.count == parts.count, ids.count <= max else {
            // Report through the reader's own issue list so all bad parameters come back together.
            add(name, "invalid_uuid", "Must be a UUID or a comma-separated list of at most \(max) UUIDs.")
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

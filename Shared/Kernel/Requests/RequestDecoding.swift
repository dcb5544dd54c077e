import Foundation
import Hummingbird
import NIOCore

extension Request {
    /// Decodes a JSON body: empty or malformed → 400 `invalid_body` with the offending path.
    public func decodeJSON<T: Decodable>(as type: T.Type, context: some KisumRequestContext) async throws -> T {
        guard let value = try await decodeJSONIfPresent(as: type, context: context) else {
            throw APIError.badRequest("invalid_body", "A JSON request body is required.")
        }
        return value
    }

    /// For operations whose body may be left out: nil when the body is empty; otherwise the same
    /// checks as `decodeJSON` (content type, well-formed JSON of the right shape).
    public func decodeJSONIfPresent<T: Decodable>(as type: T.Type, context: some KisumRequestContext) async throws -> T? {
        let buffer: ByteBuffer
        do {
            buffer = try await body.collect(upTo: context.maxUploadSize)
        } catch {
            throw APIError(.contentTooLarge, code: "payload_too_large", message: "The request body is too large.")
        }
        guard buffer.readableBytes > 0 else { return nil }
        if let contentType = headers[.contentType]?.lowercased(), !contentType.hasPrefix("application/json") {
            throw APIError(.unsupportedMediaType, code: "unsupported_media_type", message: "The body must be application/json.")
        }
        // PostgreSQL text cannot hold U+0000; refuse it here rather than as a 500 from the database.
        if TextSafety.jsonEscapesNUL(buffer.readableBytesView) { throw TextSafety.refusal(field: "body") }
        do {
            return try context.requestDecoder.decode(T.self, from: Data(buffer.readableBytesView))
        } catch let error as DecodingError {
            throw APIError.badRequest("invalid_body", "The request body is not valid for this operation.", details: [error.fieldIssue])
        }
    }

    /// Decodes and validates a body; semantic problems → 422 `validation_failed` listing every field.
    public func decodeValid<T: ValidatableBody>(as type: T.Type, context: some KisumRequestContext) async throws -> T {
        let body = try await decodeJSON(as: type, context: context)
        var validator = Validator()
        body.validate(&validator)
        try validator.validate()
        return body
    }

    /// `decodeValid` for operations whose body may be left out (nil then).
    public func decodeValidIfPresent<T: ValidatableBody>(as type: T.Type, context: some KisumRequestContext) async throws -> T? {
        guard let body = try await decodeJSONIfPresent(as: type, context: context) else { return nil }
        var validator = Validator()
        body.validate(&validator)
        try validator.validate()
        return body
    }
}

extension Parameters {
    /// A path parameter that must be a UUID. A malformed id cannot name anything, so it answers 404
    /// like an id of another tenant would (no oracle for which ids exist).
    public func uuid(_ name: String, what: String = "resource") throws -> UUID {
        guard let text = get(name), let id = UUID(uuidString: text) else { throw APIError.notFound(what) }
        return id
    }
}

extension Request {
    /// Decodes a JSON body (malformed → 400) and validates it right away with `rules`
    /// (semantic problems → 422 `validation_failed` listing every field). For bodies whose rules
    /// depend on the caller (tenant vs Admin), which `decodeValid` cannot express.
    public func decode<T: Decodable>(
        as type: T.Type, context: some KisumRequestContext, validate rules: (T, inout Validator) -> Void
    ) async throws -> T {
        let body = try await decodeJSON(as: type, context: context)
        var validator = Validator()
        rules(body, &validator)
        try validator.validate()
        return body
    }
}

extension Request {
    /// Like `decode(as:context:validate:)` for operations whose body may be omitted: an empty body
    /// means `defaultValue`; a present one must be valid JSON (400) and pass `rules` (422).
    public func decodeOptional<T: Decodable>(
        as type: T.Type, context: some KisumRequestContext, default defaultValue: T, validate rules: (T, inout Validator) -> Void
    ) async throws -> T {
        let value = try await decodeJSONIfPresent(as: type, context: context) ?? defaultValue
        var validator = Validator()
        rules(value, &validator)
        try validator.validate()
        return value
    }
}

extension QueryReader {
    /// A comma-separated list of 1…`max` UUIDs (`spaceId=a,b`); nil when absent. Typed like `uuid`: sent
    /// empty (`?spaceId=`), with an empty item (`a,,b`, `a,`) or with anything but UUIDs it is refused
    /// (400 `invalid_query`) rather than read as "no filter".
    public mutating func uuidList(_ name: String, in request: Request, max: Int) -> [UUID]? {
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

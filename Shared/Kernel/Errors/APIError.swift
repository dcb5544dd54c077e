import HTTPTypes
import Hummingbird

/// One problem with one input field, reported in `error.details`.
public struct FieldIssue: Codable, Sendable, Hashable {
    public var field: String
    public var code: String
    public var message: String

    public init(field: String, code: String, message: String) {
        self.field = field
        self.code = code
        self.message = message
    }
}

/// The single error type every service throws. It renders as
/// `{"error":{"code":…,"message":…,"details":[…],"requestId":…}}` with a stable machine `code`.
public struct APIError: Error, Sendable, CustomStringConvertible {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    public var details: [FieldIssue]
    /// Extra structured context, e.g. the booking a new booking conflicts with.
    public var info: [String: JSONValue]?
    /// Headers the response must carry (`Retry-After`, `WWW-Authenticate`).
    public var headers: HTTPFields

    public init(
        _ status: HTTPResponse.Status,
        code: String,
        message: String,
        details: [FieldIssue] = [],
        info: [String: JSONValue]? = nil,
        headers: HTTPFields = [:]
    ) {
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.info = info
        self.headers = headers
    }

    public var description: String { "\(status.code) \(code): \(message)" }

    // MARK: Common errors

    public static func badRequest(_ code: String = "bad_request", _ message: String, details: [FieldIssue] = []) -> APIError {
        APIError(.badRequest, code: code, message: message, details: details)
    }

    public static func validation(_ details: [FieldIssue], message: String = "The request is invalid.") -> APIError {
        APIError(.unprocessableContent, code: "validation_failed", message: message, details: details)
    }

    public static func validation(field: String, code: String, message: String) -> APIError {
        .validation([FieldIssue(field: field, code: code, message: message)], message: message)
    }

    public static func unauthenticated(_ code: String = "unauthenticated", _ message: String = "Authentication is required.") -> APIError {
        APIError(.unauthorized, code: code, message: message, headers: [.wwwAuthenticate: "Bearer"])
    }

    public static func forbidden(_ code: String = "forbidden", _ message: String) -> APIError {
        APIError(.forbidden, code: code, message: message)
    }

    public static func notFound(_ what: String = "resource") -> APIError {
        APIError(.notFound, code: "not_found", message: "The \(what) was not found.")
    }

    public static func conflict(_ code: String = "conflict", _ message: String, info: [String: JSONValue]? = nil) -> APIError {
        APIError(.conflict, code: code, message: message, info: info)
    }

    public static func unavailable(_ code: String, _ message: String) -> APIError {
        APIError(.serviceUnavailable, code: code, message: message)
    }

    public static func providerNotConfigured(_ provider: String) -> APIError {
        APIError(.serviceUnavailable, code: "provider_not_configured", message: "The \(provider) provider is not configured.")
    }

    public static let internalError = APIError(.internalServerError, code: "internal_error", message: "An unexpected error occurred.")
}

/// Errors from other layers (database, inter-service client) that know their API rendering.
public protocol APIErrorConvertible: Error {
    var apiError: APIError { get }
}

extension Optional {
    /// The value a lookup found, or 404 `not_found` naming `what`: repositories answer `nil` for a row
    /// that is absent or belongs to another company, and both must look the same to the caller.
    public func orNotFound(_ what: String) throws(APIError) -> Wrapped {
        guard let value = self else { throw APIError.notFound(what) }
        return value
    }
}

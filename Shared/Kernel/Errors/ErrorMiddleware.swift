import Foundation
import HTTPTypes
import Hummingbird
import KisumServiceClient
import Logging

/// The JSON body every error response carries.
public struct ErrorBody: Codable, Sendable {
    public struct Payload: Codable, Sendable {
        public var code: String
        public var message: String
        public var details: [FieldIssue]
        public var info: [String: JSONValue]?
        public var requestId: String?
    }

    public var error: Payload
}

/// Renders every thrown error in the one JSON shape. Unknown errors become a bare 500 whose body
/// says nothing about the cause; the cause goes to the log with the request id.
public struct ErrorMiddleware<Context: KisumRequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let apiError = Self.apiError(for: error)
            if apiError.status.code >= 500 {
                context.logger.error("request failed", metadata: ["error": "\(String(reflecting: error))", "code": "\(apiError.code)"])
            } else {
                context.logger.debug("request rejected", metadata: ["code": "\(apiError.code)"])
            }
            return Self.response(for: apiError, requestID: context.kisum.requestID)
        }
    }

    public static func apiError(for error: any Error) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as any APIErrorConvertible:
            return error.apiError
        case let error as ServiceClientError:
            return error.apiError
        case let error as DecodingError:
            return APIError.badRequest("invalid_body", "The request body is not valid JSON for this operation.", details: [error.fieldIssue])
        case let error as HTTPError:
            return error.apiError
        case is CancellationError:
            return APIError(.serviceUnavailable, code: "request_cancelled", message: "The request was cancelled.")
        default:
            return .internalError
        }
    }

    public static func response(for error: APIError, requestID: String) -> Response {
        let body = ErrorBody(error: .init(
            code: error.code,
            message: error.message,
            details: error.details,
            info: error.info,
            requestId: requestID.isEmpty ? nil : requestID
        ))
        let data = (try? JSONCoding.encoder.encode(body)) ?? Data(#"{"error":{"code":"internal_error","message":"error"}}"#.utf8)
        var headers = error.headers
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: error.status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

extension ServiceClientError {
    /// A failed dependency is the platform's problem, never the caller's: 503, or 504 for a timeout.
    public var apiError: APIError {
        switch self {
        case .timeout(let service, _):
            return APIError(.gatewayTimeout, code: "dependency_timeout", message: "The \(service) service did not answer in time.")
        case .notConfigured(let service):
            return APIError(.serviceUnavailable, code: "dependency_not_configured", message: "The \(service) service is not configured.")
        default:
            return APIError(.serviceUnavailable, code: "dependency_unavailable", message: "The \(service) service is unavailable.")
        }
    }
}

extension HTTPError {
    var apiError: APIError {
        let code: String
        switch status {
        case .notFound: code = "not_found"
        case .methodNotAllowed: code = "method_not_allowed"
        case .contentTooLarge: code = "payload_too_large"
        case .unsupportedMediaType: code = "unsupported_media_type"
        case .badRequest: code = "bad_request"
        case .unauthorized: code = "unauthenticated"
        case .forbidden: code = "forbidden"
        default: code = status.code >= 500 ? "internal_error" : "http_\(status.code)"
        }
        let message = status.code >= 500 ? "An unexpected error occurred." : (body ?? status.reasonPhrase)
        return APIError(status, code: code, message: message, headers: headers)
    }
}

extension DecodingError {
    /// The offending JSON path and what was wrong with it, without echoing the request body.
    var fieldIssue: FieldIssue {
        func path(_ codingPath: [any CodingKey]) -> String {
            codingPath.map { key in key.intValue.map { "[\($0)]" } ?? key.stringValue }
                .joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
        }
        switch self {
        case .keyNotFound(let key, let context):
            return FieldIssue(field: path(context.codingPath + [key]), code: "required", message: "This field is required.")
        case .typeMismatch(let type, let context):
            return FieldIssue(field: path(context.codingPath), code: "invalid_type", message: "Expected \(Self.describe(type)).")
        case .valueNotFound(let type, let context):
            return FieldIssue(field: path(context.codingPath), code: "required", message: "Expected \(Self.describe(type)), got null.")
        case .dataCorrupted(let context):
            let field = path(context.codingPath)
            return FieldIssue(field: field.isEmpty ? "body" : field, code: "invalid_value",
                              message: field.isEmpty ? "The body is not valid JSON." : context.debugDescription)
        @unknown default:
            return FieldIssue(field: "body", code: "invalid_value", message: "The body could not be decoded.")
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Bool.Type: return "a boolean"
        case is Int.Type, is Int64.Type, is Int32.Type: return "an integer"
        case is Double.Type, is Float.Type: return "a number"
        case is [Any].Type: return "an array"
        default:
            let name = String(describing: type)
            if name.hasPrefix("Array") { return "an array" }
            if name.hasPrefix("Dictionary") { return "an object" }
            if name == "UUID" { return "a UUID" }
            if name == "Date" { return "an RFC 3339 date-time" }
            return "a value of type \(name)"
        }
    }
}

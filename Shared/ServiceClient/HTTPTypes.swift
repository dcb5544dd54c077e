import Foundation

/// An outbound HTTP request, independent of the transport that sends it.
public struct OutboundRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]?
    /// Whole-transfer deadline for one attempt.
    public var timeout: Duration
    /// Connection establishment deadline for one attempt.
    public var connectTimeout: Duration
    /// The one address the transfer may connect to for the URL's host (`OutboundURLGuard.pin`): the transport uses it
    /// instead of resolving the host again and refuses to connect anywhere else, so DNS rebinding cannot undo the check.
    public var resolve: ResolvePin?
    /// The most response body bytes to accept; past it the transfer is abandoned with `ResponseTooLargeError`
    /// (feeds and files a peer chooses the size of). Nil: no limit (our own services).
    public var maxResponseBytes: Int?

    public init(
        method: String,
        url: String,
        headers: [(name: String, value: String)] = [],
        body: [UInt8]? = nil,
        timeout: Duration = .seconds(5),
        connectTimeout: Duration = .seconds(2)
    ) {
        self.method = method.uppercased()
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.connectTimeout = connectTimeout
    }

    /// RFC 9110 idempotent methods; only these are retried automatically.
    public var isIdempotent: Bool {
        ["GET", "HEAD", "PUT", "DELETE", "OPTIONS"].contains(method) || header("Idempotency-Key") != nil
    }

    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}

/// A host's address fixed for one request: `host` and `port` as in its URL, `address` the numeric IPv4 or IPv6 address.
public struct ResolvePin: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var address: String

    public init(host: String, port: Int, address: String) {
        self.host = host
        self.port = port
        self.address = address
    }
}

public struct OutboundResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(name: String, value: String)], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}

/// Failures of an inter-service call. Handlers map these to 503/504 so a dependency outage
/// is never reported as the caller's fault.
public enum ServiceClientError: Error, Sendable, CustomStringConvertible {
    /// The peer did not answer within the deadline.
    case timeout(service: String, url: String)
    /// The peer could not be reached (refused, DNS failure, reset).
    case unreachable(service: String, url: String, reason: String)
    /// The peer answered with a status the caller did not expect.
    case unexpectedStatus(service: String, status: Int, body: String)
    /// The peer answered 2xx but the body could not be decoded.
    case invalidResponse(service: String, reason: String)
    /// The call was not attempted because the client is not configured.
    case notConfigured(service: String)

    public var service: String {
        switch self {
        case .timeout(let s, _), .unreachable(let s, _, _), .unexpectedStatus(let s, _, _),
            .invalidResponse(let s, _), .notConfigured(let s):
            return s
        }
    }

    public var description: String {
        switch self {
        case .timeout(let service, let url): return "\(service) timed out (\(url))"
        case .unreachable(let service, let url, let reason): return "\(service) unreachable (\(url)): \(reason)"
        case .unexpectedStatus(let service, let status, _): return "\(service) answered \(status)"
        case .invalidResponse(let service, let reason): return "\(service) sent an invalid response: \(reason)"
        case .notConfigured(let service): return "\(service) is not configured"
        }
    }
}

/// The response body passed `OutboundRequest.maxResponseBytes`; nothing of it is kept.
public struct ResponseTooLargeError: Error, Sendable, CustomStringConvertible {
    public let limit: Int
    public init(limit: Int) { self.limit = limit }
    public var description: String { "the response is larger than \(limit) bytes" }
}

/// Anything that can send an `OutboundRequest`. The libcurl client is the production one.
public protocol HTTPTransport: Sendable {
    func send(_ request: OutboundRequest) async throws -> OutboundResponse
}

/// Values that follow a request across service boundaries. The kernel binds them per incoming
/// request so every outbound call made while handling it forwards the same request id.
public enum OutboundContext {
    @TaskLocal public static var requestID: String?
    @TaskLocal public static var traceparent: String?
}

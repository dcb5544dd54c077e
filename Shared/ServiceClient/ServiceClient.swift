import Foundation
import Logging

/// How often and how patiently idempotent calls are retried.
public struct RetryPolicy: Sendable {
    public var maxAttempts: Int
    public var initialBackoff: Duration
    public var maxBackoff: Duration

    public init(maxAttempts: Int = 3, initialBackoff: Duration = .milliseconds(100), maxBackoff: Duration = .seconds(2)) {
        self.maxAttempts = max(1, maxAttempts)
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
    }

    public static let none = RetryPolicy(maxAttempts: 1)

    func backoff(afterAttempt attempt: Int) -> Duration {
        // Exponential with full jitter, so a burst of callers does not retry in lockstep.
        let cap = min(initialBackoff * (1 << min(attempt - 1, 16)), maxBackoff)
        let capNanos = cap.components.seconds * 1_000_000_000 + cap.components.attoseconds / 1_000_000_000
        return .nanoseconds(Int64.random(in: 0...max(capNanos, 1)))
    }
}

/// A client for one peer service: base URL, internal API key and deadlines.
///
/// It forwards the current request id (`OutboundContext.requestID`) and `traceparent`, sends the
/// internal key and the tenant (`x-org`) when given, retries idempotent calls on transport failures and
/// 502/503/504, and never retries a POST or PATCH unless it carries an `Idempotency-Key`.
public struct ServiceClient: Sendable {
    public let name: String
    public let baseURL: String
    public let internalAPIKey: String?
    public let transport: any HTTPTransport
    public var timeout: Duration
    public var retry: RetryPolicy
    public var encoder: JSONEncoder
    public var decoder: JSONDecoder

    public init(
        name: String,
        baseURL: String,
        internalAPIKey: String?,
        transport: any HTTPTransport = CurlTransport.shared,
        timeout: Duration = .seconds(5),
        retry: RetryPolicy = RetryPolicy(),
        encoder: JSONEncoder = ServiceClient.defaultEncoder,
        decoder: JSONDecoder = ServiceClient.defaultDecoder
    ) {
        self.name = name
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.internalAPIKey = internalAPIKey
        self.transport = transport
        self.timeout = timeout
        self.retry = retry
        self.encoder = encoder
        self.decoder = decoder
    }

    public static let defaultEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    public static let defaultDecoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()

    /// Sends a request to `path` (relative to the base URL) and returns the raw response, whatever its status.
    public func send(
        _ method: String,
        _ path: String,
        query: [(String, String)] = [],
        body: [UInt8]? = nil,
        orgID: String? = nil,
        headers extraHeaders: [(name: String, value: String)] = [],
        timeout: Duration? = nil
    ) async throws -> OutboundResponse {
        var headers: [(name: String, value: String)] = [("Accept", "application/json")]
        // JSON unless the caller says otherwise (e.g. a multipart upload to an external provider).
        if body != nil, !extraHeaders.contains(where: { $0.name.caseInsensitiveCompare("Content-Type") == .orderedSame }) {
            headers.append(("Content-Type", "application/json"))
        }
        if let internalAPIKey { headers.append(("X-Internal-API-Key", internalAPIKey)) }
        if let orgID { headers.append(("x-org", orgID)) }
        if let requestID = OutboundContext.requestID { headers.append(("X-Request-ID", requestID)) }
        if let traceparent = OutboundContext.traceparent { headers.append(("traceparent", traceparent)) }
        headers.append(contentsOf: extraHeaders)

        let request = OutboundRequest(
            method: method,
            url: baseURL + path + Self.queryString(query),
            headers: headers,
            body: body,
            timeout: timeout ?? self.timeout
        )
        let attempts = request.isIdempotent ? retry.maxAttempts : 1
        var attempt = 1
        while true {
            do {
                let response = try await transport.send(request)
                if attempt < attempts, [502, 503, 504].contains(response.status) {
                    try await Task.sleep(for: retry.backoff(afterAttempt: attempt))
                    attempt += 1
                    continue
                }
                return response
            } catch let error as ServiceClientError {
                let named = error.renamed(to: name)
                // A peer that let a whole deadline pass is hung, not flaky: trying again would only multiply the
                // caller's wait (three attempts made a hung Platform Core cost every uncached request 9 s, not 3).
                if case .timeout = error { throw named }
                guard attempt < attempts else { throw named }
                try await Task.sleep(for: retry.backoff(afterAttempt: attempt))
                attempt += 1
            }
        }
    }

    /// Sends a JSON request and decodes a 2xx JSON answer; any other status is `unexpectedStatus`.
    public func json<Response: Decodable>(
        _ method: String,
        _ path: String,
        query: [(String, String)] = [],
        body: (any Encodable)? = nil,
        orgID: String? = nil,
        headers: [(name: String, value: String)] = [],
        as type: Response.Type = Response.self
    ) async throws -> Response {
        let bytes = try body.map { Array(try encoder.encode($0)) }
        let response = try await send(method, path, query: query, body: bytes, orgID: orgID, headers: headers)
        guard (200..<300).contains(response.status) else {
            throw ServiceClientError.unexpectedStatus(service: name, status: response.status, body: String(response.bodyText.prefix(512)))
        }
        do {
            return try decoder.decode(Response.self, from: Data(response.body))
        } catch {
            throw ServiceClientError.invalidResponse(service: name, reason: "\(error)")
        }
    }

    static func queryString(_ items: [(String, String)]) -> String {
        guard !items.isEmpty else { return "" }
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+?#")
        return "?" + items.map { key, value in
            let k = key.addingPercentEncoding(withAllowedCharacters: allowed) ?? key
            let v = value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
            return "\(k)=\(v)"
        }.joined(separator: "&")
    }
}

extension ServiceClientError {
    func renamed(to service: String) -> ServiceClientError {
        switch self {
        case .timeout(_, let url): return .timeout(service: service, url: url)
        case .unreachable(_, let url, let reason): return .unreachable(service: service, url: url, reason: reason)
        case .unexpectedStatus(_, let status, let body): return .unexpectedStatus(service: service, status: status, body: body)
        case .invalidResponse(_, let reason): return .invalidResponse(service: service, reason: reason)
        case .notConfigured: return .notConfigured(service: service)
        }
    }
}

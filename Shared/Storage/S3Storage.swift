import Foundation
import KisumServiceClient

/// Where an S3-compatible store is and who we are there. Never printed with its secret.
public struct S3Configuration: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// `http(s)://host[:port][/prefix]`: objects are addressed path-style, `<endpoint>/<bucket>/<key>`, which every
    /// S3-compatible store understands (virtual-hosted names need DNS per bucket).
    public var endpoint: String
    public var bucket: String
    public var region: String
    public var accessKey: String
    public var secretKey: String
    /// The whole wait for one transfer.
    public var timeout: Duration

    public init(endpoint: String, bucket: String, region: String, accessKey: String, secretKey: String, timeout: Duration = .seconds(30)) {
        self.endpoint = endpoint
        self.bucket = bucket
        self.region = region
        self.accessKey = accessKey
        self.secretKey = secretKey
        self.timeout = timeout
    }

    public var description: String { "endpoint: \(endpoint), bucket: \(bucket), region: \(region), accessKey: \(accessKey), secretKey: <redacted>" }
    public var debugDescription: String { description }
}

/// `ObjectStorage` on an S3-compatible store over HTTP (the libcurl transport), each request signed with
/// Signature V4. Failures are `ServiceClientError`s naming "object storage" (never the endpoint, which is
/// internal): 503, or 504 for a timeout.
public struct S3Storage: ObjectStorage {
    public static let serviceName = "object storage"
    let configuration: S3Configuration
    let signer: SignatureV4
    let transport: any HTTPTransport
    /// Scheme and authority (`http://minio:9000`), the `Host` header, and the endpoint's own path prefix.
    let origin: String
    let host: String
    let basePath: String

    /// Nil when the endpoint is not an http(s) URL with a host.
    public init?(configuration: S3Configuration, transport: any HTTPTransport = CurlTransport.shared) {
        guard let components = URLComponents(string: configuration.endpoint), let scheme = components.scheme?.lowercased(),
              scheme == "http" || scheme == "https", let hostName = components.host, !hostName.isEmpty,
              !configuration.bucket.isEmpty
        else { return nil }
        self.configuration = configuration
        self.transport = transport
        signer = SignatureV4(accessKey: configuration.accessKey, secretKey: configuration.secretKey, region: configuration.region)
        host = components.port.map { "\(hostName):\($0)" } ?? hostName
        origin = "\(scheme)://\(host)"
        let prefix = components.percentEncodedPath
        basePath = prefix.hasSuffix("/") ? String(prefix.dropLast()) : prefix
    }

    public func put(key: String, data: Data, contentType: String) async throws {
        let response = try await send("PUT", key: key, body: [UInt8](data), extraHeaders: [("Content-Type", contentType)])
        guard (200..<300).contains(response.status) else { throw unexpected(response) }
    }

    public func get(key: String) async throws -> Data? {
        let response = try await send("GET", key: key, body: nil)
        if response.status == 404 { return nil }
        guard response.status == 200 else { throw unexpected(response) }
        return Data(response.body)
    }

    public func delete(key: String) async throws {
        let response = try await send("DELETE", key: key, body: nil)
        // S3 answers 204 whether or not the object existed; some stores answer 404 for a missing one.
        guard (200..<300).contains(response.status) || response.status == 404 else { throw unexpected(response) }
    }

    /// The signed request for `key` (path-style), sent once: uploads are idempotent PUTs the caller may retry.
    func send(_ method: String, key: String, body: [UInt8]?, extraHeaders: [(String, String)] = [], now: Date = Date()) async throws -> OutboundResponse {
        guard ObjectKey.isValid(key) else {
            throw ServiceClientError.invalidResponse(service: Self.serviceName, reason: "invalid object key")
        }
        let path = "\(basePath)/\(SignatureV4.uriEncode(configuration.bucket))/\(SignatureV4.uriEncode(key, keepSlash: true))"
        let payloadHash = SignatureV4.payloadHash(body ?? [])
        let amzDate = SignatureV4.timestamps(now).amzDate
        var headers: [(String, String)] = [("Host", host), ("x-amz-date", amzDate), ("x-amz-content-sha256", payloadHash)] + extraHeaders
        let authorization = signer.authorization(method: method, canonicalURI: path, headers: headers, payloadHash: payloadHash, amzDate: amzDate)
        headers.append(("Authorization", authorization))
        let request = OutboundRequest(method: method, url: origin + path, headers: headers.map { (name: $0.0, value: $0.1) }, body: body,
                                      timeout: configuration.timeout)
        do {
            return try await transport.send(request)
        } catch let error as ServiceClientError {
            // The transport names the URL; callers (and logs a client may see) get the role instead.
            switch error {
            case .timeout: throw ServiceClientError.timeout(service: Self.serviceName, url: configuration.endpoint)
            case .unreachable(_, _, let reason):
                throw ServiceClientError.unreachable(service: Self.serviceName, url: configuration.endpoint, reason: reason)
            default: throw error
            }
        }
    }

    /// S3 errors are XML (`<Error><Code>SignatureDoesNotMatch</Code>…`); the code is kept, the rest is dropped.
    func unexpected(_ response: OutboundResponse) -> ServiceClientError {
        let text = response.bodyText
        var code = ""
        if let start = text.range(of: "<Code>"), let end = text.range(of: "</Code>", range: start.upperBound..<text.endIndex) {
            code = String(text[start.upperBound..<end.lowerBound].prefix(100))
        }
        return .unexpectedStatus(service: Self.serviceName, status: response.status, body: code)
    }
}

import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// An S3-compatible store for tests: path-style `PUT`/`GET`/`DELETE /<bucket>/<key>`, objects in memory, and
/// every request's Signature V4 recomputed here from what arrived — written apart from `KisumStorage`'s
/// signer, so a mistake shared by both cannot pass. A bad signature, an unknown key id, a stale date or a
/// body that does not match `x-amz-content-sha256` is 403 with S3's XML error, like the real thing.
public final class FakeS3Server: Sendable {
    public struct Object: Sendable {
        public var bytes: [UInt8]
        public var contentType: String?
    }

    public let bucket: String
    public let region: String
    public let accessKey: String
    let secretKey: String
    private let objects = Mutex<[String: Object]>([:])
    private let refusals = Mutex<[String]>([])

    public init(bucket: String = "kisum-test", region: String = "eu-central-1", accessKey: String = "AKIDKISUMTEST",
                secretKey: String = "kisum-test-secret/key+value") {
        self.bucket = bucket
        self.region = region
        self.accessKey = accessKey
        self.secretKey = secretKey
    }

    public func object(_ key: String) -> Object? { objects.withLock { $0[key] } }
    public var keys: [String] { objects.withLock { Array($0.keys).sorted() } }
    /// The S3 error codes answered so far (`SignatureDoesNotMatch` …).
    public var refused: [String] { refusals.withLock { $0 } }

    public func run<Value: Sendable>(_ body: (_ port: Int) async throws -> Value) async throws -> Value {
        let responder = CallbackResponder<BasicRequestContext> { [self] request, _ in
            let payload = try await request.body.collect(upTo: 64 << 20)
            return self.answer(request, Array(payload.readableBytesView))
        }
        var logger = Logger(label: "fake-s3")
        logger.logLevel = .warning
        return try await withRunningApplication({ onRunning in
            Application(responder: responder, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                        onServerRunning: { await onRunning($0.localAddress?.port ?? 0) }, logger: logger)
        }, body)
    }

    func answer(_ request: Request, _ payload: [UInt8]) -> Response {
        if let refusal = verify(request, payload) { return error(.forbidden, refusal) }
        let path = request.uri.path
        let prefix = "/\(bucket)/"
        guard path.hasPrefix(prefix), let key = String(path.dropFirst(prefix.count)).removingPercentEncoding, !key.isEmpty else {
            return error(.notFound, "NoSuchBucket")
        }
        switch request.method {
        case .put:
            objects.withLock { $0[key] = Object(bytes: payload, contentType: request.headers[.contentType]) }
            return Response(status: .ok, headers: [.eTag: "\"\(Self.hex(Insecure.MD5.hash(data: payload)))\""])
        case .get:
            guard let object = object(key) else { return error(.notFound, "NoSuchKey") }
            return Response(status: .ok, headers: [.contentType: object.contentType ?? "application/octet-stream"],
                            body: .init(byteBuffer: ByteBuffer(bytes: object.bytes)))
        case .delete:
            _ = objects.withLock { $0.removeValue(forKey: key) }
            return Response(status: .noContent)
        default:
            return error(.methodNotAllowed, "MethodNotAllowed")
        }
    }

    /// Nil when the request is signed with our key; else the S3 error code to answer.
    func verify(_ request: Request, _ payload: [UInt8]) -> String? {
        guard let authorization = request.headers[.authorization], authorization.hasPrefix("AWS4-HMAC-SHA256 ") else {
            return "AccessDenied"
        }
        var fields: [String: String] = [:]
        for part in authorization.dropFirst("AWS4-HMAC-SHA256 ".count).split(separator: ",") {
            let pair = part.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1).map(String.init)
            if pair.count == 2 { fields[pair[0]] = pair[1] }
        }
        guard let credential = fields["Credential"], let signedHeaders = fields["SignedHeaders"], let signature = fields["Signature"] else {
            return "AuthorizationHeaderMalformed"
        }
        let scope = credential.split(separator: "/").map(String.init)
        guard scope.count == 5, scope[0] == accessKey else { return "InvalidAccessKeyId" }
        guard scope[2] == region, scope[3] == "s3", scope[4] == "aws4_request" else { return "AuthorizationHeaderMalformed" }
        guard let amzDate = header(request, "x-amz-date"), amzDate.hasPrefix(scope[1]),
              let date = Self.parse(amzDate), abs(date.timeIntervalSinceNow) < 15 * 60 else { return "RequestTimeTooSkewed" }
        let payloadHash = Self.hex(SHA256.hash(data: payload))
        guard header(request, "x-amz-content-sha256") == payloadHash else { return "XAmzContentSHA256Mismatch" }
        let names = signedHeaders.split(separator: ";").map(String.init)
        guard names.contains("host"), names.contains("x-amz-date"), names.contains("x-amz-content-sha256") else {
            return "AccessDenied"
        }
        var canonicalHeaders = ""
        for name in names {
            guard let value = header(request, name) else { return "SignatureDoesNotMatch" }
            canonicalHeaders += "\(name):\(value.trimmingCharacters(in: .whitespaces))\n"
        }
        let query = (request.uri.query ?? "").split(separator: "&").map(String.init).sorted().joined(separator: "&")
        let canonical = "\(request.method.rawValue)\n\(request.uri.path)\n\(query)\n\(canonicalHeaders)\n\(signedHeaders)\n\(payloadHash)"
        let toSign = "AWS4-HMAC-SHA256\n\(amzDate)\n\(scope[1])/\(region)/s3/aws4_request\n\(Self.hex(SHA256.hash(data: Data(canonical.utf8))))"
        func hmac(_ key: [UInt8], _ text: String) -> [UInt8] {
            Array(HMAC<SHA256>.authenticationCode(for: Array(text.utf8), using: SymmetricKey(data: key)))
        }
        let signingKey = [scope[1], region, "s3", "aws4_request"].reduce(Array("AWS4\(secretKey)".utf8)) { hmac($0, $1) }
        return Self.hex(hmac(signingKey, toSign)) == signature ? nil : "SignatureDoesNotMatch"
    }

    /// `host` is HTTP/2's `:authority` in swift-http-types; every other header by its name.
    func header(_ request: Request, _ name: String) -> String? {
        if name == "host" { return request.head.authority }
        return HTTPField.Name(name).flatMap { request.headers[$0] }
    }

    func error(_ status: HTTPResponse.Status, _ code: String) -> Response {
        refusals.withLock { $0.append(code) }
        return Response(status: status, headers: [.contentType: "application/xml"],
                        body: .init(byteBuffer: ByteBuffer(string: "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>\(code)</Code><Message>\(code)</Message></Error>")))
    }

    static func parse(_ amzDate: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter.date(from: amzDate)
    }

    static func hex(_ bytes: some Sequence<UInt8>) -> String { bytes.map { String(format: "%02x", $0) }.joined() }
}

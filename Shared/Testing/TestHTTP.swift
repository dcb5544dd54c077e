import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KisumKernel
import NIOCore

/// A test client that speaks JSON and carries a token and a tenant, so tests read like API calls.
public struct APITestClient: Sendable {
    public let client: any TestClientProtocol
    public var token: String?
    public var org: String?
    public var extraHeaders: HTTPFields

    public init(_ client: any TestClientProtocol, token: String? = nil, org: UUID? = nil, headers: HTTPFields = [:]) {
        self.client = client
        self.token = token
        self.org = org?.uuidString.lowercased()
        self.extraHeaders = headers
    }

    public func with(token: String?) -> APITestClient {
        var copy = self
        copy.token = token
        return copy
    }

    public func with(org: UUID?) -> APITestClient {
        var copy = self
        copy.org = org?.uuidString.lowercased()
        return copy
    }

    public func with(orgHeader: String?) -> APITestClient {
        var copy = self
        copy.org = orgHeader
        return copy
    }

    public func with(header name: String, _ value: String) -> APITestClient {
        var copy = self
        copy.extraHeaders[HTTPField.Name(name)!] = value
        return copy
    }

    @discardableResult
    public func request(_ method: HTTPRequest.Method, _ uri: String, json: JSONValue? = nil, rawBody: String? = nil,
                        headers: HTTPFields = [:]) async throws -> TestResponse {
        var allHeaders = extraHeaders
        if let token { allHeaders[.authorization] = "Bearer \(token)" }
        if let org { allHeaders[.xOrg] = org }
        var body: ByteBuffer?
        if let json {
            body = ByteBuffer(bytes: try JSONCoding.encoder.encode(json))
            allHeaders[.contentType] = "application/json"
        } else if let rawBody {
            body = ByteBuffer(string: rawBody)
            allHeaders[.contentType] = "application/json"
        }
        for field in headers { allHeaders[field.name] = field.value }
        return try await client.execute(uri: uri, method: method, headers: allHeaders, body: body)
    }

    @discardableResult
    public func get(_ uri: String) async throws -> TestResponse { try await request(.get, uri) }
    @discardableResult
    public func post(_ uri: String, _ json: JSONValue? = nil) async throws -> TestResponse { try await request(.post, uri, json: json) }
    @discardableResult
    public func patch(_ uri: String, _ json: JSONValue) async throws -> TestResponse { try await request(.patch, uri, json: json) }
    @discardableResult
    public func put(_ uri: String, _ json: JSONValue) async throws -> TestResponse { try await request(.put, uri, json: json) }
    @discardableResult
    public func delete(_ uri: String) async throws -> TestResponse { try await request(.delete, uri) }
}

extension TestResponse {
    /// The body as JSON (`.null` when empty or not JSON).
    public var json: JSONValue {
        guard body.readableBytes > 0 else { return .null }
        return (try? JSONCoding.decoder.decode(JSONValue.self, from: Data(body.readableBytesView))) ?? .null
    }

    public func decode<T: Decodable>(_ type: T.Type = T.self) throws -> T {
        try JSONCoding.decoder.decode(T.self, from: Data(body.readableBytesView))
    }

    /// `error.code` of an error response.
    public var errorCode: String? { json["error"]?["code"]?.stringValue }

    public var text: String { String(buffer: body) }
}

extension JSONValue {
    /// `value["a"]?["b"]` shortcut for ids in tests.
    public var uuid: UUID? { stringValue.flatMap(UUID.init(uuidString:)) }
    public var int: Int? { doubleValue.map { Int($0) } }
}

import Foundation
import KisumKernel
import KisumServiceClient

/// A JSON caller of a live service over real HTTP (libcurl), carrying a bearer token and a tenant.
struct Caller: Sendable {
    struct Answer: Sendable {
        var status: Int
        var json: JSONValue
        var errorCode: String? { json["error"]?["code"]?.stringValue }
    }

    let client: ServiceClient
    var token: String?
    var org: UUID?
    var extraHeaders: [(name: String, value: String)] = []

    init(baseURL: String) {
        // Generous deadline: sign-in hashes with Argon2id, and CI machines run many tests at once.
        client = ServiceClient(name: "caller", baseURL: baseURL, internalAPIKey: nil, timeout: .seconds(60), retry: .none)
    }

    func with(token: String?, org: UUID?) -> Caller {
        var copy = self
        copy.token = token
        copy.org = org
        return copy
    }

    func with(header name: String, _ value: String) -> Caller {
        var copy = self
        copy.extraHeaders.append((name, value))
        return copy
    }

    func call(_ method: String, _ path: String, _ body: JSONValue? = nil) async throws -> Answer {
        var headers = extraHeaders
        if let token { headers.append(("Authorization", "Bearer \(token)")) }
        let bytes = try body.map { Array(try JSONCoding.encoder.encode($0)) }
        let response = try await client.send(method, path, body: bytes, orgID: org?.uuidString.lowercased(), headers: headers)
        let json = (try? JSONCoding.decoder.decode(JSONValue.self, from: Data(response.body))) ?? .null
        return Answer(status: response.status, json: json)
    }
}

import Foundation
import HTTPTypes
import Hummingbird
import KisumKernel
import KisumServiceClient
import Logging

/// Finance over the shared libcurl `ServiceClient`, in machine mode: `X-Internal-API-Key` (the key Finance accepts,
/// `FINANCE_API_KEY`) and `x-org` naming the company. One attempt per call: a person's request waits for it (503
/// rather than retries), and the outbox relay retries deliveries with backoff. The same approach as Venue's
/// `HTTPFinanceLedger`, kept in Base (a service cannot import another's module).
struct FinanceClient: Sendable {
    private let client: ServiceClient

    init(settings: FinanceClientSettings) {
        client = ServiceClient(name: "finance", baseURL: settings.baseURL, internalAPIKey: settings.apiKey, transport: settings.transport,
                               timeout: settings.timeout, retry: .none)
    }

    /// Finance's answer, whatever the status (2xx and 4xx); a transport failure, a 5xx, a refused key (401/403: a
    /// configuration fault, retried until fixed) or an unreadable body throw `FinanceUnavailable`.
    func send(_ method: String, _ path: String, query: [(String, String)] = [], body: JSONValue? = nil, companyID: UUID,
              idempotencyKey: String? = nil) async throws -> FinanceReply {
        let response: OutboundResponse
        do {
            let bytes = try body.map { Array(try JSONCoding.encoder.encode($0)) }
            let headers: [(name: String, value: String)] = idempotencyKey.map { [("Idempotency-Key", $0)] } ?? []
            response = try await client.send(method, path, query: query, body: bytes, orgID: companyID.uuidString.lowercased(), headers: headers)
        } catch let error as ServiceClientError {
            throw FinanceUnavailable(error.description)
        }
        guard (200..<500).contains(response.status), response.status != 401, response.status != 403 else {
            throw FinanceUnavailable("\(method) \(path) answered \(response.status)")
        }
        do {
            return FinanceReply(status: response.status, body: try JSONValueParser.parse(response.bodyText))
        } catch {
            throw FinanceUnavailable("\(method) \(path) answered \(response.status) with a body that is not JSON")
        }
    }

    /// Finance answers its readiness probe (its database included) within five seconds.
    func reachable() async -> Bool {
        let response = try? await client.send("GET", "/health/ready", timeout: min(client.timeout, .seconds(5)))
        return response?.status == 200
    }
}

/// Finance answered: its status and JSON body.
struct FinanceReply: Sendable {
    var status: Int
    var body: JSONValue

    var succeeded: Bool { (200..<300).contains(status) }
    var code: String? { body["error"]?["code"]?.stringValue }
    /// The id an `idempotency_conflict` names: the document made earlier under the key.
    var existingID: UUID? { body["error"]?["info"]?["id"]?.stringValue.flatMap(UUID.init(uuidString:)) }

    /// The body of a 2xx; Finance's refusal as Base's own error otherwise, with the same status, code and details.
    func answer() throws -> JSONValue {
        if succeeded { return body }
        throw refusal
    }

    var refusal: APIError {
        let error = body["error"]
        let details = (error?["details"]?.arrayValue ?? []).compactMap { item -> FieldIssue? in
            guard let field = item["field"]?.stringValue, let code = item["code"]?.stringValue else { return nil }
            return FieldIssue(field: field, code: code, message: item["message"]?.stringValue ?? "")
        }
        return APIError(HTTPResponse.Status(code: status), code: code ?? "finance_refused",
                        message: error?["message"]?.stringValue ?? "Finance refused the request.", details: details,
                        info: error?["info"]?.objectValue)
    }
}

/// Finance could not be asked: unreachable, too slow, a 5xx, a key it refuses, or an unreadable answer. Retrying may
/// help; the reason goes to logs and the sync state's `lastError` (it never holds the key), never to a response body.
struct FinanceUnavailable: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = String(description.prefix(400)) }
}

/// A JSON body as Finance sent it, answered unchanged (Finance and Base share the wire style).
struct FinanceJSON: ResponseEncodable, Sendable {
    var value: JSONValue
    func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }
}

/// Finance as the Integrations - Finance handlers use it: not configured is 503 `provider_not_configured`, not
/// answering is 503 `finance_unavailable` (never an empty answer, which would read as "nothing in Finance").
struct FinanceGateway: Sendable {
    let client: FinanceClient?

    init(settings: FinanceClientSettings?) {
        client = settings.map(FinanceClient.init(settings:))
    }

    var configured: Bool { client != nil }

    func required() throws -> FinanceClient {
        guard let client else { throw APIError.providerNotConfigured("Finance") }
        return client
    }

    /// One call for a caller: Finance's 2xx body, its 4xx as the same status and code, anything else 503.
    func call(_ method: String, _ path: String, query: [(String, String)] = [], body: JSONValue? = nil, companyID: UUID,
              idempotencyKey: String? = nil) async throws -> FinanceReply {
        let client = try required()
        do {
            return try await client.send(method, path, query: query, body: body, companyID: companyID, idempotencyKey: idempotencyKey)
        } catch let error as FinanceUnavailable {
            Logger(label: "base.finance").warning("finance call failed", metadata: ["error": "\(error)"])
            throw Self.unavailable
        }
    }

    static let unavailable = APIError.unavailable("finance_unavailable", "Finance did not answer; try again shortly.")
}

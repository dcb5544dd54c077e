import Crypto
import Foundation
import KisumKernel
import KisumServiceClient

/// Xero over HTTP, through the kernel's libcurl `ServiceClient`:
///
/// - consent: the browser goes to `XERO_AUTHORIZE_URL?response_type=code&client_id&redirect_uri&scope&state&
///   code_challenge&code_challenge_method=S256`;
/// - tokens: `POST XERO_TOKEN_URL` (form body, the app's id and secret as HTTP Basic) with `authorization_code` (+ the
///   PKCE verifier) or `refresh_token`; revocation at the same host's `/connect/revocation`;
/// - `GET {XERO_API_URL}/connections` (tenants), and the accounting API under `/api.xro/2.0` (`Accounts`, `Contacts`,
///   `Invoices`) with the bearer token and `xero-tenant-id`.
///
/// Tokens travel in headers and form bodies only, never in a URL, an error or a log line.
public struct XeroHTTPProvider: AccountingProvider {
    private let settings: XeroSettings
    private let identity: ServiceClient
    private let revocation: ServiceClient
    private let api: ServiceClient

    public init(settings: XeroSettings) {
        self.settings = settings
        // Token calls are never retried: a code and a refresh token are single use.
        identity = ServiceClient(name: "xero", baseURL: settings.tokenURL, internalAPIKey: nil, transport: settings.transport,
                                 timeout: settings.timeout, retry: .none)
        revocation = ServiceClient(name: "xero", baseURL: Self.revocationURL(tokenURL: settings.tokenURL), internalAPIKey: nil,
                                   transport: settings.transport, timeout: settings.timeout, retry: .none)
        api = ServiceClient(name: "xero", baseURL: settings.apiURL, internalAPIKey: nil, transport: settings.transport,
                            timeout: settings.timeout, retry: RetryPolicy(maxAttempts: 2, initialBackoff: .milliseconds(200)))
    }

    static let accounting = "/api.xro/2.0"

    /// Xero's revocation endpoint sits beside its token endpoint (`…/connect/token` → `…/connect/revocation`).
    static func revocationURL(tokenURL: String) -> String {
        tokenURL.hasSuffix("/token") ? String(tokenURL.dropLast("/token".count)) + "/revocation" : tokenURL
    }

    // MARK: OAuth

    public func authorizeURL(state: String, codeChallenge: String) -> String {
        let separator = settings.authorizeURL.contains("?") ? "&" : "?"
        return settings.authorizeURL + separator + Self.formEncoded([
            ("response_type", "code"), ("client_id", settings.clientID), ("redirect_uri", settings.redirectURI),
            ("scope", settings.scopes.joined(separator: " ")), ("state", state),
            ("code_challenge", codeChallenge), ("code_challenge_method", "S256"),
        ])
    }

    public func exchange(code: String, codeVerifier: String) async throws -> ProviderTokens {
        try await token([("grant_type", "authorization_code"), ("code", code), ("redirect_uri", settings.redirectURI),
                         ("code_verifier", codeVerifier)])
    }

    public func refresh(refreshToken: String) async throws -> ProviderTokens {
        try await token([("grant_type", "refresh_token"), ("refresh_token", refreshToken)])
    }

    public func revoke(refreshToken: String) async throws {
        let response = try await send(revocation, "POST", "", body: Array(Self.formEncoded([("token", refreshToken)]).utf8),
                                      headers: [basicAuthorization, ("Content-Type", "application/x-www-form-urlencoded")])
        guard (200..<300).contains(response.status) else { throw Self.tokenFailure(response) }
    }

    private var basicAuthorization: (name: String, value: String) {
        ("Authorization", "Basic " + Data("\(settings.clientID):\(settings.clientSecret)".utf8).base64EncodedString())
    }

    private func token(_ form: [(String, String)]) async throws -> ProviderTokens {
        let response = try await send(identity, "POST", "", body: Array(Self.formEncoded(form).utf8),
                                      headers: [basicAuthorization, ("Content-Type", "application/x-www-form-urlencoded")])
        guard response.status == 200 else { throw Self.tokenFailure(response) }
        guard let answer = try? XeroWire.decoder.decode(XeroWire.TokenResponse.self, from: Data(response.body)) else {
            throw AccountingProviderError.invalidResponse("token answer")
        }
        guard let refresh = answer.refresh_token else {
            throw AccountingProviderError.invalidResponse("no refresh token (is offline_access among the scopes?)")
        }
        return ProviderTokens(accessToken: answer.access_token, refreshToken: refresh, expiresIn: min(max(answer.expires_in, 0), 86_400),
                              scopes: (answer.scope ?? "").split(separator: " ").map(String.init))
    }

    /// `invalid_grant` (a code or refresh token refused) apart from every other refusal.
    static func tokenFailure(_ response: OutboundResponse) -> AccountingProviderError {
        if response.status == 429 || response.status >= 500 { return .unavailable("token endpoint answered \(response.status)") }
        let error = (try? XeroWire.decoder.decode(XeroWire.OAuthError.self, from: Data(response.body)))?.error ?? "HTTP_\(response.status)"
        return error == "invalid_grant" ? .invalidGrant(error) : .rejected(status: response.status, reason: String(error.prefix(100)))
    }

    // MARK: API

    public func tenants(accessToken: String) async throws -> [ProviderTenant] {
        let connections: [XeroWire.Connection] = try await call("GET", "/connections", token: accessToken, tenant: nil)
        return connections.map {
            ProviderTenant(connectionID: $0.id, tenantID: $0.tenantId, tenantName: $0.tenantName, tenantType: $0.tenantType ?? "ORGANISATION",
                           createdAt: $0.createdDateUtc)
        }
    }

    public func accounts(_ access: ProviderAccess) async throws -> [XeroAccount] {
        let answer: XeroWire.Accounts = try await call("GET", Self.accounting + "/Accounts", token: access.accessToken, tenant: access.tenantID)
        return answer.accounts.map(\.mapped)
    }

    public func contacts(_ access: ProviderAccess, page: Int, pageSize: Int, search: String?) async throws -> XeroContactPage {
        var query = [("page", String(page)), ("pageSize", String(pageSize))]
        if let search { query.append(("searchTerm", search)) }
        let answer: XeroWire.Contacts = try await call("GET", Self.accounting + "/Contacts", query: query, token: access.accessToken,
                                                       tenant: access.tenantID)
        return XeroContactPage(items: answer.contacts.map(\.mapped), page: page, limit: pageSize,
                               total: answer.pagination?.itemCount, pageCount: answer.pagination?.pageCount)
    }

    public func createInvoices(_ drafts: [InvoiceDraft], access: ProviderAccess, idempotencyKey: String) async throws -> [InvoiceResult] {
        let body = try XeroWire.encoder.encode(XeroWire.Invoices(invoices: drafts.map(XeroWire.Invoice.init)))
        // summarizeErrors=false: one answer per invoice, so one refused invoice does not sink the batch;
        // unitdp=4: unit prices of three- and four-decimal currencies are kept as sent.
        let answer: XeroWire.Invoices = try await call(
            "POST", Self.accounting + "/Invoices", query: [("summarizeErrors", "false"), ("unitdp", "4")], body: Array(body),
            token: access.accessToken, tenant: access.tenantID, extraHeaders: [("Idempotency-Key", idempotencyKey)])
        guard answer.invoices.count == drafts.count else {
            throw AccountingProviderError.invalidResponse("\(answer.invoices.count) invoices answered for \(drafts.count)")
        }
        return answer.invoices.map { invoice in
            if let refusal = invoice.refusal { return .refused(refusal) }
            return invoice.mapped().map(InvoiceResult.created) ?? .refused(["Xero sent no invoice id."])
        }
    }

    public func invoice(id: UUID, access: ProviderAccess) async throws -> XeroInvoice? {
        do {
            let answer: XeroWire.Invoices = try await call("GET", Self.accounting + "/Invoices/" + id.uuidString.lowercased(),
                                                           query: [("unitdp", "4")], token: access.accessToken, tenant: access.tenantID)
            return answer.invoices.first?.mapped()
        } catch AccountingProviderError.notFound {
            return nil
        }
    }

    // MARK: HTTP

    private func call<Response: Decodable>(_ method: String, _ path: String, query: [(String, String)] = [], body: [UInt8]? = nil,
                                           token: String, tenant: UUID?, extraHeaders: [(name: String, value: String)] = []) async throws -> Response {
        var headers: [(name: String, value: String)] = [("Authorization", "Bearer \(token)")]
        if let tenant { headers.append(("xero-tenant-id", tenant.uuidString.lowercased())) }
        headers += extraHeaders
        let response = try await send(api, method, path + (query.isEmpty ? "" : "?" + Self.formEncoded(query)), body: body, headers: headers)
        switch response.status {
        case 200..<300:
            do {
                return try XeroWire.decoder.decode(Response.self, from: Data(response.body))
            } catch {
                throw AccountingProviderError.invalidResponse("\(method) \(path): \(error)")
            }
        case 401:
            throw AccountingProviderError.unauthorized
        case 404:
            throw AccountingProviderError.notFound
        case 429, 500...:
            throw AccountingProviderError.unavailable("\(method) \(path) answered \(response.status)")
        default:
            let problem = try? XeroWire.decoder.decode(XeroWire.Problem.self, from: Data(response.body))
            if response.status == 400, problem?.type == "ValidationException" {
                throw AccountingProviderError.validation(problem?.messages ?? [])
            }
            let reason = problem?.type ?? problem?.detail ?? problem?.title ?? "HTTP_\(response.status)"
            throw AccountingProviderError.rejected(status: response.status, reason: reason)
        }
    }

    /// Transport failures (refused, DNS, timeout) are an outage, never the caller's fault.
    private func send(_ client: ServiceClient, _ method: String, _ path: String, body: [UInt8]?,
                      headers: [(name: String, value: String)]) async throws -> OutboundResponse {
        do {
            return try await client.send(method, path, body: body, headers: headers)
        } catch let error as ServiceClientError {
            throw AccountingProviderError.unavailable(error.description)
        }
    }

    /// `application/x-www-form-urlencoded` (also a query string): everything but RFC 3986's unreserved characters
    /// percent-encoded, so a secret or a code can never break out of its field.
    static func formEncoded(_ items: [(String, String)]) -> String {
        let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        func encode(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? "" }
        return items.map { "\(encode($0.0))=\(encode($0.1))" }.joined(separator: "&")
    }

    /// PKCE (RFC 7636): the S256 challenge of a verifier, base64url without padding.
    public static func codeChallenge(for verifier: String) -> String {
        Base64URL.encode(SHA256.hash(data: Data(verifier.utf8)))
    }
}

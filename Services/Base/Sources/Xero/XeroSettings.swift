import Foundation
import KisumKernel
import KisumServiceClient

/// How Base reaches Xero: the app's OAuth credentials, Xero's endpoints (Xero's own unless overridden, e.g. by a
/// fake in tests) and the key Base seals the tokens with. Nil in `BaseSettings` (no `XERO_CLIENT_ID`) means not
/// configured: every Xero route but status answers 503 `provider_not_configured`.
public struct XeroSettings: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    public var clientID: String
    /// Never printed.
    public var clientSecret: String
    /// Where Xero sends the browser back: this service's `GET /api/xero/callback` as the browser reaches it (through
    /// the gateway), registered with the Xero app exactly.
    public var redirectURI: String
    public var authorizeURL: String
    public var tokenURL: String
    /// Xero's API host: `/connections` and `/api.xro/2.0/…` hang off it.
    public var apiURL: String
    public var scopes: [String]
    /// 32 bytes sealing access and refresh tokens and PKCE verifiers at rest (AES-256-GCM). Never printed.
    public var tokenKey: [UInt8]
    /// When set, the callback sends the browser here (`?xero=connected`, or `?xero=failed&reason=<code>`) instead of
    /// answering JSON.
    public var appURL: String?
    public var timeout: Duration
    /// libcurl in production; tests may answer in-process.
    public var transport: any HTTPTransport

    public static let defaultAuthorizeURL = "https://login.xero.com/identity/connect/authorize"
    public static let defaultTokenURL = "https://identity.xero.com/connect/token"
    public static let defaultAPIURL = "https://api.xero.com"
    /// offline_access for a refresh token; invoices are transactions; contacts are written when an invoice names a
    /// new one; the chart of accounts is read.
    public static let defaultScopes = ["offline_access", "accounting.transactions", "accounting.contacts", "accounting.settings.read"]

    public init(clientID: String, clientSecret: String, redirectURI: String, tokenKey: [UInt8],
                authorizeURL: String = XeroSettings.defaultAuthorizeURL, tokenURL: String = XeroSettings.defaultTokenURL,
                apiURL: String = XeroSettings.defaultAPIURL, scopes: [String] = XeroSettings.defaultScopes, appURL: String? = nil,
                timeout: Duration = .seconds(10), transport: any HTTPTransport = CurlTransport.shared) {
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.redirectURI = redirectURI
        self.tokenKey = tokenKey
        self.authorizeURL = authorizeURL
        self.tokenURL = tokenURL
        self.apiURL = apiURL
        self.scopes = scopes
        self.appURL = appURL
        self.timeout = timeout
        self.transport = transport
    }

    public var description: String {
        "clientID: \(clientID), clientSecret: <redacted>, tokenKey: <redacted>, redirectURI: \(redirectURI), authorizeURL: \(authorizeURL), "
            + "tokenURL: \(tokenURL), apiURL: \(apiURL), scopes: \(scopes.joined(separator: " ")), appURL: \(appURL ?? "none")"
    }
    public var debugDescription: String { description }

    /// `XERO_CLIENT_ID` turns the integration on; with it `XERO_CLIENT_SECRET`, `XERO_REDIRECT_URI` and `XERO_TOKEN_KEY`
    /// (32 bytes, base64) must be set. `XERO_AUTHORIZE_URL`, `XERO_TOKEN_URL`, `XERO_API_URL`, `XERO_SCOPES` (space
    /// separated), `XERO_APP_URL` and `XERO_TIMEOUT_SECONDS` (default 10) are optional.
    static func load(from env: inout EnvironmentReader) -> XeroSettings? {
        let authorizeURL = env.url("XERO_AUTHORIZE_URL", required: false, hint: "Xero's consent page") ?? defaultAuthorizeURL
        let tokenURL = env.url("XERO_TOKEN_URL", required: false, hint: "Xero's token endpoint") ?? defaultTokenURL
        let apiURL = env.url("XERO_API_URL", required: false, hint: "Xero's API host") ?? defaultAPIURL
        let appURL = env.url("XERO_APP_URL", required: false, hint: "the web app page the callback returns the browser to")
        let timeout = env.int("XERO_TIMEOUT_SECONDS", default: 10, range: 1...60)
        let scopes = env.optional("XERO_SCOPES").map { $0.split(separator: " ").map(String.init) } ?? defaultScopes
        // The key is checked whenever it is set (the local run always generates one), so a bad one is found early.
        var tokenKey: [UInt8]?
        if let raw = env.optional("XERO_TOKEN_KEY") {
            if let data = Data(base64Encoded: raw), data.count == 32 {
                tokenKey = Array(data)
            } else {
                env.report("XERO_TOKEN_KEY must be 32 bytes encoded in base64 (e.g. `openssl rand -base64 32`)")
            }
        }
        guard let clientID = env.optional("XERO_CLIENT_ID") else { return nil }
        let secret = env.optional("XERO_CLIENT_SECRET")
        let redirect = env.url("XERO_REDIRECT_URI", required: false, hint: "this service's /api/xero/callback as browsers reach it")
        if secret == nil { env.report("XERO_CLIENT_SECRET must be set when XERO_CLIENT_ID is set (the Xero app's secret)") }
        if env.optional("XERO_REDIRECT_URI") == nil {
            env.report("XERO_REDIRECT_URI must be set when XERO_CLIENT_ID is set (the callback URL registered with the Xero app)")
        }
        if env.optional("XERO_TOKEN_KEY") == nil {
            env.report("XERO_TOKEN_KEY must be set when XERO_CLIENT_ID is set (32 random bytes in base64; seals the Xero tokens)")
        }
        guard let secret, let redirect, let tokenKey else { return nil }
        return XeroSettings(clientID: clientID, clientSecret: secret, redirectURI: redirect, tokenKey: tokenKey, authorizeURL: authorizeURL,
                            tokenURL: tokenURL, apiURL: apiURL, scopes: scopes, appURL: appURL, timeout: .seconds(timeout))
    }
}

import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import KisumKernel

/// The connection's life: connect (a PKCE consent URL), the public OAuth callback, status, disconnect and the
/// organisation (tenant) the accounting calls use (`basic.integrations.read` / `.write`). Unconfigured (no
/// `XERO_CLIENT_ID`), every route but status answers 503 `provider_not_configured`.
struct XeroRoutes: Sendable {
    typealias Context = BaseService.Context
    let xero: XeroIntegration

    func addRoutes(to tenant: RouterGroup<Context>) {
        let routes = tenant.group("/api/xero")
        routes.get("connect", use: connect)
        routes.get("status", use: status)
        routes.delete("disconnect", use: disconnect)
        routes.get("tenants", use: tenants)
        routes.post("tenants/select", use: selectTenant)
    }

    /// Xero sends the browser back here: no token, no x-org (the state names the company).
    func addPublicRoutes(to root: RouterGroup<Context>) {
        let callbacks = root.group("/api/xero")
        callbacks.get("callback", use: callback)
    }

    /// Starts a consent: a single-use state (ten minutes) and a PKCE verifier are stored, the consent URL answered as
    /// JSON (the web app calls this with its token, then navigates), or as a 302 with `?redirect=true`.
    @Sendable func connect(_ request: Request, context: Context) async throws -> Response {
        let scope = try context.tenant(permission: BasePermission.integrationsWrite)
        var query = QueryReader(request)
        let redirect = query.bool("redirect") ?? false
        try query.validate()
        let session = try xero.requireSession()
        let state = Self.randomToken()
        let verifier = Self.randomToken()
        let id = UUID()
        let expiresAt = try await xero.repository.createState(
            companyID: scope.companyID, id: id, userID: scope.userID, stateDigest: Self.digest(state),
            sealedVerifier: try session.seal(verifier, "verifier:\(id.uuidString.lowercased())", companyID: scope.companyID),
            lifetime: Int(XeroRules.stateLifetime))
        let url = session.provider.authorizeURL(state: state, codeChallenge: XeroHTTPProvider.codeChallenge(for: verifier))
        if redirect {
            return Response(status: .found, headers: [.location: url, .cacheControl: "no-store"])
        }
        return try context.responseEncoder.encode(XeroConnectStart(authorizeUrl: url, expiresAt: expiresAt), from: request, context: context)
    }

    /// The consent's return: the state is spent (unknown, expired or used → 400 `invalid_state`), the code exchanged
    /// with the verifier, the tokens stored sealed and the organisations read (the only one is selected). Answers the
    /// status as JSON, or — with `XERO_APP_URL` — sends the browser to the app with `?xero=connected` or
    /// `?xero=failed&reason=<code>`.
    @Sendable func callback(_ request: Request, context: Context) async throws -> Response {
        var query = QueryReader(request)
        let state = query.search("state", maxLength: 256)
        let code = query.search("code", maxLength: 4096)
        let denied = query.search("error", maxLength: 200)
        _ = query.search("error_description", maxLength: 2000)
        try query.validate()
        // Input first, so a malformed request is refused as such (4xx) whether or not Xero is configured.
        let session = try xero.requireSession()
        do {
            let status = try await complete(session, state: state, code: code, denied: denied)
            if let app = xero.settings?.appURL {
                return Self.redirect(to: app, [("xero", "connected")])
            }
            return try context.responseEncoder.encode(status, from: request, context: context)
        } catch let error as APIError where error.status.code < 500 {
            guard let app = xero.settings?.appURL else { throw error }
            return Self.redirect(to: app, [("xero", "failed"), ("reason", error.code)])
        } catch let error as AccountingProviderError {
            guard let app = xero.settings?.appURL else { throw error }
            return Self.redirect(to: app, [("xero", "failed"), ("reason", error.apiError.code)])
        }
    }

    private func complete(_ session: XeroSession, state: String?, code: String?, denied: String?) async throws -> XeroStatus {
        guard let state, let consumed = try await xero.repository.consumeState(digest: Self.digest(state)) else {
            throw APIError.badRequest("invalid_state", "The state is unknown, expired or already used; connect again.")
        }
        if let denied {
            throw APIError(.badRequest, code: "xero_authorization_denied", message: "The consent was not given at Xero.",
                           info: ["reason": .string(String(denied.prefix(100)))])
        }
        guard let code else {
            throw APIError.badRequest("invalid_query", "The callback carries no code.",
                                      details: [FieldIssue(field: "code", code: "required", message: "Xero's authorization code.")])
        }
        let company = consumed.companyID
        let verifier = try session.open(consumed.sealedVerifier, "verifier:\(consumed.id.uuidString.lowercased())", companyID: company)
        let tokens: ProviderTokens
        do {
            tokens = try await session.provider.exchange(code: code, codeVerifier: verifier)
        } catch AccountingProviderError.invalidGrant {
            throw APIError.badRequest("xero_code_rejected", "Xero refused the authorization code (expired or used); connect again.")
        }
        // The organisations are read now so the only one can be selected; if Xero does not answer, the connection is
        // stored without a tenant and GET /api/xero/tenants asks again.
        let reachable = try? await session.provider.tenants(accessToken: tokens.accessToken)
        let saved = try await xero.repository.saveConnection(
            companyID: company, userID: consumed.userID, accessToken: try session.seal(tokens.accessToken, "access", companyID: company),
            refreshToken: try session.seal(tokens.refreshToken, "refresh", companyID: company), expiresIn: tokens.expiresIn, scopes: tokens.scopes,
            reachable: reachable.map { $0.map(\.tenantID) }, only: reachable.flatMap { $0.count == 1 ? $0.first : nil })
        guard let saved else { throw APIError.internalError }
        return XeroSession.status(saved, configured: true)
    }

    @Sendable func status(_ request: Request, context: Context) async throws -> XeroStatus {
        let scope = try context.tenant(permission: BasePermission.integrationsRead)
        return try await XeroSession.status(xero.repository, companyID: scope.companyID, configured: xero.session != nil)
    }

    /// Forgets the connection and revokes its refresh token at Xero (best effort: the local record goes either way).
    /// 204 also when there was no connection.
    @Sendable func disconnect(_ request: Request, context: Context) async throws -> Response {
        let scope = try context.tenant(permission: BasePermission.integrationsWrite)
        let session = try xero.requireSession()
        if let sealed = try await xero.repository.deleteConnection(companyID: scope.companyID),
           let refreshToken = try? session.open(sealed, "refresh", companyID: scope.companyID) {
            try? await session.provider.revoke(refreshToken: refreshToken)
        }
        return Response(status: .noContent)
    }

    @Sendable func tenants(_ request: Request, context: Context) async throws -> XeroTenantList {
        let scope = try context.tenant(permission: BasePermission.integrationsRead)
        let session = try xero.requireSession()
        let (tenants, selected) = try await session.tenants(companyID: scope.companyID)
        return XeroTenantList(items: tenants.map { Self.wire($0, selected: selected) }, selectedTenantId: selected)
    }

    /// The organisation must be one the connection reaches now (asked of Xero): else 422 on `tenantId`.
    @Sendable func selectTenant(_ request: Request, context: Context) async throws -> XeroStatus {
        let scope = try context.tenant(permission: BasePermission.integrationsWrite)
        let body = try await request.decodeValid(as: XeroTenantSelection.self, context: context)
        let session = try xero.requireSession()
        let (tenants, _) = try await session.tenants(companyID: scope.companyID)
        guard let chosen = tenants.first(where: { $0.tenantID == body.tenantId }) else {
            throw APIError.validation(field: "tenantId", code: "unknown_tenant", message: "The Xero connection does not reach this organisation.")
        }
        guard try await xero.repository.selectTenant(companyID: scope.companyID, tenantID: chosen.tenantID, name: chosen.tenantName) else {
            throw XeroSession.notConnected
        }
        return try await XeroSession.status(xero.repository, companyID: scope.companyID, configured: true)
    }

    static func wire(_ tenant: ProviderTenant, selected: UUID?) -> XeroTenant {
        XeroTenant(tenantId: tenant.tenantID, tenantName: tenant.tenantName, tenantType: tenant.tenantType, connectionId: tenant.connectionID,
                   createdAt: tenant.createdAt, selected: tenant.tenantID == selected)
    }

    /// 32 random bytes, base64url (43 characters: a valid PKCE verifier, RFC 7636 §4.1).
    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return Base64URL.encode((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }

    static func digest(_ text: String) -> Data {
        Data(SHA256.hash(data: Data(text.utf8)))
    }

    static func redirect(to app: String, _ items: [(String, String)]) -> Response {
        let separator = app.contains("?") ? "&" : "?"
        return Response(status: .found, headers: [.location: app + separator + XeroHTTPProvider.formEncoded(items), .cacheControl: "no-store"])
    }
}

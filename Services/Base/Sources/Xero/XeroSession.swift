import Foundation
import KisumKernel
import KisumPersistence

/// A company's live Xero session: seals and opens its tokens, refreshes the access token before it expires
/// (single-flight, under the connection's row lock) and hands the accounting calls a token and the selected tenant.
/// A refresh token Xero refuses (`invalid_grant`) marks the connection `needs_reauth`; from then on every call
/// answers 409 `xero_reauthorization_required` until the company connects again.
struct XeroSession: Sendable {
    let provider: any AccountingProvider
    let repository: XeroRepository
    let sealer: Sealer

    // MARK: Sealing (the associated data names the company and the field, so a box cannot be moved)

    func seal(_ secret: String, _ field: String, companyID: UUID) throws -> Data {
        try sealer.seal(Data(secret.utf8), context: "xero:\(companyID.uuidString.lowercased()):\(field)")
    }

    func open(_ sealed: Data, _ field: String, companyID: UUID) throws -> String {
        do {
            return String(decoding: try sealer.open(sealed, context: "xero:\(companyID.uuidString.lowercased()):\(field)"), as: UTF8.self)
        } catch {
            // Sealed under another XERO_TOKEN_KEY (a rotated key): only a new consent helps.
            throw APIError.conflict("xero_reauthorization_required",
                                    "The stored Xero tokens cannot be read with the current key; connect again (GET /api/xero/connect).")
        }
    }

    // MARK: Tokens

    static let notConnected = APIError.conflict("xero_not_connected", "The company has no Xero connection; connect first (GET /api/xero/connect).")
    static let reauthorize = APIError.conflict("xero_reauthorization_required",
                                               "Xero refused the connection's authorisation; connect again (GET /api/xero/connect).")
    static let tenantRequired = APIError.conflict("xero_tenant_required",
                                                  "Select the Xero organisation first (POST /api/xero/tenants/select).")

    /// A usable access token, refreshed first when it expires within the margin, or when `stale` (a token Xero just
    /// refused) is still the stored one.
    func token(companyID: UUID, stale: String? = nil) async throws -> (token: String, connection: XeroRepository.StoredConnection) {
        guard let current = try await repository.connection(companyID: companyID) else { throw Self.notConnected }
        guard current.status == "connected" else { throw Self.reauthorize }
        if current.fresh, stale == nil {
            return (try open(current.accessToken, "access", companyID: companyID), current)
        }
        var failure: AccountingProviderError?
        let refreshed = try await repository.refresh(companyID: companyID) { locked in
            guard locked.status == "connected" else { return .keep }
            let lockedToken = try open(locked.accessToken, "access", companyID: companyID)
            // Refreshed by another request while this one waited for the lock.
            if locked.fresh, stale == nil || stale != lockedToken { return .keep }
            do {
                let tokens = try await provider.refresh(refreshToken: try open(locked.refreshToken, "refresh", companyID: companyID))
                return .store(accessToken: try seal(tokens.accessToken, "access", companyID: companyID),
                              refreshToken: try seal(tokens.refreshToken, "refresh", companyID: companyID),
                              expiresIn: tokens.expiresIn, scopes: tokens.scopes.isEmpty ? locked.scopes : tokens.scopes)
            } catch AccountingProviderError.invalidGrant(let reason) {
                failure = .invalidGrant(reason)
                return .needsReauth(reason: reason)
            }
        }
        guard let refreshed else { throw Self.notConnected }
        guard refreshed.status == "connected", failure == nil else { throw Self.reauthorize }
        return (try open(refreshed.accessToken, "access", companyID: companyID), refreshed)
    }

    /// Runs an accounting call with the company's token and selected tenant. When Xero refuses the token (revoked or
    /// expired early), the token is refreshed once and the call made again.
    func withAccess<T>(companyID: UUID, _ call: (ProviderAccess) async throws -> T) async throws -> T {
        let (token, connection) = try await token(companyID: companyID)
        guard let tenantID = connection.tenantID else { throw Self.tenantRequired }
        do {
            return try await call(ProviderAccess(accessToken: token, tenantID: tenantID))
        } catch AccountingProviderError.unauthorized {
            let (again, _) = try await self.token(companyID: companyID, stale: token)
            return try await call(ProviderAccess(accessToken: again, tenantID: tenantID))
        }
    }

    /// The tenants the connection reaches (with the same one-retry rule; no tenant needs to be selected).
    func tenants(companyID: UUID) async throws -> (tenants: [ProviderTenant], selected: UUID?) {
        let (token, connection) = try await token(companyID: companyID)
        do {
            return (try await provider.tenants(accessToken: token), connection.tenantID)
        } catch AccountingProviderError.unauthorized {
            let (again, refreshed) = try await self.token(companyID: companyID, stale: token)
            return (try await provider.tenants(accessToken: again), refreshed.tenantID)
        }
    }

    static func status(_ repository: XeroRepository, companyID: UUID, configured: Bool) async throws -> XeroStatus {
        guard let row = try await repository.connection(companyID: companyID) else {
            return XeroStatus(configured: configured, status: configured ? "not_connected" : "not_configured", connected: false, tenantId: nil,
                              tenantName: nil, scopes: [], connectedBy: nil, connectedAt: nil, accessTokenExpiresAt: nil, refreshedAt: nil,
                              reauthReason: nil)
        }
        return Self.status(row, configured: configured)
    }

    static func status(_ row: XeroRepository.StoredConnection, configured: Bool) -> XeroStatus {
        XeroStatus(configured: configured, status: row.status, connected: row.status == "connected", tenantId: row.tenantID,
                   tenantName: row.tenantName, scopes: row.scopes, connectedBy: row.connectedBy, connectedAt: row.connectedAt,
                   accessTokenExpiresAt: row.accessExpiresAt, refreshedAt: row.refreshedAt, reauthReason: row.reauthReason)
    }
}

/// What the Xero routes share: the settings and, when Xero is configured, the session over the HTTP provider.
struct XeroIntegration: Sendable {
    let settings: XeroSettings?
    let repository: XeroRepository
    let session: XeroSession?

    init(settings: XeroSettings?, database: Database) {
        self.settings = settings
        self.repository = XeroRepository(database: database)
        self.session = settings.map {
            XeroSession(provider: XeroHTTPProvider(settings: $0), repository: XeroRepository(database: database), sealer: Sealer(key: $0.tokenKey))
        }
    }

    /// The session, or 503 `provider_not_configured` (no `XERO_CLIENT_ID`): never a made-up answer.
    func requireSession() throws -> XeroSession {
        guard let session else { throw APIError.providerNotConfigured("Xero") }
        return session
    }
}

import Foundation
import HTTPTypes
import Hummingbird
import KisumKernel
import PlatformCoreAPI
import KisumPersistence
import KisumRuntime
import Logging

/// Everything Platform Core's routes share, built once per router from the runtime: repositories,
/// the key store and token service, the password hasher, providers and the route-group helpers.
/// Tests build one over the test runtime to seed data and mint tokens.
public struct PlatformServices: Sendable {
    public let settings: PlatformCoreSettings
    /// The runtime with Platform Core's own verifier (its key store) and access resolver (its database).
    public let runtime: ServiceRuntime<PlatformCoreSettings>
    public var database: Database { runtime.database }
    public var logger: Logger { runtime.logger }

    public let keys: KeyStore
    public let tokens: TokenService
    public let passwords: PasswordHasher
    public let users: UserRepository
    public let workspaces: WorkspaceRepository
    public let singleUseTokens: SingleUseTokenRepository
    public let access: DatabaseAccessResolver
    public let apiKeys: APIKeyAuthenticator
    public let emails: EmailComposer
    public let outbox: EmailOutbox
    public let billing: any BillingProvider
    public let clerk: (any ClerkDirectory)?
    public let storage: any ObjectStorage
    public let loginLimiter: RateLimiter
    public let publicLimiter: RateLimiter

    public init(runtime: ServiceRuntime<PlatformCoreSettings>) {
        let settings = runtime.settings
        let database = runtime.database
        let logger = runtime.logger
        self.settings = settings
        keys = KeyStore(database: database, sealingKey: settings.signingKeyEncryptionKey, retiredGrace: settings.accessTokenTTL + 60)
        access = DatabaseAccessResolver(database: database)
        var runtime = runtime
        runtime.verifier = AccessTokenVerifier(keys: keys, issuer: runtime.kernel.auth.issuer, audience: runtime.kernel.auth.audience)
        runtime.accessResolver = access
        self.runtime = runtime
        tokens = TokenService(database: database, keys: keys, issuer: runtime.kernel.auth.issuer,
                              audience: runtime.kernel.auth.audience, settings: settings)
        passwords = PasswordHasher(settings: settings.passwords)
        users = UserRepository(database: database)
        workspaces = WorkspaceRepository(database: database)
        singleUseTokens = SingleUseTokenRepository(database: database)
        apiKeys = APIKeyAuthenticator(database: database)
        emails = EmailComposer(appURL: settings.publicAppURL)
        outbox = EmailOutbox(logger: logger)
        billing = settings.stripe.map { StripeBillingProvider(settings: $0, logger: logger) } ?? LocalBillingProvider()
        clerk = settings.clerk.flatMap { clerk in
            clerk.apiKey.map { HTTPClerkDirectory(apiURL: clerk.apiURL, apiKey: $0, logger: logger) }
        }
        storage = LocalDiskStorage(directory: settings.storageDirectory)
        loginLimiter = RateLimiter(settings: settings.loginRateLimit)
        publicLimiter = RateLimiter(settings: settings.publicRateLimit)
    }

    // MARK: Route groups

    /// Routes for a signed-in user, no workspace (`jwt` in the catalog): bearer token + live session.
    public func userGroup(_ router: Router<PlatformRequestContext>, path: RouterPath) -> RouterGroup<PlatformRequestContext> {
        router.group(path)
            .add(middleware: AuthMiddleware<PlatformRequestContext>(verifier: runtime.verifier, apiKeys: APIKeysNotAccepted()))
            .add(middleware: SessionGuardMiddleware<PlatformRequestContext>(tokens: tokens))
    }

    /// Routes of one workspace (`jwt+org`): bearer token, `x-workspace-id` or `x-org`, active membership
    /// resolved from the database, live session. Handlers then call `context.tenant(permission:)`.
    public func tenantGroup(_ router: Router<PlatformRequestContext>, path: RouterPath) -> RouterGroup<PlatformRequestContext> {
        runtime.tenantGroup(router, path: path, module: nil, apiKeys: APIKeysNotAccepted())
            .add(middleware: SessionGuardMiddleware<PlatformRequestContext>(tokens: tokens))
    }

    /// `/internal` routes for other services (X-Internal-API-Key).
    public func internalGroup(_ router: Router<PlatformRequestContext>) -> RouterGroup<PlatformRequestContext> {
        runtime.internalGroup(router)
    }

    // MARK: Helpers shared by features

    /// Address and user agent of the caller (for sessions, rate limits and the refresh grace window).
    func client(_ request: Request, _ context: PlatformRequestContext) -> ClientInfo {
        ClientInfo(ip: request.clientAddress(context: context, trustedProxies: settings.trustedProxyCount), userAgent: request.userAgent)
    }
}

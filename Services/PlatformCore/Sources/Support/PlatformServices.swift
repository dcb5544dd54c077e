import Foundation
import HTTPTypes
import Hummingbird
import KisumKernel
import KisumStorage
import PlatformCoreAPI
import KisumPersistence
import KisumRuntime
import Logging

/// The wiring: what Platform Core's routes share, built once per router from the runtime (repositories,
/// the key store and token service, the password hasher, providers, limiters). `buildRouter` hands each
/// routes type only what it uses; tests build one over the test runtime to seed data and mint tokens.
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
        runtime.verifier = AccessTokenVerifier(keys: keys, issuer: runtime.kernel.auth.issuer, audience: runtime.kernel.auth.audience,
                                               cache: runtime.verifier.cache)
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

    /// The route groups of `router`, with this runtime's verifier and access resolver.
    public func routeGroups(_ router: Router<PlatformRequestContext>) -> PlatformRouteGroups {
        PlatformRouteGroups(router: router, runtime: runtime, tokens: tokens)
    }

    /// One reader for every handler, so they all agree on `TRUSTED_PROXY_COUNT`.
    var clients: ClientInfoReader { ClientInfoReader(trustedProxies: settings.trustedProxyCount) }
}

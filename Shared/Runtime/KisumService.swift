import ArgumentParser
import Foundation
import HTTPTypes
import Hummingbird
import KisumKernel
import KisumPersistence
import KisumServiceClient
import Logging
import PostgresNIO
import ServiceLifecycle

/// What a service declares so the shared runtime can configure, migrate and serve it.
public protocol KisumService {
    associatedtype Settings: Sendable
    associatedtype Context: KisumRequestContext
    /// Short name: contract file and log label (`venue`, `platform-core`, …).
    static var name: String { get }
    static var defaultPort: Int { get }
    /// Platform Core verifies tokens with its own key store; every other service needs its JWKS.
    static var needsPlatformCore: Bool { get }
    /// Reads the service's own settings, reporting problems into `env`.
    static func loadSettings(from env: inout EnvironmentReader) -> Settings
    /// Every route the service serves; the contract test compares this router with the contract.
    static func buildRouter(_ runtime: ServiceRuntime<Settings>) async throws -> Router<Context>
    /// Long-running workers (outbox relays, mail delivery) that run beside the HTTP server.
    static func backgroundServices(_ runtime: ServiceRuntime<Settings>) async throws -> [any Service]
    /// One-off commands beside `serve` and `migrate` (`base import-rates`, …).
    static var tools: [any ParsableCommand.Type] { get }
}

extension KisumService {
    public static var needsPlatformCore: Bool { true }

    public static func backgroundServices(_ runtime: ServiceRuntime<Settings>) async throws -> [any Service] { [] }

    public static var tools: [any ParsableCommand.Type] { [] }

    /// The Hummingbird application (the `buildApplication` of Hummingbird's template).
    public static func buildApplication(_ runtime: ServiceRuntime<Settings>) async throws -> some ApplicationProtocol {
        runtime.makeApplication(router: try await buildRouter(runtime), services: try await backgroundServices(runtime))
    }
    /// `Migrations/<folder>`: the service name without dashes.
    public static var migrationsFolder: String { name }
}

/// Everything a service's `buildApplication` needs, built from the environment by `serve` or
/// directly by tests (which swap the verifier keys and the access resolver).
public struct ServiceRuntime<Settings: Sendable>: Sendable {
    public var kernel: KernelSettings
    public var settings: Settings
    public var database: Database
    public var logger: Logger
    public var contract: String
    public var verifier: AccessTokenVerifier
    public var accessResolver: any EffectiveAccessResolver
    /// Workspace API keys on tenant routes: checked through Platform Core in the business services,
    /// refused (`APIKeysNotAccepted`) in Platform Core itself; nil treats every bearer as an access token.
    public var apiKeyVerifier: (any APIKeyVerifier)?
    /// Called with the bound port once the server listens (port 0 picks a free one in tests).
    public var onServerRunning: @Sendable (Int) async -> Void
    /// Whether `serve` may apply pending migrations itself before listening.
    public var autoMigrate: Bool
    public var migrations: [Migration]
    /// Swagger UI's files for `/docs`, read at start (`RuntimeLoader`); nil answers 503 `docs_not_installed`. Test
    /// runtimes leave it nil unless a test sets it.
    public var docs: DocsAssets?

    public init(
        kernel: KernelSettings,
        settings: Settings,
        database: Database,
        logger: Logger,
        contract: String,
        verifier: AccessTokenVerifier,
        accessResolver: any EffectiveAccessResolver,
        migrations: [Migration],
        autoMigrate: Bool,
        apiKeyVerifier: (any APIKeyVerifier)? = nil,
        docs: DocsAssets? = nil,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) {
        self.kernel = kernel
        self.settings = settings
        self.database = database
        self.logger = logger
        self.contract = contract
        self.verifier = verifier
        self.accessResolver = accessResolver
        self.apiKeyVerifier = apiKeyVerifier
        self.migrations = migrations
        self.autoMigrate = autoMigrate
        self.docs = docs
        self.onServerRunning = onServerRunning
    }

    /// A router with the kernel middleware and the health, metrics, contract and documentation routes.
    public func makeRouter<Context: KisumRequestContext>(context: Context.Type = Context.self) -> Router<Context> {
        let router = Router<Context>.kisum(accessLogSample: kernel.accessLogSample)
        let database = self.database
        router.addKernelRoutes(service: kernel.serviceName, contract: contract, docs: docs) {
            try await database.ping()
        }
        return router
    }

    /// Routes for signed-in users of one company: bearer token, `x-org` / `x-workspace-id` (`TenantHeaders`),
    /// membership, and the module gate.
    /// Workspace API keys are accepted as the bearer where `apiKeyVerifier` is set.
    public func tenantGroup<Context: KisumRequestContext>(
        _ router: Router<Context>, path: RouterPath, module: String?, apiKeys: (any APIKeyVerifier)? = nil
    ) -> RouterGroup<Context> {
        router.group(path)
            .add(middleware: AuthMiddleware<Context>(verifier: verifier, apiKeys: apiKeys ?? apiKeyVerifier))
            .add(middleware: TenantMiddleware<Context>())
            .add(middleware: AccessMiddleware<Context>(resolver: accessResolver, module: module))
    }

    /// Tenant routes that machine callers holding an internal API key may also use, naming the company
    /// with `x-org` (`MachineOrTenantMiddleware`): Finance's invoices, posted to by Venue.
    public func machineOrTenantGroup<Context: KisumRequestContext>(
        _ router: Router<Context>, path: RouterPath, module: String
    ) -> RouterGroup<Context> {
        router.group(path).add(middleware: MachineOrTenantMiddleware<Context>(
            internalKeys: kernel.internalAPIKeys, auth: AuthMiddleware<Context>(verifier: verifier, apiKeys: apiKeyVerifier),
            resolver: accessResolver, module: module))
    }

    /// Routes for machine callers holding an internal API key.
    public func internalGroup<Context: KisumRequestContext>(_ router: Router<Context>, path: RouterPath = "/internal") -> RouterGroup<Context> {
        router.group(path).add(middleware: InternalKeyMiddleware<Context>(keys: kernel.internalAPIKeys))
    }

    /// The Hummingbird application: the router, the database pool, extra background services, and a
    /// pre-start check that refuses to serve a schema with pending migrations unless told to migrate.
    /// `runsDatabase: false` leaves the pool to the caller (the test harness runs it for a whole test,
    /// so fixtures can seed rows before and between requests; a `PostgresClient` runs only once).
    public func makeApplication<Context: KisumRequestContext>(
        router: Router<Context>,
        services: [any Service] = [],
        runsDatabase: Bool = true
    ) -> some ApplicationProtocol {
        let onRunning = self.onServerRunning
        // Every route is registered by now; the middleware only sees requests no route took.
        router.add(middleware: MethodNotAllowedMiddleware<Context>(routes: router.routes))
        var app = Application(
            router: router,
            configuration: .init(address: .hostname(kernel.host, port: kernel.port), serverName: nil),
            services: (runsDatabase ? [database.client] : []) + services,
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) },
            logger: logger
        )
        let migrator = Migrator(database: database, migrations: migrations, service: kernel.serviceName)
        let autoMigrate = self.autoMigrate
        let logger = self.logger
        app.beforeServerStarts {
            if autoMigrate {
                let applied = try await migrator.migrate()
                if !applied.isEmpty { logger.info("migrated", metadata: ["versions": "\(applied)"]) }
            } else {
                let pending = try await migrator.pending()
                if !pending.isEmpty { throw MigrationError.pending(pending) }
            }
        }
        return app
    }
}

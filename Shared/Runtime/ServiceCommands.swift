import ArgumentParser
import Foundation
import Hummingbird
import KisumKernel
import KisumPersistence
import KisumServiceClient
import Logging
import NIOCore
import NIOPosix
import PlatformCoreAPI
import PostgresNIO

/// Builds a runtime from the environment, reporting every configuration problem at once.
public enum RuntimeLoader {
    public struct Loaded<Settings: Sendable>: Sendable {
        public var kernel: KernelSettings
        public var database: DatabaseSettings
        public var settings: Settings
        public var autoMigrate: Bool
        public var contract: String
        public var migrations: [Migration]
        /// Swagger UI for `/docs`, or why it could not be read (the service starts either way).
        public var docs: Result<DocsAssets, DocsAssetsError>
    }

    public static func load<S: KisumService>(_ service: S.Type, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws -> Loaded<S.Settings>
    {
        var env = EnvironmentReader(environment)
        let kernel = KernelSettings.load(service: S.name, defaultPort: S.defaultPort, needsPlatformCore: S.needsPlatformCore, from: &env)
        let database = DatabaseSettings.load(from: &env, service: S.migrationsFolder)
        let autoMigrate = env.bool("AUTO_MIGRATE", default: false)
        let settings = S.loadSettings(from: &env)
        let contractPath = "\(kernel.resourcesDirectory)/contracts/\(S.name).yaml"
        let contract = (try? String(contentsOfFile: contractPath, encoding: .utf8)) ?? ""
        if contract.isEmpty {
            env.report("contract \(contractPath) is missing (set KISUM_RESOURCES_DIR to the folder holding contracts/ and Migrations/)")
        }
        var migrations: [Migration] = []
        do {
            migrations = try Migration.load(directory: "\(kernel.resourcesDirectory)/Migrations/\(S.migrationsFolder)")
        } catch {
            env.report("\(error)")
        }
        try env.validate(service: S.name)
        // Read once here, before serving (like the contract): no request waits for the disk.
        let docs = Result { () throws(DocsAssetsError) in try DocsAssets.load(directory: kernel.docsAssetsDirectory) }
        return Loaded(kernel: kernel, database: database, settings: settings, autoMigrate: autoMigrate,
                      contract: contract, migrations: migrations, docs: docs)
    }

    public static func runtime<S: KisumService>(_ service: S.Type, loaded: Loaded<S.Settings>) throws -> ServiceRuntime<S.Settings> {
        LoggingSetup.bootstrap(format: loaded.kernel.logFormat, level: loaded.kernel.logLevel)
        var logger = Logger(label: "kisum.\(S.name)")
        logger.logLevel = loaded.kernel.logLevel
        let database = try Database(settings: loaded.database, logger: logger, watchAfter: DatabaseGate.defaultWatchAfter)
        let auth = loaded.kernel.auth
        let keys: any VerificationKeySource
        let resolver: any EffectiveAccessResolver
        var apiKeys: (any APIKeyVerifier)?
        if let jwksURL = auth.jwksURL, let coreURL = auth.platformCoreURL {
            keys = JWKSKeySource(url: jwksURL)
            let platformCore = ServiceClient(name: "platform-core", baseURL: coreURL, internalAPIKey: auth.platformCoreAPIKey,
                                             timeout: .seconds(3))
            resolver = PlatformAccessResolver(client: platformCore, ttl: auth.accessCacheTTL)
            apiKeys = PlatformAPIKeyVerifier(client: platformCore, ttl: auth.accessCacheTTL)
        } else {
            // Platform Core replaces both with its own key store and access repository; its own routes are
            // for people and do not take API keys.
            keys = StaticKeySource([:])
            resolver = UnavailableAccessResolver()
            apiKeys = APIKeysNotAccepted()
        }
        return ServiceRuntime(
            kernel: loaded.kernel,
            settings: loaded.settings,
            database: database,
            logger: logger,
            contract: loaded.contract,
            verifier: AccessTokenVerifier(keys: keys, issuer: auth.issuer, audience: auth.audience,
                                          cache: VerifiedTokenCache(capacity: auth.tokenCacheSize)),
            accessResolver: resolver,
            migrations: loaded.migrations,
            autoMigrate: loaded.autoMigrate,
            apiKeyVerifier: apiKeys,
            docs: docs(loaded.docs, logger: logger)
        )
    }

    /// The documentation page's files; without them the service still serves everything else, and says why once.
    static func docs(_ loaded: Result<DocsAssets, DocsAssetsError>, logger: Logger) -> DocsAssets? {
        switch loaded {
        case .success(let assets):
            return assets
        case .failure(let error):
            logger.warning("\(error)")
            return nil
        }
    }
}

/// Fails closed: used only until a service installs its real resolver.
public struct UnavailableAccessResolver: EffectiveAccessResolver {
    public init() {}

    public func resolve(userID: UUID, companyID: UUID) async throws -> EffectiveAccess? {
        throw APIError.unavailable("access_unavailable", "Access resolution is not configured.")
    }
}

/// A service's command line: `serve` (the default), `migrate` and its `tools`. The service's own executable
/// (`Services/<Name>/Server`) and the all-roles `kisum` executable (`Services/Kisum`) both run it, under the service's name.
public struct ServiceCommand<S: KisumService>: AsyncParsableCommand {
    public static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: S.name, abstract: "Kisum \(S.name) service.",
                             subcommands: [ServeCommand<S>.self, MigrateCommand<S>.self] + S.tools,
                             defaultSubcommand: ServeCommand<S>.self)
    }

    public init() {}
}

/// `<service> serve`: configure from the environment, check migrations, listen.
public struct ServeCommand<S: KisumService>: AsyncParsableCommand {
    public static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "serve", abstract: "Run the \(S.name) HTTP service.")
    }

    @Flag(help: "Apply pending migrations before serving (same as AUTO_MIGRATE=true).")
    var migrate = false

    public init() {}

    public func run() async throws {
        var loaded = try loadOrExit()
        loaded.autoMigrate = loaded.autoMigrate || migrate
        if loaded.kernel.nioGlobalExecutor {
            // Swift concurrency's jobs then run on NIO's event loops (one per core) instead of hopping to
            // libdispatch's pool and back for every await; thread switches were the largest single cost of
            // a tenant read (bench/results.md). Safe because nothing here blocks an executor thread: password
            // hashing, libcurl and file I/O run on their own thread pools.
            NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        }
        let runtime = try RuntimeLoader.runtime(S.self, loaded: loaded)
        let app = try await S.buildApplication(runtime)
        try await app.runService()
    }

    private func loadOrExit() throws -> RuntimeLoader.Loaded<S.Settings> {
        do {
            return try RuntimeLoader.load(S.self)
        } catch let error as ConfigurationError {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode(78) // EX_CONFIG
        }
    }
}

/// `<service> migrate`: apply pending migrations and exit.
public struct MigrateCommand<S: KisumService>: AsyncParsableCommand {
    public static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "migrate", abstract: "Apply the \(S.name) database migrations.")
    }

    public init() {}

    public func run() async throws {
        let loaded: RuntimeLoader.Loaded<S.Settings>
        do {
            loaded = try RuntimeLoader.load(S.self)
        } catch let error as ConfigurationError {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode(78)
        }
        let runtime = try RuntimeLoader.runtime(S.self, loaded: loaded)
        let migrator = Migrator(database: runtime.database, migrations: loaded.migrations, service: S.name)
        let applied = try await runtime.database.withRunningClient { try await migrator.migrate() }
        print(applied.isEmpty ? "\(S.name): database is up to date" : "\(S.name): applied migrations \(applied.map(String.init).joined(separator: ", "))")
    }
}

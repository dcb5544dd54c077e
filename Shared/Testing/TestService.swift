import Foundation
import Hummingbird
import KisumKernel
import KisumPersistence
import KisumRuntime
import Logging
import ServiceLifecycle

/// Where the repository's resources are, found from this file so tests run from any directory.
public enum RepositoryPaths {
    public static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    public static func migrations(_ service: String) -> String { "\(root)/Migrations/\(service)" }
    public static func contract(_ service: String) -> String { "\(root)/contracts/\(service).yaml" }
}

public enum TestDefaults {
    public static let internalKeys = ["test-internal-key-0000000000000001", "test-internal-key-0000000000000002"]
}

extension KisumService {
    /// A runtime for tests: a fresh migrated database, port 0, test keys and an access resolver of the test's choosing.
    public static func testRuntime(
        settings: Settings,
        keys: TestKeys = TestKeys(),
        accessResolver: any EffectiveAccessResolver = TestAccessResolver(),
        verifier: AccessTokenVerifier? = nil,
        apiKeyVerifier: (any APIKeyVerifier)? = nil,
        kernel adjust: (inout KernelSettings) -> Void = { _ in }
    ) async throws -> ServiceRuntime<Settings> {
        LoggingSetup.bootstrap(format: "text", level: .warning)
        let databaseSettings = try await TestPostgres.shared.database(service: migrationsFolder, migrationsDirectory: RepositoryPaths.migrations(migrationsFolder))
        var logger = Logger(label: "test.\(name)")
        logger.logLevel = ProcessInfo.processInfo.environment["TEST_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
        var kernel = KernelSettings(
            serviceName: name,
            host: "127.0.0.1",
            port: 0,
            logLevel: logger.logLevel,
            logFormat: "text",
            resourcesDirectory: RepositoryPaths.root,
            internalAPIKeys: TestDefaults.internalKeys,
            auth: .init(jwksURL: nil, issuer: keys.issuer, audience: keys.audience, platformCoreURL: nil,
                        platformCoreAPIKey: nil, accessCacheTTL: .seconds(30))
        )
        adjust(&kernel)
        let contract = (try? String(contentsOfFile: RepositoryPaths.contract(name), encoding: .utf8)) ?? ""
        return ServiceRuntime(
            kernel: kernel,
            settings: settings,
            database: try Database(settings: DatabaseSettings(url: databaseSettings.url, poolSize: 4), logger: logger),
            logger: logger,
            contract: contract,
            verifier: verifier ?? keys.verifier,
            accessResolver: accessResolver,
            migrations: try Migration.load(directory: RepositoryPaths.migrations(migrationsFolder)),
            autoMigrate: false,
            apiKeyVerifier: apiKeyVerifier
        )
    }
}

/// Runs an application on a loopback port for the duration of `body` (cross-service tests).
@discardableResult
public func withRunningApplication<Value: Sendable>(
    _ build: (@escaping @Sendable (Int) async -> Void) async throws -> any ApplicationProtocol,
    _ body: (_ port: Int) async throws -> Value
) async throws -> Value {
    let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
    let app = try await build { port in continuation.yield(port) }
    return try await withThrowingTaskGroup(of: Void.self) { group in
        let serviceGroup = ServiceGroup(configuration: .init(services: [app], logger: Logger(label: "test-runner")))
        group.addTask {
            defer { continuation.finish() }
            try await serviceGroup.run()
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            // The server stopped before listening; surface why.
            try await group.next()
            throw TestSetupError("server did not start")
        }
        do {
            let value = try await body(port)
            await serviceGroup.triggerGracefulShutdown()
            try await group.waitForAll()
            return value
        } catch {
            await serviceGroup.triggerGracefulShutdown()
            try? await group.waitForAll()
            throw error
        }
    }
}

extension KisumService {
    /// Starts the service on a free loopback port for `body`.
    @discardableResult
    public static func withLive<Value: Sendable>(
        _ runtime: ServiceRuntime<Settings>,
        _ body: (_ port: Int) async throws -> Value
    ) async throws -> Value {
        try await withRunningApplication({ onRunning in
            var runtime = runtime
            runtime.onServerRunning = onRunning
            return try await buildApplication(runtime)
        }, body)
    }
}

import Foundation
import NIOCore
import Hummingbird
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumRuntime
import PostgresNIO

/// One test's service, the same for every service's tests: a fresh database cloned from the migrated
/// template, test signing keys (or any verifier, e.g. a live Platform Core's JWKS), an in-memory access
/// grant table (or any resolver, e.g. a live Platform Core's), and the service's application under test. Service-specific fixtures (companies, users,
/// seed rows) build on it; they never assemble a runtime or an application of their own.
///
/// The database pool runs for the harness's whole life, so fixtures can seed rows before and between
/// requests; the application under test is built without it (a `PostgresClient` runs only once).
public final class ServiceTestHarness<Service: KisumService>: Sendable {
    public let runtime: ServiceRuntime<Service.Settings>
    public let keys: TestKeys
    /// Grants for `TestAccessResolver` callers (unused when the harness was given another resolver).
    public let access: TestAccessResolver
    private let pool: Task<Void, Never>

    public init(
        _ service: Service.Type = Service.self,
        settings: Service.Settings,
        keys: TestKeys = TestKeys(),
        accessResolver: (any EffectiveAccessResolver)? = nil,
        verifier: AccessTokenVerifier? = nil,
        apiKeyVerifier: (any APIKeyVerifier)? = nil
    ) async throws {
        let access = TestAccessResolver()
        self.keys = keys
        self.access = access
        self.runtime = try await Service.testRuntime(settings: settings, keys: keys, accessResolver: accessResolver ?? access,
                                                     verifier: verifier, apiKeyVerifier: apiKeyVerifier)
        let client = runtime.database.client
        self.pool = Task { await client.run() }
    }

    deinit {
        pool.cancel()
    }

    public var database: Database { runtime.database }

    /// A caller with exactly these grants in `company` (through `access`); `staff` makes them platform staff.
    public func member(of company: UUID, permissions: [String], modules: [String], staff: Bool = false) -> (user: UUID, token: String) {
        let user = UUID()
        access.grant(user: user, company: company, permissions: permissions, modules: modules, staff: staff)
        return (user, keys.token(userID: user))
    }

    /// The service's application (its router, kernel middleware and background services) over the
    /// harness's database.
    public func application(port: Int = 0, onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws -> some ApplicationProtocol {
        var runtime = self.runtime
        runtime.kernel.port = port
        runtime.onServerRunning = onRunning
        return runtime.makeApplication(router: try await Service.buildRouter(runtime),
                                       services: try await Service.backgroundServices(runtime), runsDatabase: false)
    }

    /// Runs `body` against the router (no network) with the service's background services running.
    @discardableResult
    public func run<Value: Sendable>(_ body: @Sendable @escaping (any TestClientProtocol) async throws -> Value) async throws -> Value {
        try await application().test(.router) { client in try await body(client) }
    }

    /// Starts the service on a loopback port (a free one unless `port` names it) for `body` (cross-service
    /// tests). Live again on the same port, it is the same service restarted: same database, same address.
    @discardableResult
    public func live<Value: Sendable>(port: Int = 0, _ body: (_ port: Int) async throws -> Value) async throws -> Value {
        // A fixed port (a peer stopped and started again on the address its callers know) can be taken for a moment by
        // another test's probe for a free port: binding is retried a few times, the body never.
        var attempt = 0
        while true {
            attempt += 1
            var started = false
            do {
                return try await withRunningApplication({ onRunning in try await self.application(port: port, onRunning: onRunning) }) {
                    started = true
                    return try await body($0)
                }
            } catch let error as IOError where port != 0 && !started && error.errnoCode == EADDRINUSE && attempt < 20 {
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }
}

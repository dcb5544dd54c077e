import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumRuntime
import KisumTesting
import PlatformCore
import Testing

/// Platform Core on the shared harness (`ServiceTestHarness`), with fixtures to seed users and
/// workspaces directly (through the same repositories the routes use) and to call the API.
final class Harness: Sendable {
    let service: ServiceTestHarness<PlatformCoreService>
    let core: PlatformServices

    init(service: ServiceTestHarness<PlatformCoreService>) {
        self.service = service
        self.core = PlatformServices(runtime: service.runtime)
    }

    deinit {
        // Each harness has its own storage folder (avatars); leave nothing behind in the temp directory.
        try? FileManager.default.removeItem(atPath: service.runtime.settings.storageDirectory)
    }

    var runtime: ServiceRuntime<PlatformCoreSettings> { service.runtime }

    static let password = "correct horse battery"

    /// Settings for tests: a proxy in front (tests choose client addresses with X-Forwarded-For), generous
    /// rate limits unless a test narrows them, local e-mail and billing.
    static func settings(_ adjust: (inout PlatformCoreSettings) -> Void = { _ in }) -> PlatformCoreSettings {
        var settings = PlatformCoreSettings()
        // Hashing threads run at nice 19 in production so a login flood yields to requests; in one test process
        // beside hundreds of busy tests at normal priority they would be starved (signups and logins taking
        // minutes), so tests hash at normal priority.
        settings.passwords.niceness = 0
        // Cheap Argon2id parameters: the suite's hundreds of seeded users share one process-wide hashing pool, and at
        // the production cost (19 MiB, 2 passes) its queue held sign-ups past the callers' deadlines. The production
        // parameters are tested on their own (EmailDeliveryTests, SettingsTests).
        settings.passwords.memoryKiB = 1024
        settings.passwords.iterations = 1
        settings.trustedProxyCount = 1
        settings.loginRateLimit = .init(burst: 10_000, perMinute: 10_000)
        settings.publicRateLimit = .init(burst: 10_000, perMinute: 10_000)
        settings.storageDirectory = FileManager.default.temporaryDirectory
            .appendingPathComponent("kisum-core-storage-\(UUID().uuidString.prefix(8))").path
        settings.mail.tls = "none"
        // Off unless a test needs them (`make(backgroundJobs: true)`): polling the database every second in every
        // harness of a parallel run slowed the whole suite until connection attempts timed out.
        settings.runsJobWorker = false
        settings.runsWebhookRelay = false
        adjust(&settings)
        return settings
    }

    static func make(backgroundJobs: Bool = false, _ adjust: (inout PlatformCoreSettings) -> Void = { _ in }) async throws -> Harness {
        Harness(service: try await ServiceTestHarness(PlatformCoreService.self, settings: settings { settings in
            settings.runsJobWorker = backgroundJobs
            settings.runsWebhookRelay = backgroundJobs
            adjust(&settings)
        }))
    }

    /// The service's application (router and background services such as the e-mail relay).
    func application(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws -> some ApplicationProtocol {
        try await service.application(onRunning: onRunning)
    }

    /// Runs `body` against the router (no network), with the service's background relay running.
    func run(_ body: @Sendable @escaping (APITestClient) async throws -> Void) async throws {
        try await service.run { client in try await body(APITestClient(client)) }
    }

    // MARK: Seeding

    @discardableResult
    func user(_ email: String = "user-\(UUID().uuidString.prefix(8).lowercased())@example.com",
              password: String? = Harness.password, status: String = "active", name: String? = "Test User") async throws -> User {
        let hash: String? = if let password { try await core.passwords.hash(password) } else { nil }
        return try await core.database.transaction { connection in
            try await core.users.create(email: email, fullName: name, status: status, passwordHash: hash, emailVerified: status == "active",
                                        on: connection)
        }
    }

    @discardableResult
    func workspace(owner: User, name: String = "Workspace \(UUID().uuidString.prefix(6))") async throws -> Workspace {
        try await core.database.transaction { connection in
            try await core.workspaces.create(name: name, ownerID: owner.id, createdBy: owner.id, on: connection)
        }
    }

    func addMember(_ user: User, to workspace: Workspace, role: String, status: String = "active") async throws {
        try await core.database.query("""
            INSERT INTO memberships (workspace_id, user_id, role, status, joined_at) VALUES (\(workspace.id), \(user.id), \(role), \(status), now())
            """)
    }

    /// An access token (with a real session) for `user`, as login would issue.
    func token(for user: User) async throws -> String {
        try await signIn(user).accessToken
    }

    func signIn(_ user: User) async throws -> TokenPair {
        try await core.tokens.signIn(userID: user.id, email: user.email, client: ClientInfo(ip: nil, userAgent: nil))
    }

    /// E-mails in the outbox for `to`, newest first.
    func emails(to: String) async throws -> [JSONValue] {
        let rows = try await core.database.query("""
            SELECT payload::text FROM outbox WHERE topic = 'email' AND lower(payload ->> 'to') = \(to.lowercased()) ORDER BY created_at DESC
            """)
        var result: [JSONValue] = []
        for try await row in rows {
            let text = try row.decode(String.self)
            result.append(try JSONCoding.decoder.decode(JSONValue.self, from: Data(text.utf8)))
        }
        return result
    }

    /// The newest e-mail to `to` (`.null` when there is none, so lookups fail as expectations, not crashes).
    func lastEmail(to: String) async throws -> JSONValue {
        try await emails(to: to).first ?? .null
    }

    func count(_ sql: String) async throws -> Int {
        try await core.database.query(PostgresQuery(unsafeSQL: sql)).first { try $0.decode(Int.self) } ?? 0
    }
}

import PostgresNIO

extension APITestClient {
    /// The same client as seen from another address (through the trusted proxy).
    func from(_ address: String) -> APITestClient {
        with(header: "X-Forwarded-For", address)
    }

    func internalKey() -> APITestClient {
        with(header: "X-Internal-API-Key", TestDefaults.internalKeys[0])
    }

    func login(_ email: String, _ password: String = Harness.password) async throws -> TestResponse {
        try await post("/api/v1/auth/login", ["email": .string(email), "password": .string(password)])
    }

    func workspaceHeader(_ id: UUID) -> APITestClient {
        with(header: "x-workspace-id", id.uuidString.lowercased())
    }
}

extension JSONValue {
    var string: String? { stringValue }
}

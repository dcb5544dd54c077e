import Foundation
import Hummingbird
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumRuntime
import KisumTesting
import Logging
import PostgresNIO
import Testing

/// A minimal service for exercising the runtime: one table, one route.
enum SampleService: KisumService {
    typealias Context = ServiceRequestContext
    struct Settings: Sendable { var greeting: String }

    static let name = "sample"
    static let defaultPort = 9999

    static func loadSettings(from env: inout EnvironmentReader) -> Settings {
        Settings(greeting: env.required("SAMPLE_GREETING", hint: "what the sample says"))
    }

    static func buildRouter(_ runtime: ServiceRuntime<Settings>) async throws -> Router<Context> {
        let router = runtime.makeRouter(context: Context.self)
        let greeting = runtime.settings.greeting
        router.get("/hello") { _, _ in greeting }
        return router
    }
}

@Suite("Service runtime")
struct RuntimeTests {
    @Test func startupListsEveryMissingOrInvalidSetting() throws {
        do {
            _ = try RuntimeLoader.load(SampleService.self, environment: ["PORT": "99999", "LOG_LEVEL": "loud", "KISUM_RESOURCES_DIR": "/nonexistent"])
            Issue.record("expected a configuration error")
        } catch let error as ConfigurationError {
            let text = error.description
            for expected in ["DATABASE_URL", "INTERNAL_API_KEYS", "AUTH_JWKS_URL", "PLATFORM_CORE_URL", "PLATFORM_CORE_API_KEY",
                             "SAMPLE_GREETING", "PORT", "LOG_LEVEL", "contracts/sample.yaml", "Migrations/sample"] {
                #expect(text.contains(expected), "missing \(expected) in:\n\(text)")
            }
            #expect(error.problems.count >= 10)
        }
    }

    @Test func invalidURLsAndShortKeysAreReported() throws {
        do {
            _ = try RuntimeLoader.load(SampleService.self, environment: [
                "DATABASE_URL": "mysql://nope", "INTERNAL_API_KEYS": "short", "AUTH_JWKS_URL": "ftp://x",
                "PLATFORM_CORE_URL": "not a url", "PLATFORM_CORE_API_KEY": "k", "SAMPLE_GREETING": "hi",
            ])
            Issue.record("expected a configuration error")
        } catch let error as ConfigurationError {
            #expect(error.problems.contains { $0.hasPrefix("DATABASE_URL") })
            #expect(error.problems.contains { $0.hasPrefix("INTERNAL_API_KEYS") })
            #expect(error.problems.contains { $0.hasPrefix("AUTH_JWKS_URL") })
            #expect(error.problems.contains { $0.hasPrefix("PLATFORM_CORE_URL") })
        }
    }

    func runtime(migrations: [Migration], autoMigrate: Bool) async throws -> ServiceRuntime<SampleService.Settings> {
        let server = try await TestPostgres.shared.serverSettings()
        let name = "rt_\(UUID().uuidString.prefix(8).lowercased())"
        let admin = try Database(settings: server, logger: Logger(label: "rt"))
        try await admin.withRunningClient { try await admin.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)")) }
        let keys = TestKeys()
        return ServiceRuntime(
            kernel: KernelSettings(serviceName: "sample", host: "127.0.0.1", port: 0, logLevel: .warning, logFormat: "text",
                                   resourcesDirectory: RepositoryPaths.root, internalAPIKeys: TestDefaults.internalKeys,
                                   auth: .init(jwksURL: nil, issuer: keys.issuer, audience: keys.audience, platformCoreURL: nil,
                                               platformCoreAPIKey: nil, accessCacheTTL: .seconds(1))),
            settings: .init(greeting: "hello"),
            database: try Database(settings: server.with(database: name), logger: Logger(label: "rt")),
            logger: Logger(label: "rt"),
            contract: "openapi: 3.1.0\n",
            verifier: keys.verifier,
            accessResolver: TestAccessResolver(),
            migrations: migrations,
            autoMigrate: autoMigrate
        )
    }

    let migration = Migration(version: 1, name: "greetings", sql: "CREATE TABLE greetings (id int PRIMARY KEY)")

    @Test func serveRefusesPendingMigrations() async throws {
        let runtime = try await runtime(migrations: [migration], autoMigrate: false)
        do {
            try await SampleService.withLive(runtime) { _ in Issue.record("the server should not have started") }
        } catch let error as MigrationError {
            #expect(error == .pending([1]))
        }
    }

    @Test func serveWithAutoMigrateMigratesThenServes() async throws {
        let runtime = try await runtime(migrations: [migration], autoMigrate: true)
        try await SampleService.withLive(runtime) { port async throws in
            let response = try await ServiceClientProbe.get(port: port, path: "/hello")
            #expect(response == "hello")
            let ready = try await ServiceClientProbe.get(port: port, path: "/health/ready")
            #expect(ready.contains("\"ok\""))
        }
    }
}

import KisumServiceClient

enum ServiceClientProbe {
    static func get(port: Int, path: String) async throws -> String {
        let client = ServiceClient(name: "probe", baseURL: "http://127.0.0.1:\(port)", internalAPIKey: nil, retry: .none)
        return try await client.send("GET", path).bodyText
    }
}

@Suite("Database error mapping")
struct DatabaseErrorMappingTests {
    @Test func constraintViolationsMapToStableCodes() async throws {
        let server = try await TestPostgres.shared.serverSettings()
        let name = "dberr_\(UUID().uuidString.prefix(8).lowercased())"
        let admin = try Database(settings: server, logger: Logger(label: "dberr"))
        try await admin.withRunningClient { try await admin.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)")) }
        let database = try Database(settings: server.with(database: name), logger: Logger(label: "dberr"))
        try await database.withRunningClient {
            try await database.query("CREATE EXTENSION IF NOT EXISTS btree_gist")
            try await database.query("CREATE TABLE parents (id int PRIMARY KEY, email text UNIQUE, size int CHECK (size > 0))")
            try await database.query("CREATE TABLE children (parent_id int REFERENCES parents(id))")
            try await database.query("CREATE TABLE slots (room int, during tstzrange, CONSTRAINT slots_no_overlap EXCLUDE USING gist (room WITH =, during WITH &&))")
            try await database.query("INSERT INTO parents VALUES (1, 'a@b.c', 1)")
            try await database.query("INSERT INTO slots VALUES (1, tstzrange('2026-01-01 10:00Z', '2026-01-01 12:00Z'))")

            func mapped(_ query: PostgresQuery) async -> APIError? {
                do {
                    try await database.query(query)
                    return nil
                } catch {
                    return ErrorMiddleware<ServiceRequestContext>.apiError(for: error)
                }
            }
            let unique = await mapped("INSERT INTO parents VALUES (2, 'a@b.c', 1)")
            #expect(unique?.status == .conflict)
            #expect(unique?.code == "already_exists")
            #expect(unique?.info?["constraint"]?.stringValue == "parents_email_key")
            let foreignKey = await mapped("INSERT INTO children VALUES (99)")
            #expect(foreignKey?.status == .unprocessableContent)
            #expect(foreignKey?.code == "reference_not_found")
            let check = await mapped("INSERT INTO parents VALUES (3, 'x@y.z', 0)")
            #expect(check?.status == .unprocessableContent)
            #expect(check?.code == "constraint_violated")
            let overlap = await mapped("INSERT INTO slots VALUES (1, tstzrange('2026-01-01 11:00Z', '2026-01-01 13:00Z'))")
            #expect(overlap?.status == .conflict)
            #expect(overlap?.info?["constraint"]?.stringValue == "slots_no_overlap")
            let syntax = await mapped("SELEKT 1")
            #expect(syntax?.status == .internalServerError)
            #expect(syntax?.message.contains("SELEKT") == false)
        }
    }
}

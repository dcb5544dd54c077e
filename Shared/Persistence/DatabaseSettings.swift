import Foundation
import KisumKernel
import Logging
import NIOPosix
import NIOSSL
import PostgresNIO

/// Connection settings from a `postgres://user:password@host:port/database?sslmode=…` URL.
/// `?host=/path/to/socket/dir` selects a Unix socket instead of TCP.
public struct DatabaseSettings: Sendable {
    public var url: String
    public var poolSize: Int

    public init(url: String, poolSize: Int) {
        self.url = url
        self.poolSize = poolSize
    }

    /// Two connections per core (4 to 16): a request holds a connection only for its statements, and more
    /// connections than the database can run at once only queue inside PostgreSQL instead of in the pool.
    /// The whole pool is opened at start (see `configuration`), so five services stay well inside
    /// PostgreSQL's default 100 connections on machines of up to 8 cores.
    public static var defaultPoolSize: Int { min(16, max(4, ProcessInfo.processInfo.activeProcessorCount * 2)) }

    /// Reads `DATABASE_URL` and `DATABASE_POOL_SIZE`, reporting problems into `env`.
    public static func load(from env: inout EnvironmentReader, service: String) -> DatabaseSettings {
        let url = env.required("DATABASE_URL", hint: "postgres://user:password@host:5432/kisum_\(service)")
        if !url.isEmpty, (try? configuration(url: url, poolSize: 1)) == nil {
            env.report("DATABASE_URL must look like postgres://user:password@host:5432/database")
        }
        let pool = env.int("DATABASE_POOL_SIZE", default: defaultPoolSize, range: 1...200)
        return DatabaseSettings(url: url, poolSize: pool)
    }

    public func configuration() throws -> PostgresClient.Configuration {
        try Self.configuration(url: url, poolSize: poolSize)
    }

    /// The gate's probe (`DatabaseGate`): one connection of its own to the same server, opened and closed, within two
    /// seconds (a refused connection fails at once; a silent host takes the whole two).
    public func probe(logger: Logger) throws -> @Sendable () async -> Bool {
        let endpoint = try Endpoint(url: url)
        var configuration: PostgresConnection.Configuration
        switch endpoint.address {
        case .socket(let path):
            configuration = .init(unixSocketPath: path, username: endpoint.user, password: endpoint.password, database: endpoint.database)
        case .tcp(let host, let port):
            let tls: PostgresConnection.Configuration.TLS = endpoint.tlsRequired
                ? .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
                : endpoint.sslmode == "prefer" ? .prefer(try NIOSSLContext(configuration: .makeClientConfiguration())) : .disable
            configuration = .init(host: host, port: port, username: endpoint.user, password: endpoint.password,
                                  database: endpoint.database, tls: tls)
        }
        configuration.options.connectTimeout = .seconds(2)
        let fixed = configuration
        return {
            do {
                let connection = try await PostgresConnection.connect(
                    on: MultiThreadedEventLoopGroup.singleton.any(), configuration: fixed, id: 0, logger: logger)
                try? await connection.close()
                return true
            } catch let error as PSQLError {
                // A server that answers with an error is there (too many connections, a password problem): only one that
                // is shutting down or starting up, or none at all, counts as unreachable. A busy server must not look
                // like a dead one, or load alone would close the gate.
                guard let state = error.serverInfo?[.sqlState] else { return false }
                return !["57P01", "57P02", "57P03"].contains(state)
            } catch {
                return false
            }
        }
    }

    public var databaseName: String? {
        URLComponents(string: url)?.path.split(separator: "/").first.map(String.init)
    }

    /// The same server with another database name (used to create per-test databases).
    public func with(database: String) -> DatabaseSettings {
        guard var components = URLComponents(string: url) else { return self }
        components.path = "/" + database
        return DatabaseSettings(url: components.string ?? url, poolSize: poolSize)
    }

    /// What a DATABASE_URL names, parsed once for the pool and the gate's probe.
    struct Endpoint {
        enum Address { case socket(String), tcp(host: String, port: Int) }
        var address: Address
        var user: String
        var password: String?
        var database: String?
        /// `disable`, `prefer`, or a mode that requires TLS.
        var sslmode: String
        var tlsRequired: Bool { ["require", "verify-full", "verify-ca"].contains(sslmode) }

        init(url: String) throws {
            guard let components = URLComponents(string: url),
                  ["postgres", "postgresql"].contains(components.scheme ?? ""),
                  let user = components.user, !user.isEmpty
            else { throw ConfigurationError(service: "database", problems: ["invalid DATABASE_URL"]) }
            self.user = user
            password = components.password?.removingPercentEncoding
            database = components.path.split(separator: "/").first.map(String.init)
            let query = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { _, b in b })
            sslmode = query["sslmode"] ?? "disable"
            if let socketDir = query["host"], socketDir.hasPrefix("/") {
                address = .socket("\(socketDir)/.s.PGSQL.\(components.port ?? 5432)")
            } else {
                guard let host = components.host, !host.isEmpty else {
                    throw ConfigurationError(service: "database", problems: ["DATABASE_URL has no host"])
                }
                address = .tcp(host: host, port: components.port ?? 5432)
            }
        }
    }

    static func configuration(url: String, poolSize: Int) throws -> PostgresClient.Configuration {
        let endpoint = try Endpoint(url: url)
        var configuration: PostgresClient.Configuration
        switch endpoint.address {
        case .socket(let path):
            configuration = .init(unixSocketPath: path, username: endpoint.user, password: endpoint.password, database: endpoint.database)
        case .tcp(let host, let port):
            let tls: PostgresClient.Configuration.TLS = endpoint.tlsRequired ? .require(.makeClientConfiguration())
                : endpoint.sslmode == "prefer" ? .prefer(.makeClientConfiguration()) : .disable
            configuration = .init(host: host, port: port, username: endpoint.user, password: endpoint.password,
                                  database: endpoint.database, tls: tls)
        }
        // The whole pool stays open and unpinged: every time a connection goes idle PostgresNIO starts an idle
        // timer (beyond `minimumConnections`) and a keep-alive timer, each a sleeping task that a lease
        // cancels, and on Linux a cancelled sleep keeps its memory until its deadline (60 s, 30 s). Under
        // paced load that is every request: Venue grew ~1 KB per request to over 130 MiB (bench/results.md).
        // A connection the server dropped fails its next query, which the pool then replaces.
        configuration.options.maximumConnections = poolSize
        configuration.options.minimumConnections = poolSize
        configuration.options.keepAliveBehavior = nil
        configuration.options.connectTimeout = .seconds(5)
        return configuration
    }
}

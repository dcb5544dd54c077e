import Foundation
import KisumKernel
import Logging
import PostgresNIO

/// The service's connection pool plus the transaction helper repositories use.
public struct Database: Sendable {
    public let client: PostgresClient
    public let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public init(settings: DatabaseSettings, logger: Logger) throws {
        self.init(client: PostgresClient(configuration: try settings.configuration(), backgroundLogger: logger), logger: logger)
    }

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    /// The original error is rethrown unchanged, so an `APIError` from inside keeps its meaning.
    public func transaction<T: Sendable>(
        isolation: IsolationLevel = .readCommitted,
        _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        try await client.withConnection { connection in
            try await connection.query(isolation.beginStatement, logger: logger)
            let result: T
            do {
                result = try await body(connection)
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
            try await connection.query("COMMIT", logger: logger)
            return result
        }
    }

    @discardableResult
    public func query(_ query: PostgresQuery) async throws -> PostgresRowSequence {
        try await client.query(query, logger: logger)
    }

    /// Readiness: a round trip to the server.
    public func ping() async throws {
        try await client.query("SELECT 1", logger: logger)
    }

    public enum IsolationLevel: Sendable {
        case readCommitted, repeatableRead, serializable

        var beginStatement: PostgresQuery {
            switch self {
            case .readCommitted: return "BEGIN"
            case .repeatableRead: return "BEGIN ISOLATION LEVEL REPEATABLE READ"
            case .serializable: return "BEGIN ISOLATION LEVEL SERIALIZABLE"
            }
        }
    }
}

extension PostgresRowSequence {
    /// Decodes every row with `transform`.
    public func collect<T>(_ transform: (PostgresRow) throws -> T) async throws -> [T] {
        var result: [T] = []
        for try await row in self { result.append(try transform(row)) }
        return result
    }

    /// The first row, or nil.
    public func first<T>(_ transform: (PostgresRow) throws -> T) async throws -> T? {
        for try await row in self { return try transform(row) }
        return nil
    }
}

extension Database {
    /// Runs the pool for the duration of `body` (for commands that are not long-running services).
    /// A PostgresClient runs only once, so a `Database` can be used with this only once.
    @discardableResult
    public func withRunningClient<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                await client.run()
                return nil
            }
            defer { group.cancelAll() }
            return try await body()
        }
    }
}

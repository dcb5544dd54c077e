import Foundation
import KisumKernel
import Logging
import PostgresNIO

/// The service's connection pool plus the transaction helper repositories use.
public struct Database: Sendable {
    public let client: PostgresClient
    /// The service's logger, for work outside a request.
    public let serviceLogger: Logger
    /// Rung after a transaction that enqueued outbox messages commits, so this process's relay delivers
    /// them at once instead of at its next poll (other replicas still find them by polling).
    public let outboxDoorbell = OutboxDoorbell()
    /// Answers 503 at once while the server is unreachable instead of queueing for the pool (nil: no gate, as for
    /// clients built here without settings to probe with).
    public let gate: DatabaseGate?

    public init(client: PostgresClient, logger: Logger, gate: DatabaseGate? = nil) {
        self.client = client
        self.serviceLogger = logger
        self.gate = gate
    }

    /// The logger for statements: the current request's (`RequestLogger`, with its request id), else the
    /// service's. Repositories pass it to `connection.query(_:logger:)` inside transactions.
    public var logger: Logger { RequestLogger.current ?? serviceLogger }

    /// `watchAfter`: see `DatabaseGate`. Services pass `DatabaseGate.defaultWatchAfter` (`RuntimeLoader`); the default,
    /// nil, is for tests and tools: hundreds of test databases share two cores, and a slow lease or probe there is
    /// contention, not an outage.
    public init(settings: DatabaseSettings, logger: Logger, watchAfter: Duration? = nil) throws {
        let probe = try settings.probe(logger: logger)
        self.init(client: PostgresClient(configuration: try settings.configuration(), backgroundLogger: logger), logger: logger,
                  gate: DatabaseGate(logger: logger, watchAfter: watchAfter, probe: probe))
    }

    /// A leased connection for `body`, through the gate: 503 at once while the server is unreachable.
    private func withConnection<T>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        let client = self.client
        guard let gate, gate.watches else { return try await unwatched { try await client.withConnection(body) } }
        let release = ReleaseSignal()
        let connection: PostgresConnection = try await gate.run { deliver in
            try await client.withConnection { connection in
                // Held here until the caller is done; a lease the caller gave up on goes straight back.
                if deliver(connection) { await release.wait() }
            }
        }
        defer { release.signal() }
        return try await body(connection)
    }

    /// Work leased straight from the pool where the gate watches nothing (tests, tools): refused while the gate is
    /// closed, and a connection error makes it probe.
    private func unwatched<T>(_ operation: () async throws -> T) async throws -> T {
        try gate?.checkOpen()
        do {
            return try await operation()
        } catch {
            gate?.noticeFailure(error)
            throw error
        }
    }

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    /// The original error is rethrown unchanged, so an `APIError` from inside keeps its meaning.
    public func transaction<T: Sendable>(
        isolation: IsolationLevel = .readCommitted,
        _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        let logger = logger
        return try await withConnection { connection in
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

    /// Runs one statement on a pooled connection and reads its rows before the lease goes back (`QueryRows` says
    /// why not lazily); slow and failed statements are logged (`logged`).
    @discardableResult
    public func query(_ query: PostgresQuery) async throws -> QueryRows {
        let logger = logger
        let client = self.client
        @Sendable func rows() async throws -> QueryRows {
            try await client.withConnection { connection in
                try await QueryRows(reading: connection.query(query, logger: logger))
            }
        }
        return try await logged(Self.statement(query), logger) {
            guard let gate, gate.watches else { return try await unwatched(rows) }
            return try await gate.run { deliver in _ = deliver(try await rows()) }
        }
    }

    /// Runs a named prepared statement (parsed and planned once per pooled connection, then only bound
    /// and executed): for the hot reads, where the per-request parse and plan of an unnamed statement is a
    /// measurable share of the database's CPU (see bench/results.md). Logged as `query` is.
    public func execute<Statement: PostgresPreparedStatement>(_ statement: Statement) async throws -> [Statement.Row]
        where Statement.Row: Sendable
    {
        let logger = logger
        let client = self.client
        @Sendable func rows() async throws -> [Statement.Row] {
            var rows: [Statement.Row] = []
            for try await row in try await client.execute(statement, logger: logger) { rows.append(row) }
            return rows
        }
        return try await logged(Statement.name, logger) {
            guard let gate, gate.watches else { return try await unwatched(rows) }
            // Read to the end where the lease was taken, so it goes back to the pool without a second hop.
            return try await gate.run { deliver in _ = deliver(try await rows()) }
        }
    }

    /// A statement slower than `slowQueryThreshold` logs a warning with its text (never its bound values) and
    /// the request id; a failing one logs at debug level (the error itself reaches the caller, and 5xx are
    /// logged by the error middleware).
    private func logged<T>(_ sql: @autoclosure () -> String, _ logger: Logger, _ body: () async throws -> T) async throws -> T {
        let started = ContinuousClock.now
        do {
            let result = try await body()
            let elapsed = ContinuousClock.now - started
            if elapsed > Self.slowQueryThreshold {
                logger.warning("slow query", metadata: ["sql": .string(sql()), "duration_ms": "\(elapsed.milliseconds)"])
            }
            return result
        } catch {
            logger.debug("query failed", metadata: ["sql": .string(sql()), "error": "\(String(reflecting: error))"])
            throw error
        }
    }

    /// Above this a statement is logged as slow (the time to its first rows, not to drain them).
    public static let slowQueryThreshold: Duration = .milliseconds(250)

    static func statement(_ query: PostgresQuery) -> String {
        let text = query.sql.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        return text.count > 500 ? String(text.prefix(500)) + "…" : text
    }

    /// Readiness: a round trip to the server (503 at once while the gate knows it is unreachable).
    public func ping() async throws {
        try await query("SELECT 1")
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

extension Duration {
    /// Whole milliseconds, for log lines.
    var milliseconds: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }
}

extension Database {
    /// One page of a filtered list and the list's total in one statement (`count(*) OVER ()`) instead of a
    /// count and a page: half the round trips and one scan of the filter per list request. `query` builds the
    /// statement from a select list and a suffix, as the repositories' list functions do; only an empty page
    /// past the end (where no row carries the total) costs a second, counting statement.
    public func page<T>(
        _ query: (_ select: String, _ suffix: String) -> PostgresQuery,
        columns: String,
        orderBy: String,
        page: PageRequest,
        decode: (PostgresRow) throws -> T
    ) async throws -> (items: [T], total: Int) {
        var total: Int?
        let items = try await self.query(query("\(columns), count(*) OVER () AS list_total", "\(orderBy) \(SQLText.page(page))"))
            .collect { row -> T in
                if total == nil { total = try Columns(row)("list_total", as: Int.self) }
                return try decode(row)
            }
        if let total { return (items, total) }
        return (items, page.offset > 0 ? try await self.query(query("count(*)", "")).count() : 0)
    }
}

import Crypto
import Foundation
import KisumKernel
import Logging
import PostgresNIO

/// One `NNNN_description.sql` file.
public struct Migration: Sendable, Equatable {
    public var version: Int
    public var name: String
    public var sql: String
    public var checksum: String

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
        self.checksum = SHA256.hash(data: Data(sql.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Reads `directory/NNNN_name.sql` in version order; malformed names and duplicate versions are errors.
    public static func load(directory: String) throws -> [Migration] {
        let files: [String]
        do {
            files = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw MigrationError.directoryMissing(directory)
        }
        var migrations: [Migration] = []
        for file in files where file.hasSuffix(".sql") {
            let stem = file.dropLast(4)
            guard let underscore = stem.firstIndex(of: "_"), let version = Int(stem[..<underscore]), version > 0 else {
                throw MigrationError.badFileName(file)
            }
            let sql = try String(contentsOfFile: "\(directory)/\(file)", encoding: .utf8)
            migrations.append(Migration(version: version, name: String(stem[stem.index(after: underscore)...]), sql: sql))
        }
        migrations.sort { $0.version < $1.version }
        for (a, b) in zip(migrations, migrations.dropFirst()) where a.version == b.version {
            throw MigrationError.duplicateVersion(a.version)
        }
        return migrations
    }
}

public enum MigrationError: Error, CustomStringConvertible, Equatable {
    case directoryMissing(String)
    case badFileName(String)
    case duplicateVersion(Int)
    /// An applied migration's file changed since it ran: history would no longer describe the schema.
    case checksumMismatch(version: Int, name: String)
    /// The database has a migration this build does not know (a newer build ran against it).
    case unknownApplied(version: Int)
    case pending([Int])
    case failed(version: Int, name: String, statement: Int, reason: String)

    public var description: String {
        switch self {
        case .directoryMissing(let path): return "migrations directory \(path) does not exist"
        case .badFileName(let file): return "migration file \(file) is not named NNNN_description.sql"
        case .duplicateVersion(let version): return "two migration files have version \(version)"
        case .checksumMismatch(let version, let name):
            return "migration \(version)_\(name) was edited after it was applied; add a new migration instead"
        case .unknownApplied(let version): return "the database has migration \(version), which this build does not contain"
        case .pending(let versions):
            return "the database has pending migrations \(versions.map(String.init).joined(separator: ", ")); run `migrate` first or set AUTO_MIGRATE=true"
        case .failed(let version, let name, let statement, let reason):
            return "migration \(version)_\(name) failed at statement \(statement): \(reason)"
        }
    }
}

/// Applies migrations in order, in one transaction, under an advisory lock so concurrent runners
/// (several replicas starting at once) serialise and the later ones find nothing to do.
public struct Migrator: Sendable {
    public let database: Database
    public let migrations: [Migration]
    public let lockKey: Int64

    public init(database: Database, migrations: [Migration], service: String) {
        self.database = database
        self.migrations = migrations
        let digest = Array(SHA256.hash(data: Data("kisum-migrations:\(service)".utf8)))
        self.lockKey = digest.prefix(8).reduce(Int64(0)) { ($0 << 8) | Int64($1) }
    }

    /// Applies every pending migration; returns the versions applied by this call.
    @discardableResult
    public func migrate() async throws -> [Int] {
        let migrations = self.migrations
        let lockKey = self.lockKey
        let logger = database.logger
        return try await database.transaction { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(lockKey))", logger: logger)
            try await Self.ensureHistoryTable(connection, logger: logger)
            let applied = try await Self.applied(connection, logger: logger)
            try Self.verify(applied: applied, against: migrations)
            var done: [Int] = []
            for migration in migrations where applied[migration.version] == nil {
                for (index, statement) in SQLStatementSplitter.split(migration.sql).enumerated() {
                    do {
                        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    } catch {
                        let reason = (error as? PSQLError)?.serverInfo?[.message] ?? "\(error)"
                        throw MigrationError.failed(version: migration.version, name: migration.name, statement: index + 1, reason: reason)
                    }
                }
                try await connection.query(
                    "INSERT INTO schema_migrations (version, name, checksum) VALUES (\(migration.version), \(migration.name), \(migration.checksum))",
                    logger: logger)
                logger.info("applied migration", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
                done.append(migration.version)
            }
            return done
        }
    }

    /// Versions not yet applied; also fails on edited or unknown applied migrations.
    public func pending() async throws -> [Int] {
        let migrations = self.migrations
        let logger = database.logger
        return try await database.client.withConnection { connection in
            let exists = try await connection.query("SELECT to_regclass('schema_migrations') IS NOT NULL", logger: logger)
                .first { try $0.decode(Bool.self) } ?? false
            guard exists else { return migrations.map(\.version) }
            let applied = try await Self.applied(connection, logger: logger)
            try Self.verify(applied: applied, against: migrations)
            return migrations.map(\.version).filter { applied[$0] == nil }
        }
    }

    static func ensureHistoryTable(_ connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version integer PRIMARY KEY,
                name text NOT NULL,
                checksum text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """, logger: logger)
    }

    static func applied(_ connection: PostgresConnection, logger: Logger) async throws -> [Int: String] {
        let rows = try await connection.query("SELECT version, checksum FROM schema_migrations", logger: logger)
        var result: [Int: String] = [:]
        for try await row in rows {
            let (version, checksum) = try row.decode((Int, String).self)
            result[version] = checksum
        }
        return result
    }

    static func verify(applied: [Int: String], against migrations: [Migration]) throws {
        let known = Dictionary(uniqueKeysWithValues: migrations.map { ($0.version, $0) })
        for (version, checksum) in applied.sorted(by: { $0.key < $1.key }) {
            guard let migration = known[version] else { throw MigrationError.unknownApplied(version: version) }
            guard migration.checksum == checksum else {
                throw MigrationError.checksumMismatch(version: version, name: migration.name)
            }
        }
    }
}

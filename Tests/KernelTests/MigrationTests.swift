import Foundation
import KisumKernel
import KisumPersistence
import KisumTesting
import Logging
import PostgresNIO
import Testing

@Suite("Migration runner")
struct MigrationTests {
    /// An empty database of its own on the test server.
    func emptyDatabase() async throws -> Database {
        let server = try await TestPostgres.shared.serverSettings()
        let name = "mig_\(UUID().uuidString.prefix(8).lowercased())"
        let admin = try Database(settings: server, logger: Logger(label: "mig"))
        try await admin.withRunningClient { try await admin.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)")) }
        return try Database(settings: server.with(database: name).withPool(8), logger: Logger(label: "mig"))
    }

    let first = Migration(version: 1, name: "widgets", sql: """
        -- a table; semicolons in comments; are fine
        CREATE TABLE widgets (id serial PRIMARY KEY, name text NOT NULL DEFAULT 'a;b');
        CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN NEW.name := NEW.name || ';'; RETURN NEW; END;
        $$;
        """)
    let second = Migration(version: 2, name: "gadgets", sql: "CREATE TABLE gadgets (widget_id int REFERENCES widgets(id));")
    let third = Migration(version: 3, name: "seed", sql: "INSERT INTO widgets (name) VALUES ('one'); INSERT INTO widgets (name) VALUES ('two');")

    @Test func appliesInOrderAndRecordsHistory() async throws {
        let database = try await emptyDatabase()
        try await database.withRunningClient {
            // Given out of order, applied by version (gadgets references widgets).
            let migrator = Migrator(database: database, migrations: [first, second, third].sorted { $0.version < $1.version }, service: "t")
            #expect(try await migrator.pending() == [1, 2, 3])
            #expect(try await migrator.migrate() == [1, 2, 3])
            #expect(try await migrator.migrate() == [])
            #expect(try await migrator.pending() == [])
            let rows = try await database.query("SELECT version, checksum FROM schema_migrations ORDER BY applied_at, version")
                .collect { try $0.decode((Int, String).self) }
            #expect(rows.map(\.0) == [1, 2, 3])
            #expect(rows[0].1 == first.checksum)
            let count = try await database.query("SELECT count(*)::int FROM widgets").first { try $0.decode(Int.self) }
            #expect(count == 2)
        }
    }

    @Test func anEditedAppliedMigrationIsRefused() async throws {
        let database = try await emptyDatabase()
        try await database.withRunningClient {
            try await Migrator(database: database, migrations: [first], service: "t").migrate()
            let edited = Migration(version: 1, name: "widgets", sql: first.sql + "\n-- edited")
            let migrator = Migrator(database: database, migrations: [edited, second], service: "t")
            await #expect(throws: MigrationError.checksumMismatch(version: 1, name: "widgets")) { try await migrator.migrate() }
            await #expect(throws: MigrationError.checksumMismatch(version: 1, name: "widgets")) { _ = try await migrator.pending() }
            // Nothing of migration 2 was applied.
            let exists = try await database.query("SELECT to_regclass('gadgets') IS NOT NULL").first { try $0.decode(Bool.self) }
            #expect(exists == false)
        }
    }

    @Test func aFailingMigrationLeavesNothingBehind() async throws {
        let database = try await emptyDatabase()
        try await database.withRunningClient {
            let broken = Migration(version: 2, name: "broken", sql: "CREATE TABLE ok_table (id int); SELECT no_such_column FROM widgets;")
            let migrator = Migrator(database: database, migrations: [first, broken], service: "t")
            do {
                try await migrator.migrate()
                Issue.record("expected the migration to fail")
            } catch let error as MigrationError {
                guard case .failed(let version, _, let statement, _) = error else { Issue.record("\(error)"); return }
                #expect(version == 2)
                #expect(statement == 2)
            }
            // One transaction: migration 1 is rolled back too.
            #expect(try await Migrator(database: database, migrations: [first], service: "t").pending() == [1])
        }
    }

    @Test func concurrentRunnersApplyEachMigrationOnce() async throws {
        let database = try await emptyDatabase()
        let migrations = [first, second, third]
        try await database.withRunningClient {
            let results = try await withThrowingTaskGroup(of: [Int].self) { group in
                for _ in 0..<6 {
                    group.addTask { try await Migrator(database: database, migrations: migrations, service: "t").migrate() }
                }
                var all: [[Int]] = []
                for try await result in group { all.append(result) }
                return all
            }
            #expect(results.filter { !$0.isEmpty } == [[1, 2, 3]])
            let count = try await database.query("SELECT count(*)::int FROM widgets").first { try $0.decode(Int.self) }
            #expect(count == 2)
        }
    }

    @Test func unknownAppliedMigrationIsReported() async throws {
        let database = try await emptyDatabase()
        try await database.withRunningClient {
            try await Migrator(database: database, migrations: [first, second], service: "t").migrate()
            await #expect(throws: MigrationError.unknownApplied(version: 2)) {
                _ = try await Migrator(database: database, migrations: [first], service: "t").pending()
            }
        }
    }

    @Test func filesAreLoadedByVersionAndBadNamesRejected() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mig-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "SELECT 2".write(toFile: "\(directory)/0002_second.sql", atomically: true, encoding: .utf8)
        try "SELECT 1".write(toFile: "\(directory)/0001_first.sql", atomically: true, encoding: .utf8)
        try "notes".write(toFile: "\(directory)/README.md", atomically: true, encoding: .utf8)
        let loaded = try Migration.load(directory: directory)
        #expect(loaded.map(\.version) == [1, 2])
        #expect(loaded.map(\.name) == ["first", "second"])
        try "SELECT 3".write(toFile: "\(directory)/third.sql", atomically: true, encoding: .utf8)
        #expect(throws: MigrationError.badFileName("third.sql")) { try Migration.load(directory: directory) }
        #expect(throws: MigrationError.directoryMissing("/no/such/dir")) { try Migration.load(directory: "/no/such/dir") }
    }

    @Test func everyServiceMigrationSetLoads() throws {
        for service in ["platform-core", "base", "venue", "finance", "promoter"] {
            _ = try Migration.load(directory: RepositoryPaths.migrations(service))
        }
    }
}

@Suite("SQL statement splitter")
struct SQLStatementSplitterTests {
    @Test func splitsOnTopLevelSemicolonsOnly() {
        let sql = """
            CREATE TABLE a (x text DEFAULT 'it''s; fine');
            -- comment; with semicolon
            /* block; comment /* nested; */ */
            CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $body$ SELECT 1; $body$;
            DO $$ BEGIN PERFORM 1; END $$;
            SELECT "we;ird" FROM a WHERE x = $1
            """
        let statements = SQLStatementSplitter.split(sql)
        #expect(statements.count == 4)
        #expect(statements[0].hasPrefix("CREATE TABLE a"))
        #expect(statements[1].contains("$body$ SELECT 1; $body$"))
        #expect(statements[2].contains("PERFORM 1; END $$"))
        #expect(statements[3].hasSuffix("WHERE x = $1"))
    }

    @Test func ignoresEmptyAndCommentOnlyStatements() {
        #expect(SQLStatementSplitter.split(";;\n-- only a comment\n;").isEmpty)
    }
}

extension DatabaseSettings {
    func withPool(_ size: Int) -> DatabaseSettings { DatabaseSettings(url: url, poolSize: size) }
}

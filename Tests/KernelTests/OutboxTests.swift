import Foundation
import KisumKernel
import KisumPersistence
import KisumTesting
import Logging
import NIOConcurrencyHelpers
import PostgresNIO
import Testing

@Suite("Transactional outbox")
struct OutboxTests {
    struct Note: Codable, Equatable { var text: String }

    final class Recorder: OutboxHandler {
        let delivered = NIOLockedValueBox<[String]>([])
        let failuresLeft = NIOLockedValueBox(0)
        let permanent: Bool

        init(failures: Int = 0, permanent: Bool = false) {
            failuresLeft.withLockedValue { $0 = failures }
            self.permanent = permanent
        }

        func deliver(_ message: OutboxMessage) async throws {
            if permanent { throw PermanentDeliveryFailure("rejected") }
            let fail = failuresLeft.withLockedValue { left -> Bool in
                guard left > 0 else { return false }
                left -= 1
                return true
            }
            if fail { throw TestSetupError("receiver down") }
            delivered.withLockedValue { $0.append(try! message.decode(Note.self).text) }
        }
    }

    func database() async throws -> Database {
        let server = try await TestPostgres.shared.serverSettings()
        let name = "outbox_\(UUID().uuidString.prefix(8).lowercased())"
        let admin = try Database(settings: server, logger: Logger(label: "outbox"))
        try await admin.withRunningClient { try await admin.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)")) }
        let settings = DatabaseSettings(url: server.with(database: name).url, poolSize: 6)
        // A pool runs once, so migrating uses its own.
        let migrating = try Database(settings: settings, logger: Logger(label: "outbox"))
        try await migrating.withRunningClient {
            try await Migrator(database: migrating, migrations: [Migration(version: 1, name: "outbox", sql: Outbox.tableDDL)], service: "o").migrate()
        }
        return try Database(settings: settings, logger: Logger(label: "outbox"))
    }

    func enqueue(_ database: Database, _ text: String, key: String? = nil, rollback: Bool = false) async throws {
        struct Rollback: Error {}
        do {
            try await database.transaction { connection in
                try await Outbox.enqueue(on: connection, topic: "note", companyID: UUID(), payload: Note(text: text),
                                         idempotencyKey: key ?? UUID().uuidString, logger: database.logger)
                if rollback { throw Rollback() }
            }
        } catch is Rollback {}
    }

    @Test func committedMessagesAreDeliveredOnceAndRolledBackOnesNever() async throws {
        let database = try await database()
        try await database.withRunningClient {
            try await enqueue(database, "a")
            try await enqueue(database, "b", key: "same")
            try await enqueue(database, "b-again", key: "same")
            try await enqueue(database, "never", rollback: true)
            let recorder = Recorder()
            let relay = OutboxRelay(database: database, handlers: ["note": recorder])
            try await relay.drain()
            try await relay.drain()
            #expect(recorder.delivered.withLockedValue { $0.sorted() } == ["a", "b"])
        }
    }

    @Test func failedDeliveriesAreRetriedLaterWithTheErrorRecorded() async throws {
        let database = try await database()
        try await database.withRunningClient {
            try await enqueue(database, "x")
            let recorder = Recorder(failures: 1)
            let relay = OutboxRelay(database: database, handlers: ["note": recorder])
            try await relay.runOnce()
            #expect(recorder.delivered.withLockedValue { $0 }.isEmpty)
            let (attempts, error) = try #require(try await database.query("SELECT attempts, last_error FROM outbox").first { try $0.decode((Int, String?).self) })
            #expect(attempts == 1)
            #expect(error?.contains("receiver down") == true)
            // Not due yet (backoff), so an immediate pass does nothing…
            #expect(try await relay.runOnce() == 0)
            // …until its time comes.
            try await database.query("UPDATE outbox SET next_attempt_at = now()")
            try await relay.drain()
            #expect(recorder.delivered.withLockedValue { $0 } == ["x"])
        }
    }

    @Test func permanentFailuresStopRetrying() async throws {
        let database = try await database()
        try await database.withRunningClient {
            try await enqueue(database, "bad")
            let relay = OutboxRelay(database: database, handlers: ["note": Recorder(permanent: true)])
            try await relay.runOnce()
            try await database.query("UPDATE outbox SET next_attempt_at = now()")
            #expect(try await relay.runOnce() == 0)
            let dead = try await database.query("SELECT dead_at IS NOT NULL FROM outbox").first { try $0.decode(Bool.self) }
            #expect(dead == true)
        }
    }

    @Test func concurrentRelaysDoNotDeliverTwice() async throws {
        let database = try await database()
        try await database.withRunningClient {
            for index in 0..<30 { try await enqueue(database, "m\(index)") }
            let recorder = Recorder()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<4 {
                    group.addTask { try await OutboxRelay(database: database, handlers: ["note": recorder], batchSize: 3).drain() }
                }
                try await group.waitForAll()
            }
            let delivered = recorder.delivered.withLockedValue { $0 }
            #expect(delivered.count == 30)
            #expect(Set(delivered).count == 30)
        }
    }
}

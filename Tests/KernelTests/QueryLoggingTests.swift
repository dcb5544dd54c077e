import Foundation
import KisumKernel
import KisumPersistence
import KisumTesting
import Logging
import NIOConcurrencyHelpers
import PostgresNIO
import Testing

/// Issue 17: a slow or failing statement logs with the request it served (its request id), through the
/// task's `RequestLogger`, without repositories passing loggers around.
@Suite("Query logging")
struct QueryLoggingTests {
    final class Capture: LogHandler, @unchecked Sendable {
        let lines = NIOLockedValueBox<[(String, Logger.Metadata)]>([])
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            let merged = self.metadata.merging(event.metadata ?? [:]) { $1 }
            lines.withLockedValue { $0.append((event.message.description, merged)) }
        }
    }

    @Test func aSlowQueryLogsWithTheRequestID() async throws {
        let server = try await TestPostgres.shared.serverSettings()
        let database = try Database(settings: server, logger: Logger(label: "service"))
        let capture = Capture()
        var logger = Logger(label: "request") { _ in capture }
        logger[metadataKey: "request_id"] = "req-123"
        let requestLogger = logger
        try await database.withRunningClient {
            try await RequestLogger.$current.withValue(requestLogger) {
                try await database.query("SELECT pg_sleep(0.3)")
                await #expect(throws: (any Error).self) { try await database.query("SELECT no_such_column FROM pg_class") }
            }
            // Outside a request the service's logger is used: nothing reaches the request's handler.
            try await database.query("SELECT pg_sleep(0.3)")
        }
        let lines = capture.lines.withLockedValue { $0 }
        let slow = lines.filter { $0.0 == "slow query" }
        #expect(slow.count == 1)
        #expect(slow.first?.1["request_id"] == "req-123")
        #expect(slow.first?.1["sql"] == "SELECT pg_sleep(0.3)")
        #expect(lines.contains { $0.0 == "query failed" && $0.1["request_id"] == "req-123" })
    }
}

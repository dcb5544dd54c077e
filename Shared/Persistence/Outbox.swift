import Foundation
import KisumKernel
import Logging
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// Transactional outbox: a message is written in the same transaction as the change that causes it
/// and delivered afterwards by `OutboxRelay`, so a committed change never loses its side effect and a
/// rolled-back change never sends one. Each service's migrations create the `outbox` table with
/// `Outbox.tableDDL`'s shape.
public enum Outbox {
    /// The table every service that uses the outbox creates in a migration (copy, do not reference:
    /// applied migrations must not change when this file does).
    public static let tableDDL = """
        CREATE TABLE outbox (
            id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
            company_id uuid,
            topic text NOT NULL,
            payload jsonb NOT NULL,
            idempotency_key text NOT NULL UNIQUE,
            attempts integer NOT NULL DEFAULT 0,
            next_attempt_at timestamptz NOT NULL DEFAULT now(),
            last_error text,
            delivered_at timestamptz,
            dead_at timestamptz,
            created_at timestamptz NOT NULL DEFAULT now()
        );
        -- The relay's queue scan is global by design (one relay serves every tenant).
        CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE delivered_at IS NULL AND dead_at IS NULL;
        CREATE INDEX outbox_company ON outbox (company_id, created_at);
        """

    /// Adds a message inside the caller's transaction. A second enqueue with the same idempotency key
    /// is ignored, so retried requests do not duplicate side effects.
    public static func enqueue(
        on connection: PostgresConnection,
        topic: String,
        companyID: UUID?,
        payload: some Encodable,
        idempotencyKey: String,
        logger: Logger
    ) async throws {
        let json = String(decoding: try JSONCoding.encoder.encode(payload), as: UTF8.self)
        try await connection.query("""
            INSERT INTO outbox (company_id, topic, payload, idempotency_key)
            VALUES (\(companyID), \(topic), \(json)::jsonb, \(idempotencyKey))
            ON CONFLICT (idempotency_key) DO NOTHING
            """, logger: logger)
    }
}

/// Wakes the process's outbox relay when a message was just committed. A ring is a flag the relay's wait
/// checks every few milliseconds: cheap, and it cannot end up busy-waiting (a cancelled `AsyncStream`
/// iterator finishes its stream, which would make every later wait return at once).
public final class OutboxDoorbell: Sendable {
    private let rung = Mutex(false)

    public init() {}

    public func ring() {
        rung.withLock { $0 = true }
    }

    /// Returns soon after a ring, or after `timeout`, whichever comes first.
    func wait(upTo timeout: Duration) async {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline, !Task.isCancelled {
            if rung.withLock({ rung in defer { rung = false }; return rung }) { return }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }
}

public struct OutboxMessage: Sendable {
    public var id: UUID
    public var companyID: UUID?
    public var topic: String
    public var payload: Data
    public var idempotencyKey: String
    public var attempts: Int

    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONCoding.decoder.decode(T.self, from: payload)
    }
}

/// Delivers one topic's messages. Throwing schedules a retry with backoff.
public protocol OutboxHandler: Sendable {
    func deliver(_ message: OutboxMessage) async throws
}

/// Failures that retrying cannot fix (the receiver rejected the message as invalid).
public struct PermanentDeliveryFailure: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Polls the outbox and hands due messages to their topic's handler. Rows are claimed with
/// `FOR UPDATE SKIP LOCKED` and leased, so several replicas share the work without double delivery.
public struct OutboxRelay: Service {
    public let database: Database
    public let handlers: [String: any OutboxHandler]
    public var pollInterval: Duration
    public var batchSize: Int
    public var maxAttempts: Int
    public var lease: Duration

    public init(database: Database, handlers: [String: any OutboxHandler], pollInterval: Duration = .seconds(1),
                batchSize: Int = 20, maxAttempts: Int = 12, lease: Duration = .seconds(60)) {
        self.database = database
        self.handlers = handlers
        self.pollInterval = pollInterval
        self.batchSize = batchSize
        self.maxAttempts = maxAttempts
        self.lease = lease
    }

    public func run() async throws {
        // Graceful shutdown cancels the loop, including a pending sleep.
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let processed = try await runOnce()
                    if processed == 0 {
                        await database.outboxDoorbell.wait(upTo: pollInterval)
                        try Task.checkCancellation()
                    }
                } catch is CancellationError {
                    return
                } catch {
                    database.logger.warning("outbox relay pass failed", metadata: ["error": "\(String(reflecting: error))"])
                    try? await Task.sleep(for: pollInterval)
                }
            }
        }
    }

    /// Delivers every message due now; returns how many were attempted. Tests call this directly.
    @discardableResult
    public func runOnce() async throws -> Int {
        let topics = Array(handlers.keys)
        let leaseSeconds = Double(lease.components.seconds)
        let rows = try await database.query("""
            UPDATE outbox SET next_attempt_at = now() + make_interval(secs => \(leaseSeconds))
            WHERE id IN (
                SELECT id FROM outbox
                WHERE delivered_at IS NULL AND dead_at IS NULL AND next_attempt_at <= now() AND topic = ANY(\(topics))
                ORDER BY next_attempt_at
                LIMIT \(batchSize)
                FOR UPDATE SKIP LOCKED
            )
            RETURNING id, company_id, topic, payload::text, idempotency_key, attempts
            """)
        let messages = try await rows.collect { row -> OutboxMessage in
            let (id, company, topic, payload, key, attempts) = try row.decode((UUID, UUID?, String, String, String, Int).self)
            return OutboxMessage(id: id, companyID: company, topic: topic, payload: Data(payload.utf8), idempotencyKey: key, attempts: attempts)
        }
        for message in messages {
            await deliver(message)
        }
        return messages.count
    }

    /// Runs passes until nothing is due (tests).
    public func drain() async throws {
        while try await runOnce() > 0 {}
    }

    private func deliver(_ message: OutboxMessage) async {
        guard let handler = handlers[message.topic] else { return }
        do {
            try await handler.deliver(message)
            _ = try? await database.query("UPDATE outbox SET delivered_at = now(), attempts = attempts + 1, last_error = NULL WHERE id = \(message.id)")
        } catch {
            let attempts = message.attempts + 1
            let permanent = error is PermanentDeliveryFailure || attempts >= maxAttempts
            // Exponential backoff capped at 10 minutes (2s, 4s, 8s, …), each wait drawn between half and the
            // whole of it, so messages that failed together (a receiver restarting) do not retry together.
            let delay = min(pow(2.0, Double(min(attempts, 30))), 600) * Double.random(in: 0.5...1.0)
            let reason = String(String(describing: error).prefix(500))
            database.logger.warning("outbox delivery failed", metadata: [
                "topic": "\(message.topic)", "message_id": "\(message.id)", "attempts": "\(attempts)", "permanent": "\(permanent)",
            ])
            _ = try? await database.query("""
                UPDATE outbox SET attempts = \(attempts), last_error = \(reason),
                    next_attempt_at = now() + make_interval(secs => \(delay)),
                    dead_at = CASE WHEN \(permanent) THEN now() ELSE NULL END
                WHERE id = \(message.id)
                """)
        }
    }
}

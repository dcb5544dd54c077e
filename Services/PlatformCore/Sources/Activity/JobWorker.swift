import Foundation
import KisumKernel
import KisumPersistence
import Logging
import ServiceLifecycle
import Synchronization

/// The background worker for Platform Core's database jobs (activity exports, workspace data migrations):
/// each pass asks every queue for one job; idle, it sleeps `pollInterval`. Jobs are claimed in the database
/// (`FOR UPDATE SKIP LOCKED` under a lease), so several replicas share them and a restart loses nothing:
/// a queued job waits, a running one is taken over once its lease has passed.
struct JobWorker: Service {
    typealias Queue = @Sendable () async throws -> Bool

    let queues: [(name: String, runOnce: Queue)]
    let pollInterval: Duration
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let worked = await self.pass()
                if !worked {
                    do { try await Task.sleep(for: self.pollInterval) } catch { return }
                }
            }
        }
    }

    /// One job from each queue; true when any queue had work. A failing queue is logged and retried next pass.
    func pass() async -> Bool {
        var worked = false
        for queue in queues {
            do {
                if try await queue.runOnce() { worked = true }
            } catch is CancellationError {
                return false
            } catch {
                logger.warning("job queue pass failed", metadata: ["queue": "\(queue.name)", "error": "\(String(reflecting: error))"])
            }
        }
        return worked
    }
}

/// For a queue that looks for work on a clock rather than on demand (expiry notices, digests): `due()` is true at most
/// once per `interval`, the first call included.
final class QueueThrottle: Sendable {
    let interval: Duration
    private let lastPass = Mutex<ContinuousClock.Instant?>(nil)

    init(interval: Duration) { self.interval = interval }

    func due() -> Bool {
        let now = ContinuousClock.now
        return lastPass.withLock { last in
            if let last, now - last < interval { return false }
            last = now
            return true
        }
    }
}

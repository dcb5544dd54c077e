import Foundation
import KisumKernel
import Logging
import PostgresNIO
import Synchronization

/// Fails database work fast while PostgreSQL cannot be reached.
///
/// PostgresNIO's pool queues a lease for as long as it cannot connect (its own circuit breaker opens only after 60 s
/// and cannot be configured), so with PostgreSQL stopped every request hung for more than 40 s and readiness took 27 s
/// to fail. The gate sits in front of every lease:
/// - work that has waited `watchAfter` (250 ms) without an answer makes the gate probe the server with a connection of its own
///   (one probe at a time, its answer reused for `probeFreshness`); an unreachable server fails that work with 503 at
///   once and closes the gate;
/// - a connection error from a statement also triggers a probe;
/// - while the gate is closed every piece of work (and readiness) answers 503 `database_unavailable` without touching
///   the pool, and a recovery loop probes every `recoveryInterval` until the server answers, then opens the gate.
/// Work that is only slow on a reachable server is left alone: a slow report is not an outage.
public final class DatabaseGate: Sendable {
    /// How long work may wait before the gate asks whether the server is there (the target: 503 within a second).
    public static let defaultWatchAfter: Duration = .milliseconds(250)
    static let probeFreshness: Duration = .seconds(1)
    static let recoveryInterval: Duration = .milliseconds(200)

    private struct Watched {
        var started: ContinuousClock.Instant
        var fail: @Sendable (any Error) -> Void
    }

    private struct State {
        var closed = false
        var recovering = false
        var lastProbe: (at: ContinuousClock.Instant, reachable: Bool)?
        /// Callers waiting for the probe in flight (nil: none runs).
        var probeWaiters: [CheckedContinuation<Bool, Never>]?
        var watched: [UInt64: Watched] = [:]
        var nextID: UInt64 = 0
        var tickerRunning = false
    }

    private let state = Mutex(State())
    private let probe: @Sendable () async -> Bool
    private let logger: Logger
    /// nil: nothing is watched, and only a statement's connection error makes the gate probe.
    private let watchAfter: Duration?

    /// `probe` opens a connection of its own and answers whether the server took it.
    public init(logger: Logger, watchAfter: Duration? = defaultWatchAfter, probe: @escaping @Sendable () async -> Bool) {
        self.logger = logger
        self.watchAfter = watchAfter
        self.probe = probe
    }

    /// Whether work is watched (run in a task of its own so it can be answered early). Without watching, the caller
    /// leases directly and the gate only refuses work while a connection error's probe has found the server gone.
    var watches: Bool { watchAfter != nil }

    public static var unavailable: APIError { .unavailable("database_unavailable", "The database is unavailable.") }

    /// Throws 503 while the server is known to be unreachable.
    public func checkOpen() throws {
        if state.withLock({ $0.closed }) { throw Self.unavailable }
    }

    /// Runs `operation` in a task of its own so that the caller can be answered (503) when the server turns out to be
    /// unreachable while the operation still waits for the pool. `deliver` hands the operation's value to the caller;
    /// a value delivered after the caller was answered goes to `abandoned` instead (to drain or release it).
    func run<T: Sendable>(
        _ operation: @escaping @Sendable (_ deliver: @escaping @Sendable (T) -> Bool) async throws -> Void
    ) async throws -> T {
        try checkOpen()
        let slot = Slot<T>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
                slot.arm(continuation)
                let work = Task {
                    do {
                        try await operation { value in slot.finish(.success(value)) }
                        // An operation that ended without delivering must not leave its caller waiting forever.
                        slot.finish(.failure(Self.unavailable))
                    } catch {
                        slot.finish(.failure(error))
                        self.noticeFailure(error)
                    }
                }
                let id = watch { error in slot.finish(.failure(error)) }
                // Answered: stop watching, and take a lease request the caller no longer waits for out of the pool's queue
                // (cancelling work that already delivered changes nothing).
                slot.onFinish {
                    self.unwatch(id)
                    work.cancel()
                }
            }
        } onCancel: {
            slot.finish(.failure(CancellationError()))
        }
    }

    /// A statement failed: if it was the connection, find out whether the server is gone.
    func noticeFailure(_ error: any Error) {
        guard let psql = error as? PSQLError else { return }
        let lost: Bool
        if let state = psql.serverInfo?[.sqlState] {
            // Shut down by an administrator, crashed, or still starting.
            lost = ["57P01", "57P02", "57P03"].contains(state)
        } else {
            switch psql.code {
            case .connectionError, .serverClosedConnection, .uncleanShutdown: lost = true
            default: lost = false
            }
        }
        if lost { Task { _ = await self.reachable(fresh: true) } }
    }

    /// Whether the server takes a connection: a probe, or the last one's answer while it is fresh.
    public func reachable(fresh: Bool = false) async -> Bool {
        enum Step { case known(Bool), wait, probe }
        let step: Step = state.withLock { state in
            if !fresh, let last = state.lastProbe, last.at.duration(to: .now) < Self.probeFreshness { return .known(last.reachable) }
            if state.probeWaiters != nil { return .wait }
            state.probeWaiters = []
            return .probe
        }
        switch step {
        case .known(let reachable):
            return reachable
        case .wait:
            return await withCheckedContinuation { continuation in
                let answered: Bool? = state.withLock { state in
                    if state.probeWaiters == nil { return state.lastProbe?.reachable ?? true }
                    state.probeWaiters?.append(continuation)
                    return nil
                }
                if let answered { continuation.resume(returning: answered) }
            }
        case .probe:
            let reachable = await probe()
            let (waiters, closing) = state.withLock { state -> ([CheckedContinuation<Bool, Never>], Bool) in
                let waiters = state.probeWaiters ?? []
                state.probeWaiters = nil
                state.lastProbe = (.now, reachable)
                let closing = !reachable && !state.closed
                if !reachable { state.closed = true }
                return (waiters, closing)
            }
            for waiter in waiters { waiter.resume(returning: reachable) }
            if closing { close() }
            return reachable
        }
    }

    /// Fails everything waiting and probes until the server is back.
    private func close() {
        logger.error("database unreachable: answering 503 until it is back")
        let (failing, startRecovery) = state.withLock { state -> ([Watched], Bool) in
            let failing = Array(state.watched.values)
            state.watched.removeAll()
            let start = !state.recovering
            state.recovering = true
            return (failing, start)
        }
        for watched in failing { watched.fail(Self.unavailable) }
        guard startRecovery else { return }
        Task {
            while true {
                try? await Task.sleep(for: Self.recoveryInterval)
                if await probe() { break }
            }
            state.withLock { state in
                state.closed = false
                state.recovering = false
                state.lastProbe = (.now, true)
            }
            logger.notice("database reachable again")
        }
    }

    private func watch(_ fail: @escaping @Sendable (any Error) -> Void) -> UInt64 {
        let (id, startTicker) = state.withLock { state -> (UInt64, Bool) in
            state.nextID &+= 1
            state.watched[state.nextID] = Watched(started: .now, fail: fail)
            let start = !state.tickerRunning
            state.tickerRunning = true
            return (state.nextID, start)
        }
        if startTicker { Task { await tick() } }
        return id
    }

    private func unwatch(_ id: UInt64) {
        _ = state.withLock { $0.watched.removeValue(forKey: id) }
    }

    /// One loop per gate while work is in flight (none when idle): probes when something has waited too long.
    private func tick() async {
        guard let watchAfter else { return }
        while true {
            try? await Task.sleep(for: watchAfter)
            let overdue: Bool? = state.withLock { state in
                if state.watched.isEmpty {
                    state.tickerRunning = false
                    return nil
                }
                let cutoff = ContinuousClock.now - watchAfter
                return state.watched.values.contains { $0.started < cutoff }
            }
            guard let overdue else { return }
            if overdue { _ = await reachable() }
        }
    }
}

/// The caller's side of `DatabaseGate.run`: answered exactly once, by the operation, the gate or cancellation.
private final class Slot<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var early: Result<T, any Error>?
        var done = false
        var onFinish: (@Sendable () -> Void)?
    }

    private let state = Mutex(State())

    func arm(_ continuation: CheckedContinuation<T, any Error>) {
        let early: Result<T, any Error>? = state.withLock { state in
            if let early = state.early { return early }
            state.continuation = continuation
            return nil
        }
        if let early { continuation.resume(with: early) }
    }

    func onFinish(_ action: @escaping @Sendable () -> Void) {
        let finished = state.withLock { state -> Bool in
            if state.done { return true }
            state.onFinish = action
            return false
        }
        if finished { action() }
    }

    /// True if this answered the caller; false if it had been answered already.
    @discardableResult
    func finish(_ result: Result<T, any Error>) -> Bool {
        let (continuation, action, won) = state.withLock { state -> (CheckedContinuation<T, any Error>?, (@Sendable () -> Void)?, Bool) in
            if state.done { return (nil, nil, false) }
            state.done = true
            let continuation = state.continuation
            state.continuation = nil
            if continuation == nil { state.early = result }
            let action = state.onFinish
            state.onFinish = nil
            return (continuation, action, true)
        }
        continuation?.resume(with: result)
        action?()
        return won
    }
}

/// One-shot: the caller tells the task holding its lease that it is done with the connection.
final class ReleaseSignal: Sendable {
    private let state = Mutex<(signalled: Bool, waiter: CheckedContinuation<Void, Never>?)>((false, nil))

    func wait() async {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> Bool in
                if state.signalled { return true }
                state.waiter = continuation
                return false
            }
            if ready { continuation.resume() }
        }
    }

    func signal() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.signalled = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }
}

import Foundation
import KisumPersistence
import Logging
import PostgresNIO
import Synchronization

/// One LISTEN connection per process, fanned out in memory to the open notification streams.
///
/// The channel only says *that* something changed for a user (`n:<user>` new rows, `r:<user>:<workspace>` read
/// state); each stream then reads the rows after its last event id from the table. So a lost or coalesced
/// wake-up costs nothing: the next read catches up, and when the LISTEN connection comes back after a failure
/// every stream is woken to read what it may have missed. The connection is held while at least one stream is
/// open (taken from the pool, released when the last stream ends).
final class NotificationHub: Sendable {
    /// What a stream has to do when it wakes: read new rows, and/or send the unread count of these workspaces.
    struct Pending: Sendable, Equatable {
        var newRows = false
        var readChanged: Set<UUID> = []
        var closing = false
        var isEmpty: Bool { !newRows && readChanged.isEmpty && !closing }
    }

    /// One open stream's doorbell: wakes coalesce into `Pending` until the stream takes them.
    final class Subscription: Sendable {
        let userID: UUID
        let id: Int
        private struct State {
            var pending = Pending()
            var waiter: (token: Int, continuation: CheckedContinuation<Bool, Never>)?
            var nextToken = 0
        }
        private let state = Mutex(State())

        init(userID: UUID, id: Int) {
            self.userID = userID
            self.id = id
        }

        func ring(_ change: (inout Pending) -> Void) {
            let waiter = state.withLock { state in
                change(&state.pending)
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.continuation.resume(returning: true)
        }

        /// What accumulated since the last call.
        func take() -> Pending {
            state.withLock { state in
                defer { state.pending = Pending() }
                return state.pending
            }
        }

        /// True as soon as something is pending; false after `timeout` (time for a heartbeat) or on cancellation.
        func wait(upTo timeout: Duration) async -> Bool {
            let token = state.withLock { state -> Int? in
                if !state.pending.isEmpty { return nil }
                state.nextToken += 1
                return state.nextToken
            }
            guard let token else { return true }
            let timer = Task { [self] in
                try? await Task.sleep(for: timeout)
                expire(token)
            }
            defer { timer.cancel() }
            return await withTaskCancellationHandler {
                await withCheckedContinuation { continuation in
                    let resumeNow = state.withLock { state -> Bool? in
                        if !state.pending.isEmpty { return true }
                        if Task.isCancelled || state.nextToken != token { return false }
                        state.waiter = (token, continuation)
                        return nil
                    }
                    if let resumeNow { continuation.resume(returning: resumeNow) }
                }
            } onCancel: {
                expire(token)
            }
        }

        private func expire(_ token: Int) {
            let waiter = state.withLock { state -> CheckedContinuation<Bool, Never>? in
                if state.waiter?.token == token {
                    defer { state.waiter = nil }
                    return state.waiter?.continuation
                }
                // Not waiting yet: make the coming wait end at once.
                if state.nextToken == token { state.nextToken += 1 }
                return nil
            }
            waiter?.resume(returning: false)
        }
    }

    private struct State {
        var subscribers: [UUID: [Int: Subscription]] = [:]
        var count = 0
        var nextID = 0
        var listener: Task<Void, Never>?
        var generation = 0
        var ready = false
    }

    private let state = Mutex(State())
    let database: Database
    let logger: Logger
    let channel: String

    init(database: Database, logger: Logger, channel: String = NotificationRepository.channel) {
        self.database = database
        self.logger = logger
        self.channel = channel
    }

    /// Registers a stream of `userID` and returns once the process LISTENs, so every commit after this returns
    /// rings it. Not listening within `readyWithin` (database unreachable) → nil.
    func subscribe(userID: UUID, readyWithin: Duration = .seconds(5)) async -> Subscription? {
        let subscription = state.withLock { state -> Subscription in
            state.nextID += 1
            let subscription = Subscription(userID: userID, id: state.nextID)
            state.subscribers[userID, default: [:]][subscription.id] = subscription
            state.count += 1
            if state.listener == nil {
                state.generation += 1
                state.ready = false
                let generation = state.generation
                state.listener = Task { [self] in await listen(generation: generation) }
            }
            return subscription
        }
        let deadline = ContinuousClock.now + readyWithin
        while !state.withLock({ $0.ready }) {
            if ContinuousClock.now >= deadline || Task.isCancelled {
                unsubscribe(subscription)
                return nil
            }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return subscription
    }

    /// The last stream gone: the listening connection goes back to the pool.
    func unsubscribe(_ subscription: Subscription) {
        let stopping = state.withLock { state -> Task<Void, Never>? in
            guard state.subscribers[subscription.userID]?.removeValue(forKey: subscription.id) != nil else { return nil }
            if state.subscribers[subscription.userID]?.isEmpty == true { state.subscribers[subscription.userID] = nil }
            state.count -= 1
            guard state.count == 0, let listener = state.listener else { return nil }
            state.listener = nil
            state.ready = false
            state.generation += 1
            return listener
        }
        stopping?.cancel()
    }

    /// Ends every open stream (graceful shutdown of a test or the process).
    func closeAll() {
        let all = state.withLock { $0.subscribers.values.flatMap(\.values) }
        for subscription in all { subscription.ring { $0.closing = true } }
    }

    var openStreams: Int { state.withLock { $0.count } }

    /// A notification from the channel: rings the user's streams.
    func deliver(_ payload: String) {
        let parts = payload.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count >= 2, let userID = UUID(uuidString: String(parts[1])) else { return }
        let targets = state.withLock { Array(($0.subscribers[userID] ?? [:]).values) }
        guard !targets.isEmpty else { return }
        if parts[0] == "r", parts.count == 3, let workspaceID = UUID(uuidString: String(parts[2])) {
            for target in targets { target.ring { _ = $0.readChanged.insert(workspaceID) } }
        } else {
            for target in targets { target.ring { $0.newRows = true } }
        }
    }

    private func setReady(_ ready: Bool, generation: Int) -> [Subscription] {
        state.withLock { state in
            guard state.generation == generation else { return [] }
            state.ready = ready
            return ready ? state.subscribers.values.flatMap(\.values) : []
        }
    }

    /// Holds one pooled connection in LISTEN until cancelled; reconnects after failures. Each time it is
    /// listening again, every stream is woken to read what it may have missed meanwhile.
    private func listen(generation: Int) async {
        while !Task.isCancelled {
            do {
                try await database.client.withConnection { connection in
                    try await connection.listen(on: channel) { notifications in
                        for subscription in setReady(true, generation: generation) { subscription.ring { $0.newRows = true } }
                        for try await notification in notifications {
                            deliver(notification.payload)
                        }
                    }
                }
            } catch {
                if Task.isCancelled { break }
                logger.warning("notification listener lost its connection", metadata: ["error": "\(String(reflecting: error))"])
            }
            _ = setReady(false, generation: generation)
            if Task.isCancelled { break }
            try? await Task.sleep(for: .milliseconds(500))
        }
        _ = setReady(false, generation: generation)
    }
}

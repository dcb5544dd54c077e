import Foundation
import KisumKernel
import KisumPersistence
import Logging
import PlatformCoreAPI

/// Tells the creator of an API key, once, that it expires within `window` (a week): `api_key.expiring` through the
/// notification preferences like every other notification. A queue of the job worker that does its work at most every
/// `interval`; the dedupe key (key id + expiry) makes a notice once per key and expiry, so a pass repeated after a crash,
/// or on another replica, adds nothing, and a key whose expiry is moved gets a new notice.
final class APIKeyExpiryNotices: Sendable {
    let database: Database
    let notifier: Notifier
    let window: TimeInterval
    let throttle: QueueThrottle

    init(database: Database, notifier: Notifier, window: TimeInterval = 7 * 86_400, interval: Duration = .seconds(3600)) {
        self.database = database
        self.notifier = notifier
        self.window = window
        self.throttle = QueueThrottle(interval: interval)
    }

    var repository: APIKeyExpiryRepository { APIKeyExpiryRepository(logger: database.logger) }

    /// The worker's queue: a pass when one is due; never reports work, so the worker keeps its idle pace.
    func runIfDue() async throws -> Bool {
        if throttle.due() { _ = try await pass() }
        return false
    }

    /// Notifies every key expiring within the window that was not yet told; answers how many notices went out.
    @discardableResult
    func pass() async throws -> Int {
        try await database.transaction { connection in
            guard try await repository.tryLock(on: connection) else { return 0 }
            var sent = 0
            for key in try await repository.expiring(within: window, limit: 500, on: connection) {
                let stamp = Int64(key.expiresAt.timeIntervalSince1970.rounded(.down))
                let delivery = try await notifier.send(Notifier.Draft(
                    type: "api_key.expiring", title: "The API key \(key.name) expires soon",
                    body: "The API key \(key.name) (\(key.prefix)…) stops working on \(key.expiresAt.ISO8601Format()). Rotate it or set a later expiry.",
                    data: .object(["workspace_id": .uuid(key.workspaceID), "api_key_id": .uuid(key.id),
                                   "expires_at": .string(key.expiresAt.ISO8601Format())]),
                    dedupeKey: "api_key.expiring:\(key.id.uuidString.lowercased()):\(stamp)"),
                    to: [key.createdBy], workspaceID: key.workspaceID, audience: .activeMembers, on: connection)
                sent += delivery.delivered.count
            }
            return sent
        }
    }
}

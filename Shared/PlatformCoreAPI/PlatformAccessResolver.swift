import Foundation
import KisumKernel
import KisumServiceClient
import NIOConcurrencyHelpers

/// Asks Platform Core's internal route and caches answers (positive and negative) for a short TTL.
/// Concurrent requests for the same pair share one call. Unreachable and not cached → 503.
///
/// Refresh ahead: in the last quarter of an answer's life, the request that finds it starts one renewal in
/// the background and is served the (still valid) answer. A busy user therefore never waits for Platform
/// Core — before this, every request of that user stalled behind the renewal once per TTL, which was the
/// p99 of reads during a login storm (bench/results.md). The bound is unchanged: an answer is never served
/// after its TTL.
public final class PlatformAccessResolver: EffectiveAccessResolver {
    private struct Key: Hashable { let user: UUID; let company: UUID }
    private struct Entry { let value: EffectiveAccess?; let expires: ContinuousClock.Instant }

    private let client: ServiceClient
    private let ttl: Duration
    private let cache = NIOLockedValueBox<[Key: Entry]>([:])
    private let inFlight = NIOLockedValueBox<[Key: Task<EffectiveAccess?, any Error>]>([:])

    public init(client: ServiceClient, ttl: Duration = .seconds(30)) {
        self.client = client
        self.ttl = ttl
    }

    public func resolve(userID: UUID, companyID: UUID) async throws -> EffectiveAccess? {
        let key = Key(user: userID, company: companyID)
        let now = ContinuousClock.now
        if let entry = cache.withLockedValue({ $0[key] }), entry.expires > now {
            if entry.expires - now < ttl / 4 { _ = fetch(key) }
            return entry.value
        }
        do {
            return try await fetch(key).value
        } catch {
            throw APIError.unavailable("access_unavailable", "Access for this company cannot be resolved right now.")
        }
    }

    /// The one call in flight for `key`, started if there is none; it stores its answer when it arrives.
    private func fetch(_ key: Key) -> Task<EffectiveAccess?, any Error> {
        inFlight.withLockedValue { tasks in
            if let existing = tasks[key] { return existing }
            let task = Task { [self] in
                defer { _ = inFlight.withLockedValue { $0.removeValue(forKey: key) } }
                let answer: InternalAccessAnswer = try await client.json(
                    "GET", PlatformCoreInternal.accessPath,
                    query: [("user_id", key.user.uuidString.lowercased()), ("company_id", key.company.uuidString.lowercased())]
                )
                let value = answer.member ? answer.access : nil
                store(value, for: key)
                return value
            }
            tasks[key] = task
            return task
        }
    }

    private func store(_ value: EffectiveAccess?, for key: Key) {
        let expires = ContinuousClock.now + ttl
        cache.withLockedValue { cache in
            if cache.count > 10_000 {
                let now = ContinuousClock.now
                cache = cache.filter { $0.value.expires > now }
            }
            cache[key] = Entry(value: value, expires: expires)
        }
    }
}

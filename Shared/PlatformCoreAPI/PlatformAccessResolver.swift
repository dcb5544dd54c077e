import Foundation
import KisumKernel
import KisumServiceClient
import NIOConcurrencyHelpers

/// Asks Platform Core's internal route and caches answers (positive and negative) for a short TTL.
/// Concurrent requests for the same pair share one call. Unreachable and not cached → 503.
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
            return entry.value
        }
        let task = inFlight.withLockedValue { tasks -> Task<EffectiveAccess?, any Error> in
            if let existing = tasks[key] { return existing }
            let client = self.client
            let task = Task {
                let answer: InternalAccessAnswer = try await client.json(
                    "GET", PlatformCoreInternal.accessPath,
                    query: [("user_id", userID.uuidString.lowercased()), ("company_id", companyID.uuidString.lowercased())]
                )
                return answer.member ? answer.access : nil
            }
            tasks[key] = task
            return task
        }
        defer { _ = inFlight.withLockedValue { $0.removeValue(forKey: key) } }
        let value: EffectiveAccess?
        do {
            value = try await task.value
        } catch {
            throw APIError.unavailable("access_unavailable", "Access for this company cannot be resolved right now.")
        }
        let expires = ContinuousClock.now + ttl
        cache.withLockedValue { cache in
            if cache.count > 10_000 {
                let now = ContinuousClock.now
                cache = cache.filter { $0.value.expires > now }
            }
            cache[key] = Entry(value: value, expires: expires)
        }
        return value
    }
}

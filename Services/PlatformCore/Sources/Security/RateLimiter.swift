import Foundation
import HTTPTypes
import KisumKernel
import NIOConcurrencyHelpers

/// Token buckets per client address, in memory.
///
/// Per instance by design: with N replicas behind a balancer a client gets up to N times the budget.
/// That is acceptable for its purpose (slowing down credential stuffing from one address; the per-account
/// lockout in the database is the hard limit that holds across replicas).
public final class RateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    private let capacity: Double
    private let refillPerSecond: Double
    private let buckets = NIOLockedValueBox<[String: Bucket]>([:])
    private let code: String

    public init(settings: PlatformCoreSettings.RateLimitSettings, code: String = "rate_limited") {
        capacity = Double(settings.burst)
        refillPerSecond = Double(settings.perMinute) / 60
        self.code = code
    }

    /// Takes one token for `key` or throws 429 with `Retry-After` (whole seconds until a token is back).
    public func consume(_ key: String) throws {
        let now = ContinuousClock.now
        let wait: Double? = buckets.withLockedValue { buckets in
            if buckets.count > 50_000 {
                // Forget full buckets (idle clients) so the table cannot grow without bound.
                buckets = buckets.filter { refilled($0.value, now: now) < capacity }
            }
            var bucket = buckets[key] ?? Bucket(tokens: capacity, updated: now)
            bucket.tokens = refilled(bucket, now: now)
            bucket.updated = now
            if bucket.tokens >= 1 {
                bucket.tokens -= 1
                buckets[key] = bucket
                return nil
            }
            buckets[key] = bucket
            return (1 - bucket.tokens) / refillPerSecond
        }
        if let wait {
            throw APIError(.tooManyRequests, code: code, message: "Too many attempts; retry later.",
                           headers: [.retryAfter: String(Int(wait.rounded(.up)))])
        }
    }

    private func refilled(_ bucket: Bucket, now: ContinuousClock.Instant) -> Double {
        let elapsed = now - bucket.updated
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return min(capacity, bucket.tokens + seconds * refillPerSecond)
    }
}

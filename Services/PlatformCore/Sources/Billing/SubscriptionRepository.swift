import Foundation
import Hummingbird
import KisumKernel
import KisumPersistence
import Logging
import PostgresNIO

/// A workspace's subscription as signup responses show it.
public struct SubscriptionSummary: ResponseEncodable, Sendable, Equatable {
    public var id: UUID
    /// `stripe`, or `local` when no payment provider is configured (nothing is charged).
    public var provider: String
    public var status: String
    public var plan: String?
    public var trialEndsAt: Date?
    /// Where the user completes payment (Stripe Checkout); absent when not needed or in local mode.
    public var checkoutUrl: String?
}

struct SubscriptionRepository: Sendable {
    let logger: Logger

    func record(_ started: StartedSubscription, workspaceID: UUID, on connection: PostgresConnection) async throws -> SubscriptionSummary {
        let id = try await connection.query("""
            INSERT INTO billing_subscriptions (workspace_id, provider, status, plan, stripe_customer_id, stripe_subscription_id,
                                               stripe_checkout_session_id, trial_ends_at)
            VALUES (\(workspaceID), \(started.provider), \(started.status), \(started.plan), \(started.customerID),
                    \(started.subscriptionID), \(started.checkoutSessionID), \(started.trialEndsAt))
            RETURNING id
            """, logger: logger).first { try $0.decode(UUID.self) }.orNotFound("subscription")
        return SubscriptionSummary(id: id, provider: started.provider, status: started.status, plan: started.plan,
                                   trialEndsAt: started.trialEndsAt, checkoutUrl: started.checkoutURL)
    }
}

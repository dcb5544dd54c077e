import Foundation
import KisumKernel
import KisumPersistence
import Logging
import PostgresNIO

/// A workspace's current subscription row (the newest `billing_subscriptions` row).
struct StoredSubscription: Sendable, Equatable {
    var id: UUID
    var workspaceID: UUID
    var provider: String
    var status: String
    var plan: String?
    var tier: String
    var billingPeriod: String
    var stripeCustomerID: String?
    var stripeSubscriptionID: String?
    var trialEndsAt: Date?
    var currentPeriodStart: Date?
    var currentPeriodEnd: Date?
    var cancelAtPeriodEnd: Bool
    var canceledAt: Date?
    var scheduledTier: String?
    var scheduledPeriod: String?
    var scheduledChangeAt: Date?
    var createdAt: Date
    var updatedAt: Date

    static let columns = """
        id, workspace_id, provider, status, plan, tier, billing_period, stripe_customer_id, stripe_subscription_id, trial_ends_at,
        current_period_start, current_period_end, cancel_at_period_end, canceled_at, scheduled_tier, scheduled_period,
        scheduled_change_at, created_at, updated_at
        """

    init(row: PostgresRow) throws {
        let c = Columns(row)
        id = try c("id")
        workspaceID = try c("workspace_id")
        provider = try c("provider")
        status = try c("status")
        plan = try c("plan")
        tier = try c("tier")
        billingPeriod = try c("billing_period")
        stripeCustomerID = try c("stripe_customer_id")
        stripeSubscriptionID = try c("stripe_subscription_id")
        trialEndsAt = try c("trial_ends_at")
        currentPeriodStart = try c("current_period_start")
        currentPeriodEnd = try c("current_period_end")
        cancelAtPeriodEnd = try c("cancel_at_period_end")
        canceledAt = try c("canceled_at")
        scheduledTier = try c("scheduled_tier")
        scheduledPeriod = try c("scheduled_period")
        scheduledChangeAt = try c("scheduled_change_at")
        createdAt = try c("created_at")
        updatedAt = try c("updated_at")
    }
}

/// Reads and writes of the subscription's plan state; every statement names the workspace.
struct BillingSubscriptionRepository: Sendable {
    let logger: Logger

    /// The current subscription, locked for the caller's transaction. A scheduled downgrade whose date has
    /// passed is applied first, so nobody reads a tier that has already ended.
    func current(workspaceID: UUID, on connection: PostgresConnection) async throws -> StoredSubscription? {
        try await connection.query("""
            UPDATE billing_subscriptions SET tier = scheduled_tier, billing_period = COALESCE(scheduled_period, billing_period),
                   scheduled_tier = NULL, scheduled_period = NULL, scheduled_change_at = NULL, updated_at = now()
            WHERE workspace_id = \(workspaceID) AND scheduled_change_at <= now()
            """, logger: logger)
        return try await connection.query("""
            SELECT \(unescaped: StoredSubscription.columns) FROM billing_subscriptions
            WHERE workspace_id = \(workspaceID) ORDER BY created_at DESC, id DESC LIMIT 1 FOR UPDATE
            """, logger: logger).first { try StoredSubscription(row: $0) }
    }

    /// Writes the plan state of `s` (the row is the caller's, read with `current` in the same transaction).
    func save(_ s: StoredSubscription, on connection: PostgresConnection) async throws {
        try await connection.query("""
            UPDATE billing_subscriptions SET provider = \(s.provider), status = \(s.status), plan = \(s.plan), tier = \(s.tier),
                   billing_period = \(s.billingPeriod), stripe_customer_id = \(s.stripeCustomerID),
                   stripe_subscription_id = \(s.stripeSubscriptionID), trial_ends_at = \(s.trialEndsAt),
                   current_period_start = \(s.currentPeriodStart), current_period_end = \(s.currentPeriodEnd),
                   cancel_at_period_end = \(s.cancelAtPeriodEnd), canceled_at = \(s.canceledAt), scheduled_tier = \(s.scheduledTier),
                   scheduled_period = \(s.scheduledPeriod), scheduled_change_at = \(s.scheduledChangeAt), updated_at = now()
            WHERE workspace_id = \(s.workspaceID) AND id = \(s.id)
            """, logger: logger)
    }

    /// A new current subscription (a first plan, or one after a canceled one).
    func insert(workspaceID: UUID, provider: String, status: String, tier: String, period: String, plan: String?,
                customerID: String?, subscriptionID: String?, trialEndsAt: Date?, periodStart: Date?, periodEnd: Date?,
                on connection: PostgresConnection) async throws -> StoredSubscription {
        try await connection.query("""
            INSERT INTO billing_subscriptions (workspace_id, provider, status, tier, billing_period, plan, stripe_customer_id,
                                               stripe_subscription_id, trial_ends_at, current_period_start, current_period_end)
            VALUES (\(workspaceID), \(provider), \(status), \(tier), \(period), \(plan), \(customerID), \(subscriptionID),
                    \(trialEndsAt), \(periodStart), \(periodEnd))
            RETURNING \(unescaped: StoredSubscription.columns)
            """, logger: logger).first { try StoredSubscription(row: $0) }.orNotFound("subscription")
    }

    /// The row of a Stripe subscription (current or not), locked.
    func find(stripeSubscription id: String, on connection: PostgresConnection) async throws -> StoredSubscription? {
        try await connection.query("""
            SELECT \(unescaped: StoredSubscription.columns) FROM billing_subscriptions WHERE stripe_subscription_id = \(id) FOR UPDATE
            """, logger: logger).first { try StoredSubscription(row: $0) }
    }

    /// The workspace a Stripe subscription belongs to (webhooks name Stripe's ids, not ours).
    func workspace(ofStripeSubscription id: String, on connection: PostgresConnection) async throws -> UUID? {
        try await connection.query("SELECT workspace_id FROM billing_subscriptions WHERE stripe_subscription_id = \(id)", logger: logger)
            .first { try $0.decode(UUID.self) }
    }

    func workspace(ofStripeCustomer id: String, on connection: PostgresConnection) async throws -> UUID? {
        try await connection.query("""
            SELECT workspace_id FROM billing_subscriptions WHERE stripe_customer_id = \(id) ORDER BY created_at DESC LIMIT 1
            """, logger: logger).first { try $0.decode(UUID.self) }
    }

    func workspaceExists(_ id: UUID, on connection: PostgresConnection) async throws -> Bool {
        try await connection.query("SELECT 1 FROM workspaces WHERE id = \(id)", logger: logger).first { _ in true } ?? false
    }

    /// Whether the workspace ever had a trial (one trial per workspace).
    func hadTrial(workspaceID: UUID, on connection: PostgresConnection) async throws -> Bool {
        try await connection.query("""
            SELECT 1 FROM billing_subscriptions WHERE workspace_id = \(workspaceID) AND trial_ends_at IS NOT NULL LIMIT 1
            """, logger: logger).first { _ in true } ?? false
    }

    /// Who hears about billing events: the workspace's active owners and admins.
    func billingContacts(workspaceID: UUID, on connection: PostgresConnection) async throws -> [UUID] {
        try await connection.query("""
            SELECT user_id FROM memberships WHERE workspace_id = \(workspaceID) AND status = 'active' AND role IN ('owner', 'admin')
            ORDER BY created_at
            """, logger: logger).collect { try $0.decode(UUID.self) }
    }

    func workspaceContact(workspaceID: UUID, on connection: PostgresConnection) async throws -> (name: String, email: String)? {
        try await connection.query("""
            SELECT w.name, u.email FROM workspaces w JOIN users u ON u.id = w.owner_id WHERE w.id = \(workspaceID)
            """, logger: logger).first { try $0.decode((String, String).self) }
    }

    /// Records a Stripe event id; false when it was already taken in (a replay: nothing else may happen).
    func recordEvent(id: String, type: String, workspaceID: UUID?, outcome: String, createdAt: Date?,
                     on connection: PostgresConnection) async throws -> Bool {
        try await connection.query("""
            INSERT INTO billing_stripe_events (event_id, type, workspace_id, outcome, event_created_at)
            VALUES (\(id), \(type), \(workspaceID), \(outcome), \(createdAt))
            ON CONFLICT (event_id) DO NOTHING RETURNING 1
            """, logger: logger).first { _ in true } ?? false
    }

    func setEventOutcome(id: String, workspaceID: UUID?, outcome: String, on connection: PostgresConnection) async throws {
        try await connection.query("""
            UPDATE billing_stripe_events SET outcome = \(outcome), workspace_id = \(workspaceID) WHERE event_id = \(id)
            """, logger: logger)
    }
}

import Foundation
import Hummingbird
import KisumKernel

/// What a subscription means for access. Without a subscription a workspace is on the free tier. Lapsed
/// subscriptions (canceled, unpaid, never completed, a local trial that ran out) fall back to the free tier
/// and require payment; `past_due` keeps its tier while Stripe retries the payment.
struct BillingState: Sendable, Equatable {
    var effectiveTier: String
    var isActive: Bool
    var requiresPayment: Bool
    var message: String

    static let freeTier = "free"

    init(_ subscription: StoredSubscription?, now: Date = Date()) {
        guard let s = subscription else {
            self.init(effectiveTier: Self.freeTier, isActive: true, requiresPayment: false, message: "Free tier: no subscription.")
            return
        }
        switch s.status {
        case "trialing":
            if let end = s.trialEndsAt, end <= now, s.provider == "local" {
                self.init(effectiveTier: Self.freeTier, isActive: false, requiresPayment: true,
                          message: "The trial has ended; choose a plan to continue.")
            } else {
                self.init(effectiveTier: s.tier, isActive: true, requiresPayment: false, message: "Trial of the \(s.tier) plan.")
            }
        case "active":
            let ending = s.cancelAtPeriodEnd ? " It ends at the end of the current period." : ""
            self.init(effectiveTier: s.tier, isActive: true, requiresPayment: false, message: "The \(s.tier) plan is active.\(ending)")
        case "past_due":
            self.init(effectiveTier: s.tier, isActive: true, requiresPayment: true,
                      message: "A payment failed; update the payment method to keep the \(s.tier) plan.")
        case "incomplete":
            self.init(effectiveTier: Self.freeTier, isActive: false, requiresPayment: true, message: "Checkout has not been completed.")
        default:
            self.init(effectiveTier: Self.freeTier, isActive: false, requiresPayment: true,
                      message: "The subscription is \(s.status); choose a plan to continue.")
        }
    }

    init(effectiveTier: String, isActive: Bool, requiresPayment: Bool, message: String) {
        self.effectiveTier = effectiveTier
        self.isActive = isActive
        self.requiresPayment = requiresPayment
        self.message = message
    }
}

/// `GET /billing/subscription` and the answers of the subscription changes.
struct SubscriptionView: ResponseEncodable, Sendable {
    var id: UUID?
    /// `stripe`, `local` (recorded here, no payment collected), or null without a subscription.
    var provider: String?
    /// The stored status, or `none` without a subscription.
    var status: String
    var tier: String
    var effectiveTier: String
    var billingPeriod: String?
    var amount: Int64?
    var currency: String?
    var isActive: Bool
    var requiresPayment: Bool
    var isTrial: Bool
    var trialEndsAt: Date?
    var currentPeriodStart: Date?
    var currentPeriodEnd: Date?
    var cancelAtPeriodEnd: Bool
    var canceledAt: Date?
    var scheduledTier: String?
    var scheduledBillingPeriod: String?
    var scheduledChangeAt: Date?
    var message: String

    init(_ s: StoredSubscription?, tiers: [BillingTier], now: Date = Date()) {
        let state = BillingState(s, now: now)
        let tier = tiers.first { $0.key == (s?.tier ?? BillingState.freeTier) }
        id = s?.id
        provider = s?.provider
        status = s?.status ?? "none"
        self.tier = s?.tier ?? BillingState.freeTier
        effectiveTier = state.effectiveTier
        billingPeriod = s?.billingPeriod
        amount = s.flatMap { tier?.amount(period: $0.billingPeriod) }
        currency = tier?.currency
        isActive = state.isActive
        requiresPayment = state.requiresPayment
        isTrial = s?.status == "trialing"
        trialEndsAt = s?.trialEndsAt
        currentPeriodStart = s?.currentPeriodStart
        currentPeriodEnd = s?.currentPeriodEnd
        cancelAtPeriodEnd = s?.cancelAtPeriodEnd ?? false
        canceledAt = s?.canceledAt
        scheduledTier = s?.scheduledTier
        scheduledBillingPeriod = s?.scheduledPeriod
        scheduledChangeAt = s?.scheduledChangeAt
        message = state.message
    }
}

/// `GET /billing/subscription/status`: cached local data only, for page loads.
struct SubscriptionStatusView: ResponseEncodable, Sendable {
    var isActive: Bool
    var requiresPayment: Bool
    var status: String
    var tier: String
    var isTrial: Bool
    var trialEndsAt: Date?
    var message: String
}

/// One limit type with the workspace's usage.
struct LimitUsage: ResponseEncodable, Sendable {
    var limitType: String
    var name: String
    var description: String
    /// null = unlimited on the current tier.
    var limit: Int64?
    var usage: Int64
    var remaining: Int64?
    var percentage: Double?
    /// Another item may be added.
    var allowed: Bool
    var tier: String

    init(type: BillingFeatureDefinition, tier: BillingTier?, usage: Int64) {
        limitType = type.key
        name = type.name
        description = type.description
        let limit = tier?.limits[type.key] ?? nil
        self.limit = limit
        self.usage = usage
        remaining = limit.map { max(0, $0 - usage) }
        percentage = limit.map { $0 == 0 ? 100 : min(100, (Double(usage) / Double($0) * 1000).rounded() / 10) }
        allowed = limit.map { usage < $0 } ?? true
        self.tier = tier?.key ?? BillingState.freeTier
    }
}

struct FeatureStatus: ResponseEncodable, Sendable {
    var key: String
    var name: String
    var description: String
    var enabled: Bool
    /// The cheapest tier that includes it (what to upgrade to).
    var availableFrom: String?
}

/// Upgrade now with proration, or downgrade at the end of the paid period. The preview uses the catalog's
/// prices: credit for the unused part of the current period, charge for the rest of it at the new price.
struct ProrationPreview: ResponseEncodable, Sendable, Equatable {
    var currency: String
    var credit: Int64
    var charge: Int64
    var amountDue: Int64
    var periodEnd: Date?

    static func compute(from old: BillingTier, _ oldPeriod: String, to new: BillingTier, _ newPeriod: String,
                        periodStart: Date?, periodEnd: Date?, now: Date = Date()) -> ProrationPreview {
        let oldAmount = old.amount(period: oldPeriod) ?? 0
        let newAmount = new.amount(period: newPeriod) ?? 0
        var fraction = 1.0
        if let start = periodStart, let end = periodEnd, end > start {
            fraction = min(1, max(0, end.timeIntervalSince(now) / end.timeIntervalSince(start)))
        }
        // Catalog amounts are small (≤ 10^15 minor units by the table's meaning); rounding stays in range.
        let credit = oldPeriod == newPeriod ? Int64(exactly: (Double(oldAmount) * fraction).rounded()) ?? 0 : 0
        let charge = oldPeriod == newPeriod ? Int64(exactly: (Double(newAmount) * fraction).rounded()) ?? 0 : newAmount
        return ProrationPreview(currency: new.currency, credit: credit, charge: charge, amountDue: max(0, charge - credit), periodEnd: periodEnd)
    }
}

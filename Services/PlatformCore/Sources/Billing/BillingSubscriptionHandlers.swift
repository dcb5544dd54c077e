import Foundation
import Hummingbird
import KisumKernel
import KisumPersistence
import Logging
import PostgresNIO

/// The subscription and its changes. With Stripe each change is made at Stripe first and the stored row
/// copies Stripe's answer (webhooks keep it current afterwards); in local mode the change is only recorded
/// (no payment is collected). Every change runs with the subscription row locked and records activity.
struct BillingSubscriptionHandlers {
    let core: BillingCore
    var logger: Logger { core.database.logger }

    /// `GET /billing/subscription`: synced from Stripe first when there is a Stripe subscription (webhooks may
    /// have been missed); Stripe being unreachable answers the stored state rather than failing the page.
    @Sendable func get(_ request: Request, context: PlatformRequestContext) async throws -> SubscriptionView {
        let scope = try context.tenant(permission: Permission.billingRead)
        let tiers = try await core.catalog.tiers()
        var stored = try await core.database.transaction { try await core.subscriptions.current(workspaceID: scope.companyID, on: $0) }
        if core.usesStripe, let id = stored?.stripeSubscriptionID {
            do {
                if let live = try await core.billing.fetchSubscription(id: id) {
                    stored = try await core.database.transaction { connection in
                        guard var row = try await core.subscriptions.find(stripeSubscription: id, on: connection) else { return stored }
                        core.apply(live, to: &row)
                        try await core.subscriptions.save(row, on: connection)
                        return row
                    }
                }
            } catch let error as APIError where error.status == .serviceUnavailable {
                logger.warning("stripe sync skipped", metadata: ["code": "\(error.code)"])
            }
        }
        return SubscriptionView(stored, tiers: tiers)
    }

    /// `GET /billing/subscription/status`: stored data only.
    @Sendable func status(_ request: Request, context: PlatformRequestContext) async throws -> SubscriptionStatusView {
        let scope = try context.tenant(permission: Permission.billingRead)
        let stored = try await core.database.transaction { try await core.subscriptions.current(workspaceID: scope.companyID, on: $0) }
        let state = BillingState(stored)
        return SubscriptionStatusView(isActive: state.isActive, requiresPayment: state.requiresPayment, status: stored?.status ?? "none",
                                      tier: state.effectiveTier, isTrial: stored?.status == "trialing", trialEndsAt: stored?.trialEndsAt,
                                      message: state.message)
    }

    struct CancelBody: ValidatableBody {
        var cancelImmediately: Bool?
        var reason: String?
        func validate(_ v: inout Validator) { v.text(reason, "reason", required: false, maxLength: 500) }
    }

    /// `POST /billing/subscription/cancel`: at the period end by default (access stays until then);
    /// `cancel_immediately` ends it now.
    @Sendable func cancel(_ request: Request, context: PlatformRequestContext) async throws -> SubscriptionView {
        let manager = try core.manager(context)
        let body = try await request.decodeValidIfPresent(as: CancelBody.self, context: context) ?? CancelBody()
        let now = body.cancelImmediately ?? false
        return try await change(manager) { s, connection in
            guard s.status != "canceled" else { throw APIError.conflict("subscription_canceled", "The subscription is already canceled.") }
            if !now && s.cancelAtPeriodEnd {
                throw APIError.conflict("already_canceling", "The subscription already ends at the end of the period.")
            }
            if let id = s.stripeSubscriptionID, core.usesStripe {
                core.apply(now ? try await core.billing.cancelSubscriptionNow(id: id)
                               : try await core.billing.updateSubscription(id: id, [("cancel_at_period_end", "true")]), to: &s)
            } else if now {
                s.status = "canceled"
                s.canceledAt = Date()
            } else {
                s.cancelAtPeriodEnd = true
            }
            if now { s.scheduledTier = nil; s.scheduledPeriod = nil; s.scheduledChangeAt = nil }
            let why = body.reason.map { " (\($0))" } ?? ""
            try await core.record(now ? "billing.subscription_canceled" : "billing.cancellation_scheduled",
                                  (now ? "Subscription canceled" : "Subscription set to end at the period end") + why, manager, on: connection)
        }
    }

    /// `POST /billing/subscription/reactivate`: undoes a cancellation at period end that has not happened yet.
    @Sendable func reactivate(_ request: Request, context: PlatformRequestContext) async throws -> SubscriptionView {
        let manager = try core.manager(context)
        return try await change(manager) { s, connection in
            guard s.cancelAtPeriodEnd, s.status != "canceled" else {
                throw APIError.conflict("not_canceling", "The subscription is not set to cancel at the period end.")
            }
            if let id = s.stripeSubscriptionID, core.usesStripe {
                core.apply(try await core.billing.updateSubscription(id: id, [("cancel_at_period_end", "false")]), to: &s)
            } else {
                s.cancelAtPeriodEnd = false
            }
            try await core.record("billing.subscription_reactivated", "Subscription reactivated", manager, on: connection)
        }
    }

    /// `POST /billing/subscription/end-trial`: the paid period starts now (Stripe charges at once).
    @Sendable func endTrial(_ request: Request, context: PlatformRequestContext) async throws -> SubscriptionView {
        let manager = try core.manager(context)
        return try await change(manager) { s, connection in
            guard s.status == "trialing" else { throw APIError.conflict("not_trialing", "The subscription is not in a trial.") }
            if let id = s.stripeSubscriptionID, core.usesStripe {
                core.apply(try await core.billing.updateSubscription(id: id, [("trial_end", "now")]), to: &s)
            } else {
                let now = Date()
                s.status = "active"
                s.trialEndsAt = now
                s.currentPeriodStart = now
                s.currentPeriodEnd = Calendar(identifier: .gregorian).date(byAdding: .month, value: s.billingPeriod == "yearly" ? 12 : 1, to: now)
            }
            try await core.record("billing.trial_ended", "Trial ended early; the paid plan started", manager, on: connection)
        }
    }

    /// `POST /billing/subscription/cancel-downgrade`: keeps the current plan.
    @Sendable func cancelDowngrade(_ request: Request, context: PlatformRequestContext) async throws -> SubscriptionView {
        let manager = try core.manager(context)
        let tiers = try await core.catalog.tiers()
        return try await change(manager) { s, connection in
            guard s.scheduledTier != nil else { throw APIError.conflict("no_scheduled_downgrade", "No downgrade is scheduled.") }
            if let id = s.stripeSubscriptionID, core.usesStripe {
                let price = try core.price(try core.tier(s.tier, in: tiers), s.billingPeriod)
                guard let item = try await core.billing.fetchSubscription(id: id)?.itemID else { throw APIError.notFound("subscription") }
                core.apply(try await core.billing.updateSubscription(id: id, [("items[0][id]", item), ("items[0][price]", price),
                                                                            ("proration_behavior", "none")]), to: &s)
            }
            s.scheduledTier = nil
            s.scheduledPeriod = nil
            s.scheduledChangeAt = nil
            try await core.record("billing.downgrade_canceled", "Scheduled downgrade canceled; the \(s.tier) plan stays", manager, on: connection)
        }
    }

    /// Locks the current subscription, lets `body` change it, saves it. No subscription → 409 `no_subscription`.
    func change(_ manager: (companyID: UUID, userID: UUID, actor: String?),
                _ body: (inout StoredSubscription, PostgresConnection) async throws -> Void) async throws -> SubscriptionView {
        let tiers = try await core.catalog.tiers()
        let saved = try await core.database.transaction { connection in
            guard var s = try await core.subscriptions.current(workspaceID: manager.companyID, on: connection) else {
                throw APIError.conflict("no_subscription", "The workspace has no subscription.")
            }
            try await body(&s, connection)
            try await core.subscriptions.save(s, on: connection)
            return s
        }
        return SubscriptionView(saved, tiers: tiers)
    }
}

import Foundation
import Hummingbird
import KisumKernel
import KisumPersistence
import PostgresNIO

/// `POST /billing/subscription/change-plan` and `POST /billing/subscription` (after a setup intent).
struct BillingPlanChangeHandlers {
    let core: BillingCore

    struct ChangePlanBody: ValidatableBody {
        var tier: String?
        var billingPeriod: String?
        /// Only compute the proration, change nothing.
        var previewOnly: Bool?

        func validate(_ v: inout Validator) {
            v.text(tier, "tier", maxLength: 64)
            v.oneOf(billingPeriod, "billing_period", ["monthly", "yearly"])
        }
    }

    struct ChangePlanResult: ResponseEncodable, Sendable {
        /// `upgraded` (now, prorated), `scheduled` (downgrade at the period end), `preview` (nothing changed),
        /// `checkout` (no subscription to change: pay through `checkout_url`).
        var action: String
        var isScheduled: Bool
        var effectiveDate: Date?
        var proration: ProrationPreview?
        var checkoutUrl: String?
        var subscription: SubscriptionView
    }

    /// Upgrades apply at once with proration (Stripe invoices the difference now); downgrades wait for the end
    /// of the paid period (`is_scheduled`, `effective_date`). Without a subscription to change (none, lapsed, or
    /// not at Stripe while Stripe is configured) the answer is a checkout URL; in local mode the plan is recorded.
    @Sendable func changePlan(_ request: Request, context: PlatformRequestContext) async throws -> ChangePlanResult {
        let manager = try core.manager(context)
        let body = try await request.decodeValid(as: ChangePlanBody.self, context: context)
        let tiers = try await core.catalog.tiers()
        let target = try core.tier(body.tier ?? "", in: tiers)
        guard target.purchasable else {
            throw APIError.validation(field: "tier", code: "tier_not_purchasable", message: "The \(target.key) tier is not sold; cancel instead.")
        }
        return try await core.database.transaction { connection in
            let current = try await core.subscriptions.current(workspaceID: manager.companyID, on: connection)
            let period = body.billingPeriod ?? (current?.billingPeriod == "yearly" ? "yearly" : "monthly")
            guard var s = current, BillingState(current).effectiveTier != BillingState.freeTier || s.status == "trialing",
                  !core.usesStripe || s.stripeSubscriptionID != nil
            else {
                return try await start(target, period, current: current, manager: manager, preview: body.previewOnly ?? false,
                                       tiers: tiers, on: connection)
            }
            let from = try core.tier(s.tier, in: tiers)
            if from.key == target.key && s.billingPeriod == period {
                throw APIError.conflict("same_plan", "The workspace is already on \(target.key) (\(period)).")
            }
            let upgrade = target.isUpgrade(from: from, s.billingPeriod, period)
            let proration = upgrade ? ProrationPreview.compute(from: from, s.billingPeriod, to: target, period,
                                                               periodStart: s.currentPeriodStart, periodEnd: s.currentPeriodEnd) : nil
            if body.previewOnly ?? false {
                return ChangePlanResult(action: "preview", isScheduled: !upgrade, effectiveDate: upgrade ? Date() : s.currentPeriodEnd,
                                        proration: proration, subscription: SubscriptionView(s, tiers: tiers))
            }
            if let id = s.stripeSubscriptionID, core.usesStripe {
                let price = try core.price(target, period)
                guard let item = try await core.billing.fetchSubscription(id: id)?.itemID else { throw APIError.notFound("subscription") }
                // Upgrades invoice the prorated difference now; downgrades bill the lower price from the next period.
                let updated = try await core.billing.updateSubscription(id: id, [
                    ("items[0][id]", item), ("items[0][price]", price),
                    ("proration_behavior", upgrade ? "always_invoice" : "none")])
                if !upgrade { s.scheduledTier = s.tier } // keeps `apply` from switching the tier before the date
                core.apply(updated, to: &s)
            }
            let effective: Date?
            if upgrade || s.currentPeriodEnd.map({ $0 <= Date() }) ?? true {
                s.tier = target.key
                s.billingPeriod = period
                s.scheduledTier = nil
                s.scheduledPeriod = nil
                s.scheduledChangeAt = nil
                effective = Date()
            } else {
                s.scheduledTier = target.key
                s.scheduledPeriod = period
                s.scheduledChangeAt = s.currentPeriodEnd
                effective = s.currentPeriodEnd
            }
            try await core.subscriptions.save(s, on: connection)
            let scheduled = s.scheduledTier != nil
            try await core.record(scheduled ? "billing.downgrade_scheduled" : "billing.plan_changed",
                                  scheduled ? "Downgrade to \(target.name) (\(period)) scheduled" : "Plan changed to \(target.name) (\(period))",
                                  manager, on: connection)
            return ChangePlanResult(action: scheduled ? "scheduled" : "upgraded", isScheduled: scheduled, effectiveDate: effective,
                                    proration: proration, subscription: SubscriptionView(s, tiers: tiers))
        }
    }

    /// No subscription to change: a Stripe checkout, or in local mode a new locally recorded subscription.
    private func start(_ target: BillingTier, _ period: String, current: StoredSubscription?, manager: (companyID: UUID, userID: UUID, actor: String?),
                       preview: Bool, tiers: [BillingTier], on connection: PostgresConnection) async throws -> ChangePlanResult {
        let charge = target.amount(period: period) ?? 0
        let proration = ProrationPreview(currency: target.currency, credit: 0, charge: charge, amountDue: charge, periodEnd: nil)
        if preview {
            return ChangePlanResult(action: "preview", isScheduled: false, effectiveDate: Date(), proration: proration,
                                    subscription: SubscriptionView(current, tiers: tiers))
        }
        if core.usesStripe {
            let session = try await core.billing.createCheckout(CheckoutRequest(
                mode: "subscription", priceID: try core.price(target, period), customerID: current?.stripeCustomerID,
                customerEmail: nil, trialDays: nil, successURL: core.appURL + "/settings/billing?session_id={CHECKOUT_SESSION_ID}",
                cancelURL: core.appURL + "/settings/billing", workspaceID: manager.companyID,
                metadata: [("tier", target.key), ("billing_period", period)]))
            return ChangePlanResult(action: "checkout", isScheduled: false, effectiveDate: nil, proration: proration,
                                    checkoutUrl: session.url, subscription: SubscriptionView(current, tiers: tiers))
        }
        let now = Date()
        let end = Calendar(identifier: .gregorian).date(byAdding: .month, value: period == "yearly" ? 12 : 1, to: now)
        let created = try await core.subscriptions.insert(
            workspaceID: manager.companyID, provider: "local", status: "active", tier: target.key, period: period, plan: nil,
            customerID: nil, subscriptionID: nil, trialEndsAt: nil, periodStart: now, periodEnd: end, on: connection)
        try await core.record("billing.plan_changed", "Plan \(target.name) (\(period)) recorded locally (no payment collected)", manager,
                              on: connection)
        return ChangePlanResult(action: "upgraded", isScheduled: false, effectiveDate: now, proration: proration,
                                subscription: SubscriptionView(created, tiers: tiers))
    }

    struct CreateBody: ValidatableBody {
        var paymentMethodId: String?
        var tier: String?
        var billingPeriod: String?

        func validate(_ v: inout Validator) {
            v.text(paymentMethodId, "payment_method_id", maxLength: 255)
            if let id = paymentMethodId, !id.isEmpty {
                v.check(id.hasPrefix("pm_") && id.utf8.allSatisfy { $0 == 0x5F || (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) },
                        "payment_method_id", "invalid_payment_method", "A Stripe payment method id (pm_…).")
            }
            v.text(tier, "tier", required: false, maxLength: 64)
            v.oneOf(billingPeriod, "billing_period", ["monthly", "yearly"])
        }
    }

    /// `POST /billing/subscription` (201): the subscription after the payment method was collected through a
    /// setup intent; a trial when the workspace never had one. Needs Stripe (local mode: 503).
    @Sendable func create(_ request: Request, context: PlatformRequestContext) async throws -> EditedResponse<SubscriptionView> {
        let manager = try core.manager(context)
        let body = try await request.decodeValid(as: CreateBody.self, context: context)
        guard core.usesStripe else { throw APIError.providerNotConfigured("stripe") }
        let tiers = try await core.catalog.tiers()
        let tier = try core.tier(body.tier ?? "pro", in: tiers)
        let period = body.billingPeriod ?? "monthly"
        let price = try core.price(tier, period)
        let identity = try context.requireIdentity()
        let view = try await core.database.transaction { connection in
            let current = try await core.subscriptions.current(workspaceID: manager.companyID, on: connection)
            if let current, current.stripeSubscriptionID != nil, BillingState(current).isActive {
                throw APIError.conflict("subscription_exists", "The workspace already has a subscription; change its plan instead.")
            }
            let trial = try await core.subscriptions.hadTrial(workspaceID: manager.companyID, on: connection) ? 0 : core.trialDays
            let contact = try await core.subscriptions.workspaceContact(workspaceID: manager.companyID, on: connection)
            var customer = current?.stripeCustomerID ?? ""
            if customer.isEmpty {
                customer = try await core.billing.createCustomer(
                    email: identity.email ?? contact?.email ?? "", name: contact?.name ?? "Workspace", workspaceID: manager.companyID,
                    idempotencyKey: "billing-customer-\(manager.companyID.uuidString.lowercased())")
            }
            let started = try await core.billing.createSubscription(
                customerID: customer, priceID: price, paymentMethodID: body.paymentMethodId ?? "", trialDays: trial,
                workspaceID: manager.companyID, idempotencyKey: "billing-subscription-\(UUID().uuidString.lowercased())")
            if try await core.subscriptions.workspace(ofStripeSubscription: started.id, on: connection) != nil {
                throw APIError.conflict("subscription_exists", "This Stripe subscription is already recorded.")
            }
            var row = try await core.subscriptions.insert(
                workspaceID: manager.companyID, provider: "stripe", status: started.status, tier: tier.key, period: period, plan: price,
                customerID: customer, subscriptionID: started.id, trialEndsAt: started.trialEnd, periodStart: started.currentPeriodStart,
                periodEnd: started.currentPeriodEnd, on: connection)
            core.apply(started, to: &row)
            try await core.subscriptions.save(row, on: connection)
            try await core.record("billing.subscription_created", "Subscription to \(tier.name) (\(period)) started", manager, on: connection)
            return SubscriptionView(row, tiers: tiers)
        }
        return view.created()
    }
}

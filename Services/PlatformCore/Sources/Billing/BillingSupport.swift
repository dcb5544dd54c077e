import Foundation
import Hummingbird
import KisumKernel
import KisumPersistence
import PostgresNIO

/// What the billing handlers share: the provider, Stripe's settings (prices, webhook secret), the catalog,
/// the subscription rows and the activity feed.
struct BillingCore: Sendable {
    let database: Database
    let billing: any BillingProvider
    let stripe: PlatformCoreSettings.StripeSettings?
    let workspaces: WorkspaceRepository
    let appURL: String
    let trialDays: Int

    var catalog: BillingCatalogRepository { BillingCatalogRepository(database: database) }
    var subscriptions: BillingSubscriptionRepository { BillingSubscriptionRepository(logger: database.logger) }
    /// Stripe is configured: plan changes go through it. Otherwise they are recorded locally (no payment).
    var usesStripe: Bool { billing.name == "stripe" && stripe != nil }

    /// The caller with `billing.manage`; billing is never changed while impersonating someone.
    func manager(_ context: PlatformRequestContext) throws -> (companyID: UUID, userID: UUID, actor: String?) {
        let scope = try context.tenant(permission: Permission.billingManage)
        let identity = try context.requireIdentity()
        if identity.actor != nil {
            throw APIError.forbidden("impersonation_forbidden", "Billing cannot be changed while impersonating a user.")
        }
        return (scope.companyID, scope.userID, identity.actor)
    }

    func tier(_ key: String, in tiers: [BillingTier], field: String = "tier") throws -> BillingTier {
        guard let tier = tiers.first(where: { $0.key == key }) else {
            throw APIError.validation(field: field, code: "unknown_tier", message: "\(key) is not a tier.")
        }
        return tier
    }

    /// The Stripe price of a tier and period, or 422 when the deployment has not configured one.
    func price(_ tier: BillingTier, _ period: String) throws -> String {
        guard tier.purchasable else {
            throw APIError.validation(field: "tier", code: "tier_not_purchasable", message: "The \(tier.key) tier is not sold.")
        }
        guard let stripe else { throw APIError.providerNotConfigured("stripe") }
        guard let price = stripe.price(tier: tier.key, period: period) else {
            throw APIError.validation(field: "tier", code: "price_not_configured",
                                      message: "No Stripe price is configured for \(tier.key) (\(period)).")
        }
        return price
    }

    /// Copies the provider's view onto the stored row. The tier follows the price unless a downgrade is
    /// waiting for the period end (Stripe already bills the lower price then; the features stay until the date).
    func apply(_ p: ProviderSubscription, to s: inout StoredSubscription) {
        s.provider = "stripe"
        s.status = p.status
        s.stripeSubscriptionID = p.id
        s.stripeCustomerID = p.customerID ?? s.stripeCustomerID
        s.trialEndsAt = p.trialEnd ?? s.trialEndsAt
        s.currentPeriodStart = p.currentPeriodStart ?? s.currentPeriodStart
        s.currentPeriodEnd = p.currentPeriodEnd ?? s.currentPeriodEnd
        s.cancelAtPeriodEnd = p.cancelAtPeriodEnd
        s.canceledAt = p.canceledAt
        s.plan = p.priceID ?? s.plan
        if s.scheduledTier == nil, let price = p.priceID, let mapped = stripe?.tier(ofPrice: price),
           ["monthly", "yearly"].contains(mapped.period) {
            s.tier = mapped.tier
            s.billingPeriod = mapped.period
        }
    }

    func record(_ action: String, _ description: String, _ manager: (companyID: UUID, userID: UUID, actor: String?),
                on connection: PostgresConnection) async throws {
        try await workspaces.recordActivity(workspaceID: manager.companyID, userID: manager.userID, actor: manager.actor, action: action,
                                            entityType: "subscription", entityID: nil, description: description, on: connection)
    }

    /// Redirect targets must stay inside the web app: Stripe sends the browser there after paying.
    func redirectURL(_ value: String?, field: String, default path: String) throws -> String {
        guard let value else { return appURL + path }
        guard value.hasPrefix(appURL + "/") || value == appURL, URL(string: value) != nil else {
            throw APIError.validation(field: field, code: "invalid_redirect", message: "Must be a URL of the web app (\(appURL)).")
        }
        return value
    }
}

extension BillingTier {
    /// Upgrades apply now; downgrades (and monthly after yearly) wait for the end of the paid period.
    func isUpgrade(from old: BillingTier, _ oldPeriod: String, _ newPeriod: String) -> Bool {
        if rank != old.rank { return rank > old.rank }
        return newPeriod == "yearly" && oldPeriod != "yearly"
    }
}

/// The seat limit, enforced where a seat is taken: inviting someone (`InvitationService.invite`).
struct BillingLimits: Sendable {
    let database: Database

    /// 402 `seat_limit_reached` when the workspace's subscription (its tier, or free once lapsed) has no seat left for `email` (someone already holding
    /// a seat, such as a re-invited member, is not counted twice). Takes the workspace's seat lock.
    func requireSeat(workspaceID: UUID, email: String, on connection: PostgresConnection) async throws {
        // A workspace without any subscription (created through POST /workspaces, which starts none, or before
        // billing existed) is not billing-managed: limiting it would lock existing workspaces out of inviting.
        guard let subscription = try await BillingSubscriptionRepository(logger: database.logger).current(workspaceID: workspaceID, on: connection)
        else { return }
        let tier = BillingState(subscription).effectiveTier
        let catalog = BillingCatalogRepository(database: database)
        guard let limit = try await catalog.limit(tier: tier, type: "members", on: connection) else { return }
        let taken = try await catalog.seatsTakenByOthers(workspaceID: workspaceID, email: email, on: connection)
        if taken >= limit {
            throw APIError(.init(code: 402, reasonPhrase: "Payment Required"), code: "seat_limit_reached",
                           message: "The \(tier) plan includes \(limit) seats and all are taken; upgrade to invite more people.",
                           info: ["limit_type": "members", "limit": .number(Double(limit)), "usage": .number(Double(taken)),
                                  "tier": .string(tier)])
        }
    }
}

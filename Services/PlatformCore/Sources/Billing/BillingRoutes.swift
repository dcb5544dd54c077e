import Foundation
import Hummingbird
import KisumKernel

/// The Billing & Subscription group (`/api/v1/billing`): reads need `billing.read`, changes `billing.manage`
/// (owners by default); the tiers, the price-link checkout and the public setup intent are public, and
/// Stripe's webhook is authenticated by its signature.
struct BillingRoutes {
    let plans: BillingPlanHandlers
    let subscription: BillingSubscriptionHandlers
    let changes: BillingPlanChangeHandlers
    let checkout: BillingCheckoutHandlers
    let webhooks: StripeWebhookHandlers

    func addRoutes(to groups: PlatformRouteGroups) {
        let open = groups.open("/api/v1/billing")
        open.get("tiers", use: plans.tiers)
        open.get("checkout/{price_id}", use: checkout.priceRedirect)
        open.post("setup-intent/public", use: checkout.setupIntentPublic)
        open.post("webhooks/stripe", use: webhooks.receive)

        let api = groups.tenant("/api/v1/billing")
        api.get("features", use: plans.features)
        api.get("limits", use: plans.limits)
        api.get("usage/{limit_type}", use: plans.usage)
        api.get("usage/{limit_type}/events", use: plans.events)
        api.get("subscription", use: subscription.get)
        api.get("subscription/status", use: subscription.status)
        api.post("subscription", use: changes.create)
        api.post("subscription/cancel", use: subscription.cancel)
        api.post("subscription/reactivate", use: subscription.reactivate)
        api.post("subscription/end-trial", use: subscription.endTrial)
        api.post("subscription/change-plan", use: changes.changePlan)
        api.post("subscription/cancel-downgrade", use: subscription.cancelDowngrade)
        api.post("checkout", use: checkout.checkout)
        api.post("checkout/one-time", use: checkout.oneTime)
        api.post("setup-intent", use: checkout.setupIntent)
        api.get("portal", use: checkout.portal)
        api.get("invoices", use: checkout.invoices)
        api.get("invoices/upcoming", use: checkout.upcoming)
    }
}

extension PlatformServices {
    var billingRoutes: BillingRoutes {
        let core = BillingCore(database: database, billing: billing, stripe: settings.stripe, workspaces: workspaces,
                               appURL: settings.publicAppURL, trialDays: settings.trialDays)
        return BillingRoutes(
            plans: BillingPlanHandlers(core: core), subscription: BillingSubscriptionHandlers(core: core),
            changes: BillingPlanChangeHandlers(core: core),
            checkout: BillingCheckoutHandlers(core: core, publicLimiter: publicLimiter, clients: clients),
            webhooks: StripeWebhookHandlers(core: core, notifier: notifier))
    }
}

import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumTesting
@testable import PlatformCore
import NIOConcurrencyHelpers
import PostgresNIO
import Testing

/// Issue 11: "Stripe over HTTP, tested against the fake Stripe server the tests already start … checkout, setup
/// intents, plan change with proration preview, cancel at period end / reactivate, trial end, invoices, portal".
@Suite("Billing & Subscription: through Stripe")
struct BillingStripeTests {
    static let webhookSecret = "whsec_test_secret"

    static func harness(_ port: Int) async throws -> Harness {
        try await Harness.make {
            $0.stripe = .init(apiURL: "http://127.0.0.1:\(port)", secretKey: "sk_test_fake", priceID: "price_pro")
            $0.stripe?.webhookSecret = webhookSecret
            $0.stripe?.tierPrices = ["starter:monthly": "price_starter", "enterprise:monthly": "price_enterprise",
                                     "pro:one_time": "price_pro_once", "pro:yearly": "price_pro_year"]
        }
    }

    /// A workspace whose current subscription is Stripe's `sub_live1` (customer `cus_live1`).
    static func seedStripe(_ h: Harness, _ workspace: Workspace, status: String = "active") async throws {
        try await h.core.database.query("""
            INSERT INTO billing_subscriptions (workspace_id, provider, status, plan, tier, stripe_customer_id, stripe_subscription_id,
                                               current_period_start, current_period_end, trial_ends_at)
            VALUES (\(workspace.id), 'stripe', \(status), 'price_pro', 'pro', 'cus_live1', 'sub_live1', now() - interval '1 day',
                    now() + interval '29 days', now() + interval '2 days')
            """)
    }

    @Test func checkoutsOpenStripeSessionsForTheTiersPrices() async throws {
        let stripe = FakeStripe()
        try await withRunningApplication({ stripe.application(onRunning: $0) }) { port async throws in
            let h = try await Self.harness(port)
            let crew = try await AccessCrew.make(h)
            try await h.run { api async throws in
                let asOwner = crew.client(api, "owner")
                let checkout = try await asOwner.post("/api/v1/billing/checkout", ["tier": "starter"])
                #expect(checkout.status == .ok)
                #expect(checkout.json["checkout_url"] == "https://checkout.stripe.test/c/pay/cs_test_new")
                #expect(checkout.json["amount"] == 2900)
                #expect(checkout.json["trial_days"] == 3)
                let once = try await crew.client(api, "admin").post("/api/v1/billing/checkout/one-time", ["tier": "pro"])
                #expect(once.json["billing_period"] == "one_time")
                #expect(try await asOwner.post("/api/v1/billing/checkout/one-time", ["tier": "enterprise"]).errorDetailCodes == ["one_time_not_available"])
                #expect(try await asOwner.post("/api/v1/billing/checkout", ["tier": "pro", "billing_period": "yearly",
                                                                             "success_url": "https://evil.example/x"]).errorDetailCodes == ["invalid_redirect"])
                #expect(try await asOwner.post("/api/v1/billing/checkout", ["tier": "free"]).errorDetailCodes == ["tier_not_purchasable"])
                // "Requires workspace admin role": admins check out too (billing.manage is theirs by default), members do not.
                #expect(try await crew.client(api, "member").post("/api/v1/billing/checkout", ["tier": "pro"]).status == .forbidden)

                let link = try await api.get("/api/v1/billing/checkout/price_enterprise?ref=partner_1&days=0")
                #expect(link.status == .found)
                #expect(link.headers[.location] == "https://checkout.stripe.test/c/pay/cs_test_new")
                #expect(try await api.get("/api/v1/billing/checkout/price_unknown").status == .notFound)
                #expect(try await api.get("/api/v1/billing/checkout/price_pro?ref=a%20b").status == .badRequest)
                #expect(try await api.get("/api/v1/billing/checkout/price_pro?days=-1").status == .badRequest)
            }
            let sessions = stripe.recorded("/v1/checkout/sessions")
            #expect(sessions.count == 3)
            #expect(sessions[0].form["mode"] == "subscription")
            #expect(sessions[0].form["line_items[0][price]"] == "price_starter")
            #expect(sessions[0].form["subscription_data[trial_period_days]"] == "3")
            #expect(sessions[0].form["subscription_data[metadata][workspace_id]"] == crew.workspace.id.uuidString.lowercased())
            #expect(sessions[1].form["mode"] == "payment")
            #expect(sessions[1].form["line_items[0][price]"] == "price_pro_once")
            #expect(sessions[2].form["metadata[affiliate_code]"] == "partner_1")
            #expect(sessions[2].form["subscription_data[trial_period_days]"] == nil)
        }
    }

    @Test func setupIntentThenSubscriptionThenPortalAndInvoices() async throws {
        let stripe = FakeStripe()
        try await withRunningApplication({ stripe.application(onRunning: $0) }) { port async throws in
            let h = try await Self.harness(port)
            let crew = try await AccessCrew.make(h)
            try await h.run { api async throws in
                let asOwner = crew.client(api, "owner")
                let intent = try await asOwner.post("/api/v1/billing/setup-intent")
                #expect(intent.json["client_secret"] == "seti_123_secret_abc")
                #expect(intent.json["customer_id"] == "cus_new123")
                let publicIntent = try await api.post("/api/v1/billing/setup-intent/public", ["email": "Someone@Example.com"])
                #expect(publicIntent.json["setup_intent_id"] == "seti_123")
                #expect(try await api.post("/api/v1/billing/setup-intent/public", ["email": "not-an-email"]).status == .unprocessableContent)

                // No customer yet: the portal answers a checkout.
                let before = try await asOwner.get("/api/v1/billing/portal?tier=starter")
                #expect(before.json["type"] == "checkout")
                #expect(try await asOwner.get("/api/v1/billing/invoices").json == [])

                #expect(try await asOwner.post("/api/v1/billing/subscription", ["payment_method_id": "card"]).errorDetailCodes == ["invalid_payment_method"])
                let created = try await asOwner.post("/api/v1/billing/subscription", ["payment_method_id": "pm_card_visa", "tier": "pro"])
                #expect(created.status == .created)
                #expect(created.json["provider"] == "stripe")
                #expect(created.json["status"] == "trialing")
                #expect(try await asOwner.post("/api/v1/billing/subscription", ["payment_method_id": "pm_card_visa"]).errorCode == "subscription_exists")

                let portal = try await asOwner.get("/api/v1/billing/portal?return_url=http%3A%2F%2Flocalhost%3A8080%2Fsettings")
                #expect(portal.json["type"] == "portal")
                #expect(portal.json["url"] == "https://billing.stripe.test/p/session/bps_1")
                #expect(try await asOwner.get("/api/v1/billing/portal?return_url=https%3A%2F%2Fevil.example").errorDetailCodes == ["invalid_redirect"])
                let invoices = try await asOwner.get("/api/v1/billing/invoices?limit=5")
                #expect(invoices.json[0]?["amount_paid"] == 7900)
                #expect(invoices.json[0]?["currency"] == "EUR")
                let upcoming = try await crew.client(api, "admin").get("/api/v1/billing/invoices/upcoming")
                #expect(upcoming.json["amount_due"] == 7900)
                #expect(try await crew.client(api, "member").get("/api/v1/billing/invoices").status == .forbidden)
            }
            #expect(stripe.recorded("/v1/subscriptions")[0].form["trial_period_days"] == "3")
            #expect(stripe.recorded("/v1/billing_portal/sessions")[0].form["return_url"] == "http://localhost:8080/settings")
            #expect(stripe.recorded("/v1/invoices").count == 1)
        }
    }

    @Test func planChangesCancellationAndTrialEndGoThroughStripe() async throws {
        let stripe = FakeStripe()
        try await withRunningApplication({ stripe.application(onRunning: $0) }) { port async throws in
            let h = try await Self.harness(port)
            let crew = try await AccessCrew.make(h)
            stripe.addSubscription(status: "trialing", workspace: crew.workspace.id)
            try await Self.seedStripe(h, crew.workspace, status: "trialing")
            try await h.run { api async throws in
                let asOwner = crew.client(api, "owner")
                let up = try await asOwner.post("/api/v1/billing/subscription/change-plan", ["tier": "enterprise"])
                #expect(up.json["action"] == "upgraded")
                #expect(up.json["subscription"]?["tier"] == "enterprise")
                let down = try await asOwner.post("/api/v1/billing/subscription/change-plan", ["tier": "starter"])
                #expect(down.json["action"] == "scheduled")
                #expect(down.json["subscription"]?["tier"] == "enterprise")
                #expect(try await asOwner.post("/api/v1/billing/subscription/cancel-downgrade").json["scheduled_tier"] == .null)

                #expect(try await asOwner.post("/api/v1/billing/subscription/end-trial").json["status"] == "active")
                #expect(try await asOwner.post("/api/v1/billing/subscription/cancel").json["cancel_at_period_end"] == true)
                #expect(try await asOwner.post("/api/v1/billing/subscription/reactivate").json["cancel_at_period_end"] == false)
                // The subscription route syncs from Stripe: a change made at Stripe shows.
                stripe.subscriptions.withLockedValue { $0["sub_live1"]?.setStatus("past_due") }
                #expect(try await asOwner.get("/api/v1/billing/subscription").json["status"] == "past_due")
                #expect(try await asOwner.get("/api/v1/billing/subscription/status").json["requires_payment"] == true)
                #expect(try await asOwner.post("/api/v1/billing/subscription/cancel", ["cancel_immediately": true]).json["status"] == "canceled")
            }
            let updates = stripe.recorded("/v1/subscriptions/{id}").map(\.form)
            #expect(updates[0]["items[0][price]"] == "price_enterprise")
            #expect(updates[0]["items[0][id]"] == "si_item1")
            #expect(updates[0]["proration_behavior"] == "always_invoice")
            #expect(updates[1]["items[0][price]"] == "price_starter")
            #expect(updates[1]["proration_behavior"] == "none")
            #expect(updates[2]["items[0][price]"] == "price_enterprise")
            #expect(updates[3]["trial_end"] == "now")
            #expect(updates[4]["cancel_at_period_end"] == "true")
            #expect(updates[5]["cancel_at_period_end"] == "false")
            #expect(stripe.recorded("/v1/subscriptions/{id}:delete").count == 1)
        }
    }
}

extension JSONValue {
    mutating func setStatus(_ status: String) {
        if case .object(var object) = self {
            object["status"] = .string(status)
            self = .object(object)
        }
    }
}

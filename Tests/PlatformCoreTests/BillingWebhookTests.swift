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

/// Issue 11: "Stripe webhook intake with signature verification and idempotent event processing" — "Stripe
/// webhook events replayed twice change the subscription once; a forged signature is refused." Billing events
/// notify the workspace's owners and admins through the Notifier.
@Suite("Billing & Subscription: Stripe webhooks")
struct BillingWebhookTests {
    static func send(_ api: APITestClient, _ event: JSONValue, secret: String = BillingStripeTests.webhookSecret,
                     at time: Date = Date(), header: String? = nil) async throws -> TestResponse {
        let body = String(decoding: try JSONCoding.encoder.encode(event), as: UTF8.self)
        let signature = header ?? StripeSignature.header(payload: Array(body.utf8), timestamp: Int64(time.timeIntervalSince1970), secret: secret)
        return try await api.request(.post, "/api/v1/billing/webhooks/stripe", rawBody: body,
                                     headers: [HTTPField.Name("Stripe-Signature")!: signature])
    }

    static func event(_ id: String, _ type: String, _ object: JSONValue) -> JSONValue {
        ["id": .string(id), "object": "event", "type": .string(type), "created": 1_700_000_000, "data": ["object": object]]
    }

    @Test func aSignedEventIsAppliedOnceAndReplaysChangeNothing() async throws {
        let stripe = FakeStripe()
        try await withRunningApplication({ stripe.application(onRunning: $0) }) { port async throws in
            let h = try await BillingStripeTests.harness(port)
            let crew = try await AccessCrew.make(h)
            try await BillingStripeTests.seedStripe(h, crew.workspace)
            var object = stripe.addSubscription(workspace: crew.workspace.id).objectValue ?? [:]
            object["cancel_at_period_end"] = true
            object["items"] = ["data": [["id": "si_item1", "price": ["id": "price_starter"]]]]
            let event = Self.event("evt_update_1", "customer.subscription.updated", .object(object))
            object["status"] = "canceled"
            let deleted = Self.event("evt_delete_1", "customer.subscription.deleted", .object(object))
            try await h.run { api async throws in
                let first = try await Self.send(api, event)
                #expect(first.status == .ok)
                #expect(first.json["duplicate"] == false)
                #expect(first.json["outcome"] == "applied")
                let view = try await crew.client(api, "admin").get("/api/v1/billing/subscription/status")
                #expect(view.json["tier"] == "starter")
                #expect(try await h.count("SELECT count(*) FROM billing_subscriptions WHERE cancel_at_period_end AND tier = 'starter'") == 1)

                // Changed by hand in between: a replay must not write the event's state again.
                try await h.core.database.query("UPDATE billing_subscriptions SET cancel_at_period_end = false WHERE stripe_subscription_id = 'sub_live1'")
                for _ in 0..<2 {
                    let replay = try await Self.send(api, event)
                    #expect(replay.status == .ok)
                    #expect(replay.json["duplicate"] == true)
                }
                #expect(try await h.count("SELECT count(*) FROM billing_subscriptions WHERE cancel_at_period_end") == 0)
                #expect(try await h.count("SELECT count(*) FROM billing_stripe_events WHERE event_id = 'evt_update_1' AND outcome = 'applied'") == 1)

                // A subscription deleted at Stripe ends here too; an unknown type is recorded and ignored.
                #expect(try await Self.send(api, deleted).json["outcome"] == "applied")
                #expect(try await h.count("SELECT count(*) FROM billing_subscriptions WHERE status = 'canceled'") == 1)
                #expect(try await Self.send(api, Self.event("evt_other", "customer.created", ["id": "cus_x"])).json["outcome"] == "ignored")
            }
        }
    }

    @Test func forgedOldOrMalformedSignaturesAreRefused() async throws {
        let stripe = FakeStripe()
        try await withRunningApplication({ stripe.application(onRunning: $0) }) { port async throws in
            let h = try await BillingStripeTests.harness(port)
            let event = Self.event("evt_forged", "invoice.payment_failed", ["id": "in_1", "subscription": "sub_live1"])
            try await h.run { api async throws in
                let forged = try await Self.send(api, event, secret: "whsec_someone_else")
                #expect(forged.status == .unauthorized)
                #expect(forged.errorCode == "signature_invalid")
                let old = try await Self.send(api, event, at: Date().addingTimeInterval(-600))
                #expect(old.status == .unauthorized)
                #expect(old.errorCode == "signature_expired")
                #expect(try await Self.send(api, event, header: "t=1,v0=abc").errorCode == "signature_malformed")
                #expect(try await Self.send(api, event, header: "").errorCode == "signature_missing")
                let unsigned = try await api.request(.post, "/api/v1/billing/webhooks/stripe", rawBody: "{}")
                #expect(unsigned.status == .badRequest)
                #expect(unsigned.errorCode == "signature_missing")
                #expect(try await Self.send(api, ["id": "evt_no_type"]).errorCode == "invalid_event")
                #expect(try await h.count("SELECT count(*) FROM billing_stripe_events") == 0)
            }
        }
    }

    @Test func paymentFailuresAndTrialEndsNotifyOwnersAndAdmins() async throws {
        let stripe = FakeStripe()
        try await withRunningApplication({ stripe.application(onRunning: $0) }) { port async throws in
            let h = try await BillingStripeTests.harness(port)
            let crew = try await AccessCrew.make(h)
            try await BillingStripeTests.seedStripe(h, crew.workspace)
            try await h.run { api async throws in
                let failed = Self.event("evt_failed_1", "invoice.payment_failed",
                                        ["id": "in_9", "object": "invoice", "subscription": "sub_live1", "customer": "cus_live1",
                                         "amount_due": 7900, "currency": "eur"])
                #expect(try await Self.send(api, failed).json["outcome"] == "notified")
                #expect(try await Self.send(api, failed).json["duplicate"] == true)
                #expect(try await h.count("SELECT count(*) FROM billing_subscriptions WHERE status = 'past_due'") == 1)
                #expect(try await h.count("SELECT count(*) FROM notifications WHERE type = 'billing.payment_failed'") == 2)
                let inbox = try await crew.client(api, "owner").get("/api/v1/notifications")
                #expect(inbox.text.contains("EUR 79.00"))
                #expect(try await h.count("SELECT count(*) FROM notifications WHERE type = 'billing.payment_failed' AND user_id IN ('\(crew.member.id)', '\(crew.viewer.id)')") == 0)

                let paid = Self.event("evt_paid_1", "invoice.paid", ["id": "in_9", "subscription": "sub_live1"])
                #expect(try await Self.send(api, paid).json["outcome"] == "applied")
                #expect(try await h.count("SELECT count(*) FROM billing_subscriptions WHERE status = 'active'") == 1)

                let ending = Self.event("evt_trial_1", "customer.subscription.trial_will_end",
                                        ["id": "sub_live1", "customer": "cus_live1", "status": "trialing", "trial_end": 1_900_000_000])
                #expect(try await Self.send(api, ending).json["outcome"] == "notified")
                #expect(try await h.count("SELECT count(*) FROM notifications WHERE type = 'billing.trial_ending' AND workspace_id = '\(crew.workspace.id)'") == 2)
                #expect(try await h.count("SELECT count(*) FROM billing_stripe_events WHERE workspace_id = '\(crew.workspace.id)'") == 3)
            }
        }
    }
}

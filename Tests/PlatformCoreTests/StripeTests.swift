import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumTesting
import NIOConcurrencyHelpers
import PlatformCore
import Testing

/// Billing through Stripe's HTTP API, against a fake Stripe started in the test.
@Suite("Authentication: Stripe signup and payment invites")
struct StripeTests {
    func harness(_ port: Int) async throws -> Harness {
        try await Harness.make {
            $0.stripe = .init(apiURL: "http://127.0.0.1:\(port)", secretKey: "sk_test_fake", priceID: "price_pro")
        }
    }

    static let signup: JSONValue = ["email": "payer@example.com", "password": "a long enough password", "full_name": "Pat Payer",
                                    "company_name": "Pat's Club"]

    @Test func signupWithAPaymentMethodSubscribesWithATrial() async throws {
        let stripe = FakeStripe()
        try await withRunningApplication({ stripe.application(onRunning: $0) }) { port async throws in
            let h = try await harness(port)
            try await h.run { api async throws in
                var body = Self.signup.objectValue!
                body["payment_method_id"] = "pm_card_visa"
                let r = try await api.post("/api/v1/auth/signup", .object(body))
                #expect(r.status == .created)
                #expect(r.json["subscription"]?["provider"] == "stripe")
                #expect(r.json["subscription"]?["status"] == "trialing")
                #expect(r.json["checkout_url"] == .null)
                #expect(try await h.count("SELECT count(*) FROM billing_subscriptions WHERE stripe_subscription_id = 'sub_new123' AND stripe_customer_id = 'cus_new123'") == 1)
            }
            let customer = stripe.recorded("/v1/customers")[0]
            #expect(customer.form["email"] == "payer@example.com")
            #expect(customer.authorization == "Bearer sk_test_fake")
            #expect(customer.idempotencyKey?.hasPrefix("signup-") == true)
            let subscription = stripe.recorded("/v1/subscriptions")[0]
            #expect(subscription.form["items[0][price]"] == "price_pro")
            #expect(subscription.form["trial_period_days"] == "3")
            #expect(subscription.form["default_payment_method"] == "pm_card_visa")
            #expect(stripe.recorded("/v1/payment_methods/attach").count == 1)
        }
    }

    @Test func signupWithoutAPaymentMethodReturnsTheCheckoutURL() async throws {
        let stripe = FakeStripe()
        try await withRunningApplication({ stripe.application(onRunning: $0) }) { port async throws in
            let h = try await harness(port)
            try await h.run { api async throws in
                let r = try await api.post("/api/v1/auth/signup", Self.signup)
                #expect(r.status == .created)
                #expect(r.json["checkout_url"] == "https://checkout.stripe.test/c/pay/cs_test_new")
                #expect(r.json["subscription"]?["status"] == "incomplete")
            }
            let checkout = stripe.recorded("/v1/checkout/sessions")[0]
            #expect(checkout.form["mode"] == "subscription")
            #expect(checkout.form["subscription_data[trial_period_days]"] == "3")
            #expect(checkout.form["success_url"]?.contains("{CHECKOUT_SESSION_ID}") == true)
        }
    }

    @Test func aDeclinedCardOrAnUnreachableStripeLeavesNothingBehind() async throws {
        let stripe = FakeStripe()
        stripe.subscriptionFailure.withLockedValue {
            $0 = (402, #"{"error":{"type":"card_error","code":"card_declined","message":"Your card was declined."}}"#)
        }
        try await withRunningApplication({ stripe.application(onRunning: $0) }) { port async throws in
            let h = try await harness(port)
            try await h.run { api async throws in
                var body = Self.signup.objectValue!
                body["payment_method_id"] = "pm_card_declined"
                let declined = try await api.post("/api/v1/auth/signup", .object(body))
                #expect(declined.status == .unprocessableContent)
                #expect(declined.errorCode == "billing_rejected")
                #expect(declined.json["error"]?["message"] == "Your card was declined.")
                #expect(try await h.count("SELECT count(*) FROM users") == 0)
                #expect(try await h.count("SELECT count(*) FROM workspaces") == 0)
            }
        }
        // Stripe down.
        let h = try await Harness.make { $0.stripe = .init(apiURL: "http://127.0.0.1:9", secretKey: "sk_test_fake", priceID: "price_pro") }
        try await h.run { api async throws in
            let down = try await api.post("/api/v1/auth/signup", Self.signup)
            #expect(down.status == .serviceUnavailable)
            #expect(down.errorCode == "billing_unavailable")
            #expect(try await h.count("SELECT count(*) FROM users") == 0)
        }
    }

    @Test func inviteDetailsLookupAndSignupRedeemOnce() async throws {
        let stripe = FakeStripe()
        let code = stripe.addPaidCheckout(email: "Paid@Example.com", accessCode: "XK-42")
        try await withRunningApplication({ stripe.application(onRunning: $0) }) { port async throws in
            let h = try await harness(port)
            try await h.run { api async throws in
                let details = try await api.get("/api/v1/auth/signup/stripe-invite/\(code)")
                #expect(details.status == .ok)
                #expect(details.json["email"] == "paid@example.com")
                #expect(details.json["used"] == false)
                #expect(details.json["plan"] == "price_pro")
                #expect(try await api.get("/api/v1/auth/signup/stripe-invite/cs_test_unknown0000").errorCode == "invite_not_found")
                #expect(try await api.get("/api/v1/auth/signup/stripe-invite/..%2Fv1%2Fcustomers").status == .notFound)

                let lookup = try await api.post("/api/v1/auth/payment-invite/lookup", ["email": "paid@example.com", "access_code": "XK-42"])
                #expect(lookup.json["invite_code"]?.string == code)
                #expect(try await api.post("/api/v1/auth/payment-invite/lookup", ["email": "paid@example.com", "access_code": "wrong"]).status == .notFound)
                #expect(try await api.post("/api/v1/auth/payment-invite/lookup", ["email": "other@example.com"]).status == .notFound)
                #expect(try await api.post("/api/v1/auth/payment-invite/lookup", ["email": "bad"]).status == .unprocessableContent)

                let mismatch = try await api.post("/api/v1/auth/signup/stripe-invite", ["invite_code": .string(code), "email": "someone@example.com",
                                                                                        "password": "a long enough password", "company_name": "X"])
                #expect(mismatch.errorCode == "validation_failed")
                #expect(try await api.post("/api/v1/auth/signup/stripe-invite", ["invite_code": .string(code), "company_name": "X"]).status
                    == .unprocessableContent)

                let created = try await api.post("/api/v1/auth/signup/stripe-invite", ["invite_code": .string(code), "password": "a long enough password",
                                                                                       "company_name": "Paid Club"])
                #expect(created.status == .created)
                #expect(created.json["user"]?["email"] == "paid@example.com")
                #expect(created.json["user"]?["full_name"] == "Paid Person")
                #expect(created.json["subscription"]?["provider"] == "stripe")
                #expect(created.json["subscription"]?["status"] == "trialing")
                #expect(try await h.count("SELECT count(*) FROM billing_subscriptions WHERE stripe_subscription_id = 'sub_paid123'") == 1)

                let again = try await api.post("/api/v1/auth/signup/stripe-invite", ["invite_code": .string(code), "email": "paid@example.com",
                                                                                     "password": "a long enough password", "company_name": "Again"])
                #expect(again.status == .conflict)
                #expect(again.errorCode == "invite_used")
                #expect(try await api.get("/api/v1/auth/signup/stripe-invite/\(code)").json["used"] == true)
                #expect(try await api.post("/api/v1/auth/payment-invite/lookup", ["email": "paid@example.com", "access_code": "XK-42"]).status == .notFound)
            }
        }
    }

    @Test func clerkUsersSignUpWithAnInviteWithoutAPassword() async throws {
        let stripe = FakeStripe()
        let code = stripe.addPaidCheckout(email: "social@example.com")
        try await withRunningApplication({ stripe.application(onRunning: $0) }) { port async throws in
            let h = try await harness(port)
            try await h.run { api async throws in
                let created = try await api.post("/api/v1/auth/signup/stripe-invite", ["invite_code": .string(code), "clerk_id": "user_social",
                                                                                       "company_name": "Social Club"])
                #expect(created.status == .created)
                #expect(created.json["user"]?["has_password"] == false)
                #expect(try await h.count("SELECT count(*) FROM users WHERE clerk_id = 'user_social'") == 1)
            }
        }
    }

    /// The async signup streams real steps over Server-Sent Events and ends with tokens, handed out once.
    @Test func asyncSignupStreamsProgressAndEndsWithTokens() async throws {
        let stripe = FakeStripe()
        let code = stripe.addPaidCheckout(email: "async@example.com")
        try await withRunningApplication({ stripe.application(onRunning: $0) }) { port async throws in
            let h = try await harness(port)
            try await h.run { api async throws in
                let started = try await api.post("/api/v1/auth/signup/stripe-invite/async", ["invite_code": .string(code),
                                                                                             "password": "a long enough password",
                                                                                             "company_name": "Async Hall"])
                #expect(started.status == .ok)
                let jobID = try #require(started.json["job_id"]?.string)
                #expect(started.json["stream_url"]?.string?.hasSuffix("/api/v1/auth/signup/jobs/\(jobID.lowercased())/stream") == true)

                let stream = try await api.get("/api/v1/auth/signup/jobs/\(jobID)/stream")
                #expect(stream.status == .ok)
                #expect(stream.headers[.contentType]?.hasPrefix("text/event-stream") == true)
                let events = Self.events(stream.text)
                #expect(events.last?.name == "completed")
                let final = events.last!.data
                #expect(final["status"] == "COMPLETED")
                #expect(final["progress"] == 100)
                #expect(final["result"]?["workspace_name"] == "Async Hall")
                let access = final["result"]?["access_token"]?.string
                #expect(access != nil)
                #expect(try await api.with(token: access).get("/api/v1/auth/me").json["user"]?["email"] == "async@example.com")
                // Every step name shown is a real provisioning step.
                let steps = Set(events.compactMap { $0.data["current_step"]?.string })
                #expect(steps.isSubset(of: Set(["validating", "validating_invite", "hashing_password", "creating_user", "creating_workspace",
                                                "seeding_permissions", "linking_subscription", "sending_verification_email", "issuing_tokens",
                                                "completed", "queued"])))
                // The tokens are delivered once and no longer stored.
                let replay = Self.events(try await api.get("/api/v1/auth/signup/jobs/\(jobID)/stream").text)
                #expect(replay.last?.data["result"]?["access_token"] == nil)
                #expect(try await h.count("SELECT count(*) FROM signup_jobs WHERE result_sealed IS NOT NULL") == 0)
                #expect(try await api.get("/api/v1/auth/signup/jobs/\(UUID())/stream").status == .notFound)
            }
        }
    }

    @Test func aFailingAsyncSignupEndsWithAFailedEvent() async throws {
        let stripe = FakeStripe()
        let code = stripe.addPaidCheckout(email: "taken@example.com")
        try await withRunningApplication({ stripe.application(onRunning: $0) }) { port async throws in
            let h = try await harness(port)
            try await h.user("taken@example.com")
            try await h.run { api async throws in
                let started = try await api.post("/api/v1/auth/signup/stripe-invite/async", ["invite_code": .string(code),
                                                                                             "password": "a long enough password", "company_name": "X"])
                let events = Self.events(try await api.get("/api/v1/auth/signup/jobs/\(started.json["job_id"]!.string!)/stream").text)
                #expect(events.last?.name == "failed")
                #expect(events.last?.data["error"]?["code"] == "email_taken")
                #expect(try await api.post("/api/v1/auth/signup/stripe-invite/async", ["company_name": "X"]).status == .unprocessableContent)
            }
        }
    }

    @Test func withoutStripeTheInviteFlowsAreUnavailable() async throws {
        let h = try await Harness.make()
        try await h.run { api async throws in
            #expect(try await api.get("/api/v1/auth/signup/stripe-invite/cs_test_abcdefghijk").errorCode == "provider_not_configured")
            #expect(try await api.post("/api/v1/auth/payment-invite/lookup", ["email": "a@example.com"]).status == .serviceUnavailable)
            #expect(try await api.post("/api/v1/auth/signup/stripe-invite", ["invite_code": "cs_test_abcdefghijk", "password": "a long enough password",
                                                                             "company_name": "X"]).errorCode == "provider_not_configured")
        }
    }

    struct Event { var name: String; var data: JSONValue }

    static func events(_ text: String) -> [Event] {
        text.components(separatedBy: "\n\n").compactMap { block in
            var name = "message", data = ""
            for line in block.split(separator: "\n") {
                if line.hasPrefix("event: ") { name = String(line.dropFirst(7)) }
                if line.hasPrefix("data: ") { data += line.dropFirst(6) }
            }
            guard !data.isEmpty, let json = try? JSONCoding.decoder.decode(JSONValue.self, from: Data(data.utf8)) else { return nil }
            return Event(name: name, data: json)
        }
    }
}

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

/// Issue 11: "Billing & Subscription over the existing BillingProvider … tiers with features and limits, usage
/// counted from real data (members, API keys, workspaces …), limits enforced where the spec implies them (402 or
/// 403 with a stable code) …". These run in local mode (no Stripe): subscriptions are recorded, nothing is charged.
@Suite("Billing & Subscription: tiers, usage, limits (local mode)")
struct BillingTests {
    /// A local trial of `tier`, as signup records one.
    static func seedTrial(_ h: Harness, _ workspace: Workspace, tier: String = "pro", status: String = "trialing",
                          periodEnd: Date? = nil) async throws {
        try await h.core.database.query("""
            INSERT INTO billing_subscriptions (workspace_id, provider, status, plan, tier, trial_ends_at, current_period_start, current_period_end)
            VALUES (\(workspace.id), 'local', \(status), 'local-trial', \(tier), now() + interval '3 days', now() - interval '1 day', \(periodEnd))
            """)
    }

    @Test func tiersArePublicWithPricesInMinorUnitsFeaturesAndLimits() async throws {
        let h = try await Harness.make()
        try await h.run { api async throws in
            let r = try await api.get("/api/v1/billing/tiers")
            #expect(r.status == .ok)
            #expect(r.totalCount == 4)
            let tiers = r.json.arrayValue ?? []
            #expect(tiers.compactMap { $0["key"]?.stringValue } == ["free", "starter", "pro", "enterprise"])
            #expect(tiers[2]["monthly_amount"] == 7900)
            #expect(tiers[2]["currency"] == "EUR")
            #expect(tiers[2]["features"]?.strings.contains("webhooks") == true)
            #expect(tiers[0]["limits"]?["members"] == 3)
            #expect(tiers[3]["limits"]?["members"] == .null)
            #expect(tiers[0]["purchasable"] == false)
        }
    }

    @Test func featuresLimitsAndUsageFollowTheEffectiveTierAndRealData() async throws {
        let h = try await Harness.make()
        let crew = try await AccessCrew.make(h)
        let strangerOwner = try await h.user()
        let stranger = try await h.workspace(owner: strangerOwner)
        try await h.run { api async throws in
            let asAdmin = crew.client(api, "admin")
            // No subscription: the free tier.
            let features = try await asAdmin.get("/api/v1/billing/features")
            #expect(features.status == .ok)
            let byKey = Dictionary(uniqueKeysWithValues: (features.json.arrayValue ?? []).compactMap { f in f["key"]?.stringValue.map { ($0, f) } })
            #expect(byKey["core"]?["enabled"] == true)
            #expect(byKey["webhooks"]?["enabled"] == false)
            #expect(byKey["webhooks"]?["available_from"] == "pro")

            #expect(try await asAdmin.post("/api/v1/teams", ["name": "Bookers"]).status == .created)
            let limits = try await asAdmin.get("/api/v1/billing/limits")
            #expect(limits.status == .ok)
            let members = (limits.json.arrayValue ?? []).first { $0["limit_type"] == "members" }
            #expect(members?["usage"] == 4)
            #expect(members?["limit"] == 3)
            #expect(members?["remaining"] == 0)
            #expect(members?["allowed"] == false)
            #expect(members?["percentage"] == 100)

            let teams = try await asAdmin.get("/api/v1/billing/usage/teams")
            #expect(teams.json["usage"] == 1)
            #expect(teams.json["limit"] == 1)
            let events = try await asAdmin.get("/api/v1/billing/usage/teams/events?limit=10")
            #expect(events.status == .ok)
            #expect(events.json["total"] == 1)
            #expect(events.json["items"]?[0]?["description"] == "Team Bookers")
            #expect(events.json["items"]?[0]?["user_email"] == .string(crew.admin.email))

            // A trial of Pro switches the features and limits.
            try await Self.seedTrial(h, crew.workspace)
            let pro = try await asAdmin.get("/api/v1/billing/usage/members")
            #expect(pro.json["limit"] == 50)
            #expect(pro.json["tier"] == "pro")

            // Validation and errors.
            #expect(try await asAdmin.get("/api/v1/billing/usage/venues").status == .notFound)
            #expect(try await asAdmin.get("/api/v1/billing/usage/teams/events").json["limit"] == 50)
            #expect(try await asAdmin.get("/api/v1/billing/usage/teams/events?limit=0").errorCode == "invalid_query")
            #expect(try await asAdmin.get("/api/v1/billing/usage/teams/events?offset=x").status == .badRequest)
            let denied = try await crew.client(api, "member").get("/api/v1/billing/limits")
            #expect(denied.status == .forbidden)
            #expect(denied.errorCode == "permission_denied")

            // Another workspace sees only its own data; a workspace the caller is not in is refused.
            let asStranger = api.with(token: try await h.token(for: strangerOwner)).workspaceHeader(stranger.id)
            #expect(try await asStranger.get("/api/v1/billing/usage/teams/events").json["total"] == 0)
            #expect(try await asStranger.get("/api/v1/billing/subscription").json["status"] == "none")
            #expect(try await asStranger.get("/api/v1/billing/usage/members").json["usage"] == 1)
            #expect(try await api.with(token: try await h.token(for: strangerOwner)).workspaceHeader(crew.workspace.id)
                .get("/api/v1/billing/limits").status == .forbidden)
        }
    }

    /// "limits enforced where the spec implies them": inviting past the seat limit is 402 `seat_limit_reached`,
    /// nothing is created; a bigger plan makes room. Workspaces without any subscription are not billing-managed.
    @Test func invitingPastTheSeatLimitIsRefusedUntilThePlanGrows() async throws {
        let h = try await Harness.make()
        let owner = try await h.user()
        let workspace = try await h.workspace(owner: owner)
        try await h.addMember(try await h.user(), to: workspace, role: "member")
        try await h.addMember(try await h.user(), to: workspace, role: "viewer")
        try await h.run { api async throws in
            let asOwner = api.with(token: try await h.token(for: owner)).workspaceHeader(workspace.id)
            // Not billing-managed yet (no subscription at all): not limited.
            #expect(try await asOwner.post("/api/v1/workspaces/\(workspace.id)/invite-link", ["email": "early@example.com"]).status == .ok)
            _ = try await asOwner.post("/api/v1/workspaces/invitations/cancel", ["workspace_id": .string(workspace.id.uuidString), "email": "early@example.com"])
            // A canceled subscription falls back to the free tier: three seats, all taken.
            try await Self.seedTrial(h, workspace, status: "canceled")
            let refused = try await asOwner.post("/api/v1/workspaces/\(workspace.id)/invite-link", ["email": "fourth@example.com", "role": "member"])
            #expect(refused.status.code == 402)
            #expect(refused.errorCode == "seat_limit_reached")
            #expect(refused.json["error"]?["info"]?["limit"] == 3)
            #expect(try await h.count("SELECT count(*) FROM invitations WHERE workspace_id = '\(workspace.id)' AND status = 'pending'") == 0)

            let upgraded = try await asOwner.post("/api/v1/billing/subscription/change-plan", ["tier": "starter"])
            #expect(upgraded.status == .ok)
            #expect(upgraded.json["action"] == "upgraded")
            #expect(upgraded.json["subscription"]?["provider"] == "local")
            #expect(upgraded.json["subscription"]?["tier"] == "starter")
            let invited = try await asOwner.post("/api/v1/workspaces/\(workspace.id)/invite-link", ["email": "fourth@example.com", "role": "member"])
            #expect(invited.status == .ok)
        }
    }

    /// Local mode is honest: what needs a payment provider answers 503 `provider_not_configured`; the invoice
    /// list is empty because nothing was ever invoiced.
    @Test func localModeRefusesWhatNeedsStripe() async throws {
        let h = try await Harness.make()
        let crew = try await AccessCrew.make(h)
        try await h.run { api async throws in
            let asOwner = crew.client(api, "owner")
            for (method, path, body) in [(HTTPRequest.Method.post, "/api/v1/billing/checkout", ["tier": "pro"] as JSONValue),
                                         (.post, "/api/v1/billing/checkout/one-time", ["tier": "pro"]),
                                         (.post, "/api/v1/billing/setup-intent", nil),
                                         (.post, "/api/v1/billing/subscription", ["payment_method_id": "pm_card_visa"]),
                                         (.get, "/api/v1/billing/portal", nil),
                                         (.get, "/api/v1/billing/invoices/upcoming", nil)] {
                let r = try await asOwner.request(method, path, json: body)
                #expect(r.status == .serviceUnavailable, "\(path)")
                #expect(r.errorCode == "provider_not_configured", "\(path)")
            }
            #expect(try await api.post("/api/v1/billing/setup-intent/public", ["email": "a@example.com"]).errorCode == "provider_not_configured")
            #expect(try await api.get("/api/v1/billing/checkout/price_pro").errorCode == "provider_not_configured")
            // An unsigned request is no Stripe event whatever is configured; a signed one finds no secret to check it with.
            #expect(try await api.post("/api/v1/billing/webhooks/stripe", ["id": "evt_1"]).errorCode == "signature_missing")
            #expect(try await api.with(header: "Stripe-Signature", "t=1,v1=00").post("/api/v1/billing/webhooks/stripe", ["id": "evt_1"]).errorCode
                    == "provider_not_configured")
            let invoices = try await asOwner.get("/api/v1/billing/invoices")
            #expect(invoices.status == .ok)
            #expect(invoices.json == [])
            // Validation still comes first.
            #expect(try await asOwner.post("/api/v1/billing/checkout", ["tier": "gold"]).errorCode == "validation_failed")
            #expect(try await asOwner.request(.post, "/api/v1/billing/checkout", rawBody: "{").status == .badRequest)
            #expect(try await asOwner.get("/api/v1/billing/invoices?limit=0").status == .badRequest)
            #expect(try await crew.client(api, "member").post("/api/v1/billing/checkout", ["tier": "pro"]).errorCode == "permission_denied")
            #expect(try await crew.client(api, "admin").post("/api/v1/billing/checkout", ["tier": "pro"]).errorCode == "provider_not_configured")
        }
    }

    /// The tiers' Stripe prices and the webhook secret come from the environment; a malformed list is reported at start.
    @Test func stripeBillingSettingsAreReadFromTheEnvironment() throws {
        var env = EnvironmentReader([
            "SIGNING_KEY_ENCRYPTION_KEY": Data(repeating: 7, count: 32).base64EncodedString(),
            "STRIPE_SECRET_KEY": "sk_test_x", "STRIPE_PRICE_ID": "price_pro", "STRIPE_WEBHOOK_SECRET": "whsec_x",
            "STRIPE_TIER_PRICES": "starter:monthly=price_s, pro:yearly=price_py",
        ])
        let stripe = try #require(PlatformCoreSettings.load(from: &env).stripe)
        try env.validate(service: "platform-core")
        #expect(stripe.webhookSecret == "whsec_x")
        #expect(stripe.webhookTolerance == 300)
        #expect(stripe.price(tier: "starter", period: "monthly") == "price_s")
        #expect(stripe.price(tier: "pro", period: "monthly") == "price_pro")
        #expect(stripe.price(tier: "enterprise", period: "monthly") == nil)
        #expect(stripe.tier(ofPrice: "price_py")?.period == "yearly")
        #expect(stripe.tier(ofPrice: "price_pro")?.tier == "pro")

        var bad = EnvironmentReader(["STRIPE_SECRET_KEY": "sk_test_x", "STRIPE_PRICE_ID": "price_pro", "STRIPE_TIER_PRICES": "starter=price_s"])
        _ = PlatformCoreSettings.load(from: &bad)
        #expect(bad.problems.contains { $0.contains("STRIPE_TIER_PRICES must look like") })
    }

    /// The proration preview: credit for the unused part of the period, the new price for the rest of it.
    @Test func prorationCreditsTheUnusedPartOfThePeriod() {
        let tiers = ["a": 3000, "b": 9000].map { key, amount in
            BillingTier(key: key, name: key, description: "", rank: amount, currency: "EUR", monthlyAmount: Int64(amount),
                        yearlyAmount: Int64(amount * 10), oneTimeAmount: nil, durationMonths: nil, purchasable: true, features: [], limits: [:])
        }.sorted { $0.rank < $1.rank }
        let now = Date()
        let half = ProrationPreview.compute(from: tiers[0], "monthly", to: tiers[1], "monthly", periodStart: now.addingTimeInterval(-86_400 * 15),
                                            periodEnd: now.addingTimeInterval(86_400 * 15), now: now)
        #expect(half.credit == 1500 && half.charge == 4500 && half.amountDue == 3000)
        let yearly = ProrationPreview.compute(from: tiers[0], "monthly", to: tiers[0], "yearly", periodStart: nil, periodEnd: nil, now: now)
        #expect(yearly.credit == 0 && yearly.amountDue == 30000)
        #expect(StripeSignature.constantTimeEqual([1, 2, 3], [1, 2, 3]))
        #expect(!StripeSignature.constantTimeEqual([1, 2, 3], [1, 2, 4]))
        #expect(!StripeSignature.constantTimeEqual([1, 2], [1, 2, 3]))
    }
}

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

/// Issue 11: "plan change with proration preview, cancel at period end / reactivate, trial end". Local mode:
/// each change is recorded (no payment collected) with the row locked, and lands in the activity feed.
@Suite("Billing & Subscription: the subscription lifecycle (local mode)")
struct BillingSubscriptionTests {
    @Test func statusAndSubscriptionDescribeTheStoredState() async throws {
        let h = try await Harness.make()
        let crew = try await AccessCrew.make(h)
        try await h.run { api async throws in
            let asAdmin = crew.client(api, "admin")
            let none = try await asAdmin.get("/api/v1/billing/subscription/status")
            #expect(none.status == .ok)
            #expect(none.json["status"] == "none")
            #expect(none.json["tier"] == "free")
            #expect(none.json["is_active"] == true)

            try await BillingTests.seedTrial(h, crew.workspace)
            let trial = try await asAdmin.get("/api/v1/billing/subscription")
            #expect(trial.json["provider"] == "local")
            #expect(trial.json["status"] == "trialing")
            #expect(trial.json["is_trial"] == true)
            #expect(trial.json["amount"] == 7900)
            #expect(trial.json["currency"] == "EUR")

            // A local trial that ran out falls back to the free tier and asks for a plan.
            try await h.core.database.query("UPDATE billing_subscriptions SET trial_ends_at = now() - interval '1 hour' WHERE workspace_id = \(crew.workspace.id)")
            let lapsed = try await asAdmin.get("/api/v1/billing/subscription/status")
            #expect(lapsed.json["is_active"] == false)
            #expect(lapsed.json["requires_payment"] == true)
            #expect(lapsed.json["tier"] == "free")
            #expect(try await crew.client(api, "member").get("/api/v1/billing/subscription").status == .forbidden)
        }
    }

    @Test func planChangesUpgradeNowAndDowngradeAtThePeriodEnd() async throws {
        let h = try await Harness.make()
        let crew = try await AccessCrew.make(h)
        try await h.run { api async throws in
            let asOwner = crew.client(api, "owner")
            try await BillingTests.seedTrial(h, crew.workspace, status: "active", periodEnd: Date().addingTimeInterval(15 * 86_400))
            let path = "/api/v1/billing/subscription/change-plan"

            let preview = try await asOwner.post(path, ["tier": "enterprise", "preview_only": true])
            #expect(preview.json["action"] == "preview")
            let amountDue = preview.json["proration"]?["amount_due"]?.doubleValue ?? 0
            #expect(amountDue > 0 && amountDue < 24_900 - 7_900)
            #expect(try await h.count("SELECT count(*) FROM billing_subscriptions WHERE tier = 'enterprise'") == 0)

            let up = try await asOwner.post(path, ["tier": "enterprise"])
            #expect(up.status == .ok)
            #expect(up.json["action"] == "upgraded")
            #expect(up.json["is_scheduled"] == false)
            #expect(up.json["subscription"]?["tier"] == "enterprise")

            let down = try await asOwner.post(path, ["tier": "starter", "billing_period": "monthly"])
            #expect(down.json["action"] == "scheduled")
            #expect(down.json["is_scheduled"] == true)
            #expect(down.json["effective_date"] != .null)
            #expect(down.json["subscription"]?["tier"] == "enterprise")
            #expect(down.json["subscription"]?["scheduled_tier"] == "starter")

            let kept = try await asOwner.post("/api/v1/billing/subscription/cancel-downgrade")
            #expect(kept.status == .ok)
            #expect(kept.json["scheduled_tier"] == .null)
            #expect(try await asOwner.post("/api/v1/billing/subscription/cancel-downgrade").errorCode == "no_scheduled_downgrade")

            // A scheduled downgrade applies once its date has passed.
            _ = try await asOwner.post(path, ["tier": "starter"])
            try await h.core.database.query("UPDATE billing_subscriptions SET scheduled_change_at = now() - interval '1 minute' WHERE workspace_id = \(crew.workspace.id)")
            #expect(try await asOwner.get("/api/v1/billing/subscription").json["tier"] == "starter")

            #expect(try await asOwner.post(path, ["tier": "starter"]).errorCode == "same_plan")
            #expect(try await asOwner.post(path, ["tier": "gold"]).errorDetailCodes == ["unknown_tier"])
            #expect(try await asOwner.post(path, ["tier": "free"]).errorDetailCodes == ["tier_not_purchasable"])
            #expect(try await asOwner.post(path, ["tier": "pro", "billing_period": "weekly"]).errorDetailCodes == ["invalid_choice"])
            #expect(try await asOwner.post(path, [:]).errorDetailCodes == ["required"])
            #expect(try await asOwner.request(.post, path, rawBody: "[1").status == .badRequest)
            let member = try await crew.client(api, "member").post(path, ["tier": "pro"])
            #expect(member.status == .forbidden)
            #expect(member.errorCode == "permission_denied")
            // Admins hold billing.manage by default: they reach the plan rules like the owner.
            #expect(try await crew.client(api, "admin").post(path, ["tier": "starter"]).errorCode == "same_plan")
            #expect(try await h.count("SELECT count(*) FROM activity WHERE workspace_id = '\(crew.workspace.id)' AND action LIKE 'billing.%'") >= 4)
        }
    }

    @Test func cancelReactivateAndEndTrial() async throws {
        let h = try await Harness.make()
        let crew = try await AccessCrew.make(h)
        let otherOwner = try await h.user()
        let other = try await h.workspace(owner: otherOwner)
        try await h.run { api async throws in
            let asOwner = crew.client(api, "owner")
            #expect(try await asOwner.post("/api/v1/billing/subscription/cancel").errorCode == "no_subscription")
            try await BillingTests.seedTrial(h, crew.workspace)

            let ended = try await asOwner.post("/api/v1/billing/subscription/end-trial")
            #expect(ended.status == .ok)
            #expect(ended.json["status"] == "active")
            #expect(ended.json["current_period_end"] != .null)
            #expect(try await asOwner.post("/api/v1/billing/subscription/end-trial").errorCode == "not_trialing")

            let cancel = try await asOwner.post("/api/v1/billing/subscription/cancel", ["reason": "Too expensive"])
            #expect(cancel.json["cancel_at_period_end"] == true)
            #expect(cancel.json["is_active"] == true)
            #expect(try await asOwner.post("/api/v1/billing/subscription/cancel").errorCode == "already_canceling")
            #expect(try await asOwner.post("/api/v1/billing/subscription/reactivate").json["cancel_at_period_end"] == false)
            #expect(try await asOwner.post("/api/v1/billing/subscription/reactivate").errorCode == "not_canceling")

            #expect(try await asOwner.post("/api/v1/billing/subscription/cancel", ["reason": .string(String(repeating: "x", count: 501))])
                .errorDetailCodes == ["too_long"])
            #expect(try await asOwner.post("/api/v1/billing/subscription/cancel", ["cancel_immediately": "yes"]).status == .badRequest)
            let now = try await asOwner.post("/api/v1/billing/subscription/cancel", ["cancel_immediately": true])
            #expect(now.json["status"] == "canceled")
            #expect(now.json["requires_payment"] == true)
            #expect(try await asOwner.post("/api/v1/billing/subscription/cancel").errorCode == "subscription_canceled")
            #expect(try await crew.client(api, "member").post("/api/v1/billing/subscription/reactivate").status == .forbidden)

            // Another workspace's subscription is untouched and invisible.
            let asOther = api.with(token: try await h.token(for: otherOwner)).workspaceHeader(other.id)
            #expect(try await asOther.post("/api/v1/billing/subscription/reactivate").errorCode == "no_subscription")
            #expect(try await asOther.get("/api/v1/billing/subscription").json["status"] == "none")
        }
    }
}

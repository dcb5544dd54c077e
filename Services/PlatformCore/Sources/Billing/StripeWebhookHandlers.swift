import Foundation
import HTTPTypes
import Hummingbird
import KisumKernel
import KisumPersistence
import Logging
import PostgresNIO

/// `POST /api/v1/billing/webhooks/stripe`: Stripe's events, signature-checked (`StripeSignature`), taken in
/// once: the event id is inserted first in the transaction that applies it, so a replay (Stripe retries,
/// or someone resending a captured request within the tolerance) finds the id and changes nothing.
struct StripeWebhookHandlers {
    let core: BillingCore
    let notifier: Notifier
    var logger: Logger { core.database.logger }

    static let maxPayloadBytes = 512 * 1024
    /// A literal valid header name (the kernel declares its own header names the same way).
    static let signatureHeader = HTTPField.Name("Stripe-Signature")!

    struct Answer: ResponseEncodable, Sendable {
        var received: Bool
        var duplicate: Bool
        var outcome: String
    }

    @Sendable func receive(_ request: Request, context: PlatformRequestContext) async throws -> Answer {
        // A request that is no signed event at all is refused as such whether or not Stripe is configured here.
        guard request.headers[Self.signatureHeader]?.isEmpty == false else {
            throw APIError.badRequest("signature_missing", "The Stripe-Signature header is required.")
        }
        guard let stripe = core.stripe, let secret = stripe.webhookSecret, !secret.isEmpty else {
            throw APIError.providerNotConfigured("stripe")
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: Self.maxPayloadBytes)
        } catch {
            throw APIError(.contentTooLarge, code: "payload_too_large", message: "Stripe events are at most \(Self.maxPayloadBytes) bytes.")
        }
        let payload = Array(buffer.readableBytesView)
        try StripeSignature.verify(header: request.headers[Self.signatureHeader], payload: payload, secret: secret,
                                   tolerance: stripe.webhookTolerance)
        guard let event = try? JSONValueParser.parse(String(decoding: payload, as: UTF8.self)),
              let id = event["id"]?.stringValue, (1...255).contains(id.utf8.count),
              let type = event["type"]?.stringValue, (1...100).contains(type.utf8.count),
              let object = event["data"]?["object"], object.objectValue != nil
        else { throw APIError.badRequest("invalid_event", "The payload is not a Stripe event.") }
        let created = StripeBillingProvider.date(event["created"])
        return try await core.database.transaction { connection in
            guard try await core.subscriptions.recordEvent(id: id, type: type, workspaceID: nil, outcome: "received", createdAt: created,
                                                           on: connection)
            else { return Answer(received: true, duplicate: true, outcome: "duplicate") }
            let (workspace, outcome) = try await process(type: type, object: object, eventID: id, on: connection)
            try await core.subscriptions.setEventOutcome(id: id, workspaceID: workspace, outcome: outcome, on: connection)
            return Answer(received: true, duplicate: false, outcome: outcome)
        }
    }

    /// Applies one event; answers the workspace it concerned and what happened.
    func process(type: String, object: JSONValue, eventID: String, on connection: PostgresConnection) async throws -> (UUID?, String) {
        switch type {
        case "customer.subscription.created", "customer.subscription.updated", "customer.subscription.deleted",
             "customer.subscription.paused", "customer.subscription.resumed":
            let live = try StripeBillingProvider.subscription(from: object)
            guard var row = try await subscriptionRow(live.id, workspace: live.workspaceID, customer: live.customerID,
                                                      create: type != "customer.subscription.deleted", on: connection) else {
                return (nil, "ignored")
            }
            core.apply(live, to: &row)
            try await core.subscriptions.save(row, on: connection)
            return (row.workspaceID, "applied")
        case "customer.subscription.trial_will_end":
            let live = try StripeBillingProvider.subscription(from: object)
            guard let workspace = try await workspace(subscription: live.id, metadata: live.workspaceID, customer: live.customerID, on: connection)
            else { return (nil, "ignored") }
            let ends = live.trialEnd.map { " on \(Self.day($0))" } ?? " soon"
            try await notify(workspace, Notifier.Draft(
                type: "billing.trial_ending", title: "Your trial ends\(ends)",
                body: "Add a payment method to keep your plan after the trial.",
                data: .object(["subscription_id": .string(live.id)]), actionURL: core.appURL + "/settings/billing", dedupeKey: "stripe:\(eventID)"),
                on: connection)
            return (workspace, "notified")
        case "invoice.payment_failed", "invoice.paid", "invoice.payment_succeeded":
            let subscriptionID = object["subscription"]?.stringValue ?? object["subscription"]?["id"]?.stringValue
                ?? object["parent"]?["subscription_details"]?["subscription"]?.stringValue
            guard let subscriptionID, var row = try await core.subscriptions.find(stripeSubscription: subscriptionID, on: connection) else {
                return (nil, "ignored")
            }
            if type == "invoice.payment_failed" {
                if row.status == "active" || row.status == "trialing" { row.status = "past_due" }
                try await core.subscriptions.save(row, on: connection)
                let invoice = StripeBillingProvider.invoice(from: object)
                try await notify(row.workspaceID, Notifier.Draft(
                    type: "billing.payment_failed", title: "A payment failed",
                    body: "The payment of \(Self.money(invoice.amountDue, invoice.currency)) failed. Update the payment method to keep your plan.",
                    data: .object(["amount": .number(Double(invoice.amountDue)), "currency": .string(invoice.currency),
                                   "invoice_id": invoice.id.map(JSONValue.string) ?? .null]),
                    actionURL: core.appURL + "/settings/billing", dedupeKey: "stripe:\(eventID)"), on: connection)
                return (row.workspaceID, "notified")
            }
            if row.status == "past_due" || row.status == "unpaid" {
                row.status = "active"
                try await core.subscriptions.save(row, on: connection)
                return (row.workspaceID, "applied")
            }
            return (row.workspaceID, "ignored")
        case "checkout.session.completed":
            return try await checkoutCompleted(object, on: connection)
        default:
            return (nil, "ignored")
        }
    }

    /// A paid checkout: links the new Stripe subscription to the workspace, or records a one-time purchase.
    private func checkoutCompleted(_ session: JSONValue, on connection: PostgresConnection) async throws -> (UUID?, String) {
        guard let text = session["client_reference_id"]?.stringValue ?? session["metadata"]?["workspace_id"]?.stringValue,
              let workspace = UUID(uuidString: text), try await core.subscriptions.workspaceExists(workspace, on: connection)
        else { return (nil, "ignored") }
        let customer = session["customer"]?.stringValue
        let tier = session["metadata"]?["tier"]?.stringValue ?? "pro"
        let tiers = try await BillingCatalogRepository(database: core.database).tiers()
        guard let known = tiers.first(where: { $0.key == tier }) else { return (workspace, "ignored") }
        if session["mode"]?.stringValue == "payment" {
            let now = Date()
            let end = Calendar(identifier: .gregorian).date(byAdding: .month, value: known.durationMonths ?? 12, to: now)
            _ = try await core.subscriptions.current(workspaceID: workspace, on: connection)
            _ = try await core.subscriptions.insert(
                workspaceID: workspace, provider: "stripe", status: "active", tier: known.key, period: "one_time", plan: nil,
                customerID: customer, subscriptionID: nil, trialEndsAt: nil, periodStart: now, periodEnd: end, on: connection)
            return (workspace, "applied")
        }
        guard let subscription = session["subscription"]?.stringValue ?? session["subscription"]?["id"]?.stringValue else {
            return (workspace, "ignored")
        }
        if try await core.subscriptions.find(stripeSubscription: subscription, on: connection) != nil { return (workspace, "ignored") }
        let period = session["metadata"]?["billing_period"]?.stringValue == "yearly" ? "yearly" : "monthly"
        _ = try await core.subscriptions.insert(
            workspaceID: workspace, provider: "stripe", status: "incomplete", tier: known.key, period: period, plan: nil,
            customerID: customer, subscriptionID: subscription, trialEndsAt: nil, periodStart: nil, periodEnd: nil, on: connection)
        return (workspace, "applied")
    }

    /// The stored row of a Stripe subscription; an unknown one of a known workspace becomes that workspace's
    /// new current subscription (created through a checkout or Stripe's dashboard).
    private func subscriptionRow(_ id: String, workspace metadata: UUID?, customer: String?, create: Bool,
                                 on connection: PostgresConnection) async throws -> StoredSubscription? {
        if let row = try await core.subscriptions.find(stripeSubscription: id, on: connection) { return row }
        guard create else { return nil }
        guard let workspace = try await workspace(subscription: nil, metadata: metadata, customer: customer, on: connection) else { return nil }
        return try await core.subscriptions.insert(
            workspaceID: workspace, provider: "stripe", status: "incomplete", tier: "pro", period: "monthly", plan: nil,
            customerID: customer, subscriptionID: id, trialEndsAt: nil, periodStart: nil, periodEnd: nil, on: connection)
    }

    private func workspace(subscription: String?, metadata: UUID?, customer: String?, on connection: PostgresConnection) async throws -> UUID? {
        if let subscription, let found = try await core.subscriptions.workspace(ofStripeSubscription: subscription, on: connection) { return found }
        if let metadata, try await core.subscriptions.workspaceExists(metadata, on: connection) { return metadata }
        if let customer { return try await core.subscriptions.workspace(ofStripeCustomer: customer, on: connection) }
        return nil
    }

    /// Billing events go to the workspace's active owners and admins, through their notification preferences.
    private func notify(_ workspace: UUID, _ draft: Notifier.Draft, on connection: PostgresConnection) async throws {
        let contacts = try await core.subscriptions.billingContacts(workspaceID: workspace, on: connection)
        guard !contacts.isEmpty else { return }
        _ = try await notifier.send(draft, to: contacts, workspaceID: workspace, audience: .activeMembers, on: connection)
    }

    static func day(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        return formatter.string(from: date)
    }

    static func money(_ minor: Int64, _ currency: String) -> String {
        let units = minor / 100, cents = abs(minor % 100)
        return "\(currency) \(units).\(cents < 10 ? "0" : "")\(cents)"
    }
}

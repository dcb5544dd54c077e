import Foundation
import HTTPTypes
import Hummingbird
import KisumKernel
import KisumPersistence

/// The routes that only exist with a payment provider: checkout, setup intents, the portal and invoices.
/// In local mode (no Stripe) they answer 503 `provider_not_configured` — except the invoice list, which is
/// honestly empty (nothing was ever invoiced).
struct BillingCheckoutHandlers {
    let core: BillingCore
    let publicLimiter: RateLimiter
    let clients: ClientInfoReader

    struct CheckoutBody: ValidatableBody {
        var tier: String?
        var billingPeriod: String?
        var successUrl: String?
        var cancelUrl: String?

        func validate(_ v: inout Validator) {
            v.text(tier, "tier", maxLength: 64)
            v.oneOf(billingPeriod, "billing_period", ["monthly", "yearly"])
            v.text(successUrl, "success_url", required: false, maxLength: 2048)
            v.text(cancelUrl, "cancel_url", required: false, maxLength: 2048)
        }
    }

    struct CheckoutAnswer: ResponseEncodable, Sendable {
        var checkoutUrl: String
        var sessionId: String
        var tier: String
        var billingPeriod: String
        var amount: Int64
        var currency: String
        var trialDays: Int
    }

    /// `POST /billing/checkout`: a subscription checkout with a trial when the workspace never had one.
    @Sendable func checkout(_ request: Request, context: PlatformRequestContext) async throws -> CheckoutAnswer {
        try await open(request, context, mode: "subscription")
    }

    /// `POST /billing/checkout/one-time`: pays `duration_months` of a tier at once (no renewal).
    @Sendable func oneTime(_ request: Request, context: PlatformRequestContext) async throws -> CheckoutAnswer {
        try await open(request, context, mode: "payment")
    }

    private func open(_ request: Request, _ context: PlatformRequestContext, mode: String) async throws -> CheckoutAnswer {
        let manager = try core.manager(context)
        let body = try await request.decodeValid(as: CheckoutBody.self, context: context)
        let tiers = try await core.catalog.tiers()
        let tier = try core.tier(body.tier ?? "", in: tiers)
        let period = mode == "payment" ? "one_time" : body.billingPeriod ?? "monthly"
        guard let amount = tier.amount(period: period) else {
            throw APIError.validation(field: "tier", code: "one_time_not_available", message: "The \(tier.key) tier is not sold as a one-time purchase.")
        }
        let success = try core.redirectURL(body.successUrl, field: "success_url", default: "/settings/billing?session_id={CHECKOUT_SESSION_ID}")
        let cancel = try core.redirectURL(body.cancelUrl, field: "cancel_url", default: "/settings/billing")
        guard core.usesStripe else { throw APIError.providerNotConfigured("stripe") }
        let price = try core.price(tier, period)
        let (current, hadTrial) = try await core.database.transaction { connection in
            (try await core.subscriptions.current(workspaceID: manager.companyID, on: connection),
             try await core.subscriptions.hadTrial(workspaceID: manager.companyID, on: connection))
        }
        let trial = mode == "subscription" && !hadTrial ? core.trialDays : 0
        let session = try await core.billing.createCheckout(CheckoutRequest(
            mode: mode, priceID: price, customerID: current?.stripeCustomerID, customerEmail: try context.requireIdentity().email,
            trialDays: trial, successURL: success, cancelURL: cancel, workspaceID: manager.companyID,
            metadata: [("tier", tier.key), ("billing_period", period)]))
        return CheckoutAnswer(checkoutUrl: session.url, sessionId: session.id, tier: tier.key, billingPeriod: period, amount: amount,
                              currency: tier.currency, trialDays: trial)
    }

    /// `GET /billing/checkout/{price_id}?ref=&days=` (public: affiliate and product links): 302 to a Stripe
    /// checkout for one of the configured prices (another id → 404). `ref` becomes `metadata.affiliate_code`;
    /// `days` the trial (0 = pay now; default TRIAL_DAYS). Rate-limited per address like the other public routes.
    @Sendable func priceRedirect(_ request: Request, context: PlatformRequestContext) async throws -> Response {
        var query = QueryReader(request)
        let days = query.int("days", range: 0...90)
        let ref = query.string("ref")
        if let ref, ref.utf8.count > 64 || !ref.utf8.allSatisfy({ $0 == 0x2D || $0 == 0x5F || (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) }) {
            query.add("ref", "invalid_ref", "Letters, digits, - and _ (at most 64).")
        }
        try query.validate()
        guard core.usesStripe, let stripe = core.stripe else { throw APIError.providerNotConfigured("stripe") }
        let priceID = context.parameters.get("price_id") ?? ""
        guard let plan = stripe.tier(ofPrice: priceID) else { throw APIError.notFound("price") }
        try publicLimiter.consume(clients.read(request, context).ip ?? "unknown")
        let mode = plan.period == "one_time" ? "payment" : "subscription"
        var metadata = [("tier", plan.tier), ("billing_period", plan.period)]
        if let ref { metadata.append(("affiliate_code", ref)) }
        let session = try await core.billing.createCheckout(CheckoutRequest(
            mode: mode, priceID: priceID, customerID: nil, customerEmail: nil, trialDays: mode == "subscription" ? days ?? core.trialDays : nil,
            successURL: core.appURL + "/signup/stripe?session_id={CHECKOUT_SESSION_ID}", cancelURL: core.appURL + "/pricing",
            workspaceID: nil, metadata: metadata))
        return Response(status: .found, headers: [.location: session.url])
    }

    struct SetupIntentAnswer: ResponseEncodable, Sendable {
        var clientSecret: String
        var setupIntentId: String
        var customerId: String?
    }

    /// `POST /billing/setup-intent`: for a custom payment form (Stripe Elements); then `POST /billing/subscription`.
    @Sendable func setupIntent(_ request: Request, context: PlatformRequestContext) async throws -> SetupIntentAnswer {
        let manager = try core.manager(context)
        guard core.usesStripe else { throw APIError.providerNotConfigured("stripe") }
        let (current, contact) = try await core.database.transaction { connection in
            (try await core.subscriptions.current(workspaceID: manager.companyID, on: connection),
             try await core.subscriptions.workspaceContact(workspaceID: manager.companyID, on: connection))
        }
        var customer = current?.stripeCustomerID ?? ""
        if customer.isEmpty {
            // The same key as POST /billing/subscription uses, so both reach one customer.
            customer = try await core.billing.createCustomer(
                email: try context.requireIdentity().email ?? contact?.email ?? "", name: contact?.name ?? "Workspace",
                workspaceID: manager.companyID, idempotencyKey: "billing-customer-\(manager.companyID.uuidString.lowercased())")
        }
        let intent = try await core.billing.createSetupIntent(customerID: customer,
                                                              metadata: [("workspace_id", manager.companyID.uuidString.lowercased())])
        return SetupIntentAnswer(clientSecret: intent.clientSecret, setupIntentId: intent.id, customerId: customer)
    }

    struct PublicSetupBody: ValidatableBody {
        var email: String?
        func validate(_ v: inout Validator) { v.email(email, "email", required: false) }
    }

    /// `POST /billing/setup-intent/public`: collects a card during signup, before any account exists (no
    /// customer yet; signup attaches the payment method). Rate-limited per address.
    @Sendable func setupIntentPublic(_ request: Request, context: PlatformRequestContext) async throws -> SetupIntentAnswer {
        let body = try await request.decodeValidIfPresent(as: PublicSetupBody.self, context: context)
        guard core.usesStripe else { throw APIError.providerNotConfigured("stripe") }
        try publicLimiter.consume(clients.read(request, context).ip ?? "unknown")
        let intent = try await core.billing.createSetupIntent(customerID: nil, metadata: body?.email.map { [("signup_email", EmailAddress.normalize($0))] } ?? [])
        return SetupIntentAnswer(clientSecret: intent.clientSecret, setupIntentId: intent.id, customerId: nil)
    }

    struct PortalAnswer: ResponseEncodable, Sendable {
        /// `portal`, or `checkout` when the workspace has no Stripe customer yet.
        var type: String
        var url: String
    }

    /// `GET /billing/portal?return_url=&tier=&billing_period=`: Stripe's billing portal, or a checkout for
    /// `tier` (default pro) when there is no customer yet.
    @Sendable func portal(_ request: Request, context: PlatformRequestContext) async throws -> PortalAnswer {
        let manager = try core.manager(context)
        var query = QueryReader(request)
        let period = query.oneOf("billing_period", ["monthly", "yearly"]) ?? "monthly"
        let tierKey = query.string("tier")
        let returnParameter = query.string("return_url")
        try query.validate()
        let tiers = try await core.catalog.tiers()
        let tier = try core.tier(tierKey ?? "pro", in: tiers)
        let returnURL = try core.redirectURL(returnParameter, field: "return_url", default: "/settings/billing")
        guard core.usesStripe else { throw APIError.providerNotConfigured("stripe") }
        let current = try await core.database.transaction { try await core.subscriptions.current(workspaceID: manager.companyID, on: $0) }
        if let customer = current?.stripeCustomerID {
            return PortalAnswer(type: "portal", url: try await core.billing.portalURL(customerID: customer, returnURL: returnURL))
        }
        let session = try await core.billing.createCheckout(CheckoutRequest(
            mode: "subscription", priceID: try core.price(tier, period), customerID: nil, customerEmail: try context.requireIdentity().email,
            trialDays: nil, successURL: returnURL, cancelURL: returnURL, workspaceID: manager.companyID,
            metadata: [("tier", tier.key), ("billing_period", period)]))
        return PortalAnswer(type: "checkout", url: session.url)
    }

    /// `GET /billing/invoices?limit=` (1…100, default 10): newest first, amounts in minor units.
    @Sendable func invoices(_ request: Request, context: PlatformRequestContext) async throws -> PlainList<InvoiceSummary> {
        let scope = try context.tenant(permission: Permission.billingRead)
        var query = QueryReader(request)
        let limit = query.int("limit", range: 1...100) ?? 10
        try query.validate()
        let current = try await core.database.transaction { try await core.subscriptions.current(workspaceID: scope.companyID, on: $0) }
        guard core.usesStripe, let customer = current?.stripeCustomerID else { return PlainList(items: [], total: 0) }
        let invoices = try await core.billing.invoices(customerID: customer, limit: limit)
        return PlainList(items: invoices, total: invoices.count)
    }

    /// `GET /billing/invoices/upcoming`: the next invoice Stripe will send; 404 when none is due.
    @Sendable func upcoming(_ request: Request, context: PlatformRequestContext) async throws -> InvoiceSummary {
        let scope = try context.tenant(permission: Permission.billingRead)
        guard core.usesStripe else { throw APIError.providerNotConfigured("stripe") }
        let current = try await core.database.transaction { try await core.subscriptions.current(workspaceID: scope.companyID, on: $0) }
        guard let customer = current?.stripeCustomerID, let invoice = try await core.billing.upcomingInvoice(customerID: customer) else {
            throw APIError.notFound("upcoming invoice")
        }
        return invoice
    }
}

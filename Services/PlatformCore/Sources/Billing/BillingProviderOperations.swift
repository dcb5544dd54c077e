import Foundation
import Hummingbird
import KisumKernel
import KisumServiceClient

/// A subscription as the payment provider reports it (Stripe's `subscription` object, folded).
public struct ProviderSubscription: Sendable, Equatable {
    public var id: String
    public var customerID: String?
    public var status: String
    public var priceID: String?
    public var trialEnd: Date?
    public var currentPeriodStart: Date?
    public var currentPeriodEnd: Date?
    public var cancelAtPeriodEnd: Bool
    public var canceledAt: Date?
    /// `metadata.workspace_id`, set by every subscription Platform Core creates.
    public var workspaceID: UUID?
    /// The subscription item whose price a plan change replaces.
    public var itemID: String?
}

/// A Stripe Checkout session to open: a subscription (with trial) or a one-time payment.
public struct CheckoutRequest: Sendable {
    public var mode: String
    public var priceID: String
    public var customerID: String?
    public var customerEmail: String?
    public var trialDays: Int?
    public var successURL: String
    public var cancelURL: String
    public var workspaceID: UUID?
    public var metadata: [(String, String)] = []
    public var idempotencyKey: String?
}

public struct CheckoutSession: Sendable, Equatable {
    public var id: String
    public var url: String
}

public struct SetupIntentResult: Sendable, Equatable {
    public var id: String
    public var clientSecret: String
    public var customerID: String?
}

/// An invoice in integer minor units of its currency (as Stripe keeps them).
public struct InvoiceSummary: ResponseEncodable, Sendable, Equatable {
    public var id: String?
    public var number: String?
    public var status: String?
    public var currency: String
    public var amountDue: Int64
    public var amountPaid: Int64
    public var total: Int64
    public var createdAt: Date?
    public var periodStart: Date?
    public var periodEnd: Date?
    public var hostedInvoiceUrl: String?
    public var invoicePdf: String?
}

/// What the Billing & Subscription routes need beyond signup. Every one of these needs a payment provider:
/// the local mode records subscriptions without collecting payments, so it has no customers, checkouts,
/// setup intents, portal or invoices, and answers 503 `provider_not_configured` (the defaults below).
public protocol BillingOperations: Sendable {
    func createCustomer(email: String, name: String, workspaceID: UUID, idempotencyKey: String) async throws -> String
    func createCheckout(_ request: CheckoutRequest) async throws -> CheckoutSession
    func createSetupIntent(customerID: String?, metadata: [(String, String)]) async throws -> SetupIntentResult
    func createSubscription(customerID: String, priceID: String, paymentMethodID: String, trialDays: Int?, workspaceID: UUID,
                            idempotencyKey: String) async throws -> ProviderSubscription
    /// The provider's current view, or nil when it does not know the id.
    func fetchSubscription(id: String) async throws -> ProviderSubscription?
    /// Form fields of Stripe's subscription update (`cancel_at_period_end`, `trial_end`, `items[0][price]` …).
    func updateSubscription(id: String, _ form: [(String, String)]) async throws -> ProviderSubscription
    func cancelSubscriptionNow(id: String) async throws -> ProviderSubscription
    func portalURL(customerID: String, returnURL: String) async throws -> String
    func invoices(customerID: String, limit: Int) async throws -> [InvoiceSummary]
    /// nil when nothing is due next (no active subscription at the provider).
    func upcomingInvoice(customerID: String) async throws -> InvoiceSummary?
}

extension BillingOperations {
    public func createCustomer(email: String, name: String, workspaceID: UUID, idempotencyKey: String) async throws -> String {
        throw APIError.providerNotConfigured("stripe")
    }
    public func createCheckout(_ request: CheckoutRequest) async throws -> CheckoutSession { throw APIError.providerNotConfigured("stripe") }
    public func createSetupIntent(customerID: String?, metadata: [(String, String)]) async throws -> SetupIntentResult {
        throw APIError.providerNotConfigured("stripe")
    }
    public func createSubscription(customerID: String, priceID: String, paymentMethodID: String, trialDays: Int?, workspaceID: UUID,
                                   idempotencyKey: String) async throws -> ProviderSubscription {
        throw APIError.providerNotConfigured("stripe")
    }
    public func fetchSubscription(id: String) async throws -> ProviderSubscription? { throw APIError.providerNotConfigured("stripe") }
    public func updateSubscription(id: String, _ form: [(String, String)]) async throws -> ProviderSubscription {
        throw APIError.providerNotConfigured("stripe")
    }
    public func cancelSubscriptionNow(id: String) async throws -> ProviderSubscription { throw APIError.providerNotConfigured("stripe") }
    public func portalURL(customerID: String, returnURL: String) async throws -> String { throw APIError.providerNotConfigured("stripe") }
    public func invoices(customerID: String, limit: Int) async throws -> [InvoiceSummary] { throw APIError.providerNotConfigured("stripe") }
    public func upcomingInvoice(customerID: String) async throws -> InvoiceSummary? { throw APIError.providerNotConfigured("stripe") }
}

extension StripeBillingProvider {
    public func createCustomer(email: String, name: String, workspaceID: UUID, idempotencyKey: String) async throws -> String {
        let customer = try await post("/v1/customers", [("email", email), ("name", name),
                                                        ("metadata[workspace_id]", workspaceID.uuidString.lowercased())],
                                      idempotencyKey: idempotencyKey)
        guard let id = customer["id"]?.stringValue else { throw unavailable("customer without id") }
        return id
    }

    public func createCheckout(_ request: CheckoutRequest) async throws -> CheckoutSession {
        var form: [(String, String)] = [("mode", request.mode), ("line_items[0][price]", request.priceID), ("line_items[0][quantity]", "1"),
                                        ("success_url", request.successURL), ("cancel_url", request.cancelURL)]
        if let customer = request.customerID { form.append(("customer", customer)) }
        if let email = request.customerEmail, request.customerID == nil { form.append(("customer_email", email)) }
        if let days = request.trialDays, days > 0, request.mode == "subscription" {
            form.append(("subscription_data[trial_period_days]", String(days)))
        }
        var metadata = request.metadata
        if let workspace = request.workspaceID {
            form.append(("client_reference_id", workspace.uuidString.lowercased()))
            metadata.append(("workspace_id", workspace.uuidString.lowercased()))
        }
        for (key, value) in metadata {
            form.append(("metadata[\(key)]", value))
            if request.mode == "subscription" { form.append(("subscription_data[metadata][\(key)]", value)) }
        }
        let session = try await post("/v1/checkout/sessions", form, idempotencyKey: request.idempotencyKey)
        guard let id = session["id"]?.stringValue, let url = session["url"]?.stringValue else { throw unavailable("checkout without url") }
        return CheckoutSession(id: id, url: url)
    }

    public func createSetupIntent(customerID: String?, metadata: [(String, String)]) async throws -> SetupIntentResult {
        var form: [(String, String)] = [("usage", "off_session"), ("automatic_payment_methods[enabled]", "true")]
        if let customerID { form.append(("customer", customerID)) }
        form += metadata.map { ("metadata[\($0.0)]", $0.1) }
        let intent = try await post("/v1/setup_intents", form, idempotencyKey: nil)
        guard let id = intent["id"]?.stringValue, let secret = intent["client_secret"]?.stringValue else {
            throw unavailable("setup intent without secret")
        }
        return SetupIntentResult(id: id, clientSecret: secret, customerID: customerID)
    }

    public func createSubscription(customerID: String, priceID: String, paymentMethodID: String, trialDays: Int?, workspaceID: UUID,
                                   idempotencyKey: String) async throws -> ProviderSubscription {
        _ = try await post("/v1/payment_methods/\(Self.pathSafe(paymentMethodID))/attach", [("customer", customerID)],
                           idempotencyKey: "\(idempotencyKey)-attach")
        var form: [(String, String)] = [("customer", customerID), ("items[0][price]", priceID), ("default_payment_method", paymentMethodID),
                                        ("metadata[workspace_id]", workspaceID.uuidString.lowercased())]
        if let trialDays, trialDays > 0 { form.append(("trial_period_days", String(trialDays))) }
        return try Self.subscription(from: try await post("/v1/subscriptions", form, idempotencyKey: "\(idempotencyKey)-subscription"))
    }

    public func fetchSubscription(id: String) async throws -> ProviderSubscription? {
        let response = try await send("GET", "/v1/subscriptions/\(Self.pathSafe(id))", body: nil, idempotencyKey: nil)
        if response.status == 404 { return nil }
        return try Self.subscription(from: try decode(response))
    }

    public func updateSubscription(id: String, _ form: [(String, String)]) async throws -> ProviderSubscription {
        try Self.subscription(from: try await post("/v1/subscriptions/\(Self.pathSafe(id))", form, idempotencyKey: nil))
    }

    public func cancelSubscriptionNow(id: String) async throws -> ProviderSubscription {
        try Self.subscription(from: try decode(try await send("DELETE", "/v1/subscriptions/\(Self.pathSafe(id))", body: nil, idempotencyKey: nil)))
    }

    public func portalURL(customerID: String, returnURL: String) async throws -> String {
        let session = try await post("/v1/billing_portal/sessions", [("customer", customerID), ("return_url", returnURL)], idempotencyKey: nil)
        guard let url = session["url"]?.stringValue else { throw unavailable("portal without url") }
        return url
    }

    public func invoices(customerID: String, limit: Int) async throws -> [InvoiceSummary] {
        let query = Self.formEncode([("customer", customerID), ("limit", String(limit))])
        let list = try decode(try await send("GET", "/v1/invoices?\(query)", body: nil, idempotencyKey: nil))
        return (list["data"]?.arrayValue ?? []).map(Self.invoice(from:))
    }

    public func upcomingInvoice(customerID: String) async throws -> InvoiceSummary? {
        let query = Self.formEncode([("customer", customerID)])
        let response = try await send("GET", "/v1/invoices/upcoming?\(query)", body: nil, idempotencyKey: nil)
        // Stripe answers 404 invoice_upcoming_none when nothing is due.
        if response.status == 404 { return nil }
        return Self.invoice(from: try decode(response))
    }

    // MARK: Mapping

    static func subscription(from object: JSONValue) throws -> ProviderSubscription {
        guard let id = object["id"]?.stringValue else {
            throw APIError.unavailable("billing_unavailable", "The payment provider is unavailable; please retry.")
        }
        return ProviderSubscription(
            id: id, customerID: object["customer"]?.stringValue ?? object["customer"]?["id"]?.stringValue,
            status: status(object["status"]?.stringValue),
            priceID: object["items"]?["data"]?[0]?["price"]?["id"]?.stringValue ?? object["plan"]?["id"]?.stringValue,
            trialEnd: date(object["trial_end"]), currentPeriodStart: date(object["current_period_start"] ?? object["items"]?["data"]?[0]?["current_period_start"]),
            currentPeriodEnd: date(object["current_period_end"] ?? object["items"]?["data"]?[0]?["current_period_end"]),
            cancelAtPeriodEnd: object["cancel_at_period_end"]?.boolValue ?? false, canceledAt: date(object["canceled_at"]),
            workspaceID: object["metadata"]?["workspace_id"]?.stringValue.flatMap(UUID.init(uuidString:)),
            itemID: object["items"]?["data"]?[0]?["id"]?.stringValue)
    }

    static func invoice(from object: JSONValue) -> InvoiceSummary {
        InvoiceSummary(
            id: object["id"]?.stringValue, number: object["number"]?.stringValue, status: object["status"]?.stringValue,
            currency: (object["currency"]?.stringValue ?? "eur").uppercased(),
            amountDue: minor(object["amount_due"]), amountPaid: minor(object["amount_paid"]), total: minor(object["total"]),
            createdAt: date(object["created"]), periodStart: date(object["period_start"]), periodEnd: date(object["period_end"]),
            hostedInvoiceUrl: object["hosted_invoice_url"]?.stringValue, invoicePdf: object["invoice_pdf"]?.stringValue)
    }

    /// Stripe's integer amounts; anything else (absent, fractional, out of range) reads as 0 instead of trapping.
    static func minor(_ value: JSONValue?) -> Int64 {
        value?.doubleValue.flatMap { Int64(exactly: $0) } ?? 0
    }

    static func date(_ value: JSONValue?) -> Date? {
        guard let seconds = value?.doubleValue, seconds.isFinite, seconds > 0 else { return nil }
        return Date(timeIntervalSince1970: seconds)
    }
}

import Foundation
import KisumKernel

/// What a new workspace's subscription needs from the payment provider.
public struct SubscriptionRequest: Sendable {
    public var workspaceID: UUID
    public var workspaceName: String
    public var email: String
    public var customerName: String?
    /// A Stripe payment method collected by the frontend: subscribe at once (charged after the trial).
    public var paymentMethodID: String?
    public var trialDays: Int
    /// Where Stripe Checkout sends the browser back.
    public var successURL: String
    public var cancelURL: String
    /// Makes a retried signup reuse the provider objects instead of creating duplicates.
    public var idempotencyKey: String
}

/// The provider's answer, recorded in `billing_subscriptions`.
public struct StartedSubscription: Sendable, Equatable {
    public var provider: String
    public var status: String
    public var customerID: String?
    public var subscriptionID: String?
    public var checkoutSessionID: String?
    /// Only when the user still has to pay through Stripe Checkout; never invented in local mode.
    public var checkoutURL: String?
    public var trialEndsAt: Date?
    public var plan: String?
}

/// A completed Stripe Checkout (someone paid before having an account) that can become a workspace.
public struct PaymentInvite: Sendable, Equatable {
    /// The Checkout Session id: the "invite code" of the registration link.
    public var code: String
    public var email: String
    public var customerName: String?
    public var customerID: String?
    public var subscriptionID: String?
    public var subscriptionStatus: String?
    public var trialEndsAt: Date?
    public var plan: String?
    /// `metadata.access_code` of the session, when the sales flow set one.
    public var accessCode: String?
    public var createdAt: Date?
}

/// The billing provider behind signup: Stripe over HTTP, or the local mode without payments.
public protocol BillingProvider: BillingOperations {
    /// `stripe` or `local`.
    var name: String { get }
    func startSubscription(_ request: SubscriptionRequest) async throws -> StartedSubscription
    /// The invite behind a code, or nil when there is no such paid checkout.
    func paymentInvite(code: String) async throws -> PaymentInvite?
    /// Paid, completed checkouts for this e-mail, newest first.
    func paymentInvites(email: String) async throws -> [PaymentInvite]
}

/// No payment provider configured: the trial is recorded honestly as `local` (nothing charged, no
/// customer, no checkout URL). Payment invites only exist at Stripe, so those flows answer 503
/// `provider_not_configured` rather than pretending an invite exists or does not.
public struct LocalBillingProvider: BillingProvider {
    public init() {}

    public var name: String { "local" }

    public func startSubscription(_ request: SubscriptionRequest) async throws -> StartedSubscription {
        StartedSubscription(
            provider: "local", status: "trialing", customerID: nil, subscriptionID: nil, checkoutSessionID: nil,
            checkoutURL: nil, trialEndsAt: Date().addingTimeInterval(TimeInterval(request.trialDays) * 86_400), plan: "local-trial")
    }

    public func paymentInvite(code: String) async throws -> PaymentInvite? {
        throw APIError.providerNotConfigured("stripe")
    }

    public func paymentInvites(email: String) async throws -> [PaymentInvite] {
        throw APIError.providerNotConfigured("stripe")
    }
}

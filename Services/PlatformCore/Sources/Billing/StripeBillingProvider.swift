import Foundation
import HTTPTypes
import KisumKernel
import KisumServiceClient
import Logging

/// Stripe over its HTTP API (form-encoded requests, JSON answers) through the kernel's libcurl
/// transport. Creates send an `Idempotency-Key` so a retried signup does not create a second customer.
/// Stripe refusing a request (a declined card) is the caller's 422 `billing_rejected`; Stripe being
/// unreachable or refusing our key is our 503 `billing_unavailable`.
public struct StripeBillingProvider: BillingProvider {
    let settings: PlatformCoreSettings.StripeSettings
    let transport: any HTTPTransport
    let logger: Logger

    public init(settings: PlatformCoreSettings.StripeSettings, transport: any HTTPTransport = CurlTransport.shared, logger: Logger) {
        self.settings = settings
        self.transport = transport
        self.logger = logger
    }

    public var name: String { "stripe" }

    public func startSubscription(_ request: SubscriptionRequest) async throws -> StartedSubscription {
        let customer = try await post("/v1/customers", [
            ("email", request.email),
            ("name", request.customerName ?? request.workspaceName),
            ("metadata[workspace_id]", request.workspaceID.uuidString.lowercased()),
        ], idempotencyKey: "\(request.idempotencyKey)-customer")
        guard let customerID = customer["id"]?.stringValue else { throw unavailable("customer without id") }

        if let paymentMethod = request.paymentMethodID {
            _ = try await post("/v1/payment_methods/\(Self.pathSafe(paymentMethod))/attach", [("customer", customerID)],
                               idempotencyKey: "\(request.idempotencyKey)-attach")
            let subscription = try await post("/v1/subscriptions", [
                ("customer", customerID),
                ("items[0][price]", settings.priceID),
                ("trial_period_days", String(request.trialDays)),
                ("default_payment_method", paymentMethod),
                ("metadata[workspace_id]", request.workspaceID.uuidString.lowercased()),
            ], idempotencyKey: "\(request.idempotencyKey)-subscription")
            return StartedSubscription(
                provider: "stripe", status: Self.status(subscription["status"]?.stringValue),
                customerID: customerID, subscriptionID: subscription["id"]?.stringValue, checkoutSessionID: nil, checkoutURL: nil,
                trialEndsAt: subscription["trial_end"]?.doubleValue.map { Date(timeIntervalSince1970: $0) }, plan: settings.priceID)
        }

        let session = try await post("/v1/checkout/sessions", [
            ("mode", "subscription"),
            ("customer", customerID),
            ("line_items[0][price]", settings.priceID),
            ("line_items[0][quantity]", "1"),
            ("subscription_data[trial_period_days]", String(request.trialDays)),
            ("success_url", request.successURL),
            ("cancel_url", request.cancelURL),
            ("client_reference_id", request.workspaceID.uuidString.lowercased()),
            ("metadata[workspace_id]", request.workspaceID.uuidString.lowercased()),
        ], idempotencyKey: "\(request.idempotencyKey)-checkout")
        guard let url = session["url"]?.stringValue else { throw unavailable("checkout session without url") }
        return StartedSubscription(
            provider: "stripe", status: "incomplete", customerID: customerID, subscriptionID: nil,
            checkoutSessionID: session["id"]?.stringValue, checkoutURL: url, trialEndsAt: nil, plan: settings.priceID)
    }

    public func paymentInvite(code: String) async throws -> PaymentInvite? {
        guard Self.isCheckoutSessionID(code) else { return nil }
        let response = try await send("GET", "/v1/checkout/sessions/\(code)?\(Self.formEncode([("expand[]", "subscription")]))", body: nil, idempotencyKey: nil)
        if response.status == 404 { return nil }
        let session = try decode(response)
        return Self.invite(from: session)
    }

    public func paymentInvites(email: String) async throws -> [PaymentInvite] {
        let query = Self.formEncode([("customer_details[email]", email), ("limit", "10"), ("expand[]", "data.subscription")])
        let response = try await send("GET", "/v1/checkout/sessions?\(query)", body: nil, idempotencyKey: nil)
        let list = try decode(response)
        return (list["data"]?.arrayValue ?? []).compactMap(Self.invite(from:))
            .filter { $0.email.caseInsensitiveCompare(email) == .orderedSame }
            .sorted { ($0.createdAt ?? .distantPast) > ($1.createdAt ?? .distantPast) }
    }

    // MARK: Mapping

    /// A completed, paid session becomes an invite; anything else is not one.
    static func invite(from session: JSONValue) -> PaymentInvite? {
        guard let id = session["id"]?.stringValue, session["status"]?.stringValue == "complete",
              ["paid", "no_payment_required"].contains(session["payment_status"]?.stringValue ?? ""),
              let email = session["customer_details"]?["email"]?.stringValue ?? session["customer_email"]?.stringValue
        else { return nil }
        let subscription = session["subscription"]
        let subscriptionID = subscription?.stringValue ?? subscription?["id"]?.stringValue
        return PaymentInvite(
            code: id, email: EmailAddress.normalize(email), customerName: session["customer_details"]?["name"]?.stringValue,
            customerID: session["customer"]?.stringValue ?? session["customer"]?["id"]?.stringValue,
            subscriptionID: subscriptionID,
            subscriptionStatus: subscription?["status"]?.stringValue,
            trialEndsAt: subscription?["trial_end"]?.doubleValue.map { Date(timeIntervalSince1970: $0) },
            plan: subscription?["items"]?["data"]?[0]?["price"]?["id"]?.stringValue,
            accessCode: session["metadata"]?["access_code"]?.stringValue,
            createdAt: session["created"]?.doubleValue.map { Date(timeIntervalSince1970: $0) })
    }

    /// Stripe's subscription statuses folded onto ours.
    static func status(_ value: String?) -> String {
        switch value {
        case "trialing", "active", "past_due", "canceled", "unpaid": return value!
        default: return "incomplete"
        }
    }

    static func isCheckoutSessionID(_ code: String) -> Bool {
        code.hasPrefix("cs_") && (10...255).contains(code.utf8.count)
            && code.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x5F }
    }

    static func pathSafe(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "_-"))) ?? ""
    }

    // MARK: HTTP

    func post(_ path: String, _ form: [(String, String)], idempotencyKey: String?) async throws -> JSONValue {
        try decode(try await send("POST", path, body: Array(Self.formEncode(form).utf8), idempotencyKey: idempotencyKey))
    }

    func send(_ method: String, _ path: String, body: [UInt8]?, idempotencyKey: String?) async throws -> OutboundResponse {
        var headers: [(name: String, value: String)] = [("Authorization", "Bearer \(settings.secretKey)"), ("Accept", "application/json")]
        if body != nil { headers.append(("Content-Type", "application/x-www-form-urlencoded")) }
        if let idempotencyKey { headers.append(("Idempotency-Key", idempotencyKey)) }
        let request = OutboundRequest(method: method, url: settings.apiURL + path, headers: headers, body: body, timeout: .seconds(15))
        do {
            return try await transport.send(request)
        } catch {
            logger.warning("stripe unreachable", metadata: ["error": "\(error)"])
            throw unavailable("unreachable")
        }
    }

    func decode(_ response: OutboundResponse) throws -> JSONValue {
        let json = (try? JSONCoding.decoder.decode(JSONValue.self, from: Data(response.body))) ?? .null
        switch response.status {
        case 200..<300:
            return json
        case 400, 402, 404:
            // Stripe's message is meant for end users ("Your card was declined."); its type is kept as info.
            let message = json["error"]?["message"]?.stringValue ?? "The payment provider refused the request."
            throw APIError(.unprocessableContent, code: "billing_rejected", message: message,
                           info: json["error"]?["code"].map { ["provider_code": $0] })
        default:
            logger.warning("stripe error", metadata: ["status": "\(response.status)", "type": "\(json["error"]?["type"]?.stringValue ?? "")"])
            throw unavailable("status \(response.status)")
        }
    }

    func unavailable(_ reason: String) -> APIError {
        APIError.unavailable("billing_unavailable", "The payment provider is unavailable; please retry.")
    }

    static func formEncode(_ items: [(String, String)]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return items.map { key, value in
            "\(key.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")=\(value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")"
        }.joined(separator: "&")
    }
}

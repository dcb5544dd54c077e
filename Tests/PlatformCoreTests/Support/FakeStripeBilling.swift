import Foundation
import HTTPTypes
import Hummingbird
import KisumKernel
import NIOConcurrencyHelpers
import NIOCore
@testable import PlatformCore

/// The Billing & Subscription half of the fake Stripe: subscriptions (read, update, cancel), setup intents,
/// the billing portal and invoices, answering like Stripe for the calls `StripeBillingProvider` makes.
extension FakeStripe {
    /// A subscription as Stripe would hold it, stored for the routes below.
    @discardableResult
    func addSubscription(id: String = "sub_live1", customer: String = "cus_live1", price: String = "price_pro", status: String = "active",
                         workspace: UUID? = nil, periodStart: Int = Int(Date().timeIntervalSince1970) - 86_400,
                         periodEnd: Int = Int(Date().timeIntervalSince1970) + 29 * 86_400) -> JSONValue {
        var metadata: [String: JSONValue] = [:]
        if let workspace { metadata["workspace_id"] = .uuid(workspace) }
        let object: JSONValue = [
            "id": .string(id), "object": "subscription", "customer": .string(customer), "status": .string(status),
            "cancel_at_period_end": false, "current_period_start": .number(Double(periodStart)),
            "current_period_end": .number(Double(periodEnd)), "metadata": .object(metadata),
            "items": ["data": [["id": "si_item1", "price": ["id": .string(price)]]]],
        ]
        subscriptions.withLockedValue { $0[id] = object }
        return object
    }

    func addBillingRoutes(to router: Router<BasicRequestContext>) {
        router.get("/v1/subscriptions/{id}") { request, context in
            try await self.record(request, "/v1/subscriptions/{id}:get")
            guard let found = self.subscriptions.withLockedValue({ $0[context.parameters.get("id") ?? ""] }) else { return Self.missing() }
            return Self.json(found)
        }
        router.post("/v1/subscriptions/{id}") { request, context in
            let form = try await self.record(request, "/v1/subscriptions/{id}")
            let id = context.parameters.get("id") ?? ""
            guard var object = self.subscriptions.withLockedValue({ $0[id] })?.objectValue else { return Self.missing() }
            if let cancel = form["cancel_at_period_end"] { object["cancel_at_period_end"] = .bool(cancel == "true") }
            if form["trial_end"] == "now" {
                object["status"] = "active"
                object["trial_end"] = .number(Date().timeIntervalSince1970.rounded())
            }
            if let price = form["items[0][price]"] {
                object["items"] = ["data": [["id": .string(form["items[0][id]"] ?? "si_item1"), "price": ["id": .string(price)]]]]
            }
            self.subscriptions.withLockedValue { $0[id] = .object(object) }
            return Self.json(.object(object))
        }
        router.delete("/v1/subscriptions/{id}") { request, context in
            try await self.record(request, "/v1/subscriptions/{id}:delete")
            let id = context.parameters.get("id") ?? ""
            guard var object = self.subscriptions.withLockedValue({ $0[id] })?.objectValue else { return Self.missing() }
            object["status"] = "canceled"
            object["canceled_at"] = .number(Date().timeIntervalSince1970.rounded())
            self.subscriptions.withLockedValue { $0[id] = .object(object) }
            return Self.json(.object(object))
        }
        router.post("/v1/setup_intents") { request, _ in
            try await self.record(request, "/v1/setup_intents")
            return Self.json(["id": "seti_123", "object": "setup_intent", "client_secret": "seti_123_secret_abc"])
        }
        router.post("/v1/billing_portal/sessions") { request, _ in
            try await self.record(request, "/v1/billing_portal/sessions")
            return Self.json(["id": "bps_1", "url": "https://billing.stripe.test/p/session/bps_1"])
        }
        router.get("/v1/invoices") { request, _ in
            try await self.record(request, "/v1/invoices")
            return Self.json(["object": "list", "data": [Self.invoice("in_1", status: "paid")]])
        }
        router.get("/v1/invoices/upcoming") { request, _ in
            try await self.record(request, "/v1/invoices/upcoming")
            if request.uri.queryParameters.get("customer") == "cus_none" {
                return Response(status: .notFound, headers: [.contentType: "application/json"],
                                body: .init(byteBuffer: ByteBuffer(string: #"{"error":{"code":"invoice_upcoming_none","message":"No upcoming invoices"}}"#)))
            }
            return Self.json(Self.invoice(nil, status: "draft"))
        }
    }

    static func invoice(_ id: String?, status: String) -> JSONValue {
        ["id": id.map(JSONValue.string) ?? .null, "number": id.map { .string("INV-\($0)") } ?? .null, "status": .string(status),
         "currency": "eur", "amount_due": 7900, "amount_paid": status == "paid" ? 7900 : 0, "total": 7900, "created": 1_700_000_000,
         "period_start": 1_700_000_000, "period_end": 1_702_592_000, "hosted_invoice_url": "https://invoice.stripe.test/i/1"]
    }

    static func missing() -> Response {
        Response(status: .notFound, headers: [.contentType: "application/json"],
                 body: .init(byteBuffer: ByteBuffer(string: #"{"error":{"type":"invalid_request_error","message":"No such subscription"}}"#)))
    }
}

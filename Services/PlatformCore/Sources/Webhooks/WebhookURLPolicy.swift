import Foundation
import HTTPTypes
import KisumKernel
import KisumServiceClient

/// Which URLs a webhook may call: HTTPS to a public address. Plain HTTP only to loopback, and loopback only when
/// `WEBHOOK_ALLOW_LOOPBACK` is set (development and tests). Private, link-local (the cloud metadata endpoint
/// 169.254.169.254), CGNAT, unique-local … are refused by the shared `OutboundURLGuard`, so a webhook cannot be used to
/// reach the internal network. The same check runs when the URL is saved and again at every delivery (DNS can change),
/// and the delivery connects to the address that was checked (pinned).
struct WebhookURLPolicy: Sendable {
    let urlGuard: OutboundURLGuard

    init(allowLoopback: Bool, resolver: any HostResolver = SystemHostResolver()) {
        urlGuard = OutboundURLGuard(allowLoopback: allowLoopback, resolver: resolver)
    }

    /// Why a URL was refused: `code` is the stable error code, `message` safe to show (no address of ours).
    struct Refusal: Error, Sendable, CustomStringConvertible {
        var code: String
        var message: String
        var description: String { "\(code): \(message)" }

        var apiError: APIError {
            APIError(.unprocessableContent, code: code, message: message, details: [FieldIssue(field: "url", code: code, message: message)])
        }
    }

    /// `request` checked and pinned to the checked address, or the refusal.
    func pin(_ request: OutboundRequest) async throws(Refusal) -> OutboundRequest {
        do throws(OutboundURLRefusal) {
            return try await checked(request)
        } catch {
            throw Self.refusal(error)
        }
    }

    private func checked(_ request: OutboundRequest) async throws(OutboundURLRefusal) -> OutboundRequest {
        // Plain HTTP is refused before any name is resolved, unless loopback is allowed (then only to loopback).
        let scheme = URLComponents(string: request.url)?.scheme?.lowercased() ?? ""
        if scheme == "http", !urlGuard.allowLoopback { throw OutboundURLRefusal(url: request.url, reason: .scheme(scheme)) }
        let pinned = try await urlGuard.pin(request)
        if scheme != "https", !Self.isLoopback(pinned.resolve?.address) {
            throw OutboundURLRefusal(url: request.url, reason: .scheme(scheme))
        }
        return pinned
    }

    /// The saving-time check (create, update): the same rules, as 422 errors with stable codes.
    func validate(_ url: String) async throws {
        do throws(Refusal) {
            _ = try await pin(OutboundRequest(method: "POST", url: url))
        } catch {
            throw error.apiError
        }
    }

    static func refusal(_ refusal: OutboundURLRefusal) -> Refusal {
        switch refusal.reason {
        case .malformed, .userInfo:
            Refusal(code: "webhook_url_invalid", message: "The URL must be a plain https:// URL without credentials.")
        case .scheme:
            Refusal(code: "webhook_url_insecure", message: "Webhook URLs must use https.")
        case .unresolvable:
            Refusal(code: "webhook_url_unresolvable", message: "The URL's host does not resolve.")
        case .forbiddenAddress:
            Refusal(code: "webhook_url_forbidden",
                    message: "The URL points to a private, loopback or link-local address; webhooks only call public addresses.")
        }
    }

    static func isLoopback(_ address: String?) -> Bool {
        guard let address else { return false }
        return address == "::1" || address.hasPrefix("127.") || address.hasPrefix("::ffff:127.")
    }
}

import Foundation
import KisumKernel
import KisumPersistence
import KisumServiceClient
import Logging

/// Sends one signed delivery over libcurl to the address the URL policy checked (pinned), and classifies the answer:
/// 2xx delivered; 408, 429, 5xx, timeouts and connection failures are worth retrying; any other status (a redirect is
/// not followed) and a refused URL are final.
struct WebhookSender: Sendable {
    let policy: WebhookURLPolicy
    let transport: any HTTPTransport
    let timeout: Duration

    static let userAgent = "Kisum-Webhooks/1.0"
    /// Receivers answer briefly; a larger body is not read (the attempt counts as failed and is retried).
    static let maxResponseBytes = 64 * 1024

    enum Outcome: Sendable { case delivered, retry, final }

    struct Result: Sendable {
        var outcome: Outcome
        var statusCode: Int?
        var durationMS: Int
        /// Why it failed, without the URL (it may carry the receiver's own token) or the secret.
        var error: String?
        /// Set when the URL policy refused the URL (nothing was sent).
        var refusal: WebhookURLPolicy.Refusal?
    }

    /// `body` is sent as it is and signed with `secret`; `deliveryID` stays the same across retries of one event.
    func send(url: String, secret: String, webhookID: UUID, deliveryID: String, event: String, body: [UInt8]) async -> Result {
        let timestamp = Int64(Date().timeIntervalSince1970.rounded(.down))
        var request = OutboundRequest(method: "POST", url: url, headers: [
            ("Content-Type", "application/json"),
            ("User-Agent", Self.userAgent),
            (WebhookSignature.header, WebhookSignature.sign(secret: secret, timestamp: timestamp, body: body)),
            ("Kisum-Event", event),
            ("Kisum-Delivery", deliveryID),
            ("Kisum-Webhook-Id", webhookID.uuidString.lowercased()),
        ], body: body, timeout: timeout, connectTimeout: min(timeout, .seconds(5)))
        request.maxResponseBytes = Self.maxResponseBytes
        let started = ContinuousClock.now
        let pinned: OutboundRequest
        do throws(WebhookURLPolicy.Refusal) {
            pinned = try await policy.pin(request)
        } catch {
            return Result(outcome: .final, statusCode: nil, durationMS: Self.milliseconds(since: started), error: error.description,
                          refusal: error)
        }
        do {
            let response = try await transport.send(pinned)
            let elapsed = Self.milliseconds(since: started)
            switch response.status {
            case 200..<300:
                return Result(outcome: .delivered, statusCode: response.status, durationMS: elapsed, error: nil)
            case 408, 429, 500...599:
                return Result(outcome: .retry, statusCode: response.status, durationMS: elapsed, error: "receiver answered \(response.status)")
            default:
                return Result(outcome: .final, statusCode: response.status, durationMS: elapsed, error: "receiver answered \(response.status)")
            }
        } catch {
            return Result(outcome: .retry, statusCode: nil, durationMS: Self.milliseconds(since: started), error: Self.reason(error))
        }
    }

    static func reason(_ error: any Error) -> String {
        if let tooLarge = error as? ResponseTooLargeError { return tooLarge.description }
        return switch error as? ServiceClientError {
        case .timeout: "timed out"
        case .unreachable(_, _, let reason): "unreachable: \(reason)"
        case .invalidResponse(_, let reason): "invalid response: \(reason)"
        default: "transport failure"
        }
    }

    static func milliseconds(since start: ContinuousClock.Instant) -> Int {
        let elapsed = (ContinuousClock.now - start).components
        let ms = elapsed.seconds.multipliedReportingOverflow(by: 1000).partialValue + elapsed.attoseconds / 1_000_000_000_000_000
        return Int(clamping: max(0, min(ms, Int64(Int32.max))))
    }
}

/// The outbox topic `webhook`: messages the `activity_webhooks` trigger wrote. Each attempt is logged in
/// `webhook_deliveries`; the relay retries with its exponential backoff (2 s, 4 s, 8 s … at most 10 minutes,
/// `maxAttempts` attempts) and gives up on final failures. The webhook is read at delivery time: deleted → dropped,
/// disabled → dropped, a new URL or secret → used.
struct WebhookOutboxHandler: OutboxHandler {
    static let topic = "webhook"

    let repository: WebhookRepository
    let sender: WebhookSender
    let sealingKey: [UInt8]
    let maxAttempts: Int
    let logger: Logger

    struct RetryableFailure: Error, CustomStringConvertible {
        var description: String
    }

    func deliver(_ message: OutboxMessage) async throws {
        let payload = try message.decode(JSONValue.self)
        guard let workspaceID = message.companyID, let webhookID = payload["webhook_id"]?.stringValue.flatMap(UUID.init(uuidString:)),
              let event = payload["event"]?.stringValue, let body = payload["body"], case .object = body
        else { throw PermanentDeliveryFailure("not a webhook message") }
        guard let target = try await repository.target(workspaceID: workspaceID, id: webhookID) else {
            throw PermanentDeliveryFailure("the webhook was deleted")
        }
        guard target.isActive else { throw PermanentDeliveryFailure("the webhook is disabled") }
        let secret = try WebhookSecret.open(target.sealedSecret, key: sealingKey, workspaceID: workspaceID, webhookID: webhookID)
        let bytes = Array(try JSONCoding.encoder.encode(body))
        let attempt = message.attempts + 1
        let deliveryID = body["id"]?.stringValue ?? message.id.uuidString.lowercased()
        let result = await sender.send(url: target.url, secret: secret, webhookID: webhookID, deliveryID: deliveryID, event: event, body: bytes)
        let outcome = switch result.outcome {
        case .delivered: "delivered"
        case .retry where attempt < maxAttempts: "retrying"
        default: "failed"
        }
        do {
            try await repository.record(workspaceID: workspaceID, webhookID: webhookID, .init(
                outboxID: message.id, event: event, attempt: attempt, statusCode: result.statusCode, durationMS: result.durationMS,
                error: result.error, outcome: outcome))
        } catch {
            // The delivery itself happened; a lost log row must not make it happen twice.
            logger.warning("webhook delivery log write failed", metadata: ["webhook_id": "\(webhookID)", "error": "\(error)"])
        }
        switch result.outcome {
        case .delivered: return
        case .retry: throw RetryableFailure(description: result.error ?? "failed")
        case .final: throw PermanentDeliveryFailure(result.error ?? "failed")
        }
    }
}

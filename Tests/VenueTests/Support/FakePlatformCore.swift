import Foundation
import KisumKernel
import KisumPersistence
import KisumServiceClient
import KisumTesting
import PlatformCoreAPI
import Synchronization
@testable import Venue

/// Platform Core's `POST /internal/notifications` answered in-process, for Venue's notification tests: it records
/// every request Venue sent (with its internal key and Idempotency-Key), answers like Platform Core (a duplicate
/// dedupe key is skipped, not delivered twice), and can be switched off (unreachable).
final class FakePlatformCore: HTTPTransport, Sendable {
    static let url = "http://platform-core.test"
    static let key = "platform-core-internal-key-for-venue-tests-01"

    struct Seen: Sendable {
        var request: NotificationRequest
        var key: String?
        var idempotencyKey: String?
    }

    private struct State {
        var up = true
        var seen: [Seen] = []
        var dedupe: Set<String> = []
    }
    private let state = Mutex(State())

    var up: Bool {
        get { state.withLock { $0.up } }
        set { state.withLock { $0.up = newValue } }
    }

    /// Notifications that reached Platform Core (retries with a seen dedupe key included).
    var seen: [Seen] { state.withLock { $0.seen } }

    var client: PlatformNotificationsClient { PlatformNotificationsClient(baseURL: Self.url, apiKey: Self.key, transport: self) }

    /// Venue settings whose notifications come here, with no relays running (tests drive them).
    var settings: VenueSettings {
        var settings = VenueSettings()
        settings.notifications = client
        settings.runsFinanceRelay = false
        settings.runsNotificationRelay = false
        return settings
    }

    func send(_ request: OutboundRequest) async throws -> OutboundResponse {
        guard up else { throw ServiceClientError.unreachable(service: "platform-core", url: request.url, reason: "connection refused") }
        guard request.method == "POST", request.url == Self.url + PlatformCoreInternal.notificationsPath,
              let body = request.body,
              let notice = try? JSONCoding.snakeCaseDecoder.decode(NotificationRequest.self, from: Data(body)) else {
            return Self.answer(400, ["error": ["code": "validation_failed"]] as JSONValue)
        }
        let seen = Seen(request: notice, key: request.header("X-Internal-API-Key"), idempotencyKey: request.header("Idempotency-Key"))
        let duplicate = state.withLock { state -> Bool in
            state.seen.append(seen)
            guard let key = notice.dedupeKey else { return false }
            return !state.dedupe.insert(key).inserted
        }
        return Self.answer(201, NotificationDelivery(
            delivered: duplicate ? [] : notice.userIds.map { .init(userId: $0, notificationId: UUID(), emailed: false) },
            skipped: duplicate ? notice.userIds.map { .init(userId: $0, reason: "duplicate") } : []))
    }

    static func answer(_ status: Int, _ body: some Encodable) -> OutboundResponse {
        OutboundResponse(status: status, headers: [("Content-Type", "application/json")],
                         body: (try? JSONCoding.snakeCaseEncoder.encodeBytes(body)) ?? [])
    }
}

/// A Finance that refuses every invoice (422), so a deposit's hand-off fails for good.
struct RefusingFinance: FinanceLedger {
    func createInvoice(_ body: JSONValue, idempotencyKey: String, companyID: UUID) async throws -> LedgerWrite {
        .refused(status: 422, code: "validation_failed", existingID: nil)
    }
    func updateInvoice(id: UUID, _ patch: JSONValue, companyID: UUID) async throws -> LedgerWrite {
        .refused(status: 422, code: "validation_failed", existingID: nil)
    }
    func invoices(ids: [UUID], companyID: UUID) async throws -> [UUID: LedgerInvoice] { [:] }
    func depositTotals(depositIDs: [UUID], companyID: UUID) async throws -> [LedgerTotals] { [] }
    func issuedTotals(_ kind: LedgerKind, bucket: String, from: String, to: String, companyID: UUID) async throws -> [LedgerBucketTotals] {
        []
    }
}

extension VenueClients {
    /// Delivers every due notification now, as the background relay would.
    func sendNotifications(_ platform: FakePlatformCore) async throws {
        try await OutboxRelay(database: env.database, handlers: [VenueNotifications.topic: PlatformNotificationDelivery(client: platform.client)],
                              maxAttempts: .max).drain()
    }
}

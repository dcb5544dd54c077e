import Foundation
import KisumKernel
import KisumPersistence
import KisumServiceClient
import Logging
import PlatformCoreAPI
import PostgresNIO

/// What Venue tells people through Platform Core's inbox (`POST /internal/notifications`). A notification is an
/// outbox message written in the transaction of the change it reports, so it is sent once that change commits,
/// whether or not Platform Core answers at the time, and never for a change that rolled back. The message is the
/// `NotificationRequest` itself; its dedupe key is also the outbox's idempotency key, so a retried delivery or a
/// second enqueue is never a second notification.
enum VenueNotifications {
    static let topic = "platform.notification"
    static let source = "venue"

    /// `booking.confirmed` for the booking's creator; nil when nobody is known to tell (an imported booking).
    static func bookingConfirmed(_ booking: Booking) -> NotificationRequest? {
        guard let creator = booking.createdBy else { return nil }
        let title = booking.title.flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
        var data: [String: JSONValue] = ["booking_id": .uuid(booking.id)]
        if let event = booking.eventId { data["event_id"] = .uuid(event) }
        return NotificationRequest(
            companyId: booking.companyId, userIds: [creator], type: "booking.confirmed",
            title: title.map { "Booking confirmed: \($0)" } ?? "Booking confirmed",
            body: "The booking from \(Self.day(booking.startAt)) to \(Self.day(booking.endAt)) is confirmed.",
            data: .object(data), source: source, dedupeKey: "booking.confirmed:\(booking.id.uuidString.lowercased())")
    }

    /// `deposit.sync_failed` for the deposit's creator when Finance refused it for good; nil without a creator.
    /// The dedupe key names the deposit's version: a deposit that is edited and refused again is told again.
    static func depositSyncFailed(_ deposit: Deposit, reason: String) -> NotificationRequest? {
        guard let creator = deposit.createdBy else { return nil }
        var data: [String: JSONValue] = ["deposit_id": .uuid(deposit.id), "reason": .string(String(reason.prefix(500)))]
        if let booking = deposit.bookingId { data["booking_id"] = .uuid(booking) }
        if let event = deposit.eventId { data["event_id"] = .uuid(event) }
        return NotificationRequest(
            companyId: deposit.companyId, userIds: [creator], type: "deposit.sync_failed",
            title: "Deposit could not be handed to Finance",
            body: "The deposit of \(deposit.payerName) (\(deposit.amountMinor) minor units \(deposit.currency)) was refused by Finance: \(reason)",
            data: .object(data), source: source,
            dedupeKey: "deposit.sync_failed:\(deposit.id.uuidString.lowercased()):\(deposit.version)")
    }

    /// Adds `request` to the outbox inside the caller's transaction (the change's own).
    static func enqueue(_ request: NotificationRequest, on connection: PostgresConnection, logger: Logger) async throws {
        let key = request.dedupeKey ?? "notification:\(UUID().uuidString.lowercased())"
        try await Outbox.enqueue(on: connection, topic: topic, companyID: request.companyId, payload: request, idempotencyKey: key,
                                 logger: logger)
    }

    private static func day(_ date: Date) -> String {
        String(RFC3339.string(from: date).prefix(10))
    }
}

/// Delivers `platform.notification` messages to Platform Core. Platform Core down or failing → thrown, and the
/// relay retries with backoff; Platform Core refusing the request itself (a 4xx other than 401/403/408/429) →
/// `PermanentDeliveryFailure`, since sending it again cannot help.
struct PlatformNotificationDelivery: OutboxHandler {
    let client: PlatformNotificationsClient

    func deliver(_ message: OutboxMessage) async throws {
        let request = try message.decode(NotificationRequest.self)
        do {
            _ = try await client.notify(request)
        } catch ServiceClientError.unexpectedStatus(_, let status, let body) where (400..<500).contains(status)
            && ![401, 403, 408, 429].contains(status) {
            throw PermanentDeliveryFailure("Platform Core refused the notification (\(status)): \(body.prefix(200))")
        }
    }
}

import Foundation
import KisumKernel
import KisumServiceClient

/// A user's notification inbox in Platform Core, for the other services (Base's Notifications group) and for
/// producers (`notify`). Over the shared libcurl `ServiceClient` with the internal key Platform Core accepts;
/// reads are retried like every idempotent call, writes are sent once.
///
/// Throws `ServiceClientError` when Platform Core does not answer or answers something unexpected (callers
/// answer 503); a notification that is not the user's in that company is `nil` / `false`, never an error.
public struct PlatformNotificationsClient: Sendable {
    private let client: ServiceClient

    public init(baseURL: String, apiKey: String?, timeout: Duration = .seconds(3), transport: any HTTPTransport = CurlTransport.shared) {
        client = ServiceClient(name: "platform-core", baseURL: baseURL, internalAPIKey: apiKey, transport: transport, timeout: timeout,
                               retry: RetryPolicy(maxAttempts: 2), decoder: JSONCoding.snakeCaseDecoder)
    }

    public func list(userID: UUID, companyID: UUID, unreadOnly: Bool, limit: Int, offset: Int) async throws -> NotificationList {
        let limit = min(max(1, limit), NotificationList.maxLimit)
        let offset = min(max(0, offset), NotificationList.maxOffset)
        return try await client.json("GET", PlatformCoreInternal.userNotificationsPath(userID), query: [
            ("company_id", Self.text(companyID)), ("unread_only", unreadOnly ? "true" : "false"),
            ("limit", String(limit)), ("offset", String(offset)),
        ])
    }

    public func unreadCount(userID: UUID, companyID: UUID) async throws -> Int {
        let answer: UnreadNotificationCount = try await client.json("GET", PlatformCoreInternal.unreadCountPath(userID),
                                                                    query: [("company_id", Self.text(companyID))])
        return answer.count
    }

    /// The notification, now read; nil when it is not this user's in this company.
    public func markRead(userID: UUID, companyID: UUID, notificationID: UUID) async throws -> NotificationItem? {
        let response = try await client.send("POST", PlatformCoreInternal.readPath(userID, notificationID),
                                             query: [("company_id", Self.text(companyID))])
        if response.status == 404 { return nil }
        return try decode(response, as: NotificationItem.self)
    }

    /// How many notifications changed from unread to read.
    public func markAllRead(userID: UUID, companyID: UUID) async throws -> Int {
        let answer: UpdatedNotifications = try await client.json("POST", PlatformCoreInternal.readAllPath(userID),
                                                                 query: [("company_id", Self.text(companyID))])
        return answer.updated
    }

    /// False when it is not this user's in this company.
    public func delete(userID: UUID, companyID: UUID, notificationID: UUID) async throws -> Bool {
        let response = try await client.send("DELETE", PlatformCoreInternal.notificationPath(userID, notificationID),
                                             query: [("company_id", Self.text(companyID))])
        switch response.status {
        case 204, 200: return true
        case 404: return false
        default: throw Self.unexpected(response)
        }
    }

    public func settings(userID: UUID, companyID: UUID) async throws -> NotificationSettings {
        try await client.json("GET", PlatformCoreInternal.notificationSettingsPath(userID), query: [("company_id", Self.text(companyID))])
    }

    /// Notifies members of a company (a producer's call). Sent once; give `dedupeKey` and retry freely.
    public func notify(_ request: NotificationRequest) async throws -> NotificationDelivery {
        let body = try JSONCoding.snakeCaseEncoder.encodeBytes(request)
        let headers: [(name: String, value: String)] = request.dedupeKey.map { [("Idempotency-Key", $0)] } ?? []
        let response = try await client.send("POST", PlatformCoreInternal.notificationsPath, body: body, headers: headers)
        return try decode(response, as: NotificationDelivery.self)
    }

    private func decode<T: Decodable>(_ response: OutboundResponse, as type: T.Type) throws -> T {
        guard (200..<300).contains(response.status) else { throw Self.unexpected(response) }
        do {
            return try JSONCoding.snakeCaseDecoder.decode(T.self, from: Data(response.body))
        } catch {
            throw ServiceClientError.invalidResponse(service: "platform-core", reason: "\(error)")
        }
    }

    private static func unexpected(_ response: OutboundResponse) -> ServiceClientError {
        .unexpectedStatus(service: "platform-core", status: response.status, body: String(response.bodyText.prefix(512)))
    }

    private static func text(_ id: UUID) -> String { id.uuidString.lowercased() }
}

import Base
import Foundation
import KisumKernel
import KisumServiceClient
import KisumTesting
import PlatformCoreAPI
import Synchronization

/// Platform Core's internal inbox routes answered in-process (the paths and wire types of `PlatformCoreAPI`, snake_case
/// like Platform Core), so Base's Notifications group is tested without a live Platform Core. Like Platform Core it
/// scopes everything by the path's user and the query's company (another user's or company's notification is 404),
/// refuses a wrong internal key, and can be switched off (unreachable) or failing.
final class FakePlatformInbox: HTTPTransport, Sendable {
    enum Mode: Sendable { case up, unreachable, failing }

    static let url = "http://platform-core.test"
    static let key = "platform-core-internal-key-for-base-tests-0123"

    private struct State {
        var items: [NotificationItem] = []
        var mode = Mode.up
        var seen: [String] = []
    }
    private let state = Mutex(State())

    var mode: Mode {
        get { state.withLock { $0.mode } }
        set { state.withLock { $0.mode = newValue } }
    }

    /// The URLs Base called (path and query).
    var seen: [String] { state.withLock { $0.seen } }

    var settings: BaseSettings {
        var settings = BaseSettings()
        settings.notifications = PlatformNotificationsClient(baseURL: Self.url, apiKey: Self.key, transport: self)
        return settings
    }

    /// A notification of `user` in `company`; its id.
    @discardableResult
    func add(_ title: String, user: UUID, company: UUID, read: Bool = false, at date: Date = Date()) -> UUID {
        state.withLock { state in
            let item = NotificationItem(id: UUID(), sequence: Int64(state.items.count + 1), workspaceId: company, userId: user,
                                        type: "task.assigned", category: "Assigned Actions", title: title, body: "Details of \(title)",
                                        data: ["task_id": "t-1"], actionUrl: "/tasks/t-1", source: "base", isRead: read,
                                        readAt: read ? date : nil, createdAt: date)
            state.items.append(item)
            return item.id
        }
    }

    func send(_ request: OutboundRequest) async throws -> OutboundResponse {
        switch mode {
        case .unreachable: throw ServiceClientError.unreachable(service: "platform-core", url: request.url, reason: "connection refused")
        case .failing: return Self.answer(500, ["error": ["code": "internal_error"]] as JSONValue)
        case .up: break
        }
        guard request.header("X-Internal-API-Key") == Self.key else { return Self.answer(401, ["error": ["code": "internal_key_invalid"]] as JSONValue) }
        guard let components = URLComponents(string: request.url) else { return Self.answer(400, [:] as JSONValue) }
        state.withLock { $0.seen.append(components.path + "?" + (components.query ?? "")) }
        let query = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { a, _ in a })
        let parts = components.path.split(separator: "/").map(String.init)
        guard parts.count >= 4, parts[0] == "internal", parts[1] == "users", let user = UUID(uuidString: parts[2]),
              let company = query["company_id"].flatMap(UUID.init(uuidString:)) else {
            return Self.answer(404, ["error": ["code": "not_found"]] as JSONValue)
        }
        let mine = { (item: NotificationItem) in item.userId == user && item.workspaceId == company }
        let rest = Array(parts.dropFirst(3))
        // A notification id in the path (…/notifications/{id}[/read]).
        let id = rest.count >= 2 && rest[0] == "notifications" && !["unread-count", "read-all"].contains(rest[1]) ? rest[1] : nil
        let route = id.map { _ in rest.count == 3 ? "notifications/{id}/\(rest[2])" : "notifications/{id}" } ?? rest.joined(separator: "/")
        switch (request.method, route) {
        case ("GET", "notifications"):
            let unreadOnly = query["unread_only"] == "true"
            let limit = Int(query["limit"] ?? "") ?? 50
            let offset = Int(query["offset"] ?? "") ?? 0
            let all = state.withLock { $0.items }.filter(mine).sorted { $0.sequence > $1.sequence }
            let matching = all.filter { !unreadOnly || !$0.isRead }
            return Self.answer(200, NotificationList(items: Array(matching.dropFirst(offset).prefix(limit)), total: matching.count,
                                                     unreadCount: all.filter { !$0.isRead }.count, limit: limit, offset: offset))
        case ("GET", "notifications/unread-count"):
            return Self.answer(200, UnreadNotificationCount(count: state.withLock { $0.items }.filter { mine($0) && !$0.isRead }.count))
        case ("POST", "notifications/read-all"):
            let updated = state.withLock { state -> Int in
                var updated = 0
                for index in state.items.indices where mine(state.items[index]) && !state.items[index].isRead {
                    state.items[index].isRead = true
                    state.items[index].readAt = Date()
                    updated += 1
                }
                return updated
            }
            return Self.answer(200, UpdatedNotifications(updated: updated))
        case ("POST", "notifications/{id}/read"):
            let item = state.withLock { state -> NotificationItem? in
                guard let index = state.items.firstIndex(where: { mine($0) && $0.id.uuidString.lowercased() == id }) else { return nil }
                if !state.items[index].isRead {
                    state.items[index].isRead = true
                    state.items[index].readAt = Date()
                }
                return state.items[index]
            }
            guard let item else { return Self.answer(404, ["error": ["code": "notification_not_found"]] as JSONValue) }
            return Self.answer(200, item)
        case ("DELETE", "notifications/{id}"):
            let removed = state.withLock { state -> Bool in
                guard let index = state.items.firstIndex(where: { mine($0) && $0.id.uuidString.lowercased() == id }) else { return false }
                state.items.remove(at: index)
                return true
            }
            return removed ? OutboundResponse(status: 204, headers: [], body: [])
                : Self.answer(404, ["error": ["code": "notification_not_found"]] as JSONValue)
        case ("GET", "notification-settings"):
            return Self.answer(200, NotificationSettings(emailDeliveryMode: "digest", digestFrequencyMinutes: "30", preferences: [
                EventTypePreference(eventType: "task.assigned", category: "Assigned Actions", label: "Task assigned", inappEnabled: true,
                                    emailEnabled: false, whatsappEnabled: false, muted: false),
            ]))
        default:
            return Self.answer(404, ["error": ["code": "not_found"]] as JSONValue)
        }
    }

    static func answer(_ status: Int, _ body: some Encodable) -> OutboundResponse {
        OutboundResponse(status: status, headers: [("Content-Type", "application/json")],
                         body: (try? JSONCoding.snakeCaseEncoder.encodeBytes(body)) ?? [])
    }
}

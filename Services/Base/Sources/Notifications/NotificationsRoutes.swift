import Foundation
import Hummingbird
import KisumKernel
import PlatformCoreAPI

/// `/api/notifications`: the caller's own notifications in the `x-org` company — Platform Core's inbox (one store
/// for every service), read and changed through its internal routes with the caller's user id and company.
/// Every member has an inbox, so membership (and Base's module) is all it takes; API keys have none (403).
/// A notification of another user or company is 404 (Platform Core scopes every statement by both).
struct NotificationsRoutes: Sendable {
    typealias Context = BaseService.Context
    let inbox: NotificationInbox

    func addRoutes(to tenant: RouterGroup<Context>) {
        let notifications = tenant.group("/api/notifications")
        notifications.get("", use: list)
        notifications.get("unread-count", use: unreadCount)
        notifications.get("settings", use: settings)
        notifications.patch("read-all", use: readAll)
        notifications.patch("{id}/read", use: read)
        notifications.delete("{id}", use: delete)
    }

    /// The caller (a person) and the company.
    static func owner(_ context: Context) throws -> (companyID: UUID, userID: UUID) {
        _ = try context.requireAccess()
        let identity = try context.requireIdentity()
        guard identity.apiKeyID == nil, context.kisum.apiKeyAccess == nil else {
            throw APIError.forbidden("api_key_not_accepted", "Notifications belong to people; an API key has no inbox.")
        }
        return (try context.requireCompany(), identity.userID)
    }

    static let notFound = APIError(.notFound, code: "notification_not_found", message: "No such notification in your inbox.")

    /// Newest first; `unreadOnly=true` leaves read ones out. `page` 1…10000, `limit` 1…100 (default 20).
    @Sendable func list(_ request: Request, context: Context) async throws -> Page<InboxNotification> {
        let owner = try Self.owner(context)
        var q = QueryReader(request)
        let page = PageRequest(page: q.int("page", range: 1...10_000) ?? 1, limit: q.int("limit", range: 1...100) ?? 20)
        let unreadOnly = q.bool("unreadOnly") ?? false
        try q.validate()
        let list = try await inbox.call {
            try await $0.list(userID: owner.userID, companyID: owner.companyID, unreadOnly: unreadOnly, limit: page.limit, offset: page.offset)
        }
        return Page(items: list.items.map(InboxNotification.init), total: list.total, request: page)
    }

    @Sendable func unreadCount(_ request: Request, context: Context) async throws -> NotificationCount {
        let owner = try Self.owner(context)
        return NotificationCount(count: try await inbox.call { try await $0.unreadCount(userID: owner.userID, companyID: owner.companyID) })
    }

    /// The notification, read (reading it again changes nothing).
    @Sendable func read(_ request: Request, context: Context) async throws -> InboxNotification {
        let owner = try Self.owner(context)
        let id = try context.parameters.uuid("id", what: "notification")
        guard let item = try await inbox.call({ try await $0.markRead(userID: owner.userID, companyID: owner.companyID, notificationID: id) })
        else { throw Self.notFound }
        return InboxNotification(item)
    }

    /// Every unread notification of the caller here; how many changed.
    @Sendable func readAll(_ request: Request, context: Context) async throws -> NotificationsUpdated {
        let owner = try Self.owner(context)
        return NotificationsUpdated(updated: try await inbox.call { try await $0.markAllRead(userID: owner.userID, companyID: owner.companyID) })
    }

    @Sendable func delete(_ request: Request, context: Context) async throws -> Response {
        let owner = try Self.owner(context)
        let id = try context.parameters.uuid("id", what: "notification")
        guard try await inbox.call({ try await $0.delete(userID: owner.userID, companyID: owner.companyID, notificationID: id) }) else {
            throw Self.notFound
        }
        return Response(status: .noContent)
    }

    /// Every event type with the caller's channels and the e-mail delivery mode (changed in Platform Core).
    @Sendable func settings(_ request: Request, context: Context) async throws -> NotificationSettingsView {
        let owner = try Self.owner(context)
        return NotificationSettingsView(try await inbox.call { try await $0.settings(userID: owner.userID, companyID: owner.companyID) })
    }
}

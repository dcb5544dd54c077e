import Foundation
import Hummingbird
import KisumKernel
import KisumPersistence
import PlatformCoreAPI

extension NotificationItem: ResponseEncodable {}
extension NotificationList: ResponseEncodable {}
extension UnreadNotificationCount: ResponseEncodable {}
extension UpdatedNotifications: ResponseEncodable {}
extension EventTypePreference: ResponseEncodable {}
extension NotificationSettings: ResponseEncodable {}
extension NotificationDelivery: ResponseEncodable {}

/// The caller's inbox in the request's workspace (`jwt+org`): every member has one, so membership is the
/// only requirement; nobody reads another person's notifications (another user's id is 404).
struct NotificationHandlers {
    let repository: NotificationRepository

    /// The caller and the workspace: an active member (the tenant group checked it).
    static func inbox(_ context: PlatformRequestContext) throws -> (workspaceID: UUID, userID: UUID) {
        _ = try context.requireAccess()
        return (try context.requireCompany(), try context.requireIdentity().userID)
    }

    static let notFound = APIError(.notFound, code: "notification_not_found", message: "No such notification in your inbox.")

    /// `GET /notifications?unread_only=&limit=&offset=`: newest first (limit 1…100, default 50).
    @Sendable func list(_ request: Request, context: PlatformRequestContext) async throws -> NotificationList {
        let inbox = try Self.inbox(context)
        var query = QueryReader(request)
        let window = Self.window(&query)
        try query.validate()
        return try await repository.list(workspaceID: inbox.workspaceID, userID: inbox.userID, unreadOnly: window.unreadOnly,
                                         limit: window.limit, offset: window.offset)
    }

    static func window(_ query: inout QueryReader) -> (unreadOnly: Bool, limit: Int, offset: Int) {
        (query.bool("unread_only") ?? false,
         query.int("limit", range: 1...NotificationList.maxLimit) ?? NotificationList.defaultLimit,
         query.int("offset", range: 0...NotificationList.maxOffset) ?? 0)
    }

    /// `GET /notifications/unread-count`: `{"count": n}`.
    @Sendable func unreadCount(_ request: Request, context: PlatformRequestContext) async throws -> UnreadNotificationCount {
        let inbox = try Self.inbox(context)
        return UnreadNotificationCount(count: try await repository.unreadCount(workspaceID: inbox.workspaceID, userID: inbox.userID))
    }

    struct MarkReadBody: ValidatableBody {
        var notificationId: UUID?
        func validate(_ v: inout Validator) {}
    }

    /// `POST /notifications/mark-read`: `notification_id` marks that one (404 when it is not the caller's here;
    /// already read counts 0); without it (or without a body) every unread one here. `{"updated": n}`.
    @Sendable func markRead(_ request: Request, context: PlatformRequestContext) async throws -> UpdatedNotifications {
        let inbox = try Self.inbox(context)
        let body = try await request.decodeValidIfPresent(as: MarkReadBody.self, context: context)
        if let id = body?.notificationId {
            guard let (_, changed) = try await repository.markRead(workspaceID: inbox.workspaceID, userID: inbox.userID, id: id) else {
                throw Self.notFound
            }
            return UpdatedNotifications(updated: changed ? 1 : 0)
        }
        return UpdatedNotifications(updated: try await repository.markAllRead(workspaceID: inbox.workspaceID, userID: inbox.userID))
    }
}

import Foundation
import Hummingbird
import KisumKernel
import KisumPersistence
import PlatformCoreAPI

extension NotificationRequest: ValidatableBody {
    public func validate(_ v: inout Validator) {
        v.check((1...NotificationRequest.maxRecipients).contains(userIds.count), "user_ids", "out_of_range",
                "Between 1 and \(NotificationRequest.maxRecipients) users.")
        NotificationPreferenceHandlers.checkType(type, "type", &v)
        v.text(title.trimmingCharacters(in: .whitespacesAndNewlines), "title", maxLength: 200)
        v.check(title.unicodeScalars.count <= 200, "title", "too_long", "At most 200 characters.")
        v.text(body, "body", required: false, maxLength: 2000)
        if let data {
            v.check(data.objectValue != nil, "data", "invalid_type", "Must be a JSON object.")
            v.check(((try? JSONCoding.encoder.encodeBytes(data))?.count ?? 0) <= 16_384, "data", "too_large", "At most 16 KiB of JSON.")
        }
        if let actionUrl {
            v.check(actionUrl.unicodeScalars.count <= 2048 && NotificationInternalHandlers.isLink(actionUrl), "action_url", "invalid_url",
                    "An http(s) URL or a path starting with /.")
        }
        v.check(source.wholeMatch(of: #/[a-z][a-z0-9_-]{0,39}/#) != nil, "source", "invalid_source",
                "The producing service's name: lower-case letters, digits, - and _ (at most 40).")
        v.text(dedupeKey, "dedupe_key", required: false, maxLength: 200)
    }
}

/// `/internal` notification routes (internal key). Producers: `POST /internal/notifications`. Consumers
/// (Base's Notifications group): one user's inbox in one company, `company_id` in the query — the caller has
/// already checked that the user is a member there; every statement still has both ids, so a notification of
/// another user or company is 404.
struct NotificationInternalHandlers {
    let database: Database
    let notifier: Notifier
    let inbox: NotificationRepository
    let settings: NotificationSettingsHandlers

    static func isLink(_ text: String) -> Bool {
        if text.hasPrefix("/") { return !text.hasPrefix("//") && !text.contains(where: \.isWhitespace) }
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme), url.host != nil else {
            return false
        }
        return true
    }

    /// `POST /internal/notifications`: the event for the listed users of `company_id` (active members only),
    /// each as their preferences say, in one transaction. Answers who got it and why the others did not.
    @Sendable func create(_ request: Request, context: PlatformRequestContext) async throws -> NotificationDelivery {
        let body = try await request.decodeValid(as: NotificationRequest.self, context: context)
        let draft = Notifier.Draft(type: body.type, title: body.title.trimmingCharacters(in: .whitespacesAndNewlines), body: body.body,
                                   data: body.data, actionURL: body.actionUrl, source: body.source, dedupeKey: body.dedupeKey)
        let notifier = self.notifier
        return try await database.transaction { connection in
            try await notifier.send(draft, to: body.userIds, workspaceID: body.companyId, audience: .activeMembers, on: connection)
        }
    }

    /// The path's user and the query's company (both required).
    static func target(_ request: Request, _ context: PlatformRequestContext, query: inout QueryReader) throws -> (workspaceID: UUID, userID: UUID) {
        let userID = try context.parameters.uuid("user_id", what: "user")
        let companyID = query.uuid("company_id")
        if companyID == nil, query.issues.isEmpty { query.add("company_id", "required", "This parameter is required.") }
        try query.validate()
        guard let companyID else { throw APIError.badRequest("invalid_query", "company_id is required.") }
        return (companyID, userID)
    }

    @Sendable func list(_ request: Request, context: PlatformRequestContext) async throws -> NotificationList {
        var query = QueryReader(request)
        let window = NotificationHandlers.window(&query)
        let target = try Self.target(request, context, query: &query)
        return try await inbox.list(workspaceID: target.workspaceID, userID: target.userID, unreadOnly: window.unreadOnly,
                                    limit: window.limit, offset: window.offset)
    }

    @Sendable func unreadCount(_ request: Request, context: PlatformRequestContext) async throws -> UnreadNotificationCount {
        var query = QueryReader(request)
        let target = try Self.target(request, context, query: &query)
        return UnreadNotificationCount(count: try await inbox.unreadCount(workspaceID: target.workspaceID, userID: target.userID))
    }

    @Sendable func markRead(_ request: Request, context: PlatformRequestContext) async throws -> NotificationItem {
        var query = QueryReader(request)
        let target = try Self.target(request, context, query: &query)
        let id = try context.parameters.uuid("notification_id", what: "notification")
        guard let (item, _) = try await inbox.markRead(workspaceID: target.workspaceID, userID: target.userID, id: id) else {
            throw NotificationHandlers.notFound
        }
        return item
    }

    @Sendable func markAllRead(_ request: Request, context: PlatformRequestContext) async throws -> UpdatedNotifications {
        var query = QueryReader(request)
        let target = try Self.target(request, context, query: &query)
        return UpdatedNotifications(updated: try await inbox.markAllRead(workspaceID: target.workspaceID, userID: target.userID))
    }

    @Sendable func delete(_ request: Request, context: PlatformRequestContext) async throws -> Response {
        var query = QueryReader(request)
        let target = try Self.target(request, context, query: &query)
        let id = try context.parameters.uuid("notification_id", what: "notification")
        guard try await inbox.delete(workspaceID: target.workspaceID, userID: target.userID, id: id) else { throw NotificationHandlers.notFound }
        return Response(status: .noContent)
    }

    @Sendable func notificationSettings(_ request: Request, context: PlatformRequestContext) async throws -> NotificationSettings {
        var query = QueryReader(request)
        let target = try Self.target(request, context, query: &query)
        return try await settings.settings(workspaceID: target.workspaceID, userID: target.userID)
    }
}

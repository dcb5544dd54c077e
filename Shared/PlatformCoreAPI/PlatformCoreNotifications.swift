import Foundation
import KisumKernel

/// Platform Core's notification inbox as the other services reach it (internal key), defined once: the
/// paths, the wire types (snake_case, Platform Core's style) and `PlatformNotificationsClient`. Platform Core
/// answers with these types, so the two sides cannot drift.
extension PlatformCoreInternal {
    /// `POST` `NotificationRequest` → 201 `NotificationDelivery`: other services notify members of a company.
    public static let notificationsPath = "/internal/notifications"

    /// `GET ?company_id=&unread_only=&limit=&offset=` → `NotificationList`: one user's inbox in one company.
    public static func userNotificationsPath(_ userID: UUID) -> String {
        "/internal/users/\(userID.uuidString.lowercased())/notifications"
    }

    /// `GET ?company_id=` → `UnreadNotificationCount`.
    public static func unreadCountPath(_ userID: UUID) -> String { userNotificationsPath(userID) + "/unread-count" }

    /// `POST ?company_id=` → `UpdatedNotifications`: every unread notification of the user in the company.
    public static func readAllPath(_ userID: UUID) -> String { userNotificationsPath(userID) + "/read-all" }

    /// `POST ?company_id=` → `NotificationItem` (read), 404 when it is not this user's in this company.
    public static func readPath(_ userID: UUID, _ notificationID: UUID) -> String {
        userNotificationsPath(userID) + "/\(notificationID.uuidString.lowercased())/read"
    }

    /// `DELETE ?company_id=` → 204, 404 when it is not this user's in this company.
    public static func notificationPath(_ userID: UUID, _ notificationID: UUID) -> String {
        userNotificationsPath(userID) + "/\(notificationID.uuidString.lowercased())"
    }

    /// `GET ?company_id=` → `NotificationSettings`: every event type with the user's channels, and the e-mail mode.
    public static func notificationSettingsPath(_ userID: UUID) -> String {
        "/internal/users/\(userID.uuidString.lowercased())/notification-settings"
    }
}

/// One notification of a user's inbox.
public struct NotificationItem: Codable, Sendable, Equatable {
    public var id: UUID
    /// The stream's event id: increases with every notification of the user (across companies).
    public var sequence: Int64
    public var workspaceId: UUID
    public var userId: UUID
    /// The event type (`member.role_changed`, `booking.confirmed`, …).
    public var type: String
    public var category: String
    public var title: String
    public var body: String?
    /// Producer-defined details (ids of the records concerned), a JSON object.
    public var data: JSONValue
    public var actionUrl: String?
    /// The service that produced it.
    public var source: String
    public var isRead: Bool
    public var readAt: Date?
    public var createdAt: Date

    public init(id: UUID, sequence: Int64, workspaceId: UUID, userId: UUID, type: String, category: String, title: String,
                body: String?, data: JSONValue, actionUrl: String?, source: String, isRead: Bool, readAt: Date?, createdAt: Date) {
        self.id = id
        self.sequence = sequence
        self.workspaceId = workspaceId
        self.userId = userId
        self.type = type
        self.category = category
        self.title = title
        self.body = body
        self.data = data
        self.actionUrl = actionUrl
        self.source = source
        self.isRead = isRead
        self.readAt = readAt
        self.createdAt = createdAt
    }
}

/// A page of the inbox (the spec's `limit`/`offset` paging), newest first, with the unread count read in the
/// same statement so the two agree.
public struct NotificationList: Codable, Sendable, Equatable {
    public var items: [NotificationItem]
    public var total: Int
    public var unreadCount: Int
    public var limit: Int
    public var offset: Int

    public init(items: [NotificationItem], total: Int, unreadCount: Int, limit: Int, offset: Int) {
        self.items = items
        self.total = total
        self.unreadCount = unreadCount
        self.limit = limit
        self.offset = offset
    }

    /// Bounds of `limit` (default 50, the spec's) and `offset`.
    public static let maxLimit = 100
    public static let defaultLimit = 50
    public static let maxOffset = 1_000_000
}

public struct UnreadNotificationCount: Codable, Sendable, Equatable {
    public var count: Int
    public init(count: Int) { self.count = count }
}

public struct UpdatedNotifications: Codable, Sendable, Equatable {
    public var updated: Int
    public init(updated: Int) { self.updated = updated }
}

/// One event type's channels for a user (the spec's v2 preference shape, with the catalog's labels).
public struct EventTypePreference: Codable, Sendable, Equatable {
    public var eventType: String
    public var category: String
    public var label: String
    public var inappEnabled: Bool
    public var emailEnabled: Bool
    public var whatsappEnabled: Bool
    public var muted: Bool

    public init(eventType: String, category: String, label: String, inappEnabled: Bool, emailEnabled: Bool, whatsappEnabled: Bool,
                muted: Bool) {
        self.eventType = eventType
        self.category = category
        self.label = label
        self.inappEnabled = inappEnabled
        self.emailEnabled = emailEnabled
        self.whatsappEnabled = whatsappEnabled
        self.muted = muted
    }
}

/// What decides a user's deliveries in one company: every event type of the catalog (defaults filled in) and
/// how e-mails go out.
public struct NotificationSettings: Codable, Sendable, Equatable {
    /// `instant` or `digest`.
    public var emailDeliveryMode: String
    /// `"30"` or `"60"` (the spec's strings).
    public var digestFrequencyMinutes: String
    public var preferences: [EventTypePreference]

    public init(emailDeliveryMode: String, digestFrequencyMinutes: String, preferences: [EventTypePreference]) {
        self.emailDeliveryMode = emailDeliveryMode
        self.digestFrequencyMinutes = digestFrequencyMinutes
        self.preferences = preferences
    }
}

/// The body of `POST /internal/notifications`: one event for members of a company. Each recipient's preferences
/// decide whether it lands in the inbox and whether it is e-mailed; recipients who are not active members are
/// skipped. `dedupe_key` makes retries (another service's outbox) harmless: one notification per user and key.
public struct NotificationRequest: Codable, Sendable, Equatable {
    public var companyId: UUID
    public var userIds: [UUID]
    public var type: String
    public var title: String
    public var body: String?
    public var data: JSONValue?
    public var actionUrl: String?
    public var source: String
    public var dedupeKey: String?

    public init(companyId: UUID, userIds: [UUID], type: String, title: String, body: String? = nil, data: JSONValue? = nil,
                actionUrl: String? = nil, source: String, dedupeKey: String? = nil) {
        self.companyId = companyId
        self.userIds = userIds
        self.type = type
        self.title = title
        self.body = body
        self.data = data
        self.actionUrl = actionUrl
        self.source = source
        self.dedupeKey = dedupeKey
    }

    public static let maxRecipients = 500
}

/// The answer to `POST /internal/notifications`: who got it, and why the others did not.
public struct NotificationDelivery: Codable, Sendable, Equatable {
    public struct Delivered: Codable, Sendable, Equatable {
        public var userId: UUID
        /// The inbox row (nil when the user's preferences keep it out of the inbox).
        public var notificationId: UUID?
        public var emailed: Bool
        public init(userId: UUID, notificationId: UUID?, emailed: Bool) {
            self.userId = userId
            self.notificationId = notificationId
            self.emailed = emailed
        }
    }

    public struct Skipped: Codable, Sendable, Equatable {
        public var userId: UUID
        /// `not_a_member`, `muted`, `disabled` (every channel off), `duplicate` (dedupe key seen).
        public var reason: String
        public init(userId: UUID, reason: String) {
            self.userId = userId
            self.reason = reason
        }
    }

    public var delivered: [Delivered]
    public var skipped: [Skipped]

    public init(delivered: [Delivered], skipped: [Skipped]) {
        self.delivered = delivered
        self.skipped = skipped
    }
}

import Foundation
import Hummingbird
import KisumKernel
import PlatformCoreAPI

/// A notification of the caller's inbox, in Base's wire style (camelCase). The inbox itself is Platform Core's:
/// Base stores nothing and shows it through Platform Core's internal routes.
struct InboxNotification: ResponseEncodable, Sendable, Equatable {
    var id: UUID
    var companyId: UUID
    var type: String
    var category: String
    var title: String
    var body: String?
    var data: JSONValue
    var actionUrl: String?
    var source: String
    var isRead: Bool
    var readAt: Date?
    var createdAt: Date

    init(_ item: NotificationItem) {
        id = item.id
        companyId = item.workspaceId
        type = item.type
        category = item.category
        title = item.title
        body = item.body
        data = item.data
        actionUrl = item.actionUrl
        source = item.source
        isRead = item.isRead
        readAt = item.readAt
        createdAt = item.createdAt
    }
}

struct NotificationCount: ResponseEncodable, Sendable {
    var count: Int
}

struct NotificationsUpdated: ResponseEncodable, Sendable {
    var updated: Int
}

/// One event type's channels (defaults filled in by Platform Core).
struct NotificationTypeSetting: Encodable, Sendable, Equatable {
    var eventType: String
    var category: String
    var label: String
    var inAppEnabled: Bool
    var emailEnabled: Bool
    var whatsappEnabled: Bool
    var muted: Bool
}

/// What decides the caller's deliveries in this company; changed through Platform Core's preference routes.
struct NotificationSettingsView: ResponseEncodable, Sendable {
    var emailDeliveryMode: String
    var digestFrequencyMinutes: Int
    var preferences: [NotificationTypeSetting]

    init(_ settings: NotificationSettings) {
        emailDeliveryMode = settings.emailDeliveryMode
        digestFrequencyMinutes = Int(settings.digestFrequencyMinutes) ?? 60
        preferences = settings.preferences.map {
            NotificationTypeSetting(eventType: $0.eventType, category: $0.category, label: $0.label, inAppEnabled: $0.inappEnabled,
                                    emailEnabled: $0.emailEnabled, whatsappEnabled: $0.whatsappEnabled, muted: $0.muted)
        }
    }
}

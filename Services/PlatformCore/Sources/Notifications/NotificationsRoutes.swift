import Foundation
import Hummingbird
import KisumKernel

/// The Notifications group (`/api/v1/notifications`: the caller's inbox and preferences, `jwt+org`; the stream,
/// `jwt`) and its internal routes (`/internal/notifications` for producers, `/internal/users/{user_id}/…` for the
/// services that show a user's inbox, such as Base).
struct NotificationsRoutes {
    let inbox: NotificationHandlers
    let preferences: NotificationPreferenceHandlers
    let settings: NotificationSettingsHandlers
    let stream: NotificationStreamHandlers
    let machine: NotificationInternalHandlers

    func addRoutes(to groups: PlatformRouteGroups) {
        let api = groups.tenant("/api/v1/notifications")
        api.get("", use: inbox.list)
        api.get("unread-count", use: inbox.unreadCount)
        api.post("mark-read", use: inbox.markRead)
        api.get("defaults", use: preferences.defaults)
        api.get("me", use: preferences.mine)
        api.post("me", use: preferences.create)
        api.put("me/bulk", use: preferences.bulk)
        api.post("me/reset", use: preferences.reset)
        api.put("me/{preference_id}", use: preferences.update)
        api.delete("me/{preference_id}", use: preferences.delete)
        api.get("preferences/v2", use: settings.get)
        api.put("preferences/v2/{event_type}", use: settings.put)
        api.get("email-preference", use: settings.email)
        api.put("email-preference", use: settings.updateEmail)

        let live = groups.user("/api/v1/notifications/stream")
        live.get("", use: stream.stream)

        let producers = groups.internalKey("/internal/notifications")
        producers.post("", use: machine.create)
        let users = groups.internalKey("/internal/users")
        users.get("{user_id}/notifications", use: machine.list)
        users.get("{user_id}/notifications/unread-count", use: machine.unreadCount)
        users.post("{user_id}/notifications/read-all", use: machine.markAllRead)
        users.post("{user_id}/notifications/{notification_id}/read", use: machine.markRead)
        users.delete("{user_id}/notifications/{notification_id}", use: machine.delete)
        users.get("{user_id}/notification-settings", use: machine.notificationSettings)
    }
}

import Foundation
import KisumPersistence

extension PlatformServices {
    /// The producer Platform Core's own flows (invitations, role changes, removal) call in their transactions.
    var notifier: Notifier { Notifier(logger: logger, emails: emails) }

    /// The Notifications group with one hub: build it once per router (one LISTEN connection per process).
    var notificationsRoutes: NotificationsRoutes {
        let inbox = NotificationRepository(database: database)
        let settingsHandlers = NotificationSettingsHandlers(database: database)
        return NotificationsRoutes(
            inbox: NotificationHandlers(repository: inbox),
            preferences: NotificationPreferenceHandlers(database: database),
            settings: settingsHandlers,
            stream: NotificationStreamHandlers(hub: NotificationHub(database: database, logger: logger), repository: inbox,
                                               heartbeat: settings.notificationHeartbeat,
                                               maxDuration: .seconds(max(60, Int(settings.accessTokenTTL)))),
            machine: NotificationInternalHandlers(database: database, notifier: notifier, inbox: inbox, settings: settingsHandlers))
    }
}

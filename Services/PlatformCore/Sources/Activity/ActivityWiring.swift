import Foundation
import KisumRuntime
import ServiceLifecycle

/// Builds the Activity Feed, Workspace Health and untagged routes and the job worker with only what they use.
extension PlatformServices {
    var activityRoutes: ActivityRoutes {
        ActivityRoutes(feed: ActivityHandlers(activity: ActivityRepository(database: database)),
                       exports: ActivityExportHandlers(database: database, exports: ActivityExportRepository(database: database),
                                                       workspaces: workspaces, signer: ExportLinkSigner(settings: settings),
                                                       publicAPIURL: settings.publicAPIURL, linkTTL: settings.activityExportLinkTTL))
    }

    var workspaceHealthRoutes: WorkspaceHealthRoutes {
        WorkspaceHealthRoutes(handlers: WorkspaceHealthHandlers(health: WorkspaceHealthRepository(database: database),
                                                                migrations: WorkspaceDataMigrationRepository(database: database),
                                                                settings: settings))
    }

    var serviceIndexRoutes: ServiceIndexRoutes {
        ServiceIndexRoutes(handlers: ServiceIndexHandlers(database: database, workspaces: workspaces,
                                                          publicAppURL: settings.publicAppURL, publicAPIURL: settings.publicAPIURL))
    }
}

extension PlatformCoreService {
    /// The database job worker: activity exports, workspace data migrations and API-key expiry notices (hourly) and
    /// notification digests (looked at every minute).
    public static func jobWorker(_ runtime: ServiceRuntime<PlatformCoreSettings>) -> some Service {
        let database = runtime.database, settings = runtime.settings, logger = runtime.logger
        let exports = ActivityExportRunner(exports: ActivityExportRepository(database: database), activity: ActivityRepository(database: database),
                                           settings: settings, logger: logger)
        let migrations = WorkspaceMigrationRunner(repository: WorkspaceDataMigrationRepository(database: database),
                                                  workspaces: WorkspaceRepository(database: database), settings: settings, logger: logger)
        let emails = EmailComposer(appURL: settings.publicAppURL)
        let expiring = APIKeyExpiryNotices(database: database, notifier: Notifier(logger: logger, emails: emails))
        let digests = NotificationDigests(database: database, emails: emails)
        return JobWorker(queues: [("activity_exports", exports.runOnce), ("workspace_migrations", migrations.runOnce),
                                  ("api_key_expiry_notices", expiring.runIfDue), ("notification_digests", digests.runIfDue)],
                         pollInterval: settings.jobPollInterval, logger: logger)
    }
}

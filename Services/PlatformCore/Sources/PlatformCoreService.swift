import Foundation
import Hummingbird
import KisumKernel
import KisumPersistence
import KisumRuntime
import Logging
import ServiceLifecycle

/// Platform Core's wire style is snake_case (its spec): Swift properties stay camelCase and the shared
/// snake-case coders convert; `JSONValue` objects are passed through as they are.
public struct PlatformRequestContext: KisumRequestContext {
    public var coreContext: CoreRequestContextStorage
    public var kisum: KisumContextState

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.kisum = KisumContextState()
        self.kisum.remoteAddress = source.channel.remoteAddress?.ipAddress
    }

    public var requestDecoder: JSONDecoder { JSONCoding.snakeCaseDecoder }
    public var responseEncoder: WireJSONEncoder { JSONCoding.snakeCaseEncoder }
}

/// Platform Core: identity, workspaces and access.
public enum PlatformCoreService: KisumService {
    public typealias Context = PlatformRequestContext

    public static let name = "platform-core"
    public static let defaultPort = 8000
    public static let needsPlatformCore = false

    public static func loadSettings(from env: inout EnvironmentReader) -> PlatformCoreSettings {
        PlatformCoreSettings.load(from: &env)
    }

    public static func buildRouter(_ runtime: ServiceRuntime<PlatformCoreSettings>) async throws -> Router<Context> {
        let core = PlatformServices(runtime: runtime)
        let router = core.runtime.makeRouter(context: Context.self)
        // Each routes file opens its groups with their full paths (see NOTES.md, "Adding a route").
        let groups = core.routeGroups(router)
        WellKnownRoutes(keys: core.keys).addRoutes(to: groups)
        core.authRoutes.addRoutes(to: groups)
        core.internalRoutes.addRoutes(to: groups)
        core.workspacesRoutes.addRoutes(to: groups)
        core.membersRoutes.addRoutes(to: groups)
        TeamsRoutes(teams: TeamHandlers(database: core.database, workspaces: core.workspaces),
                    members: TeamMemberHandlers(database: core.database, workspaces: core.workspaces)).addRoutes(to: groups)
        PermissionsRoutes(permissions: PermissionHandlers(database: core.database, workspaces: core.workspaces, emails: core.emails)).addRoutes(to: groups)
        APIKeysRoutes(keys: APIKeyHandlers(database: core.database, workspaces: core.workspaces)).addRoutes(to: groups)
        ModulesRoutes(modules: ModuleHandlers(database: core.database, workspaces: core.workspaces)).addRoutes(to: groups)
        core.notificationsRoutes.addRoutes(to: groups)
        UploadsRoutes(uploads: UploadHandlers(storage: core.storage, repository: UploadsRepository(database: core.database),
                                              access: core.access)).addRoutes(to: groups)
        core.activityRoutes.addRoutes(to: groups)
        core.workspaceHealthRoutes.addRoutes(to: groups)
        core.serviceIndexRoutes.addRoutes(to: groups)
        core.webhooksRoutes.addRoutes(to: groups)
        core.billingRoutes.addRoutes(to: groups)
        OnboardingRoutes.make(core).addRoutes(to: groups)

        return router
    }

    /// The e-mail relay (SMTP when SMTP_URL is set, otherwise the local mailbox kept in the outbox) and the database
    /// job worker (activity exports, workspace data migrations) and the webhook relay.
    public static func backgroundServices(_ runtime: ServiceRuntime<PlatformCoreSettings>) async throws -> [any Service] {
        var services: [any Service] = [try emailRelay(runtime)]
        if runtime.settings.runsJobWorker { services.append(jobWorker(runtime)) }
        if runtime.settings.runsWebhookRelay { services.append(webhookRelay(runtime)) }
        return services
    }

    public static func emailRelay(_ runtime: ServiceRuntime<PlatformCoreSettings>, transport: (any MailTransport)? = nil) throws -> OutboxRelay {
        let mail = runtime.settings.mail
        let handler: any OutboxHandler
        if let transport {
            handler = SMTPEmailHandler(transport: transport, from: mail.from, database: runtime.database)
        } else if let url = mail.smtpURL {
            handler = SMTPEmailHandler(transport: try CurlSMTPTransport(url: url, tls: mail.tls), from: mail.from, database: runtime.database)
        } else {
            handler = LocalMailboxHandler(logger: runtime.logger)
        }
        return OutboxRelay(database: runtime.database, handlers: [EmailOutbox.topic: handler])
    }
}

import Foundation
import KisumPersistence
import KisumRuntime
import KisumServiceClient

extension PlatformServices {
    /// The sender both the `test` route and the outbox relay use (one policy: https, public addresses, pinned).
    static func webhookSender(_ settings: PlatformCoreSettings, transport: any HTTPTransport = CurlTransport.shared) -> WebhookSender {
        WebhookSender(policy: WebhookURLPolicy(allowLoopback: settings.webhooks.allowLoopback), transport: transport,
                      timeout: .seconds(settings.webhooks.timeoutSeconds))
    }

    var webhooksRoutes: WebhooksRoutes {
        let sender = Self.webhookSender(settings)
        return WebhooksRoutes(webhooks: WebhookHandlers(database: database, workspaces: workspaces, policy: sender.policy, sender: sender,
                                                        sealingKey: settings.signingKeyEncryptionKey))
    }
}

extension PlatformCoreService {
    /// The webhook relay: its own relay (not the e-mail one), so a slow receiver never holds e-mails back. Small
    /// batches and a lease longer than a batch of timed-out deliveries, so a message is never claimed twice.
    public static func webhookRelay(_ runtime: ServiceRuntime<PlatformCoreSettings>) -> OutboxRelay {
        let settings = runtime.settings.webhooks
        let handler = WebhookOutboxHandler(repository: WebhookRepository(database: runtime.database),
                                           sender: PlatformServices.webhookSender(runtime.settings),
                                           sealingKey: runtime.settings.signingKeyEncryptionKey, maxAttempts: settings.maxAttempts,
                                           logger: runtime.logger)
        let batch = 5
        return OutboxRelay(database: runtime.database, handlers: [WebhookOutboxHandler.topic: handler], batchSize: batch,
                           maxAttempts: settings.maxAttempts, lease: .seconds(max(120, 2 * batch * settings.timeoutSeconds)))
    }
}

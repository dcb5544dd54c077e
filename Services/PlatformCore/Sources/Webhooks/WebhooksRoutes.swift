import Foundation
import Hummingbird
import KisumKernel

/// The Webhooks group (`/api/v1/webhooks`, `jwt+org`).
struct WebhooksRoutes {
    let webhooks: WebhookHandlers

    func addRoutes(to groups: PlatformRouteGroups) {
        let api = groups.tenant("/api/v1/webhooks")
        api.get("", use: webhooks.list)
        api.get("count", use: webhooks.count)
        api.post("", use: webhooks.create)
        api.get("{webhook_id}", use: webhooks.get)
        api.put("{webhook_id}", use: webhooks.update)
        api.delete("{webhook_id}", use: webhooks.delete)
        api.post("{webhook_id}/regenerate-secret", use: webhooks.regenerateSecret)
        api.post("{webhook_id}/test", use: webhooks.test)
        api.post("{webhook_id}/toggle", use: webhooks.toggle)
    }
}

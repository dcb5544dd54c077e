import Foundation
import Hummingbird
import KisumKernel

/// The API Keys group (`/api/v1/api-keys`, `jwt+org`).
struct APIKeysRoutes {
    let keys: APIKeyHandlers

    func addRoutes(to groups: PlatformRouteGroups) {
        let api = groups.tenant("/api/v1/api-keys")
        api.get("", use: keys.list)
        api.get("count", use: keys.count)
        api.post("", use: keys.create)
        api.get("{api_key_id}", use: keys.get)
        api.put("{api_key_id}", use: keys.update)
        api.delete("{api_key_id}", use: keys.delete)
        api.post("{api_key_id}/revoke", use: keys.revoke)
        api.post("{api_key_id}/rotate", use: keys.rotate)
        api.post("{api_key_id}/toggle", use: keys.toggle)
    }
}

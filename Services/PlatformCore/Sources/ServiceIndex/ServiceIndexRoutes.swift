import Foundation
import Hummingbird
import KisumKernel

/// The spec's untagged routes: `GET /` (what this service is and where its contract is), `GET /health` (the
/// kernel's readiness check under the spec's path) and `GET /select-workspace` (a server-rendered page listing
/// the signed-in user's workspaces; bearer token, like the other `jwt` routes).
struct ServiceIndexRoutes {
    let handlers: ServiceIndexHandlers

    func addRoutes(to groups: PlatformRouteGroups) {
        let router = groups.router
        router.get("/", use: handlers.index)
        router.get("/health", use: handlers.health)

        let picker = groups.user("/select-workspace")
        picker.get("", use: handlers.selectWorkspace)
    }
}

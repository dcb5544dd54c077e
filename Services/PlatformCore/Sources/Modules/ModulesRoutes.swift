import Foundation
import Hummingbird
import KisumKernel

/// The Module Settings group (`/api/v1/modules`, `jwt+org`).
struct ModulesRoutes {
    let modules: ModuleHandlers

    func addRoutes(to groups: PlatformRouteGroups) {
        let api = groups.tenant("/api/v1/modules")
        api.get("", use: modules.list)
        api.post("", use: modules.create)
        api.get("{module}", use: modules.get)
        api.put("{module}", use: modules.update)
        api.post("{module}/toggle", use: modules.toggle)
    }
}

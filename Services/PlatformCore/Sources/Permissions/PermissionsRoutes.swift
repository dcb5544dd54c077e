import Foundation
import Hummingbird
import KisumKernel

/// The Permissions group (`/api/v1/permissions`, `jwt+org`).
struct PermissionsRoutes {
    let permissions: PermissionHandlers

    func addRoutes(to groups: PlatformRouteGroups) {
        let api = groups.tenant("/api/v1/permissions")
        api.get("", use: permissions.list)
        api.get("grouped", use: permissions.grouped)
        api.get("check/{permission}", use: permissions.check)
        api.get("me", use: permissions.me)
        api.get("roles", use: permissions.roles)
        api.get("roles/{role}", use: permissions.role)
        api.put("roles/{role}", use: permissions.updateRole)
        api.patch("roles/{role}", use: permissions.setPermission)
        api.post("roles/{role}/reset", use: permissions.reset)
        api.post("seed", use: permissions.seed)
    }
}

import Foundation
import Hummingbird
import KisumKernel

/// The Teams group (`/api/v1/teams`, `jwt+org`): read with `teams.read`, change with `teams.manage`.
struct TeamsController {
    let core: PlatformServices

    func addRoutes(to router: Router<PlatformRequestContext>) {
        let api = core.tenantGroup(router, path: "/api/v1/teams")
        let teams = TeamHandlers(core: core)
        api.get("", use: teams.list)
        api.post("", use: teams.create)
        api.get("{team_id}", use: teams.get)
        api.put("{team_id}", use: teams.update)
        api.delete("{team_id}", use: teams.delete)

        let members = TeamMemberHandlers(core: core)
        api.get("{team_id}/members", use: members.list)
        api.post("{team_id}/members", use: members.add)
        api.put("{team_id}/members/{member_id}", use: members.updateRole)
        api.delete("{team_id}/members/{member_id}", use: members.remove)
    }
}

import Foundation
import Hummingbird
import KisumKernel

/// The Teams group (`/api/v1/teams`, `jwt+org`): read with `teams.read`, change with `teams.manage`.
struct TeamsRoutes {
    let teams: TeamHandlers
    let members: TeamMemberHandlers

    func addRoutes(to groups: PlatformRouteGroups) {
        let api = groups.tenant("/api/v1/teams")
        api.get("", use: teams.list)
        api.post("", use: teams.create)
        api.get("{team_id}", use: teams.get)
        api.put("{team_id}", use: teams.update)
        api.delete("{team_id}", use: teams.delete)

        api.get("{team_id}/members", use: members.list)
        api.post("{team_id}/members", use: members.add)
        api.put("{team_id}/members/{member_id}", use: members.updateRole)
        api.delete("{team_id}/members/{member_id}", use: members.remove)
    }
}

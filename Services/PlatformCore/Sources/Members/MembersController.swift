import Foundation
import Hummingbird
import KisumKernel

/// The Members group (`/api/v1/members`, `jwt+org`; POST /members — inviting — belongs to the Workspaces
/// routes) and the Workspaces group's member removal (`jwt`, workspace in the path).
struct MembersController {
    let core: PlatformServices

    func addRoutes(to router: Router<PlatformRequestContext>) {
        let api = core.tenantGroup(router, path: "/api/v1/members")

        let members = MemberHandlers(core: core)
        api.get("", use: members.list)
        api.get("directory", use: members.directory)

        let mine = MyMemberHandlers(core: core)
        api.get("me", use: mine.me)
        api.get("me/tours", use: mine.listTours)
        api.post("me/tours", use: mine.updateTour)
        api.put("me/tours/reset", use: mine.resetTours)

        api.get("{member_id}", use: members.get)
        api.put("{member_id}", use: members.update)
        api.post("{member_id}/avatar", use: members.uploadAvatar)

        let offboarding = OffboardingHandlers(core: core)
        api.get("{member_id}/deletion-info", use: offboarding.deletionInfo)
        api.get("{member_id}/owned-items", use: offboarding.ownedItems)
        api.post("{member_id}/reassign", use: offboarding.reassign)
        api.delete("{member_id}", use: offboarding.remove)
        api.delete("{member_id}/permanent", use: offboarding.deletePermanently)

        core.userGroup(router, path: "/api/v1/workspaces")
            .delete("{workspace_id}/members/{member_id}", use: offboarding.removeFromWorkspace)
    }
}

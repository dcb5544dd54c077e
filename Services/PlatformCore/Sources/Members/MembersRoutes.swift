import Foundation
import Hummingbird
import KisumKernel

/// The Members group (`/api/v1/members`, `jwt+org`), `POST /api/v1/members` (an invitation for the
/// header's workspace; the catalog lists it with the Workspaces group) and the Workspaces group's member
/// removal (`jwt`, workspace in the path).
struct MembersRoutes {
    let members: MemberHandlers
    let mine: MyMemberHandlers
    let offboarding: OffboardingHandlers
    let invitations: InvitationHandlers

    func addRoutes(to groups: PlatformRouteGroups) {
        let api = groups.tenant("/api/v1/members")
        api.get("", use: members.list)
        api.post("", use: invitations.createMember)
        api.get("directory", use: members.directory)

        api.get("me", use: mine.me)
        api.get("me/tours", use: mine.listTours)
        api.post("me/tours", use: mine.updateTour)
        api.put("me/tours/reset", use: mine.resetTours)

        api.get("{member_id}", use: members.get)
        api.put("{member_id}", use: members.update)
        api.post("{member_id}/avatar", use: members.uploadAvatar)

        api.get("{member_id}/deletion-info", use: offboarding.deletionInfo)
        api.get("{member_id}/owned-items", use: offboarding.ownedItems)
        api.post("{member_id}/reassign", use: offboarding.reassign)
        api.delete("{member_id}", use: offboarding.remove)
        api.delete("{member_id}/permanent", use: offboarding.deletePermanently)

        let workspaces = groups.user("/api/v1/workspaces")
        workspaces.delete("{workspace_id}/members/{member_id}", use: offboarding.removeFromWorkspace)
    }
}

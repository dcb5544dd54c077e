import Foundation
import Hummingbird
import KisumKernel

/// The Workspaces group (`/api/v1/workspaces/...`, 15 operations; member removal belongs to the Members
/// routes) and `POST /api/v1/members` (an invitation for the header's workspace). Invitation details and
/// accept are public: the link's token is the authentication.
struct WorkspacesController {
    let core: PlatformServices

    func addRoutes(to router: Router<PlatformRequestContext>) {
        let open = router.group("/api/v1/workspaces")
        let signedIn = core.userGroup(router, path: "/api/v1/workspaces")

        let workspaces = WorkspaceHandlers(core: core)
        signedIn.get(use: workspaces.list)
        signedIn.post(use: workspaces.create)
        signedIn.post("switch", use: workspaces.switchWorkspace)
        signedIn.get("{workspace_id}", use: workspaces.get)
        signedIn.put("{workspace_id}", use: workspaces.update)
        signedIn.get("{workspace_id}/members", use: workspaces.members)
        signedIn.post("provision", use: ProvisionHandlers(core: core).provision)

        let invitations = InvitationHandlers(core: core)
        signedIn.post("{workspace_id}/invite", use: invitations.invite)
        signedIn.post("{workspace_id}/invite-link", use: invitations.inviteLink)
        signedIn.post("{workspace_id}/resend-invite", use: invitations.resend)
        signedIn.post("invitations/cancel", use: invitations.cancel)
        open.get("invitations/details", use: invitations.details)
        open.post("invitations/accept", use: invitations.accept)

        let resets = MemberPasswordResetHandlers(core: core)
        signedIn.post("{workspace_id}/users/{user_id}/password-reset", use: resets.send)
        signedIn.post("{workspace_id}/users/{user_id}/password-reset-link", use: resets.link)

        // Only POST here: the Members routes register their own group on the same prefix.
        core.tenantGroup(router, path: "/api/v1/members").post(use: invitations.createMember)
    }
}

import Foundation
import Hummingbird
import KisumKernel

/// The Workspaces group (`/api/v1/workspaces/...`; member removal and `POST /api/v1/members` are in the
/// Members routes). Invitation details and accept are public: the link's token is the authentication.
struct WorkspacesRoutes {
    let workspaces: WorkspaceHandlers
    let provisioning: ProvisionHandlers
    let invitations: InvitationHandlers
    let resets: MemberPasswordResetHandlers

    func addRoutes(to groups: PlatformRouteGroups) {
        let open = groups.open("/api/v1/workspaces")
        let signedIn = groups.user("/api/v1/workspaces")

        signedIn.get("", use: workspaces.list)
        signedIn.post("", use: workspaces.create)
        signedIn.post("switch", use: workspaces.switchWorkspace)
        signedIn.get("{workspace_id}", use: workspaces.get)
        signedIn.put("{workspace_id}", use: workspaces.update)
        signedIn.get("{workspace_id}/members", use: workspaces.members)
        signedIn.post("provision", use: provisioning.provision)

        signedIn.post("{workspace_id}/invite", use: invitations.invite)
        signedIn.post("{workspace_id}/invite-link", use: invitations.inviteLink)
        signedIn.post("{workspace_id}/resend-invite", use: invitations.resend)
        signedIn.post("invitations/cancel", use: invitations.cancel)
        open.get("invitations/details", use: invitations.details)
        open.post("invitations/accept", use: invitations.accept)

        signedIn.post("{workspace_id}/users/{user_id}/password-reset", use: resets.send)
        signedIn.post("{workspace_id}/users/{user_id}/password-reset-link", use: resets.link)
    }
}

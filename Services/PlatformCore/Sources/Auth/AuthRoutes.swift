import Foundation
import Hummingbird
import KisumKernel

/// The Authentication group (`/api/v1/auth/...`, 23 operations plus the avatar file route). Each
/// feature file holds its handlers; this file only decides which group (public or signed-in) each
/// route sits in. Routes whose token travels in the request (activation, reset, invites, jobs,
/// impersonation) are public: the token is the authentication.
struct AuthRoutes {
    let login: LoginHandlers
    let registration: RegistrationHandlers
    let activation: ActivationHandlers
    let resets: PasswordResetHandlers
    let invites: StripeInviteHandlers
    let clerk: ClerkHandlers
    let impersonation: ImpersonationHandlers
    let profile: ProfileHandlers
    let avatars: AvatarHandlers

    func addRoutes(to groups: PlatformRouteGroups) {
        let open = groups.open("/api/v1/auth")
        let signedIn = groups.user("/api/v1/auth")

        open.post("login", use: login.login)
        open.post("refresh", use: login.refresh)
        signedIn.post("logout", use: login.logout)

        open.post("register", use: registration.register)
        open.post("signup", use: registration.signup)

        open.get("activate", use: activation.check)
        open.post("activate", use: activation.activate)
        signedIn.post("activate/resend", use: activation.resend)

        open.post("forgot-password", use: resets.forgot)
        open.post("reset-password", use: resets.reset)

        open.get("signup/stripe-invite/{invite_code}", use: invites.details)
        open.post("payment-invite/lookup", use: invites.lookup)
        open.post("signup/stripe-invite", use: invites.signup)
        open.post("signup/stripe-invite/async", use: invites.signupAsync)
        open.get("signup/jobs/{job_id}/stream", use: invites.stream)

        open.post("clerk/check-user", use: clerk.checkUser)
        open.post("impersonate/exchange", use: impersonation.exchange)

        signedIn.get("me", use: profile.me)
        signedIn.put("me", use: profile.updateMe)
        signedIn.get("{user_id}", use: profile.getUser)
        signedIn.put("{user_id}", use: profile.updateUser)

        signedIn.post("me/avatar", use: avatars.uploadMine)
        signedIn.post("{user_id}/avatar", use: avatars.uploadForUser)
        open.get("avatars/{user_id}/{file_name}", use: avatars.serve)
    }
}

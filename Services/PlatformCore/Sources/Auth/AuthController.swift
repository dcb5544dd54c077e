import Foundation
import Hummingbird
import KisumKernel

/// The Authentication group (`/api/v1/auth/...`). Each feature file adds its handlers; this file only
/// decides which group (public, signed-in) each route sits in.
struct AuthController {
    let core: PlatformServices

    func addRoutes(to router: Router<PlatformRequestContext>) {
        let open = router.group("/api/v1/auth")
        let signedIn = core.userGroup(router, path: "/api/v1/auth")

        let login = LoginHandlers(core: core)
        open.post("login", use: login.login)
        open.post("refresh", use: login.refresh)
        signedIn.post("logout", use: login.logout)

        let profile = ProfileHandlers(core: core)
        signedIn.get("me", use: profile.me)
    }
}

import Foundation
import Hummingbird
import KisumKernel
import KisumRuntime
import PlatformCoreAPI

/// How Platform Core's routes files open their groups. Each call takes the group's full path, so a
/// route's whole path is readable in its routes file (`let members = groups.tenant("/api/v1/members")`).
public struct PlatformRouteGroups {
    public let router: Router<PlatformRequestContext>
    /// Carries Platform Core's own verifier (its key store) and access resolver (its database).
    let runtime: ServiceRuntime<PlatformCoreSettings>
    /// The session guard makes revocation immediate (logout, refresh-token reuse, password changes).
    let tokens: TokenService

    /// No authentication: the token in the request (activation, reset, invitation) is the credential.
    public func open(_ path: RouterPath) -> RouterGroup<PlatformRequestContext> {
        router.group(path)
    }

    /// A signed-in user, no workspace (`jwt` in the catalog): bearer token + live session.
    public func user(_ path: RouterPath) -> RouterGroup<PlatformRequestContext> {
        router.group(path)
            .add(middleware: AuthMiddleware<PlatformRequestContext>(verifier: runtime.verifier, apiKeys: APIKeysNotAccepted()))
            .add(middleware: SessionGuardMiddleware<PlatformRequestContext>(tokens: tokens))
    }

    /// One workspace (`jwt+org`): bearer token, `x-workspace-id` or `x-org`, active membership resolved
    /// from the database, live session. Handlers then call `context.tenant(permission:)`.
    public func tenant(_ path: RouterPath) -> RouterGroup<PlatformRequestContext> {
        runtime.tenantGroup(router, path: path, module: nil, apiKeys: APIKeysNotAccepted())
            .add(middleware: SessionGuardMiddleware<PlatformRequestContext>(tokens: tokens))
    }

    /// Other services and operators (X-Internal-API-Key).
    public func internalKey(_ path: RouterPath) -> RouterGroup<PlatformRequestContext> {
        runtime.internalGroup(router, path: path)
    }
}

import Foundation
import Hummingbird
import KisumKernel
import KisumRuntime
import PlatformCoreAPI

/// The Activity Feed group (`jwt+org`, `activity.read`): the feed, stats and exports. The download route takes
/// either the tenant chain or a signed link (`SignedLinkOrTenantMiddleware`).
struct ActivityRoutes {
    let feed: ActivityHandlers
    let exports: ActivityExportHandlers

    func addRoutes(to groups: PlatformRouteGroups) {
        let api = groups.tenant("/api/v1/activity")
        api.get("", use: feed.feed)
        api.get("stats", use: feed.stats)
        api.post("export", use: exports.create)
        api.get("export/jobs", use: exports.list)
        api.get("export/jobs/{job_id}", use: exports.get)
        api.get("export/jobs/{job_id}/download-url", use: exports.downloadURL)

        let files = groups.open("/api/v1/activity/export/jobs").add(middleware: SignedLinkOrTenantMiddleware(groups: groups))
        files.get("{job_id}/download", use: exports.download)
    }
}

/// A request carrying a `signature` query parameter goes straight to the handler, which checks the link (the
/// signature is its credential); any other request runs the tenant chain (token, workspace header, membership,
/// live session), exactly as `groups.tenant` does.
struct SignedLinkOrTenantMiddleware: RouterMiddleware {
    typealias Context = PlatformRequestContext
    let auth: AuthMiddleware<Context>
    let access: AccessMiddleware<Context>
    let session: SessionGuardMiddleware<Context>

    init(groups: PlatformRouteGroups) {
        auth = AuthMiddleware<Context>(verifier: groups.runtime.verifier, apiKeys: APIKeysNotAccepted())
        access = AccessMiddleware<Context>(resolver: groups.runtime.accessResolver, module: nil)
        session = SessionGuardMiddleware<Context>(tokens: groups.tokens)
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if request.uri.queryParameters.get("signature") != nil { return try await next(request, context) }
        let tenant = TenantMiddleware<Context>()
        let access = self.access, session = self.session
        return try await auth.handle(request, context: context) { request, context in
            try await tenant.handle(request, context: context) { request, context in
                try await access.handle(request, context: context) { request, context in
                    try await session.handle(request, context: context, next: next)
                }
            }
        }
    }
}

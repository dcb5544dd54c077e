import Foundation
import Hummingbird

/// Tenant routes that other services may call too (Finance's invoices, which Venue posts deposits to).
/// With `X-Internal-API-Key` the key is checked in constant time, `x-org` names the company and the caller
/// is a machine holding every permission of `module` there; without it the ordinary tenant chain runs
/// (token or API key, `x-org`, membership, module). A request with an invalid key is refused: it never
/// falls back to the tenant chain.
public struct MachineOrTenantMiddleware<Context: KisumRequestContext>: RouterMiddleware {
    let machineKey: InternalKeyMiddleware<Context>
    let auth: AuthMiddleware<Context>
    let access: AccessMiddleware<Context>
    let module: String

    public init(internalKeys: [String], auth: AuthMiddleware<Context>, resolver: any EffectiveAccessResolver, module: String) {
        machineKey = InternalKeyMiddleware(keys: internalKeys)
        self.auth = auth
        access = AccessMiddleware(resolver: resolver, module: module)
        self.module = module
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let tenant = TenantMiddleware<Context>()
        guard request.headers[.internalAPIKey] != nil else {
            return try await auth.handle(request, context: context) { request, context in
                try await tenant.handle(request, context: context) { request, context in
                    try await access.handle(request, context: context, next: next)
                }
            }
        }
        let module = self.module
        return try await machineKey.handle(request, context: context) { request, context in
            try await tenant.handle(request, context: context) { request, context in
                var context = context
                let companyID = try context.requireCompany()
                context.kisum.identity = Identity(userID: Identity.machine)
                context.kisum.access = EffectiveAccess(userID: Identity.machine, companyID: companyID, role: "internal",
                                                       permissions: ["\(module).*"], modules: [module])
                return try await next(request, context)
            }
        }
    }
}

extension Identity {
    /// The user id a machine caller acts as (the nil UUID): handlers store `nil` as the author when
    /// `context.kisum.internalCaller` is set rather than this placeholder.
    public static let machine = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
}

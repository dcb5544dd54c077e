import Foundation
import Hummingbird
import KisumKernel

/// Refuses access tokens whose session was revoked (logout, refresh-token reuse, password change), so
/// on Platform Core itself a revoked family stops working at once rather than when its access token
/// expires. Other services verify statelessly and accept such tokens until `exp` (≤ ACCESS_TOKEN_TTL).
struct SessionGuardMiddleware<Context: KisumRequestContext>: RouterMiddleware {
    let tokens: TokenService

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let identity = try context.requireIdentity()
        if let sessionID = identity.sessionID {
            guard try await tokens.isSessionActive(sessionID) else {
                throw APIError.unauthenticated("session_revoked", "This session has ended; sign in again.")
            }
        }
        return try await next(request, context)
    }
}

import Foundation
import Hummingbird
import KisumKernel
import KisumPersistence

/// Impersonation for support staff: an admin tool (Admin BFF, with the internal key) issues a
/// single-use token naming the administrator (`actor`) and the user; the browser exchanges it at
/// `POST /auth/impersonate/exchange` for an access token carrying `act` = the administrator. Such
/// sessions get no refresh token (they end with the access token) and cannot change the user's
/// e-mail or password. Both steps leave a security event.
struct ImpersonationHandlers {
    let users: UserRepository
    let settings: PlatformCoreSettings
    let database: Database
    let singleUseTokens: SingleUseTokenRepository
    let clients: ClientInfoReader
    let tokens: TokenService
    let workspaces: WorkspaceRepository

    struct IssueRequest: ValidatableBody {
        var userId: UUID?
        /// Who will act as the user (e-mail or id of the administrator), shown as `act` in the tokens.
        var actor: String?
        var reason: String?

        func validate(_ v: inout Validator) {
            v.check(userId != nil, "user_id", "required", "This field is required.")
            v.text(actor, "actor", maxLength: 200)
            v.text(reason, "reason", required: false, maxLength: 500)
        }
    }

    struct Issued: ResponseEncodable {
        var token: String
        var expiresAt: Date
        var exchangeUrl: String
    }

    struct ExchangeRequest: ValidatableBody {
        var token: String?
        func validate(_ v: inout Validator) { v.text(token, "token", maxLength: 256) }
    }

    struct Exchanged: ResponseEncodable {
        var accessToken: String
        var refreshToken: String?
        var tokenType: String
        var expiresIn: Int
        var sessionId: UUID
        var impersonatedBy: String
        var user: User
        var workspaces: [WorkspaceMembershipSummary]
    }

    /// `POST /internal/impersonation-tokens`.
    @Sendable func issue(_ request: Request, context: PlatformRequestContext) async throws -> EditedResponse<Issued> {
        let body = try await request.decodeValid(as: IssueRequest.self, context: context)
        guard let user = try await users.find(id: body.userId!) else { throw APIError.notFound("user") }
        guard user.status == User.Status.active else {
            throw APIError.conflict("account_inactive", "Only active accounts can be impersonated.")
        }
        let ttl = settings.impersonationTTL
        let issued = try await database.transaction { connection in
            try await singleUseTokens.issue(.impersonation, userID: user.id, actor: body.actor!, ttl: ttl, revokePrevious: false,
                                                 on: connection)
        }
        return Issued(token: issued.token, expiresAt: Date().addingTimeInterval(ttl),
                      exchangeUrl: "\(settings.publicAppURL)/impersonate?token=\(issued.token)").created()
    }

    /// `POST /auth/impersonate/exchange`.
    @Sendable func exchange(_ request: Request, context: PlatformRequestContext) async throws -> Exchanged {
        let body = try await request.decodeValid(as: ExchangeRequest.self, context: context)
        let client = clients.read(request, context)
        let (user, actor, session) = try await database.transaction { connection -> (User, String, StartedSession) in
            let record = try await singleUseTokens.consume(.impersonation, token: body.token!, on: connection)
            guard let userID = record.userID, let actor = record.actor,
                  let user = try await users.find(id: userID, on: connection)
            else { throw SingleUseTokenRepository.invalid }
            guard user.status == User.Status.active else {
                throw APIError.forbidden("account_inactive", "Only active accounts can be impersonated.")
            }
            let session = try await tokens.startSession(userID: userID, client: client, actor: actor, on: connection)
            try await users.securityEvent("impersonation_started", userID: userID, ip: client.ip, detail: ["actor": actor],
                                               on: connection)
            return (user, actor, session)
        }
        let pair = try await tokens.pair(for: session, userID: user.id, email: user.email, actor: actor)
        return Exchanged(accessToken: pair.accessToken, refreshToken: nil, tokenType: pair.tokenType, expiresIn: pair.expiresIn,
                         sessionId: pair.sessionId, impersonatedBy: actor, user: user,
                         workspaces: try await workspaces.memberships(userID: user.id))
    }
}

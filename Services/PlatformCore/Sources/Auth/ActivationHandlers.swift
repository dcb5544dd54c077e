import Foundation
import Hummingbird
import KisumKernel
import KisumPersistence
import PostgresNIO

/// Activation links: the token in the link is the authentication (single-use, hashed, 1 hour).
struct ActivationHandlers {
    let singleUseTokens: SingleUseTokenRepository
    let users: UserRepository
    let workspaces: WorkspaceRepository
    let settings: PlatformCoreSettings
    let passwords: PasswordHasher
    let clients: ClientInfoReader
    let database: Database
    let tokens: TokenService
    let access: DatabaseAccessResolver
    let outbox: EmailOutbox
    let emails: EmailComposer

    struct TokenCheck: ResponseEncodable {
        var valid: Bool
        var requiresPassword: Bool
        var expiresAt: Date
        var user: ActivationUser
        var workspace: ActivationWorkspace?
    }

    struct ActivationUser: ResponseEncodable {
        var id: UUID
        var email: String
        var fullName: String?
        var status: String
        var hasPassword: Bool
    }

    struct ActivationWorkspace: ResponseEncodable {
        var id: UUID
        var name: String
    }

    struct ActivateRequest: Decodable {
        var token: String?
        var password: String?
        var workspaceId: UUID?
    }

    struct ResendRequest: Decodable {
        var userId: UUID?
        var workspaceId: UUID?
    }

    /// `GET /auth/activate?token=&workspace_id=`: validates without spending the token.
    @Sendable func check(_ request: Request, context: PlatformRequestContext) async throws -> TokenCheck {
        var query = QueryReader(request)
        let token = query.string("token")
        let workspaceID = query.uuid("workspace_id")
        try query.validate()
        guard let token else { throw APIError.badRequest("invalid_query", "token is required.") }
        let record = try await singleUseTokens.peek(.activation, token: token)
        try Self.checkWorkspace(record, workspaceID)
        guard let userID = record.userID, let user = try await users.find(id: userID) else { throw SingleUseTokenRepository.invalid }
        var workspace: ActivationWorkspace?
        if let id = record.workspaceID, let found = try await workspaces.find(id: id) {
            workspace = ActivationWorkspace(id: found.id, name: found.name)
        }
        return TokenCheck(valid: true, requiresPassword: !user.hasPassword, expiresAt: record.expiresAt,
                          user: ActivationUser(id: user.id, email: user.email, fullName: user.fullName, status: user.status,
                                               hasPassword: user.hasPassword),
                          workspace: workspace)
    }

    /// `POST /auth/activate`: spends the token, sets the password (required when the account has none),
    /// activates the account and a pending membership of the token's workspace, and signs in.
    @Sendable func activate(_ request: Request, context: PlatformRequestContext) async throws -> SignInResponse {
        let body = try await request.decodeJSON(as: ActivateRequest.self, context: context)
        var v = Validator()
        v.text(body.token, "token", maxLength: 256)
        PasswordPolicy.check(body.password, field: "password", settings: settings.passwords, into: &v, required: false)
        try v.validate()
        let token = body.token!
        // Peek first: whether a password is required decides validation, and hashing happens outside the transaction.
        let peeked = try await singleUseTokens.peek(.activation, token: token)
        try Self.checkWorkspace(peeked, body.workspaceId)
        guard let userID = peeked.userID, let current = try await users.find(id: userID) else { throw SingleUseTokenRepository.invalid }
        if current.status == User.Status.disabled {
            throw APIError.forbidden("account_disabled", "This account is disabled.")
        }
        if !current.hasPassword && body.password == nil {
            throw APIError.validation(field: "password", code: "required", message: "Choose a password to activate the account.")
        }
        let hash: String? = if let value = body.password { try await passwords.hash(value) } else { nil }
        let client = clients.read(request, context)
        let members = MemberRepository(database: database)
        let (user, session) = try await database.transaction { connection -> (User, StartedSession) in
            let record = try await singleUseTokens.consume(.activation, token: token, on: connection)
            guard record.userID == userID else { throw SingleUseTokenRepository.invalid }
            if let hash {
                try await users.setPassword(userID: userID, hash: hash, on: connection)
            }
            try await users.activate(userID: userID, on: connection)
            if let workspaceID = record.workspaceID,
               try await members.activateInvited(workspaceID: workspaceID, userID: userID, on: connection) {
                try await workspaces.recordActivity(workspaceID: workspaceID, userID: userID, action: "member.joined", entityType: "member",
                                                    entityID: userID.uuidString.lowercased(),
                                                    description: "\(current.fullName ?? current.email) activated their account and joined",
                                                    on: connection)
            }
            let session = try await tokens.startSession(userID: userID, client: client, on: connection)
            guard let user = try await users.find(id: userID, on: connection) else { throw SingleUseTokenRepository.invalid }
            return (user, session)
        }
        let pair = try await tokens.pair(for: session, userID: user.id, email: user.email)
        try await users.recordLogin(userID: user.id)
        return SignInResponse(pair: pair, user: user, workspaces: try await workspaces.memberships(userID: user.id))
    }

    /// `POST /auth/activate/resend`: an administrator of the workspace (members.invite) sends a new link
    /// to a member who has not activated yet; the previous link stops working.
    @Sendable func resend(_ request: Request, context: PlatformRequestContext) async throws -> MessageResponse {
        let caller = try context.requireIdentity()
        let body = try await request.decodeJSON(as: ResendRequest.self, context: context)
        var v = Validator()
        v.check(body.userId != nil, "user_id", "required", "This field is required.")
        v.check(body.workspaceId != nil, "workspace_id", "required", "This field is required.")
        try v.validate()
        let workspaceID = body.workspaceId!, targetID = body.userId!
        _ = try await access.workspaceAccess(userID: caller.userID, workspaceID: workspaceID, permission: Permission.membersInvite)
        let target = try await MemberRepository(database: database).workspaceName(workspaceID: workspaceID, memberUserID: targetID)
        guard let workspaceName = target, let user = try await users.find(id: targetID) else { throw APIError.notFound("user") }
        guard user.status == User.Status.pending || !user.hasPassword else {
            throw APIError.conflict("already_active", "This account is already active.")
        }
        let ttl = settings.activationTTL
        try await database.transaction { connection in
            let issued = try await singleUseTokens.issue(.activation, userID: user.id, workspaceID: workspaceID, email: user.email,
                                                              createdBy: caller.userID, ttl: ttl, on: connection)
            try await outbox.enqueue(emails.activation(to: user.email, name: user.fullName, token: issued.token,
                                                                 workspaceID: workspaceID, workspaceName: workspaceName,
                                                                 hours: Int(ttl / 3600)),
                                          workspaceID: workspaceID, on: connection)
            try await workspaces.recordActivity(workspaceID: workspaceID, userID: caller.userID, actor: caller.actor,
                                                action: "member.activation_resent", entityType: "member",
                                                entityID: user.id.uuidString.lowercased(),
                                                description: "Activation link sent again to \(user.email)", on: connection)
        }
        return MessageResponse("A new activation link was sent to \(user.email).")
    }

    /// A link bound to a workspace only works with that workspace.
    static func checkWorkspace(_ record: SingleUseTokenRecord, _ workspaceID: UUID?) throws {
        if let workspaceID, let bound = record.workspaceID, bound != workspaceID { throw SingleUseTokenRepository.invalid }
    }
}

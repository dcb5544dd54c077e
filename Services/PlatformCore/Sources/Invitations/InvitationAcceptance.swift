import Foundation
import Logging
import Hummingbird
import KisumKernel
import KisumPersistence
import PostgresNIO

/// The workspace an invitation leads to.
public struct InvitedWorkspace: ResponseEncodable, Sendable, Equatable {
    public var id: UUID
    public var name: String
    public var logoUrl: String?
}

/// Who sent the invitation.
public struct InvitationSender: ResponseEncodable, Sendable, Equatable {
    public var fullName: String?
    public var email: String
}

/// `GET /workspaces/invitations/details`: what the accept page shows before anything is spent.
public struct InvitationDetails: ResponseEncodable, Sendable {
    public var valid: Bool
    public var invitationId: UUID
    public var workspace: InvitedWorkspace
    public var email: String
    public var role: String
    public var invitedBy: InvitationSender?
    public var expiresAt: Date
    /// The invitee has no account yet (a pending account without a password): accepting must set one.
    public var requiresPassword: Bool
}

/// `POST /workspaces/invitations/accept`. A new account (password set here) is signed in: the token
/// fields and `workspaces` are present as in the sign-in answer. An existing account is not signed in
/// (`signed_in` false): the link alone must not open somebody's account — they sign in as usual.
public struct InvitationAccepted: ResponseEncodable, Sendable {
    public var signedIn: Bool
    /// A password was sent for an account that already has one: it was not used (nor checked).
    public var passwordIgnored: Bool
    public var message: String
    public var workspace: InvitedWorkspace
    public var memberId: UUID
    public var role: String
    public var user: User
    public var accessToken: String?
    public var refreshToken: String?
    public var tokenType: String?
    public var expiresIn: Int?
    public var sessionId: UUID?
    public var workspaces: [WorkspaceMembershipSummary]?
}

/// The invitee's side: the link's token is the authentication. Invalid, revoked (a newer link, a
/// cancellation), used or expired tokens answer like every other single-use link (400 `token_invalid`,
/// `token_used`, `token_expired`, from `SingleUseTokenRepository`).
struct InvitationAcceptance: Sendable {
    let logger: Logger
    let database: Database
    let passwords: PasswordHasher
    let singleUseTokens: SingleUseTokenRepository
    let users: UserRepository
    let workspaces: WorkspaceRepository
    let tokens: TokenService
    let notifier: Notifier
    var repository: InvitationRepository { InvitationRepository(logger: logger) }

    /// Only an account nobody has claimed yet (pending, no password) gets its password from the link;
    /// an existing account — with a password, or signing in through Clerk — keeps its credentials.
    static func canSetPassword(_ user: User) -> Bool {
        user.status == User.Status.pending && !user.hasPassword
    }

    func details(token: String) async throws -> InvitationDetails {
        let (_, invitation, user) = try await open(token)
        let row = try await InvitationPartiesRepository(database: database)
            .workspaceAndSender(workspaceID: invitation.workspaceId, senderID: invitation.invitedBy)
        guard let (name, logo, senderName, senderEmail) = row else { throw SingleUseTokenRepository.invalid }
        return InvitationDetails(
            valid: true, invitationId: invitation.id, workspace: InvitedWorkspace(id: invitation.workspaceId, name: name, logoUrl: logo),
            email: invitation.email, role: invitation.role,
            invitedBy: senderEmail.map { InvitationSender(fullName: senderName, email: $0) },
            expiresAt: invitation.expiresAt, requiresPassword: Self.canSetPassword(user))
    }

    /// Spends the token and joins the workspace in one transaction: password (new accounts only),
    /// account activated, membership `invited` → `active`, invitation accepted, activity recorded.
    func accept(token: String, password: String?, fullName: String?, client: ClientInfo) async throws -> InvitationAccepted {
        let (record, _, user) = try await open(token)
        if user.status == User.Status.disabled {
            throw APIError.forbidden("account_disabled", "This account is disabled.")
        }
        let newAccount = Self.canSetPassword(user)
        if newAccount && password == nil {
            throw APIError.validation(field: "password", code: "required", message: "Choose a password to create your account.")
        }
        // "If the user doesn't have a password, one must be provided": an account that has one keeps it. A
        // password sent anyway (a form that always asks) is ignored and the answer says so.
        let passwordIgnored = !newAccount && password != nil
        // Hashing is slow and bounded: never inside the transaction.
        let hash: String? = if newAccount, let password { try await passwords.hash(password) } else { nil }
        let name = newAccount ? fullName : nil
        let (invitation, session) = try await database.transaction { connection -> (Invitation, StartedSession?) in
            let spent = try await singleUseTokens.consume(.invitation, token: token, on: connection)
            guard spent.id == record.id, let workspaceID = spent.workspaceID,
                  let invitation = try await repository.pending(workspaceID: workspaceID, tokenID: spent.id, lock: true, on: connection),
                  try await repository.accept(invitation, userID: user.id, on: connection)
            else { throw SingleUseTokenRepository.invalid }
            if let hash {
                // Checked outside the transaction: a password set meanwhile is never overwritten.
                guard try await users.passwordHash(userID: user.id, on: connection) == nil else {
                    throw APIError.conflict("account_claimed", "This account already has a password; sign in as usual.")
                }
                try await users.setPassword(userID: user.id, hash: hash, on: connection)
            }
            // Only an e-mailed link proves the address; a copied one merely activates the account.
            try await users.activateInvitee(userID: user.id, verifyEmail: invitation.delivery == InvitationDelivery.email.rawValue,
                                                 fullName: name, on: connection)
            try await workspaces.recordActivity(
                workspaceID: workspaceID, userID: user.id, action: "member.joined", entityType: "member",
                entityID: invitation.memberId?.uuidString.lowercased(),
                description: "\(invitation.email) accepted the invitation and joined as \(invitation.role)", on: connection)
            if let inviter = invitation.invitedBy, inviter != user.id {
                try await notifier.joined(invitation.email, as: invitation.role, in: workspaceID, inviter: inviter, on: connection)
            }
            let session = hash == nil ? nil : try await tokens.startSession(userID: user.id, client: client, on: connection)
            return (invitation, session)
        }
        let workspaceName = try await workspaces.find(id: invitation.workspaceId)
        let workspace = InvitedWorkspace(id: invitation.workspaceId, name: workspaceName?.name ?? "", logoUrl: workspaceName?.logoUrl)
        let current = try await users.find(id: user.id) ?? user
        var answer = InvitationAccepted(signedIn: false, passwordIgnored: passwordIgnored,
                                        message: Self.message(signedIn: session != nil, passwordIgnored: passwordIgnored, workspace: workspace.name),
                                        workspace: workspace, memberId: invitation.memberId!, role: invitation.role, user: current)
        if let session {
            let pair = try await tokens.pair(for: session, userID: current.id, email: current.email)
            try await users.recordLogin(userID: current.id)
            answer.signedIn = true
            answer.accessToken = pair.accessToken
            answer.refreshToken = pair.refreshToken
            answer.tokenType = pair.tokenType
            answer.expiresIn = pair.expiresIn
            answer.sessionId = pair.sessionId
            answer.workspaces = try await workspaces.memberships(userID: current.id)
        }
        return answer
    }

    static func message(signedIn: Bool, passwordIgnored: Bool, workspace: String) -> String {
        let joined = "You joined \(workspace)."
        if signedIn { return joined }
        if passwordIgnored { return joined + " Your account already has a password, so the one sent was ignored: sign in as usual." }
        return joined + " Sign in as usual."
    }

    /// The token's open invitation and invitee, or the uniform invalid-link error.
    private func open(_ token: String) async throws -> (SingleUseTokenRecord, Invitation, User) {
        let record = try await singleUseTokens.peek(.invitation, token: token)
        guard let workspaceID = record.workspaceID, let userID = record.userID else { throw SingleUseTokenRepository.invalid }
        let invitation = try await database.transaction { connection in
            try await repository.pending(workspaceID: workspaceID, tokenID: record.id, lock: false, on: connection)
        }
        guard let invitation, let user = try await users.find(id: userID) else { throw SingleUseTokenRepository.invalid }
        return (record, invitation, user)
    }
}

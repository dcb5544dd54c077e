import Foundation
import Hummingbird
import KisumKernel
import KisumPersistence
import PostgresNIO

/// What a successful sign-in returns (login, activation, Clerk, invitations): the token pair's fields
/// at the top level, then who signed in.
public struct SignInResponse: ResponseEncodable, Sendable {
    public var tokens: TokenPair
    public var user: User
    public var workspaces: [WorkspaceMembershipSummary]

    init(pair: TokenPair, user: User, workspaces: [WorkspaceMembershipSummary]) {
        tokens = pair
        self.user = user
        self.workspaces = workspaces
    }

    enum CodingKeys: String, CodingKey {
        case user, workspaces
    }

    public func encode(to encoder: any Encoder) throws {
        try tokens.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(user, forKey: .user)
        try container.encode(workspaces, forKey: .workspaces)
    }
}

struct LoginHandlers {
    let clients: ClientInfoReader
    let loginLimiter: RateLimiter
    let settings: PlatformCoreSettings
    let users: UserRepository
    let passwords: PasswordHasher
    let tokens: TokenService
    let workspaces: WorkspaceRepository

    struct LoginRequest: Decodable {
        var email: String?
        var password: String?
    }

    struct RefreshRequest: ValidatableBody {
        var refreshToken: String?
        func validate(_ v: inout Validator) {
            v.text(refreshToken, "refresh_token", maxLength: 512)
        }
    }

    /// `POST /auth/login`.
    ///
    /// Order matters for the guarantees: the per-address rate limit first (cheap, before any database
    /// work); the password length bound before hashing (a 1 MB "password" must not cost a hash); then the
    /// attempt is *counted before* the hash is checked, in one conditional UPDATE that also sets the lock
    /// when the count reaches the limit — so however many attempts arrive in parallel, at most
    /// `maxFailures` of them ever reach the password check before the account locks. Unknown e-mails and
    /// accounts without a password check a decoy hash so timing does not tell them apart.
    @Sendable func login(_ request: Request, context: PlatformRequestContext) async throws -> SignInResponse {
        let client = clients.read(request, context)
        try loginLimiter.consume(client.ip ?? "unknown")
        let body = try await request.decodeJSON(as: LoginRequest.self, context: context)
        var v = Validator()
        v.text(body.email, "email", maxLength: 254)
        v.check((body.password ?? "").isEmpty == false, "password", "required", "This field is required.")
        v.check((body.password ?? "").unicodeScalars.count <= settings.passwords.maxLength, "password", "too_long",
                "At most \(settings.passwords.maxLength) characters.")
        try v.validate()
        let email = EmailAddress.normalize(body.email!)
        let password = body.password!
        let lockout = settings.lockout
        let users = users

        let account = try await users.loginAccount(email: email)

        guard let (userID, hasPassword, locked, lockedFor) = account, hasPassword else {
            try await passwords.verifyDecoy(password)
            throw Self.invalidCredentials
        }
        if locked { throw Self.locked(seconds: lockedFor ?? Int(lockout.duration)) }

        // Count this attempt (and lock at the limit) before checking the password.
        let reserved = try await users.reserveLoginAttempt(userID: userID, maxFailures: lockout.maxFailures, lockDuration: lockout.duration)
        guard let (hash, lockedNow) = reserved else {
            // Another attempt locked the account between our read and our update.
            throw Self.locked(seconds: Int(lockout.duration))
        }

        guard try await passwords.verify(password, against: hash) else {
            try await users.recordFailedLogin(userID: userID)
            if lockedNow {
                try await users.securityEvent("account_locked", userID: userID, ip: client.ip)
            }
            throw Self.invalidCredentials
        }

        // Success resets the counter; a hash made with older parameters is upgraded while we have the password.
        let newHash = passwords.needsRehash(hash) ? try await passwords.hash(password) : nil
        try await users.recordSuccessfulLogin(userID: userID, upgradedHash: newHash)
        guard let user = try await users.find(id: userID) else { throw Self.invalidCredentials }
        try Self.requireActive(user)
        return try await signIn(user, client: client)
    }

    /// Starts a session for a verified user and returns tokens with the user's workspaces.
    func signIn(_ user: User, client: ClientInfo) async throws -> SignInResponse {
        let pair = try await tokens.signIn(userID: user.id, email: user.email, client: client)
        try await users.recordLogin(userID: user.id)
        return SignInResponse(pair: pair, user: user, workspaces: try await workspaces.memberships(userID: user.id))
    }

    /// `POST /auth/refresh`: rotates the refresh token (see `TokenService.refresh`).
    @Sendable func refresh(_ request: Request, context: PlatformRequestContext) async throws -> TokenPair {
        let body = try await request.decodeValid(as: RefreshRequest.self, context: context)
        return try await tokens.refresh(body.refreshToken!, client: clients.read(request, context))
    }

    /// `POST /auth/logout`: ends the session (the whole refresh-token family) of the presented token.
    @Sendable func logout(_ request: Request, context: PlatformRequestContext) async throws -> MessageResponse {
        let identity = try context.requireIdentity()
        if let sessionID = identity.sessionID {
            try await tokens.revokeSession(sessionID, userID: identity.userID, reason: "logout")
        }
        return MessageResponse("Signed out.")
    }

    /// Only active accounts sign in; the status is revealed only after the password was right.
    static func requireActive(_ user: User) throws {
        switch user.status {
        case User.Status.active: return
        case User.Status.pending:
            throw APIError.forbidden("account_not_activated", "Activate your account with the link we e-mailed you first.")
        default:
            throw APIError.forbidden("account_disabled", "This account is disabled.")
        }
    }

    static let invalidCredentials = APIError.unauthenticated("invalid_credentials", "The e-mail or password is incorrect.")

    static func locked(seconds: Int) -> APIError {
        APIError(.tooManyRequests, code: "account_locked",
                 message: "Too many failed sign-in attempts; the account is locked for a while.",
                 headers: [.retryAfter: String(max(1, seconds))])
    }
}

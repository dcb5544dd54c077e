import Foundation
import Hummingbird
import KisumKernel
import KisumPersistence
import PostgresNIO

/// Password-reset links, shared by the forgot-password flow and the administrators' reset routes
/// (Workspaces group): the newest link of a user revokes the older ones.
struct PasswordResets: Sendable {
    let singleUseTokens: SingleUseTokenRepository
    let outbox: EmailOutbox
    let emails: EmailComposer

    /// Issues a reset link for `user` inside the caller's transaction; with `sendEmail` the link is also
    /// e-mailed (outbox). Returns the link (the administrator's "copy link" route shows it; 24-hour TTL there).
    func issue(for user: User, createdBy: UUID?, ttl: TimeInterval, sendEmail: Bool, workspaceID: UUID? = nil,
                      on connection: PostgresConnection) async throws -> (link: String, expiresAt: Date) {
        let issued = try await singleUseTokens.issue(.passwordReset, userID: user.id, workspaceID: workspaceID, email: user.email,
                                                          createdBy: createdBy, ttl: ttl, on: connection)
        if sendEmail {
            try await outbox.enqueue(emails.passwordReset(to: user.email, name: user.fullName, token: issued.token,
                                                                    hours: max(1, Int(ttl / 3600))),
                                          workspaceID: workspaceID, on: connection)
        }
        return (emails.passwordResetLink(token: issued.token), Date().addingTimeInterval(ttl))
    }
}

struct PasswordResetHandlers {
    let resets: PasswordResets
    let publicLimiter: RateLimiter
    let clients: ClientInfoReader
    let settings: PlatformCoreSettings
    let database: Database
    let users: UserRepository
    let singleUseTokens: SingleUseTokenRepository
    let passwords: PasswordHasher
    let tokens: TokenService
    let outbox: EmailOutbox
    let emails: EmailComposer

    struct ForgotRequest: ValidatableBody {
        var email: String?
        func validate(_ v: inout Validator) {
            v.email(email, "email")
        }
    }

    struct ResetRequest: Decodable {
        var token: String?
        var newPassword: String?
    }

    static let forgotAnswer = "If an account exists for this e-mail, we sent a link to reset its password."

    /// `POST /auth/forgot-password`: the same answer whether or not the account exists. Disabled
    /// accounts get no link (an administrator disabled them on purpose).
    @Sendable func forgot(_ request: Request, context: PlatformRequestContext) async throws -> MessageResponse {
        try publicLimiter.consume(clients.read(request, context).ip ?? "unknown")
        let body = try await request.decodeValid(as: ForgotRequest.self, context: context)
        let ttl = settings.passwordResetTTL
        try await database.transaction { connection in
            if let user = try await users.find(email: body.email!, on: connection), user.status != User.Status.disabled {
                _ = try await resets.issue(for: user, createdBy: nil, ttl: ttl, sendEmail: true, on: connection)
            }
        }
        return MessageResponse(Self.forgotAnswer)
    }

    /// `POST /auth/reset-password`: spends the token, sets the new password, clears the lockout, verifies the
    /// e-mail (the link proved it) and ends every session of the account.
    @Sendable func reset(_ request: Request, context: PlatformRequestContext) async throws -> MessageResponse {
        let body = try await request.decodeJSON(as: ResetRequest.self, context: context)
        var v = Validator()
        v.text(body.token, "token", maxLength: 256)
        PasswordPolicy.check(body.newPassword, field: "new_password", settings: settings.passwords, into: &v)
        try v.validate()
        // Reject a bad link before paying for a hash.
        _ = try await singleUseTokens.peek(.passwordReset, token: body.token!)
        let hash = try await passwords.hash(body.newPassword!)
        let ip = clients.read(request, context).ip
        try await database.transaction { connection in
            let record = try await singleUseTokens.consume(.passwordReset, token: body.token!, on: connection)
            guard let userID = record.userID, let user = try await users.find(id: userID, on: connection) else {
                throw SingleUseTokenRepository.invalid
            }
            if user.status == User.Status.disabled { throw APIError.forbidden("account_disabled", "This account is disabled.") }
            try await users.setPassword(userID: userID, hash: hash, on: connection)
            try await users.activate(userID: userID, on: connection)
            try await tokens.revokeSessions(userID: userID, except: nil, reason: "password_reset", on: connection)
            try await users.securityEvent("password_reset", userID: userID, ip: ip, on: connection)
            try await outbox.enqueue(emails.passwordChanged(to: user.email, name: user.fullName), on: connection)
        }
        return MessageResponse("Your password was changed. Sign in with the new password.")
    }
}

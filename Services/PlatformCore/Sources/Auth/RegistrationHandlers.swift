import Foundation
import Hummingbird
import KisumKernel
import KisumPersistence

/// `POST /auth/register` (legacy: an account that must be activated by e-mail) and `POST /auth/signup`
/// (account + workspace + trial, signed in at once).
struct RegistrationHandlers {
    let publicLimiter: RateLimiter
    let clients: ClientInfoReader
    let settings: PlatformCoreSettings
    let passwords: PasswordHasher
    let database: Database
    let users: UserRepository
    let singleUseTokens: SingleUseTokenRepository
    let outbox: EmailOutbox
    let emails: EmailComposer
    let signups: SignupService

    struct RegisterRequest: Decodable {
        var email: String?
        var password: String?
        var fullName: String?
    }

    struct Registered: ResponseEncodable {
        var user: User
        var message: String
    }

    struct SignupRequest: Decodable {
        var email: String?
        var password: String?
        var fullName: String?
        var companyName: String?
        /// A Stripe payment method collected by the frontend; without it a Checkout URL is returned (Stripe mode).
        var paymentMethodId: String?
    }

    /// The account is created `pending` with its password and an activation link is e-mailed (1 hour);
    /// signing in works once the link was followed.
    @Sendable func register(_ request: Request, context: PlatformRequestContext) async throws -> EditedResponse<Registered> {
        try publicLimiter.consume(clients.read(request, context).ip ?? "unknown")
        let body = try await request.decodeJSON(as: RegisterRequest.self, context: context)
        var v = Validator()
        v.email(body.email, "email")
        PasswordPolicy.check(body.password, field: "password", settings: settings.passwords, into: &v)
        v.text(body.fullName, "full_name", required: false, maxLength: 200)
        try v.validate()
        try await signups.ensureEmailFree(body.email!)
        let hash = try await passwords.hash(body.password!)
        let ttl = settings.activationTTL
        let user = try await database.transaction { connection in
            let user = try await users.create(email: body.email!, fullName: body.fullName, status: User.Status.pending,
                                                   passwordHash: hash, on: connection)
            let issued = try await singleUseTokens.issue(.activation, userID: user.id, email: user.email, ttl: ttl, on: connection)
            try await outbox.enqueue(emails.activation(to: user.email, name: user.fullName, token: issued.token, workspaceID: nil,
                                                                 workspaceName: nil, hours: Int(ttl / 3600)), on: connection)
            return user
        }
        return Registered(user: user, message: "Account created. Follow the activation link we e-mailed to sign in.").created()
    }

    @Sendable func signup(_ request: Request, context: PlatformRequestContext) async throws -> EditedResponse<SignupResult> {
        let client = clients.read(request, context)
        try publicLimiter.consume(client.ip ?? "unknown")
        let body = try await request.decodeJSON(as: SignupRequest.self, context: context)
        var v = Validator()
        v.email(body.email, "email")
        PasswordPolicy.check(body.password, field: "password", settings: settings.passwords, into: &v)
        v.text(body.fullName, "full_name", maxLength: 200)
        v.text(body.companyName, "company_name", maxLength: 200)
        v.text(body.paymentMethodId, "payment_method_id", required: false, maxLength: 255)
        try v.validate()
        let account = SignupService.Account(email: body.email!, password: body.password, fullName: body.fullName,
                                            companyName: body.companyName!, clerkID: nil)
        return try await signups.signup(account, paymentMethodID: body.paymentMethodId, client: client).created()
    }
}

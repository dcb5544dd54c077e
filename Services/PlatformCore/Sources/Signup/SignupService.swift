import Foundation
import Logging
import Hummingbird
import KisumKernel
import KisumPersistence
import PostgresNIO

/// What a completed signup returns: the token pair's fields at the top level (as a sign-in answers),
/// then the new user, workspace and subscription.
public struct SignupResult: ResponseEncodable, Sendable {
    public var tokens: TokenPair
    public var user: User
    public var workspace: Workspace
    public var subscription: SubscriptionSummary
    /// Stripe Checkout URL when payment still has to be collected (full signup without a payment method).
    public var checkoutUrl: String?

    enum CodingKeys: String, CodingKey {
        case user, workspace, subscription, checkoutUrl
    }

    public func encode(to encoder: any Encoder) throws {
        try tokens.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(user, forKey: .user)
        try container.encode(workspace, forKey: .workspace)
        try container.encode(subscription, forKey: .subscription)
        try container.encode(checkoutUrl, forKey: .checkoutUrl)
    }
}

/// The provisioning steps, in order, as the async signup stream names them.
public enum SignupStep: String, Sendable, CaseIterable {
    case validating
    case validatingInvite = "validating_invite"
    case hashingPassword = "hashing_password"
    case creatingUser = "creating_user"
    case creatingWorkspace = "creating_workspace"
    case seedingPermissions = "seeding_permissions"
    case startingSubscription = "starting_subscription"
    case linkingSubscription = "linking_subscription"
    case sendingVerificationEmail = "sending_verification_email"
    case issuingTokens = "issuing_tokens"

    var progress: Int {
        switch self {
        case .validating: return 5
        case .validatingInvite: return 10
        case .hashingPassword: return 20
        case .creatingUser: return 35
        case .creatingWorkspace: return 50
        case .seedingPermissions: return 60
        case .startingSubscription, .linkingSubscription: return 75
        case .sendingVerificationEmail: return 85
        case .issuingTokens: return 95
        }
    }

    var message: String {
        switch self {
        case .validating: return "Checking your details"
        case .validatingInvite: return "Checking your payment invite"
        case .hashingPassword: return "Securing your password"
        case .creatingUser: return "Creating your account"
        case .creatingWorkspace: return "Creating your workspace"
        case .seedingPermissions: return "Setting up roles, permissions and modules"
        case .startingSubscription: return "Starting your trial"
        case .linkingSubscription: return "Linking your subscription"
        case .sendingVerificationEmail: return "Sending your confirmation e-mail"
        case .issuingTokens: return "Signing you in"
        }
    }
}

typealias SignupProgress = @Sendable (SignupStep) async -> Void

/// A new account with its workspace: `POST /auth/signup` (billing through the provider) and the Stripe
/// invite signups (the subscription already exists at Stripe). Everything is written in one transaction,
/// including the verification e-mail in the outbox, so a failure leaves nothing half-created.
struct SignupService {
    let passwords: PasswordHasher
    let database: Database
    let users: UserRepository
    let workspaces: WorkspaceRepository
    let tokens: TokenService
    let settings: PlatformCoreSettings
    let billing: any BillingProvider
    let logger: Logger
    let singleUseTokens: SingleUseTokenRepository
    let outbox: EmailOutbox
    let emails: EmailComposer

    struct Account: Sendable {
        var email: String
        var password: String?
        var fullName: String?
        var companyName: String
        var clerkID: String?
    }

    /// Full signup: user, workspace, owner membership, defaults, and a trial started through the billing
    /// provider (Stripe: customer + subscription, or a Checkout URL; local: a trial recorded as local).
    func signup(_ account: Account, paymentMethodID: String?, client: ClientInfo) async throws -> SignupResult {
        try await ensureEmailFree(account.email)
        let hash: String? = if let value = account.password { try await passwords.hash(value) } else { nil }
        let created = try await database.transaction { connection -> Created in
            let user = try await users.create(email: account.email, fullName: account.fullName, status: User.Status.active,
                                                   passwordHash: hash, clerkID: account.clerkID, on: connection)
            let workspace = try await workspaces.create(name: account.companyName, ownerID: user.id, createdBy: user.id, on: connection)
            // Inside the transaction on purpose: if the provider refuses, no account is left without billing.
            let subscription = try await startTrial(for: workspace, owner: user, paymentMethodID: paymentMethodID, purpose: "signup",
                                                    on: connection)
            try await sendVerification(user, on: connection)
            let session = try await tokens.startSession(userID: user.id, client: client, on: connection)
            return Created(user: user, workspace: workspace, subscription: subscription, session: session)
        }
        return try await finish(created)
    }

    /// A new workspace's trial, started through the billing provider (Stripe, or recorded as `local`) and
    /// recorded; `purpose` keeps the provider's idempotency keys of signup and provisioning apart.
    func startTrial(for workspace: Workspace, owner: User, paymentMethodID: String?, purpose: String,
                    on connection: PostgresConnection) async throws -> SubscriptionSummary {
        let settings = settings
        let started = try await billing.startSubscription(SubscriptionRequest(
            workspaceID: workspace.id, workspaceName: workspace.name, email: owner.email, customerName: owner.fullName,
            paymentMethodID: paymentMethodID, trialDays: settings.trialDays,
            successURL: "\(settings.publicAppURL)/billing/success?session_id={CHECKOUT_SESSION_ID}",
            cancelURL: "\(settings.publicAppURL)/billing/cancelled", idempotencyKey: "\(purpose)-\(workspace.id.uuidString.lowercased())"))
        return try await SubscriptionRepository(logger: logger).record(started, workspaceID: workspace.id, on: connection)
    }

    struct InviteSignup: Sendable {
        var inviteCode: String
        var account: Account
    }

    /// Signup with a Stripe payment invite (someone paid through Checkout before having an account).
    func signup(invite request: InviteSignup, client: ClientInfo, progress: SignupProgress = { _ in }) async throws -> SignupResult {
        await progress(.validatingInvite)
        guard let invite = try await billing.paymentInvite(code: request.inviteCode) else {
            throw APIError(.notFound, code: "invite_not_found", message: "No paid invite matches this code.")
        }
        if try await isRedeemed(invite.code) {
            throw APIError.conflict("invite_used", "This invite was already used to create a workspace.")
        }
        var account = request.account
        if account.email.isEmpty {
            account.email = invite.email
        } else if EmailAddress.normalize(account.email) != invite.email {
            throw APIError.validation(field: "email", code: "email_mismatch", message: "Use the e-mail address you paid with.")
        }
        try await ensureEmailFree(account.email)
        var hash: String?
        if let password = account.password {
            await progress(.hashingPassword)
            hash = try await passwords.hash(password)
        }
        let created = try await database.transaction { connection -> Created in
            await progress(.creatingUser)
            let user = try await users.create(email: account.email, fullName: account.fullName ?? invite.customerName,
                                                   status: User.Status.active, passwordHash: hash, clerkID: account.clerkID, on: connection)
            await progress(.creatingWorkspace)
            let workspace = try await workspaces.insert(name: account.companyName, ownerID: user.id, createdBy: user.id, on: connection)
            await progress(.seedingPermissions)
            try await workspaces.seedDefaults(workspaceID: workspace.id, on: connection)
            await progress(.linkingSubscription)
            try await PaymentInviteRepository(database: database).recordRedemption(
                code: invite.code, email: invite.email, workspaceID: workspace.id, userID: user.id, on: connection)
            let started = StartedSubscription(
                provider: "stripe", status: StripeBillingProvider.status(invite.subscriptionStatus ?? "active"),
                customerID: invite.customerID, subscriptionID: invite.subscriptionID, checkoutSessionID: invite.code,
                checkoutURL: nil, trialEndsAt: invite.trialEndsAt, plan: invite.plan)
            let subscription = try await SubscriptionRepository(logger: logger).record(started, workspaceID: workspace.id, on: connection)
            await progress(.sendingVerificationEmail)
            try await sendVerification(user, on: connection)
            await progress(.issuingTokens)
            let session = try await tokens.startSession(userID: user.id, client: client, on: connection)
            return Created(user: user, workspace: workspace, subscription: subscription, session: session)
        }
        return try await finish(created)
    }

    // MARK: Pieces

    struct Created: Sendable {
        var user: User
        var workspace: Workspace
        var subscription: SubscriptionSummary
        var session: StartedSession
    }

    private func finish(_ created: Created) async throws -> SignupResult {
        let pair = try await tokens.pair(for: created.session, userID: created.user.id, email: created.user.email)
        return SignupResult(tokens: pair, user: created.user, workspace: created.workspace, subscription: created.subscription,
                            checkoutUrl: created.subscription.checkoutUrl)
    }

    /// Fails fast (before hashing or calling a provider) when the e-mail is taken; the unique index still
    /// decides races.
    func ensureEmailFree(_ email: String) async throws {
        if try await users.find(email: email) != nil {
            throw APIError.conflict("email_taken", "An account with this e-mail already exists.")
        }
    }

    func isRedeemed(_ code: String) async throws -> Bool {
        try await PaymentInviteRepository(database: database).isRedeemed(code)
    }

    /// A confirmation link for the new address (the account works at once; the link verifies the e-mail).
    func sendVerification(_ user: User, on connection: PostgresConnection) async throws {
        let ttl = settings.activationTTL
        let issued = try await singleUseTokens.issue(.activation, userID: user.id, email: user.email, ttl: ttl, on: connection)
        try await outbox.enqueue(emails.verification(to: user.email, name: user.fullName, token: issued.token,
                                                               hours: Int(ttl / 3600)), on: connection)
    }
}

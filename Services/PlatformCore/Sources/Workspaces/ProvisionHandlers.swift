import Foundation
import Hummingbird
import KisumKernel
import KisumPersistence
import PostgresNIO

/// `POST /workspaces/provision`: what platform staff created.
public struct ProvisionedWorkspace: ResponseEncodable, Sendable {
    public var workspace: Workspace
    public var owner: User
    /// The owner's account was created by this call (pending until they follow the activation link).
    public var ownerCreated: Bool
    /// An activation link was e-mailed to the owner (their account was pending).
    public var activationEmailSent: Bool
    public var subscription: SubscriptionSummary
}

/// Staff provisioning: a workspace for a customer, with the owner found or created by e-mail. Only
/// `users.is_superuser` (never granted through the API) may call it, and not while impersonating.
struct ProvisionHandlers {
    let users: UserRepository
    let settings: PlatformCoreSettings
    let database: Database
    let workspaces: WorkspaceRepository
    let singleUseTokens: SingleUseTokenRepository
    let outbox: EmailOutbox
    let emails: EmailComposer
    let signups: SignupService

    struct ProvisionBody: ValidatableBody {
        var name: String?
        var ownerEmail: String?
        var ownerFullName: String?

        func validate(_ v: inout Validator) {
            v.text(name, "name", maxLength: 200)
            v.email(ownerEmail, "owner_email")
            v.text(ownerFullName, "owner_full_name", required: false, maxLength: 200)
        }
    }

    /// In one transaction: the owner (a new account is `pending` without a password and gets an
    /// activation link bound to the workspace), the workspace with its owner membership, default
    /// permissions and modules, and a trial started through the billing provider as signup does
    /// (Stripe, or recorded as `local` without one).
    @Sendable func provision(_ request: Request, context: PlatformRequestContext) async throws -> ProvisionedWorkspace {
        let identity = try context.requireIdentity()
        let isSuperuser = try await users.isSuperuser(userID: identity.userID)
        guard isSuperuser, identity.actor == nil else {
            throw APIError.forbidden("superuser_required", "Only platform staff can provision workspaces.")
        }
        let body = try await request.decodeValid(as: ProvisionBody.self, context: context)
        let settings = settings
        return try await database.transaction { connection in
            let (owner, created) = try await users.findOrCreatePending(email: body.ownerEmail!, fullName: body.ownerFullName,
                                                                            on: connection)
            if owner.status == User.Status.disabled {
                throw APIError.conflict("user_disabled", "The owner's account is disabled.")
            }
            let workspace = try await workspaces.create(name: body.name!, ownerID: owner.id, createdBy: identity.userID, on: connection)
            let subscription = try await signups.startTrial(for: workspace, owner: owner, paymentMethodID: nil,
                                                                             purpose: "provision", on: connection)
            let needsActivation = owner.status == User.Status.pending
            if needsActivation {
                // A customer set up by staff may not read the e-mail within the hour of a sign-up link.
                let ttl = settings.invitationTTL
                let issued = try await singleUseTokens.issue(.activation, userID: owner.id, workspaceID: workspace.id, email: owner.email,
                                                                  createdBy: identity.userID, ttl: ttl, on: connection)
                try await outbox.enqueue(emails.activation(to: owner.email, name: owner.fullName, token: issued.token,
                                                                     workspaceID: workspace.id, workspaceName: workspace.name,
                                                                     hours: max(1, Int(ttl / 3600))),
                                              workspaceID: workspace.id, on: connection)
            }
            try await workspaces.recordActivity(
                workspaceID: workspace.id, userID: identity.userID, action: "workspace.provisioned", entityType: "workspace",
                entityID: workspace.id.uuidString.lowercased(), description: "Provisioned by platform staff for \(owner.email)",
                on: connection)
            return ProvisionedWorkspace(workspace: workspace, owner: owner, ownerCreated: created, activationEmailSent: needsActivation,
                                        subscription: subscription)
        }
    }
}

import Foundation
import HTTPTypes
import Logging
import KisumKernel
import KisumPersistence
import PostgresNIO

/// Who sends, resends or cancels an invitation, with their role in the workspace.
struct Inviter: Sendable {
    var userID: UUID
    /// Set when an administrator impersonates `userID` (recorded in the activity feed).
    var actor: String?
    var role: String
}

/// What an invitation asks for: the address and the role, and optionally the invitee's name and
/// member profile (used when the account or the membership is created).
struct InvitationRequest: Sendable {
    var email: String
    var role: String
    var fullName: String?
    var title: String?
    var department: String?
}

struct IssuedInvitation: Sendable {
    var invitation: Invitation
    /// The accept link with the new token (shown only by the copy-link route).
    var link: String
}

/// Invitations to a workspace: the invite routes (`/workspaces/{id}/invite`, `/invite-link`,
/// `/resend-invite`, `POST /members`) and cancellation share this. An invitation is an `invitations`
/// row, an `invited` membership (so member lists show it) and a single-use token of kind `invitation`;
/// each new link revokes the previous one.
struct InvitationService: Sendable {
    let logger: Logger
    let database: Database
    let users: UserRepository
    let workspaces: WorkspaceRepository
    let settings: PlatformCoreSettings
    let singleUseTokens: SingleUseTokenRepository
    let outbox: EmailOutbox
    let emails: EmailComposer
    var repository: InvitationRepository { InvitationRepository(logger: logger) }

    /// Invites an address. By e-mail (`/invite`, `POST /members`) "the user must already be registered in the
    /// system" (404 `user_not_found`); a copied link (`/invite-link`) is how new people join, so there an
    /// unknown address gets a pending account without a password. Re-inviting an open invitation updates
    /// its role and issues a new link; an active or suspended member is 409.
    func invite(_ request: InvitationRequest, workspaceID: UUID, inviter: Inviter, delivery: InvitationDelivery) async throws
        -> IssuedInvitation
    {
        try Self.requireRank(request.role, inviter)
        return try await database.transaction { connection in
            try await BillingLimits(database: database).requireSeat(workspaceID: workspaceID, email: request.email, on: connection)
            let userID = try await invitee(request, delivery: delivery, on: connection)
            var membership = try await repository.membershipForInvite(
                workspaceID: workspaceID, userID: userID, role: request.role, invitedBy: inviter.userID, title: request.title,
                department: request.department, on: connection)
            switch membership.status {
            case MembershipStatus.active, MembershipStatus.suspended:
                throw APIError.conflict("already_member", "\(membership.email) is already a member of this workspace.")
            case MembershipStatus.invited:
                // The open invitation may carry a role the inviter could not give.
                try Self.requireRank(membership.role, inviter)
            default:
                break
            }
            try await repository.markInvited(workspaceID: workspaceID, memberID: membership.id, role: request.role,
                                             invitedBy: inviter.userID, title: request.title, department: request.department,
                                             on: connection)
            membership.role = request.role
            return try await issue(for: membership, workspaceID: workspaceID, inviter: inviter, delivery: delivery,
                                   action: "member.invited", on: connection)
        }
    }

    /// A new link (and e-mail) for a member who has not accepted yet; the previous link stops working.
    func resend(workspaceID: UUID, member selector: InvitationRepository.MemberSelector, inviter: Inviter) async throws
        -> IssuedInvitation
    {
        try await database.transaction { connection in
            guard let membership = try await repository.lockMembership(workspaceID: workspaceID, selector, on: connection),
                  membership.status != MembershipStatus.removed
            else { throw APIError.notFound("member") }
            guard membership.status == MembershipStatus.invited else {
                throw APIError.conflict("invitation_not_pending", "This member has no open invitation.")
            }
            try Self.requireRank(membership.role, inviter)
            return try await issue(for: membership, workspaceID: workspaceID, inviter: inviter, delivery: .email,
                                   action: "member.invitation_resent", on: connection)
        }
    }

    /// Cancels an open invitation: its link stops working and the `invited` membership is taken back.
    /// Cancelling one that is no longer open is 409 `invitation_not_pending`.
    func cancel(workspaceID: UUID, _ selector: InvitationRepository.InvitationSelector, inviter: Inviter) async throws -> Invitation {
        try await database.transaction { connection in
            guard let invitation = try await repository.find(workspaceID: workspaceID, selector, on: connection) else {
                throw APIError.notFound("invitation")
            }
            guard invitation.status == Invitation.Status.pending else {
                throw APIError.conflict("invitation_not_pending", "This invitation is \(invitation.status), not pending.")
            }
            try Self.requireRank(invitation.role, inviter)
            let cancelled = try await repository.cancel(invitation, on: connection)
            try await workspaces.recordActivity(
                workspaceID: workspaceID, userID: inviter.userID, actor: inviter.actor, action: "member.invitation_cancelled",
                entityType: "invitation", entityID: invitation.id.uuidString.lowercased(),
                description: "Invitation of \(invitation.email) cancelled", on: connection)
            return cancelled
        }
    }

    /// Issues the token, points the open invitation at it, e-mails the link when asked, records activity.
    private func issue(for membership: InvitationRepository.LockedMembership, workspaceID: UUID, inviter: Inviter,
                       delivery: InvitationDelivery, action: String, on connection: PostgresConnection) async throws -> IssuedInvitation {
        let ttl = settings.invitationTTL
        let issued = try await singleUseTokens.issue(.invitation, userID: membership.userID, workspaceID: workspaceID,
                                                          email: membership.email, createdBy: inviter.userID, ttl: ttl, on: connection)
        let invitation = try await repository.savePending(workspaceID: workspaceID, membership: membership, role: membership.role,
                                                          invitedBy: inviter.userID, tokenID: issued.id, delivery: delivery, on: connection)
        let names = try await InvitationPartiesRepository(database: database)
            .workspaceAndInviterNames(workspaceID: workspaceID, inviterID: inviter.userID, on: connection)
        if action == "member.invited" {
            try await Notifier(logger: logger, emails: emails).invited(membership.userID, to: workspaceID, role: membership.role, by: names?.1,
                                                                       invitationID: invitation.id, on: connection)
        }
        if delivery == .email {
            let days = max(1, Int((ttl / 86_400).rounded()))
            try await outbox.enqueue(emails.invitation(to: membership.email, inviter: names?.1, workspaceName: names?.0 ?? "Kisum",
                                                                 token: issued.token, days: days),
                                          workspaceID: workspaceID, on: connection)
        }
        let how = delivery == .email ? "by e-mail" : "with a copied link"
        try await workspaces.recordActivity(
            workspaceID: workspaceID, userID: inviter.userID, actor: inviter.actor, action: action, entityType: "invitation",
            entityID: invitation.id.uuidString.lowercased(), description: "Invited \(membership.email) as \(membership.role) \(how)",
            on: connection)
        return IssuedInvitation(invitation: invitation, link: emails.invitationLink(token: issued.token))
    }

    private func invitee(_ request: InvitationRequest, delivery: InvitationDelivery, on connection: PostgresConnection) async throws -> UUID {
        if delivery == .link {
            return try await users.findOrCreatePending(email: request.email, fullName: request.fullName, on: connection).user.id
        }
        guard let user = try await users.find(email: request.email, on: connection) else { throw Self.notRegistered }
        return user.id
    }

    static let notRegistered = APIError(.notFound, code: "user_not_found",
                                        message: "The user must already be registered in the system. Invite new people with an invite link.")

    /// Nobody invites (or handles an invitation) above their own role.
    static func requireRank(_ role: String, _ inviter: Inviter) throws {
        try Role.require(inviter.role, atLeast: role, "You cannot invite, or handle invitations, with a role above your own.")
    }
}

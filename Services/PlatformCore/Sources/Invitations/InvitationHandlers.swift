import Foundation
import KisumPersistence
import Hummingbird
import KisumKernel

/// `POST /workspaces/{id}/invite-link`: the link to share, instead of an e-mail.
public struct InvitationLink: ResponseEncodable, Sendable {
    public var inviteUrl: String
    public var expiresAt: Date
    public var invitation: Invitation
}

/// `POST /workspaces/{id}/resend-invite`.
public struct InvitationResent: ResponseEncodable, Sendable {
    public var message: String
    public var invitation: Invitation
}

/// The invitation routes: inviting (by e-mail, by copied link, `POST /members`), resending, cancelling
/// (admins and owners; `members.invite` can narrow that, see `AdminRule`), and the invitee's details and accept (public: the token is
/// the authentication).
struct InvitationHandlers {
    let database: Database
    let access: DatabaseAccessResolver
    let publicLimiter: RateLimiter
    let clients: ClientInfoReader
    let settings: PlatformCoreSettings
    let service: InvitationService
    let acceptance: InvitationAcceptance

    struct InviteBody: ValidatableBody {
        var email: String?
        /// admin, member (default) or viewer.
        var role: String?
        var fullName: String?
        var title: String?
        var department: String?

        func validate(_ v: inout Validator) {
            v.email(email, "email")
            v.oneOf(role, "role", Role.assignable)
            v.text(fullName, "full_name", required: false, maxLength: 200)
            v.text(title, "title", required: false, maxLength: 200)
            v.text(department, "department", required: false, maxLength: 200)
        }

        var request: InvitationRequest {
            InvitationRequest(email: EmailAddress.normalize(email!), role: role ?? Role.member.rawValue, fullName: fullName, title: title,
                              department: department)
        }
    }

    /// `POST /workspaces/{workspace_id}/invite` (members.invite, 201): e-mails an accept link.
    @Sendable func invite(_ request: Request, context: PlatformRequestContext) async throws -> EditedResponse<Invitation> {
        let (workspaceID, inviter) = try await pathInviter(context)
        let body = try await request.decodeValid(as: InviteBody.self, context: context)
        return try await service.invite(body.request, workspaceID: workspaceID, inviter: inviter, delivery: .email).invitation.created()
    }

    /// `POST /workspaces/{workspace_id}/invite-link` (members.invite): the same invitation without an
    /// e-mail; the link is returned for sharing and replaces any earlier link of this invitation.
    @Sendable func inviteLink(_ request: Request, context: PlatformRequestContext) async throws -> InvitationLink {
        let (workspaceID, inviter) = try await pathInviter(context)
        let body = try await request.decodeValid(as: InviteBody.self, context: context)
        let issued = try await service.invite(body.request, workspaceID: workspaceID, inviter: inviter, delivery: .link)
        return InvitationLink(inviteUrl: issued.link, expiresAt: issued.invitation.expiresAt, invitation: issued.invitation)
    }

    /// `POST /api/v1/members` (jwt+org, members.invite, 201): the invitation flow for the header's
    /// workspace, answering with the new member-list row (`id` = membership id, status `invited`).
    /// Answers with the Members group's member record (the shape `GET /members/{member_id}` returns), so a
    /// client of the Members routes sees one representation of a member.
    @Sendable func createMember(_ request: Request, context: PlatformRequestContext) async throws -> EditedResponse<Member> {
        let scope = try context.adminTenant(Permission.membersInvite)
        let identity = try context.requireIdentity()
        let inviter = Inviter(userID: scope.userID, actor: identity.actor, role: context.kisum.access?.role ?? "")
        let body = try await request.decodeValid(as: InviteBody.self, context: context)
        let issued = try await service.invite(body.request, workspaceID: scope.companyID, inviter: inviter, delivery: .email)
        guard let memberID = issued.invitation.memberId,
              let member = try await MemberRepository(database: database).find(workspaceID: scope.companyID, memberID: memberID)
        else { throw APIError.notFound("member") }
        return member.created()
    }

    struct ResendBody: ValidatableBody {
        var memberId: UUID?
        var userId: UUID?

        func validate(_ v: inout Validator) {
            if memberId == nil && userId == nil {
                v.add("member_id", "required", "Give member_id or user_id.")
            } else if memberId != nil && userId != nil {
                v.add("user_id", "ambiguous", "Give member_id or user_id, not both.")
            }
        }
    }

    /// `POST /workspaces/{workspace_id}/resend-invite` (members.invite): a new link by e-mail; the old
    /// link stops working. No open invitation → 409 `invitation_not_pending`.
    @Sendable func resend(_ request: Request, context: PlatformRequestContext) async throws -> InvitationResent {
        let (workspaceID, inviter) = try await pathInviter(context)
        let body = try await request.decodeValid(as: ResendBody.self, context: context)
        let selector: InvitationRepository.MemberSelector = if let id = body.memberId { .member(id) } else { .user(body.userId!) }
        let issued = try await service.resend(workspaceID: workspaceID, member: selector, inviter: inviter)
        return InvitationResent(message: "A new invitation was sent to \(issued.invitation.email).", invitation: issued.invitation)
    }

    struct CancelBody: ValidatableBody {
        var workspaceId: UUID?
        var invitationId: UUID?
        var memberId: UUID?
        var email: String?

        func validate(_ v: inout Validator) {
            v.check(workspaceId != nil, "workspace_id", "required", "This field is required.")
            v.email(email, "email", required: false)
            let named = [invitationId != nil, memberId != nil, email != nil].filter { $0 }.count
            if named == 0 {
                v.add("invitation_id", "required", "Give invitation_id, member_id or email.")
            } else if named > 1 {
                v.add("invitation_id", "ambiguous", "Give only one of invitation_id, member_id and email.")
            }
        }
    }

    /// `POST /workspaces/invitations/cancel` (members.invite in `workspace_id`).
    @Sendable func cancel(_ request: Request, context: PlatformRequestContext) async throws -> Invitation {
        let identity = try context.requireIdentity()
        let body = try await request.decodeValid(as: CancelBody.self, context: context)
        let workspaceID = body.workspaceId!
        let access = try await access.adminWorkspaceAccess(userID: identity.userID, workspaceID: workspaceID, permission: Permission.membersInvite)
        let selector: InvitationRepository.InvitationSelector =
            if let id = body.invitationId { .invitation(id) } else if let id = body.memberId { .member(id) } else { .email(body.email!) }
        return try await service.cancel(workspaceID: workspaceID, selector,
                                        inviter: Inviter(userID: identity.userID, actor: identity.actor, role: access.role))
    }

    /// `GET /workspaces/invitations/details?token=` (public).
    @Sendable func details(_ request: Request, context: PlatformRequestContext) async throws -> InvitationDetails {
        try publicLimiter.consume(clients.read(request, context).ip ?? "unknown")
        let query = QueryReader(request)
        guard let token = query.string("token") else { throw APIError.badRequest("invalid_query", "token is required.") }
        return try await acceptance.details(token: token)
    }

    struct AcceptBody: ValidatableBody {
        var token: String?
        var password: String?
        var fullName: String?

        func validate(_ v: inout Validator) {
            v.text(token, "token", maxLength: 256)
            v.text(fullName, "full_name", required: false, maxLength: 200)
        }
    }

    /// `POST /workspaces/invitations/accept` (public; see `InvitationAcceptance.accept`).
    @Sendable func accept(_ request: Request, context: PlatformRequestContext) async throws -> InvitationAccepted {
        let client = clients.read(request, context)
        try publicLimiter.consume(client.ip ?? "unknown")
        let body = try await request.decodeJSON(as: AcceptBody.self, context: context)
        var v = Validator()
        body.validate(&v)
        PasswordPolicy.check(body.password, field: "password", settings: settings.passwords, into: &v, required: false)
        try v.validate()
        return try await acceptance.accept(token: body.token!, password: body.password, fullName: body.fullName, client: client)
    }

    /// The workspace of a `/workspaces/{workspace_id}/…` route and the caller as inviter there.
    private func pathInviter(_ context: PlatformRequestContext) async throws -> (UUID, Inviter) {
        let identity = try context.requireIdentity()
        let workspaceID = try context.parameters.uuid("workspace_id", what: "workspace")
        let access = try await access.adminWorkspaceAccess(userID: identity.userID, workspaceID: workspaceID, permission: Permission.membersInvite)
        return (workspaceID, Inviter(userID: identity.userID, actor: identity.actor, role: access.role))
    }
}

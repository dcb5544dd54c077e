import Foundation
import Hummingbird
import KisumKernel
import KisumPersistence
import PostgresNIO

/// `POST /workspaces/{id}/users/{user_id}/password-reset`: the reset link went out by e-mail.
public struct MemberPasswordResetSent: ResponseEncodable, Sendable {
    public var message: String
    public var expiresAt: Date
}

/// `POST /workspaces/{id}/users/{user_id}/password-reset-link`: the link to share (not e-mailed).
public struct MemberPasswordResetLink: ResponseEncodable, Sendable {
    public var resetUrl: String
    public var expiresAt: Date
    public var userId: UUID
}

/// Administrator-triggered password resets for members of a workspace: admin or owner there (`members.update`
/// can narrow it), the same or a higher role than the member, and the member must belong to that workspace (else 404). The new
/// link revokes the member's earlier reset links. Refused while impersonating (a reset link opens the
/// account).
struct MemberPasswordResetHandlers {
    let settings: PlatformCoreSettings
    let database: Database
    let access: DatabaseAccessResolver
    let users: UserRepository
    let workspaces: WorkspaceRepository
    let resets: PasswordResets

    @Sendable func send(_ request: Request, context: PlatformRequestContext) async throws -> MemberPasswordResetSent {
        let (user, workspaceID, callerID) = try await target(context)
        let ttl = settings.passwordResetTTL
        let issued = try await database.transaction { connection in
            let issued = try await resets.issue(for: user, createdBy: callerID, ttl: ttl, sendEmail: true,
                                                                    workspaceID: workspaceID, on: connection)
            try await record("member.password_reset_sent", "Password reset e-mailed to \(user.email)", user: user,
                             workspaceID: workspaceID, context: context, on: connection)
            return issued
        }
        return MemberPasswordResetSent(message: "A password reset link was sent to \(user.email).", expiresAt: issued.expiresAt)
    }

    @Sendable func link(_ request: Request, context: PlatformRequestContext) async throws -> MemberPasswordResetLink {
        let (user, workspaceID, callerID) = try await target(context)
        let ttl = settings.adminPasswordResetTTL
        let issued = try await database.transaction { connection in
            let issued = try await resets.issue(for: user, createdBy: callerID, ttl: ttl, sendEmail: false,
                                                                    workspaceID: workspaceID, on: connection)
            try await record("member.password_reset_link_created", "Password reset link created for \(user.email)", user: user,
                             workspaceID: workspaceID, context: context, on: connection)
            return issued
        }
        return MemberPasswordResetLink(resetUrl: issued.link, expiresAt: issued.expiresAt, userId: user.id)
    }

    /// The checks both routes share; returns the member's account.
    private func target(_ context: PlatformRequestContext) async throws -> (User, UUID, UUID) {
        let identity = try context.requireIdentity()
        let workspaceID = try context.parameters.uuid("workspace_id", what: "workspace")
        let userID = try context.parameters.userID()
        let access = try await access.adminWorkspaceAccess(userID: identity.userID, workspaceID: workspaceID, permission: Permission.membersUpdate)
        let role = try await MemberRepository(database: database).role(workspaceID: workspaceID, userID: userID)
        guard let role, let user = try await users.find(id: userID) else { throw APIError.notFound("user") }
        try Role.require(access.role, atLeast: role, "You can only reset passwords of members with the same or a lower role.")
        if identity.actor != nil {
            throw APIError.forbidden("impersonation_forbidden", "Password resets cannot be issued while impersonating.")
        }
        if user.status == User.Status.disabled {
            throw APIError.conflict("user_disabled", "This account is disabled.")
        }
        return (user, workspaceID, identity.userID)
    }

    private func record(_ action: String, _ description: String, user: User, workspaceID: UUID, context: PlatformRequestContext,
                        on connection: PostgresConnection) async throws {
        let identity = try context.requireIdentity()
        try await workspaces.recordActivity(workspaceID: workspaceID, userID: identity.userID, actor: identity.actor, action: action,
                                                 entityType: "user", entityID: user.id.uuidString.lowercased(), description: description,
                                                 on: connection)
    }
}

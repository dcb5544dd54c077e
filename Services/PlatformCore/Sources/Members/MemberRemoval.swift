import Foundation
import Hummingbird
import KisumKernel
import KisumStorage
import KisumPersistence
import Logging
import PostgresNIO

/// What a removal did, as `DELETE /workspaces/{workspace_id}/members/{member_id}` reports it.
public struct RemovalSummary: ResponseEncodable, Sendable {
    /// `invitation_cancelled` (the person had not accepted: membership deleted, invitation cancelled, its
    /// link revoked) or `membership_removed` (membership kept as `removed` for history, team places dropped).
    public var outcome: String
    public var memberId: UUID
    public var userId: UUID
    public var email: String
    public var invitationsCancelled: Int
    public var tokensRevoked: Int
    public var teamMembershipsRemoved: Int
    /// The account itself was deleted because it belonged to no other workspace.
    public var userDeleted: Bool
    public var message: String
}

/// Removing someone from a workspace — the one implementation behind `DELETE /members/{member_id}`,
/// `DELETE /members/{member_id}/permanent` and `DELETE /workspaces/{workspace_id}/members/{member_id}`.
///
/// 1. Not accepted yet (`invited`): the membership row is deleted, the pending invitation cancelled (kept,
///    detached from the membership) and every unused invitation/activation link of this workspace for the
///    person revoked.
/// 2. Accepted (`active` / `suspended`): the membership becomes `removed` (`removed_at`; the row stays as
///    history) and the person leaves every team. Access ends with the commit, since access is resolved from
///    memberships on every request; sessions are not revoked (they may serve other workspaces).
/// 3. With `UserDeletion.whenOrphaned` / `.required`, a person left in no other workspace is deleted too
///    (sessions, credentials, tokens go with the account by ON DELETE CASCADE; references elsewhere are
///    set NULL). Everything happens in one transaction.
///
/// Never: removing yourself (409 `cannot_remove_self`), an owner (409 `owner_protected`), or someone of a
/// higher role (403 `insufficient_role`).
struct MemberRemoval: Sendable {
    let database: Database
    let workspaces: WorkspaceRepository
    let storage: any ObjectStorage
    let notifier: Notifier
    var repository: MemberRemovalRepository { MemberRemovalRepository(database: database) }

    enum UserDeletion: Sendable {
        /// The account always stays (`DELETE /members/{member_id}`).
        case never
        /// The account is deleted when it belongs to no other workspace (the Workspaces route, spec case 3).
        case whenOrphaned
        /// The account must be deleted; 409 `user_in_other_workspaces` otherwise (`…/permanent`).
        case required
    }

    struct Target {
        var memberID: UUID
        var userID: UUID
        var email: String
        var role: String
        var status: String
        var isSuperuser: Bool
        var avatarKey: String?
        /// `workspaces.owner_id` points at them (normally together with the owner role).
        var isRecordedOwner: Bool
    }

    func remove(workspaceID: UUID, memberID: UUID, caller: Identity, callerRole: String, deletion: UserDeletion) async throws -> RemovalSummary {
        let (summary, avatarKey) = try await database.transaction { connection -> (RemovalSummary, String?) in
            guard let target = try await repository.lockTarget(workspaceID: workspaceID, memberID: memberID, on: connection) else {
                throw APIError.notFound("member")
            }
            if target.userID == caller.userID { throw MemberPolicy.cannotRemoveSelf }
            try MemberPolicy.requireRank(callerRole: callerRole, over: target.role, "remove")
            if target.role == Role.owner.rawValue || target.isRecordedOwner { throw MemberPolicy.ownerProtected }

            // Lock the account before counting its other workspaces: two workspaces removing the same person
            // at once then see each other's result, and the second one deletes the orphaned account.
            try await repository.lockUser(target.userID, on: connection)
            let others = try await otherWorkspaces(of: target.userID, besides: workspaceID, on: connection)
            let deletesUser: Bool
            switch deletion {
            case .never: deletesUser = false
            case .whenOrphaned: deletesUser = others == 0 && !target.isSuperuser
            case .required:
                guard others == 0 else {
                    throw APIError.conflict("user_in_other_workspaces",
                                            "This person belongs to other workspaces too; remove them from this one instead.",
                                            info: ["workspace_count": .number(Double(others + 1))])
                }
                guard !target.isSuperuser else {
                    throw APIError.conflict("staff_account_protected", "Platform staff accounts cannot be deleted from a workspace.")
                }
                deletesUser = true
            }

            var summary = RemovalSummary(outcome: "", memberId: target.memberID, userId: target.userID, email: target.email,
                                         invitationsCancelled: 0, tokensRevoked: 0, teamMembershipsRemoved: 0, userDeleted: false,
                                         message: "")
            if target.status == MembershipStatus.invited {
                (summary.invitationsCancelled, summary.tokensRevoked) = try await cancelInvitation(target, workspaceID: workspaceID, on: connection)
                try await repository.deleteMembership(workspaceID: workspaceID, memberID: target.memberID, on: connection)
                summary.outcome = "invitation_cancelled"
                summary.message = "The invitation of \(target.email) was cancelled."
            } else {
                summary.teamMembershipsRemoved = try await repository.removeFromTeams(workspaceID: workspaceID, memberID: target.memberID,
                                                                                      on: connection)
                try await repository.markMembershipRemoved(workspaceID: workspaceID, memberID: target.memberID, on: connection)
                summary.outcome = "membership_removed"
                summary.message = "\(target.email) was removed from the workspace."
            }
            try await workspaces.recordActivity(
                workspaceID: workspaceID, userID: caller.userID, actor: caller.actor,
                action: target.status == MembershipStatus.invited ? "member.invitation_cancelled" : "member.removed",
                entityType: "member", entityID: target.memberID.uuidString.lowercased(), description: summary.message, on: connection)
            if target.status != MembershipStatus.invited, !deletesUser {
                try await notifier.removed(target.userID, from: workspaceID, on: connection)
            }
            if deletesUser {
                try await repository.deleteUser(target.userID, on: connection)
                summary.userDeleted = true
                summary.message += " Their account was deleted, as it belonged to no other workspace."
                try await workspaces.recordActivity(
                    workspaceID: workspaceID, userID: caller.userID, actor: caller.actor, action: "user.deleted",
                    entityType: "user", entityID: target.userID.uuidString.lowercased(),
                    description: "Account of \(target.email) deleted", on: connection)
            }
            return (summary, deletesUser ? target.avatarKey : nil)
        }
        // The file of a deleted account's uploaded avatar; best effort once the deletion is committed.
        if let avatarKey { try? await storage.delete(key: avatarKey) }
        return summary
    }

    /// Workspaces the person still belongs to besides this one (see `OffboardingRepository.accountFactsQuery`).
    func otherWorkspaces(of userID: UUID, besides workspaceID: UUID, on connection: PostgresConnection) async throws -> Int {
        try await repository.otherWorkspaces(of: userID, besides: workspaceID, on: connection)
    }

    /// Cancels the person's pending invitation(s) to this workspace — detached from the membership first, so
    /// deleting the membership does not cascade them away — and revokes their unused invitation and
    /// activation links for this workspace. Returns (invitations cancelled, tokens revoked).
    private func cancelInvitation(_ target: Target, workspaceID: UUID, on connection: PostgresConnection) async throws -> (Int, Int) {
        let cancelled = try await repository.cancelPendingInvitations(workspaceID: workspaceID, memberID: target.memberID,
                                                                      userID: target.userID, email: target.email, on: connection)
        try await repository.detachInvitations(workspaceID: workspaceID, memberID: target.memberID, on: connection)
        let revoked = try await repository.revokeInvitationLinks(workspaceID: workspaceID, userID: target.userID, email: target.email,
                                                                 on: connection)
        return (cancelled, revoked)
    }
}

import Foundation
import KisumKernel
import KisumPersistence
import Logging
import PostgresNIO

/// The statements of `MemberRemoval`. Every function runs inside the removal's transaction and names the
/// workspace in every `WHERE`.
struct MemberRemovalRepository: Sendable {
    let database: Database
    var logger: Logger { database.logger }

    /// The member (not removed) with their account facts, row-locked for the removal.
    func lockTarget(workspaceID: UUID, memberID: UUID, on connection: PostgresConnection) async throws -> MemberRemoval.Target? {
        try await connection.query("""
            SELECT m.id, m.user_id, u.email, m.role, m.status, u.is_superuser, u.avatar_key, w.owner_id = m.user_id
            FROM memberships m JOIN users u ON u.id = m.user_id JOIN workspaces w ON w.id = m.workspace_id
            WHERE m.workspace_id = \(workspaceID) AND m.id = \(memberID) AND m.status <> 'removed'
            FOR UPDATE OF m
            """, logger: logger).first { row in
            let (id, userID, email, role, status, superuser, avatarKey, recordedOwner) =
                try row.decode((UUID, UUID, String, String, String, Bool, String?, Bool).self)
            return MemberRemoval.Target(memberID: id, userID: userID, email: email, role: role, status: status, isSuperuser: superuser,
                                        avatarKey: avatarKey, isRecordedOwner: recordedOwner)
        }
    }

    /// Locks the account, so concurrent removals of the same person from two workspaces serialise.
    func lockUser(_ userID: UUID, on connection: PostgresConnection) async throws {
        try await connection.query("SELECT 1 FROM users WHERE id = \(userID) FOR UPDATE", logger: logger)
    }

    /// Workspaces the person still belongs to besides this one (see `OffboardingRepository.accountFactsQuery`).
    func otherWorkspaces(of userID: UUID, besides workspaceID: UUID, on connection: PostgresConnection) async throws -> Int {
        try await connection.query(OffboardingRepository.accountFactsQuery(userID: userID, besides: workspaceID), logger: logger)
            .first { try $0.decode((Int, Bool).self).0 } ?? 0
    }

    func deleteMembership(workspaceID: UUID, memberID: UUID, on connection: PostgresConnection) async throws {
        try await connection.query("""
            DELETE FROM memberships WHERE workspace_id = \(workspaceID) AND id = \(memberID)
            """, logger: logger)
    }

    /// Takes the member out of every team; returns how many team places were dropped.
    func removeFromTeams(workspaceID: UUID, memberID: UUID, on connection: PostgresConnection) async throws -> Int {
        try await connection.query("""
            DELETE FROM team_members WHERE workspace_id = \(workspaceID) AND membership_id = \(memberID) RETURNING team_id
            """, logger: logger).collect { _ in 1 }.count
    }

    /// Keeps the membership row as history, `removed`.
    func markMembershipRemoved(workspaceID: UUID, memberID: UUID, on connection: PostgresConnection) async throws {
        try await connection.query("""
            UPDATE memberships SET status = 'removed', removed_at = now(), updated_at = now()
            WHERE workspace_id = \(workspaceID) AND id = \(memberID)
            """, logger: logger)
    }

    /// Deletes the account (sessions, credentials and tokens go with it by ON DELETE CASCADE).
    func deleteUser(_ userID: UUID, on connection: PostgresConnection) async throws {
        try await connection.query("DELETE FROM users WHERE id = \(userID)", logger: logger)
    }

    /// Cancels the person's pending invitations to this workspace (by membership, account or address);
    /// returns how many.
    func cancelPendingInvitations(workspaceID: UUID, memberID: UUID, userID: UUID, email: String, on connection: PostgresConnection)
        async throws -> Int
    {
        try await connection.query("""
            UPDATE invitations SET status = 'cancelled', cancelled_at = now(), updated_at = now()
            WHERE workspace_id = \(workspaceID) AND status = 'pending'
              AND (membership_id = \(memberID) OR user_id = \(userID) OR lower(email) = lower(\(email)))
            RETURNING id
            """, logger: logger).collect { _ in 1 }.count
    }

    /// Detaches the invitations from the membership, so deleting the membership does not cascade them away.
    func detachInvitations(workspaceID: UUID, memberID: UUID, on connection: PostgresConnection) async throws {
        try await connection.query("""
            UPDATE invitations SET membership_id = NULL WHERE workspace_id = \(workspaceID) AND membership_id = \(memberID)
            """, logger: logger)
    }

    /// Revokes the person's unused invitation and activation links for this workspace; returns how many.
    func revokeInvitationLinks(workspaceID: UUID, userID: UUID, email: String, on connection: PostgresConnection) async throws -> Int {
        try await connection.query("""
            UPDATE single_use_tokens SET revoked_at = now()
            WHERE workspace_id = \(workspaceID) AND kind IN ('invitation', 'activation')
              AND used_at IS NULL AND revoked_at IS NULL
              AND (user_id = \(userID) OR lower(email) = lower(\(email))
                   OR id IN (SELECT token_id FROM invitations WHERE workspace_id = \(workspaceID) AND token_id IS NOT NULL
                             AND (user_id = \(userID) OR lower(email) = lower(\(email)))))
            RETURNING id
            """, logger: logger).collect { _ in 1 }.count
    }
}

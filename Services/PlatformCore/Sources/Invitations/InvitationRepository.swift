import Foundation
import KisumKernel
import KisumPersistence
import Logging
import PostgresNIO

/// The SQL of invitations: the invitee's account and membership, the `invitations` rows. Every function
/// runs inside the caller's transaction and names the workspace in every `WHERE`.
struct InvitationRepository: Sendable {
    let logger: Logger

    /// A membership row locked for the rest of the transaction (concurrent invitations of the same
    /// person serialise on it).
    struct LockedMembership: Sendable {
        var id: UUID
        var userID: UUID
        var email: String
        var role: String
        var status: String
    }

    /// Selects a membership by id or by user.
    enum MemberSelector: Sendable {
        case member(UUID)
        case user(UUID)
    }

    /// The user's membership in the workspace, created as `invited` when missing, locked.
    func membershipForInvite(workspaceID: UUID, userID: UUID, role: String, invitedBy: UUID, title: String?, department: String?,
                             on connection: PostgresConnection) async throws -> LockedMembership {
        try await connection.query("""
            INSERT INTO memberships (workspace_id, user_id, role, status, invited_by, title, department)
            VALUES (\(workspaceID), \(userID), \(role), 'invited', \(invitedBy), \(title), \(department))
            ON CONFLICT (workspace_id, user_id) DO NOTHING
            """, logger: logger)
        // Nil only when a concurrent removal deleted the row between the insert and this read.
        guard let membership = try await lockMembership(workspaceID: workspaceID, .user(userID), on: connection) else {
            throw APIError.conflict("concurrent_update", "The membership changed concurrently; retry the request.")
        }
        return membership
    }

    func lockMembership(workspaceID: UUID, _ selector: MemberSelector, on connection: PostgresConnection) async throws -> LockedMembership? {
        let (memberID, userID): (UUID?, UUID?) = switch selector {
        case .member(let id): (id, nil)
        case .user(let id): (nil, id)
        }
        return try await connection.query("""
            SELECT m.id, m.user_id, u.email, m.role, m.status
            FROM memberships m JOIN users u ON u.id = m.user_id
            WHERE m.workspace_id = \(workspaceID)
              AND (\(memberID)::uuid IS NULL OR m.id = \(memberID)) AND (\(userID)::uuid IS NULL OR m.user_id = \(userID))
            FOR UPDATE OF m
            """, logger: logger).first { row in
            let (id, user, email, role, status) = try row.decode((UUID, UUID, String, String, String).self)
            return LockedMembership(id: id, userID: user, email: email, role: role, status: status)
        }
    }

    /// Puts a (new, invited or removed) membership into the invited state with the invitation's role.
    func markInvited(workspaceID: UUID, memberID: UUID, role: String, invitedBy: UUID, title: String?, department: String?,
                     on connection: PostgresConnection) async throws {
        try await connection.query("""
            UPDATE memberships SET role = \(role), status = 'invited', invited_by = \(invitedBy),
                title = COALESCE(\(title), title), department = COALESCE(\(department), department),
                joined_at = NULL, removed_at = NULL, updated_at = now()
            WHERE workspace_id = \(workspaceID) AND id = \(memberID) AND status IN ('invited', 'removed')
            """, logger: logger)
    }

    /// The open invitation of a membership, locked.
    func pending(workspaceID: UUID, memberID: UUID, on connection: PostgresConnection) async throws -> Invitation? {
        try await connection.query("""
            SELECT \(unescaped: Invitation.columns) FROM invitations i
            WHERE i.workspace_id = \(workspaceID) AND i.membership_id = \(memberID) AND i.status = 'pending'
            ORDER BY i.created_at DESC LIMIT 1
            FOR UPDATE
            """, logger: logger).first(Invitation.init(row:))
    }

    /// Points the membership's open invitation at a new token (or opens one). At most one open
    /// invitation per address and workspace: another membership's open invitation for the same
    /// address is 409 `invitation_conflict`.
    func savePending(workspaceID: UUID, membership: LockedMembership, role: String, invitedBy: UUID, tokenID: UUID,
                     delivery: InvitationDelivery, on connection: PostgresConnection) async throws -> Invitation {
        let updated = try await connection.query("""
            UPDATE invitations i SET email = \(membership.email), role = \(role), user_id = \(membership.userID), invited_by = \(invitedBy),
                token_id = \(tokenID), delivery = \(delivery.rawValue),
                expires_at = (SELECT t.expires_at FROM single_use_tokens t WHERE t.id = \(tokenID)), updated_at = now()
            WHERE i.workspace_id = \(workspaceID) AND i.membership_id = \(membership.id) AND i.status = 'pending'
            RETURNING \(unescaped: Invitation.columns)
            """, logger: logger).first(Invitation.init(row:))
        if let updated { return updated }
        do {
            return try await connection.query("""
                INSERT INTO invitations AS i (workspace_id, email, user_id, membership_id, role, token_id, invited_by, delivery, expires_at)
                SELECT \(workspaceID), \(membership.email), \(membership.userID), \(membership.id), \(role), \(tokenID), \(invitedBy),
                       \(delivery.rawValue), t.expires_at
                FROM single_use_tokens t WHERE t.id = \(tokenID)
                RETURNING \(unescaped: Invitation.columns)
                """, logger: logger).first(Invitation.init(row:))!
        } catch where error.postgresViolation?.constraint == "invitations_pending_email" {
            throw APIError.conflict("invitation_conflict", "Another open invitation of this workspace uses this e-mail address.")
        }
    }

    /// What a cancellation names.
    enum InvitationSelector: Sendable {
        case invitation(UUID)
        case member(UUID)
        case email(String)
    }

    /// The invitation a cancellation names (the newest one for a member or an address), locked.
    func find(workspaceID: UUID, _ selector: InvitationSelector, on connection: PostgresConnection) async throws -> Invitation? {
        var invitationID: UUID?, memberID: UUID?, email: String?
        switch selector {
        case .invitation(let id): invitationID = id
        case .member(let id): memberID = id
        case .email(let address): email = EmailAddress.normalize(address)
        }
        return try await connection.query("""
            SELECT \(unescaped: Invitation.columns) FROM invitations i
            WHERE i.workspace_id = \(workspaceID)
              AND (\(invitationID)::uuid IS NULL OR i.id = \(invitationID))
              AND (\(memberID)::uuid IS NULL OR i.membership_id = \(memberID))
              AND (\(email)::text IS NULL OR lower(i.email) = \(email))
            ORDER BY i.status = 'pending' DESC, i.created_at DESC LIMIT 1
            FOR UPDATE
            """, logger: logger).first(Invitation.init(row:))
    }

    /// Cancels the invitation, kills its link and takes back the `invited` membership (soft removal, so
    /// the invitation keeps pointing at it; team rows of the never-joined member go).
    func cancel(_ invitation: Invitation, on connection: PostgresConnection) async throws -> Invitation {
        try await connection.query("""
            UPDATE single_use_tokens SET revoked_at = now()
            WHERE workspace_id = \(invitation.workspaceId) AND kind = 'invitation' AND user_id = \(invitation.userId)
              AND used_at IS NULL AND revoked_at IS NULL
            """, logger: logger)
        if let memberID = invitation.memberId {
            let removed = try await connection.query("""
                UPDATE memberships SET status = 'removed', removed_at = now(), updated_at = now()
                WHERE workspace_id = \(invitation.workspaceId) AND id = \(memberID) AND status = 'invited'
                RETURNING id
                """, logger: logger).first { try $0.decode(UUID.self) }
            if removed != nil {
                try await connection.query("""
                    DELETE FROM team_members WHERE workspace_id = \(invitation.workspaceId) AND membership_id = \(memberID)
                    """, logger: logger)
            }
        }
        return try await connection.query("""
            UPDATE invitations i SET status = 'cancelled', cancelled_at = now(), updated_at = now()
            WHERE i.workspace_id = \(invitation.workspaceId) AND i.id = \(invitation.id)
            RETURNING \(unescaped: Invitation.columns)
            """, logger: logger).first(Invitation.init(row:))!
    }

    /// The open invitation whose current token is `tokenID`.
    func pending(workspaceID: UUID, tokenID: UUID, lock: Bool, on connection: PostgresConnection) async throws -> Invitation? {
        try await connection.query("""
            SELECT \(unescaped: Invitation.columns) FROM invitations i
            WHERE i.workspace_id = \(workspaceID) AND i.token_id = \(tokenID) AND i.status = 'pending'
            \(unescaped: lock ? "FOR UPDATE" : "")
            """, logger: logger).first(Invitation.init(row:))
    }

    /// The invited membership becomes active and the invitation accepted; false when the membership is
    /// no longer waiting (removed meanwhile).
    func accept(_ invitation: Invitation, userID: UUID, on connection: PostgresConnection) async throws -> Bool {
        guard let memberID = invitation.memberId else { return false }
        let joined = try await connection.query("""
            UPDATE memberships SET status = 'active', joined_at = now(), updated_at = now()
            WHERE workspace_id = \(invitation.workspaceId) AND id = \(memberID) AND user_id = \(userID) AND status = 'invited'
            RETURNING id
            """, logger: logger).first { try $0.decode(UUID.self) }
        guard joined != nil else { return false }
        try await connection.query("""
            UPDATE invitations SET status = 'accepted', accepted_at = now(), updated_at = now()
            WHERE workspace_id = \(invitation.workspaceId) AND id = \(invitation.id)
            """, logger: logger)
        return true
    }

    /// A pending invitation carries the role the person will get; a member's role change keeps it in step.
    func setPendingRole(workspaceID: UUID, memberID: UUID, role: String, on connection: PostgresConnection) async throws {
        try await connection.query("""
            UPDATE invitations SET role = \(role), updated_at = now()
            WHERE workspace_id = \(workspaceID) AND membership_id = \(memberID) AND status = 'pending'
            """, logger: logger)
    }
}

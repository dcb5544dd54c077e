import Foundation
import Hummingbird
import KisumKernel
import KisumPersistence
import Logging
import PostgresNIO

/// Offboarding: what a member owns here, moving it to someone else, and what removing them would do.
///
/// Scope: every kind of object Platform Core owns (`kinds`: team leads, created teams, API keys, sent
/// invitations, workspace ownership). Records of the other services (bookings, deals, tasks …) live in their
/// databases and are not visible here.
struct OffboardingRepository: Sendable {
    let database: Database
    var logger: Logger { database.logger }

    /// The member (any status, removed included: their items can still be handed over) with user id and role.
    func member(workspaceID: UUID, memberID: UUID, on connection: PostgresConnection? = nil) async throws
        -> (userID: UUID, role: String, status: String)?
    {
        let query: PostgresQuery = """
            SELECT user_id, role, status FROM memberships WHERE workspace_id = \(workspaceID) AND id = \(memberID)
            """
        let decode: (PostgresRow) throws -> (UUID, String, String) = { try $0.decode((UUID, String, String).self) }
        let row: (UUID, String, String)?
        if let connection {
            row = try await connection.query(query, logger: logger).first(decode)
        } else {
            row = try await database.query(query).first(decode)
        }
        return row.map { (userID: $0.0, role: $0.1, status: $0.2) }
    }

    /// One kind of object a member owns or is assigned here. A group that adds owned objects (tasks, goals,
    /// records …) adds one entry to `kinds`; `owned-items`, `deletion-info` and `reassign` follow.
    struct Kind: Sendable {
        /// The wire key (`owned_items.<key>`, the reassign answer's `<key>`).
        let key: String
        /// `SELECT id, name` of the member's items, ordered. Binds: $1 workspace, $2 membership, $3 user.
        let list: String
        /// One statement moving them to the receiver, one returned row per item moved. Binds: $1 workspace,
        /// $2 / $3 the source's membership / user, $4 / $5 the receiver's, $6 the caller. nil: moves another
        /// way (workspace ownership: by transfer).
        let reassign: String?
    }

    static let kinds: [Kind] = [
        // The receiver becomes lead of each team the source leads (joining it if needed); the source stays in
        // the team as a plain member.
        Kind(key: "teams_led", list: """
            SELECT t.id, t.name FROM team_members tm JOIN teams t ON t.workspace_id = tm.workspace_id AND t.id = tm.team_id
            WHERE tm.workspace_id = $1 AND tm.membership_id = $2 AND tm.role = 'lead'
            """, reassign: """
            WITH led AS (
                UPDATE team_members SET role = 'member', updated_at = now()
                WHERE workspace_id = $1 AND membership_id = $2 AND role = 'lead' RETURNING team_id),
            lead AS (
                INSERT INTO team_members (workspace_id, team_id, membership_id, role, added_by)
                SELECT $1, team_id, $4, 'lead', $6 FROM led
                ON CONFLICT (workspace_id, team_id, membership_id) DO UPDATE SET role = 'lead', updated_at = now())
            SELECT team_id FROM led
            """),
        Kind(key: "teams_created", list: """
            SELECT id, name FROM teams WHERE workspace_id = $1 AND created_by = $3
            """, reassign: """
            UPDATE teams SET created_by = $5, updated_at = now() WHERE workspace_id = $1 AND created_by = $3 RETURNING id
            """),
        Kind(key: "api_keys", list: """
            SELECT id, name FROM api_keys WHERE workspace_id = $1 AND created_by = $3 AND revoked_at IS NULL
            """, reassign: """
            UPDATE api_keys SET created_by = $5, updated_at = now()
            WHERE workspace_id = $1 AND created_by = $3 AND revoked_at IS NULL RETURNING id
            """),
        Kind(key: "pending_invitations", list: """
            SELECT id, email FROM invitations WHERE workspace_id = $1 AND invited_by = $3 AND status = 'pending'
            """, reassign: """
            UPDATE invitations SET invited_by = $5, updated_at = now()
            WHERE workspace_id = $1 AND invited_by = $3 AND status = 'pending' RETURNING id
            """),
        Kind(key: "owned_workspaces", list: """
            SELECT id, name FROM workspaces WHERE id = $1 AND owner_id = $3
            """, reassign: nil),
    ]

    /// Every owned item, one query over all kinds (each in name order).
    func ownedItems(workspaceID: UUID, memberID: UUID, userID: UUID) async throws -> OwnedItems {
        let union = Self.kinds.enumerated()
            .map { "SELECT \($0.offset) AS kind, k.* FROM (\($0.element.list)) k" }
            .joined(separator: "\nUNION ALL\n")
        var binds = PostgresBindings()
        for id in [workspaceID, memberID, userID] { binds.append(id) }
        let rows = try await database.query(PostgresQuery(unsafeSQL: union + "\nORDER BY 1, 3, 2", binds: binds))
        var groups = Self.kinds.map { OwnedItemGroup(kind: $0.key, items: []) }
        for try await row in rows {
            let (kind, id, name) = try row.decode((Int, UUID, String).self)
            if groups.indices.contains(kind) { groups[kind].items.append(OwnedItem(id: id, name: name)) }
        }
        return OwnedItems(memberId: memberID, userId: userID, byKind: groups)
    }

    /// Facts deciding whether the account can be deleted: workspaces besides this one (memberships not
    /// removed, or workspaces it owns — their foreign key would refuse the deletion anyway) and whether it
    /// is a platform staff account. Runs on the pool, or inside the caller's transaction.
    static func accountFactsQuery(userID: UUID, besides workspaceID: UUID) -> PostgresQuery {
        """
        SELECT (SELECT count(DISTINCT w) FROM (
                    SELECT workspace_id AS w FROM memberships
                    WHERE user_id = u.id AND status <> 'removed' AND workspace_id <> \(workspaceID)
                    UNION ALL
                    SELECT id FROM workspaces WHERE owner_id = u.id AND id <> \(workspaceID)) others),
               u.is_superuser
        FROM users u WHERE u.id = \(userID)
        """
    }

    func accountFacts(userID: UUID, besides workspaceID: UUID) async throws -> (otherWorkspaces: Int, isSuperuser: Bool) {
        try await database.query(Self.accountFactsQuery(userID: userID, besides: workspaceID))
            .first { try $0.decode((Int, Bool).self) } ?? (0, false)
    }

    /// Moves every kind's items from the source member to the target (an active member) inside the caller's
    /// transaction; answers how many items of each kind moved.
    func reassign(workspaceID: UUID, from: (memberID: UUID, userID: UUID), to: (memberID: UUID, userID: UUID), by caller: UUID,
                  on connection: PostgresConnection) async throws -> ReassignResult {
        var moved: [String: Int] = [:]
        for kind in Self.kinds {
            guard let statement = kind.reassign else { continue }
            var binds = PostgresBindings()
            for id in [workspaceID, from.memberID, from.userID, to.memberID, to.userID, caller] { binds.append(id) }
            moved[kind.key] = try await connection.query(PostgresQuery(unsafeSQL: statement, binds: binds), logger: logger)
                .collect { _ in 1 }.count
        }
        return ReassignResult(fromMemberId: from.memberID, toMemberId: to.memberID, moved: OwnedItemCounts(byKind: moved))
    }
}

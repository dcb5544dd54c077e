import Foundation
import KisumKernel
import KisumPersistence
import Logging
import PostgresNIO

/// Memberships of one workspace joined with their users. Every query names the workspace; `removed`
/// memberships are history and never listed or found here.
struct MemberRepository: Sendable {
    let database: Database
    var logger: Logger { database.logger }

    /// The directory answers without paging; this bounds it (see `MemberDirectory.truncated`).
    static let directoryLimit = 5000

    struct ListFilter: Sendable {
        var search: String?
        /// true: `active` only; false: `invited` and `suspended`.
        var isActive: Bool?
        var skip: Int
        var limit: Int
    }

    /// One page and the total matching, in one query (the total comes back even past the last page).
    func list(workspaceID: UUID, filter: ListFilter) async throws -> (members: [Member], total: Int) {
        let pattern = SQLPattern.contains(filter.search)
        let rows = try await database.query("""
            WITH filtered AS (
                SELECT \(unescaped: Member.columns), lower(COALESCE(u.full_name, u.display_name, u.email)) AS sort_name
                FROM memberships m JOIN users u ON u.id = m.user_id
                WHERE m.workspace_id = \(workspaceID) AND m.status <> 'removed'
                  AND (\(filter.isActive)::boolean IS NULL OR (m.status = 'active') = \(filter.isActive))
                  AND (\(pattern)::text IS NULL OR u.email ILIKE \(pattern) OR u.full_name ILIKE \(pattern)
                       OR u.display_name ILIKE \(pattern))
            )
            SELECT t.total, p.*
            FROM (SELECT count(*) AS total FROM filtered) t
            LEFT JOIN LATERAL (
                SELECT * FROM filtered ORDER BY sort_name, id LIMIT \(filter.limit) OFFSET \(filter.skip)
            ) p ON true
            """)
        var total = 0
        var members: [Member] = []
        for try await row in rows {
            let c = Columns(row)
            total = try c("total")
            if try c("id", as: UUID?.self) != nil { members.append(try Member(row: row)) }
        }
        return (members, total)
    }

    /// Every active member (at most `directoryLimit`), by name.
    func directory(workspaceID: UUID) async throws -> MemberDirectory {
        let rows = try await database.query("""
            SELECT m.id, m.user_id, u.email, u.full_name, u.display_name, u.avatar_url, m.role, count(*) OVER () AS total
            FROM memberships m JOIN users u ON u.id = m.user_id
            WHERE m.workspace_id = \(workspaceID) AND m.status = 'active'
            ORDER BY lower(COALESCE(u.full_name, u.display_name, u.email)), m.id
            LIMIT \(Self.directoryLimit)
            """)
        var total = 0
        var items: [MemberDirectoryEntry] = []
        for try await row in rows {
            let c = Columns(row)
            let person = try c.person()
            total = try c("total")
            items.append(MemberDirectoryEntry(id: try c("id"), role: try c("role"), userId: person.userId, email: person.email,
                                              fullName: person.fullName, displayName: person.displayName, avatarUrl: person.avatarUrl))
        }
        return MemberDirectory(items: items, total: total, truncated: total > items.count)
    }

    func find(workspaceID: UUID, memberID: UUID, on connection: PostgresConnection? = nil) async throws -> Member? {
        let query: PostgresQuery = """
            SELECT \(unescaped: Member.columns) FROM memberships m JOIN users u ON u.id = m.user_id
            WHERE m.workspace_id = \(workspaceID) AND m.id = \(memberID) AND m.status <> 'removed'
            """
        if let connection { return try await connection.query(query, logger: logger).first(Member.init(row:)) }
        return try await database.query(query).first(Member.init(row:))
    }

    /// The caller's own membership with its onboarding state.
    func mine(workspaceID: UUID, userID: UUID) async throws -> (member: Member, tours: String, onboardingCompletedAt: Date?)? {
        try await database.query("""
            SELECT \(unescaped: Member.columns), m.tours::text AS tours, m.onboarding_completed_at
            FROM memberships m JOIN users u ON u.id = m.user_id
            WHERE m.workspace_id = \(workspaceID) AND m.user_id = \(userID) AND m.status <> 'removed'
            """).first { row in
            let c = Columns(row)
            return (try Member(row: row), try c("tours", as: String.self), try c("onboarding_completed_at", as: Date?.self))
        }
    }

    /// Locks and returns the membership (any status but removed) for a change inside a transaction.
    func lock(workspaceID: UUID, memberID: UUID, on connection: PostgresConnection) async throws -> Member? {
        try await connection.query("""
            SELECT \(unescaped: Member.columns) FROM memberships m JOIN users u ON u.id = m.user_id
            WHERE m.workspace_id = \(workspaceID) AND m.id = \(memberID) AND m.status <> 'removed'
            FOR UPDATE OF m
            """, logger: logger).first(Member.init(row:))
    }

    /// One UPDATE for the whole patch. Taking away an owner's role or access is guarded in the statement
    /// itself: it only applies while another active owner remains, so two owners demoting each other at
    /// once cannot leave the workspace without one. Returns false when that guard refused.
    func update(workspaceID: UUID, memberID: UUID, patch: MemberPatch, on connection: PostgresConnection) async throws -> Bool {
        try await connection.query("""
            UPDATE memberships m SET
                role = COALESCE(\(patch.role), m.role),
                status = COALESCE(\(patch.status), m.status),
                title = CASE WHEN \(patch.title.clears) THEN NULL ELSE COALESCE(\(patch.title.value), m.title) END,
                department = CASE WHEN \(patch.department.clears) THEN NULL ELSE COALESCE(\(patch.department.value), m.department) END,
                joined_at = CASE WHEN \(patch.status)::text = 'active' THEN COALESCE(m.joined_at, now()) ELSE m.joined_at END,
                updated_at = now()
            WHERE m.workspace_id = \(workspaceID) AND m.id = \(memberID) AND m.status <> 'removed'
              AND (m.role <> 'owner'
                   OR (COALESCE(\(patch.role), m.role) = 'owner' AND COALESCE(\(patch.status), m.status) = m.status)
                   OR EXISTS (SELECT 1 FROM memberships o
                              WHERE o.workspace_id = m.workspace_id AND o.role = 'owner' AND o.status = 'active' AND o.id <> m.id))
            RETURNING m.id
            """, logger: logger).first { _ in true } ?? false
    }

    /// Activation (`POST /auth/activate`) of a link bound to a workspace also activates the user's
    /// membership there if it is still `invited`; any other status is left alone.
    /// True when an invited membership became active (the caller records `member.joined`).
    @discardableResult
    func activateInvited(workspaceID: UUID, userID: UUID, on connection: PostgresConnection) async throws -> Bool {
        let rows = try await connection.query("""
            UPDATE memberships SET status = 'active', joined_at = COALESCE(joined_at, now()), updated_at = now()
            WHERE workspace_id = \(workspaceID) AND user_id = \(userID) AND status = 'invited'
            RETURNING id
            """, logger: logger)
        for try await _ in rows { return true }
        return false
    }

    /// The workspace's name when the user has a membership there (any status but removed), else nil.
    func workspaceName(workspaceID: UUID, memberUserID userID: UUID) async throws -> String? {
        try await database.query("""
            SELECT w.name FROM memberships m JOIN workspaces w ON w.id = m.workspace_id
            WHERE m.workspace_id = \(workspaceID) AND m.user_id = \(userID) AND m.status <> 'removed'
            """).first { try $0.decode(String.self) }
    }

    /// The membership's status (any, removed included), locked FOR SHARE so a concurrent removal waits
    /// until the caller's transaction ends (adding it to a team relies on it staying). nil: no such membership.
    func lockStatus(workspaceID: UUID, memberID: UUID, on connection: PostgresConnection) async throws -> String? {
        try await connection.query("""
            SELECT status FROM memberships WHERE workspace_id = \(workspaceID) AND id = \(memberID) FOR SHARE
            """, logger: logger).first { try $0.decode(String.self) }
    }

    /// The user's role in the workspace (membership not removed), else nil.
    func role(workspaceID: UUID, userID: UUID) async throws -> String? {
        try await database.query("""
            SELECT role FROM memberships WHERE workspace_id = \(workspaceID) AND user_id = \(userID) AND status <> 'removed'
            """).first { try $0.decode(String.self) }
    }

    /// The user's membership as `/auth/me?workspace_id=` shows it, with the permissions and modules the
    /// caller already resolved for it. nil: no membership in that workspace.
    func record(workspaceID: UUID, userID: UUID, permissions: [String], modules: [String]) async throws -> MemberRecord? {
        try await database.query("""
            SELECT m.id, w.name, m.role, m.status, m.title, m.department, m.joined_at
            FROM memberships m JOIN workspaces w ON w.id = m.workspace_id
            WHERE m.workspace_id = \(workspaceID) AND m.user_id = \(userID)
            """).first { row in
            let (id, name, role, status, title, department, joined) = try row.decode((UUID, String, String, String, String?, String?, Date?).self)
            return MemberRecord(id: id, workspaceId: workspaceID, workspaceName: name, role: role, status: status, title: title,
                                department: department, joinedAt: joined, permissions: permissions, modules: modules)
        }
    }

    /// Sets the user's role in the workspace (`PUT /auth/{user_id}`); an owner's membership is left as it
    /// is (the owner's role changes only through an ownership transfer).
    func setRole(workspaceID: UUID, userID: UUID, role: String, on connection: PostgresConnection) async throws {
        try await connection.query("""
            UPDATE memberships SET role = \(role), updated_at = now()
            WHERE workspace_id = \(workspaceID) AND user_id = \(userID) AND role <> 'owner'
            """, logger: logger)
    }
}

import Foundation
import KisumPersistence
import Logging
import PostgresNIO

/// The statements of digest e-mails: items written by `Notifier.send`, taken by `NotificationDigests`.
struct NotificationDigestRepository: Sendable {
    let logger: Logger

    struct Due: Sendable {
        var workspaceID: UUID
        var userID: UUID
    }

    struct Item: Sendable {
        var id: Int64
        var title: String
        var body: String?
        var actionURL: String?
    }

    func add(workspaceID: UUID, userIDs: [UUID], title: String, body: String?, actionURL: String?,
             on connection: PostgresConnection) async throws {
        guard !userIDs.isEmpty else { return }
        try await connection.query("""
            INSERT INTO notification_digest_items (workspace_id, user_id, title, body, action_url)
            SELECT \(workspaceID), u, \(title), \(body), \(actionURL) FROM unnest(\(userIDs)::uuid[]) AS u
            """, logger: logger)
    }

    /// People whose digest is due: still in digest mode, something waiting, and a whole period passed since the last
    /// digest (or since the oldest waiting item). Locked, skipping rows another replica is sending.
    func due(limit: Int, on connection: PostgresConnection) async throws -> [Due] {
        try await connection.query("""
            SELECT s.workspace_id, s.user_id FROM notification_email_settings s
            WHERE s.delivery_mode = 'digest'
              AND EXISTS (SELECT 1 FROM notification_digest_items i WHERE i.workspace_id = s.workspace_id AND i.user_id = s.user_id)
              AND COALESCE(s.last_digest_at, (SELECT min(i.created_at) FROM notification_digest_items i
                                              WHERE i.workspace_id = s.workspace_id AND i.user_id = s.user_id))
                  + make_interval(mins => s.digest_frequency_minutes) <= now()
            ORDER BY s.workspace_id, s.user_id
            LIMIT \(limit)
            FOR UPDATE OF s SKIP LOCKED
            """, logger: logger).collect { row in
            let (workspace, user) = try row.decode((UUID, UUID).self)
            return Due(workspaceID: workspace, userID: user)
        }
    }

    /// The person's waiting items (oldest first, at most `limit`), their e-mail address, name and the workspace's name;
    /// nil when the person is no longer an active member of an active workspace with an active account.
    func items(of due: Due, limit: Int, on connection: PostgresConnection) async throws
        -> (email: String, name: String?, workspace: String, items: [Item])?
    {
        guard let recipient = try await connection.query("""
            SELECT u.email, u.full_name, w.name FROM users u
            JOIN memberships m ON m.user_id = u.id AND m.workspace_id = \(due.workspaceID) AND m.status = 'active'
            JOIN workspaces w ON w.id = m.workspace_id AND w.status = 'active'
            WHERE u.id = \(due.userID) AND u.status = 'active'
            """, logger: logger).first({ try $0.decode((String, String?, String).self) }) else { return nil }
        let items = try await connection.query("""
            SELECT id, title, body, action_url FROM notification_digest_items
            WHERE workspace_id = \(due.workspaceID) AND user_id = \(due.userID)
            ORDER BY id LIMIT \(limit)
            """, logger: logger).collect { row in
            let (id, title, body, action) = try row.decode((Int64, String, String?, String?).self)
            return Item(id: id, title: title, body: body, actionURL: action)
        }
        return (recipient.0, recipient.1, recipient.2, items)
    }

    /// Removes the items up to `lastID` (sent, or dropped for someone no longer there) and starts the next period.
    func finish(_ due: Due, through lastID: Int64?, on connection: PostgresConnection) async throws {
        try await connection.query("""
            DELETE FROM notification_digest_items
            WHERE workspace_id = \(due.workspaceID) AND user_id = \(due.userID) AND (\(lastID)::bigint IS NULL OR id <= \(lastID))
            """, logger: logger)
        try await connection.query("""
            UPDATE notification_email_settings SET last_digest_at = now()
            WHERE workspace_id = \(due.workspaceID) AND user_id = \(due.userID)
            """, logger: logger)
    }
}

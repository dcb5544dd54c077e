import Foundation
import KisumKernel
import KisumPersistence
import Logging
import PlatformCoreAPI
import PostgresNIO

extension NotificationItem {
    /// Reads a row selected with `NotificationRepository.columns`.
    init(row: PostgresRow) throws {
        let c = Columns(row)
        let type: String = try c("type")
        self.init(id: try c("id"), sequence: try c("seq"), workspaceId: try c("workspace_id"), userId: try c("user_id"), type: type,
                  category: NotificationCatalog.category(of: type), title: try c("title"), body: try c("body"), data: try c.json("data"),
                  actionUrl: try c("action_url"), source: try c("source"), isRead: try c("read_at", as: Date?.self) != nil,
                  readAt: try c("read_at"), createdAt: try c("created_at"))
    }
}

/// One user's inbox in one workspace (every statement has both ids), and the stream's reads (one user,
/// every workspace). Read-state changes announce themselves on the notification channel, so open streams
/// send the new unread count.
struct NotificationRepository: Sendable {
    let database: Database
    var logger: Logger { database.logger }

    /// The LISTEN/NOTIFY channel: `n:<user>` (new rows), `r:<user>:<workspace>` (read state changed).
    static let channel = "kisum_notifications"

    static let columns = """
        n.id, n.seq, n.workspace_id, n.user_id, n.type, n.title, n.body, n.data::text AS data, n.action_url, n.source, n.read_at, n.created_at
        """

    /// Newest first; `total` counts what the filter matches and `unread` every unread row, from one scan.
    func list(workspaceID: UUID, userID: UUID, unreadOnly: Bool, limit: Int, offset: Int) async throws -> NotificationList {
        let rows = try await database.query("""
            SELECT c.total, c.unread, p.*
            FROM (SELECT count(*) FILTER (WHERE NOT \(unreadOnly) OR read_at IS NULL) AS total,
                         count(*) FILTER (WHERE read_at IS NULL) AS unread
                  FROM notifications WHERE workspace_id = \(workspaceID) AND user_id = \(userID)) c
            LEFT JOIN LATERAL (
                SELECT \(unescaped: Self.columns) FROM notifications n
                WHERE n.workspace_id = \(workspaceID) AND n.user_id = \(userID) AND (NOT \(unreadOnly) OR n.read_at IS NULL)
                ORDER BY n.seq DESC LIMIT \(limit) OFFSET \(offset)
            ) p ON true
            """)
        var items: [NotificationItem] = []
        var total = 0
        var unread = 0
        for try await row in rows {
            let c = Columns(row)
            total = try c("total", as: Int.self)
            unread = try c("unread", as: Int.self)
            if try c("id", as: UUID?.self) != nil { items.append(try NotificationItem(row: row)) }
        }
        return NotificationList(items: items, total: total, unreadCount: unread, limit: limit, offset: offset)
    }

    func unreadCount(workspaceID: UUID, userID: UUID) async throws -> Int {
        try await database.query("""
            SELECT count(*) FROM notifications WHERE workspace_id = \(workspaceID) AND user_id = \(userID) AND read_at IS NULL
            """).count()
    }

    /// The notification, read (already read ones keep their time), and whether it was unread; nil when it is not
    /// this user's here.
    func markRead(workspaceID: UUID, userID: UUID, id: UUID) async throws -> (NotificationItem, changed: Bool)? {
        try await database.transaction { connection in
            guard let wasUnread = try await connection.query("""
                SELECT read_at IS NULL FROM notifications WHERE workspace_id = \(workspaceID) AND user_id = \(userID) AND id = \(id)
                FOR UPDATE
                """, logger: logger).first({ try $0.decode(Bool.self) }) else { return nil }
            let item = try await connection.query("""
                UPDATE notifications n SET read_at = COALESCE(n.read_at, now())
                WHERE n.workspace_id = \(workspaceID) AND n.user_id = \(userID) AND n.id = \(id)
                RETURNING \(unescaped: Self.columns)
                """, logger: logger).first(NotificationItem.init(row:))
            guard let item else { return nil }
            if wasUnread { try await announceRead(workspaceID: workspaceID, userID: userID, on: connection) }
            return (item, wasUnread)
        }
    }

    /// Every unread notification of the user here; how many changed.
    func markAllRead(workspaceID: UUID, userID: UUID) async throws -> Int {
        try await database.transaction { connection in
            let updated = try await connection.query("""
                WITH u AS (
                    UPDATE notifications SET read_at = now()
                    WHERE workspace_id = \(workspaceID) AND user_id = \(userID) AND read_at IS NULL
                    RETURNING 1
                )
                SELECT count(*) FROM u
                """, logger: logger).count()
            if updated > 0 { try await announceRead(workspaceID: workspaceID, userID: userID, on: connection) }
            return updated
        }
    }

    /// False when it is not this user's here.
    func delete(workspaceID: UUID, userID: UUID, id: UUID) async throws -> Bool {
        try await database.transaction { connection in
            let deleted = try await connection.query("""
                WITH d AS (DELETE FROM notifications WHERE workspace_id = \(workspaceID) AND user_id = \(userID) AND id = \(id) RETURNING 1)
                SELECT count(*) FROM d
                """, logger: logger).count()
            if deleted > 0 { try await announceRead(workspaceID: workspaceID, userID: userID, on: connection) }
            return deleted > 0
        }
    }

    /// Tells the user's open streams (at commit) that the unread count of this workspace may have changed.
    func announceRead(workspaceID: UUID, userID: UUID, on connection: PostgresConnection) async throws {
        try await connection.query("SELECT pg_notify(\(Self.channel), \(Self.readPayload(userID, workspaceID)))", logger: logger)
    }

    // MARK: The stream (one user, every workspace)

    /// The user's newest sequence number (0 without notifications): where a stream without `Last-Event-ID` starts.
    func latestSequence(userID: UUID) async throws -> Int64 {
        try await database.query("""
            SELECT COALESCE(max(seq), 0)::bigint FROM notifications WHERE user_id = \(userID)
            """).first { try $0.decode(Int64.self) } ?? 0
    }

    /// The user's notifications after `sequence`, oldest first.
    func after(userID: UUID, sequence: Int64, limit: Int) async throws -> [NotificationItem] {
        try await database.query("""
            SELECT \(unescaped: Self.columns) FROM notifications n
            WHERE n.user_id = \(userID) AND n.seq > \(sequence)
            ORDER BY n.seq LIMIT \(limit)
            """).collect(NotificationItem.init(row:))
    }

    /// Unread counts of the user in these workspaces (0 included).
    func unreadCounts(userID: UUID, workspaceIDs: [UUID]) async throws -> [(UUID, Int)] {
        try await database.query("""
            SELECT w.id, (SELECT count(*) FROM notifications n
                          WHERE n.workspace_id = w.id AND n.user_id = \(userID) AND n.read_at IS NULL) AS unread
            FROM unnest(\(workspaceIDs)::uuid[]) AS w(id)
            """).collect { row in
            let c = Columns(row)
            return (try c("id", as: UUID.self), try c("unread", as: Int.self))
        }
    }

    static func newPayload(_ userID: UUID) -> String { "n:\(userID.uuidString.lowercased())" }

    static func readPayload(_ userID: UUID, _ workspaceID: UUID) -> String {
        "r:\(userID.uuidString.lowercased()):\(workspaceID.uuidString.lowercased())"
    }
}

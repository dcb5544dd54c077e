import Foundation
import Hummingbird
import KisumKernel
import KisumPersistence
import Logging
import PostgresNIO

/// A stored preference (the v1 shape): one event type on one channel.
struct NotificationPreference: ResponseEncodable, Sendable, Equatable {
    var id: UUID
    var workspaceId: UUID
    var userId: UUID
    var eventType: String
    var channel: String
    var enabled: Bool
    var createdAt: Date
    var updatedAt: Date

    init(row: PostgresRow) throws {
        let c = Columns(row)
        id = try c("id")
        workspaceId = try c("workspace_id")
        userId = try c("user_id")
        eventType = try c("event_type")
        channel = try c("channel")
        enabled = try c("enabled")
        createdAt = try c("created_at")
        updatedAt = try c("updated_at")
    }
}

/// One user's preferences in one workspace (every statement has both ids): stored channel rows, mutes and the
/// e-mail delivery mode. Absent rows mean "the catalog's default".
struct NotificationPreferenceRepository: Sendable {
    let database: Database
    var logger: Logger { database.logger }

    static let columns = "p.id, p.workspace_id, p.user_id, p.event_type, p.channel, p.enabled, p.created_at, p.updated_at"

    /// A page of the stored rows (catalog order is the client's business: by type, then channel) and the total.
    func list(workspaceID: UUID, userID: UUID, skip: Int, limit: Int) async throws -> ([NotificationPreference], Int) {
        let rows = try await database.query("""
            SELECT c.total, p.* FROM
                (SELECT count(*) AS total FROM notification_preferences WHERE workspace_id = \(workspaceID) AND user_id = \(userID)) c
            LEFT JOIN LATERAL (
                SELECT \(unescaped: Self.columns) FROM notification_preferences p
                WHERE p.workspace_id = \(workspaceID) AND p.user_id = \(userID)
                ORDER BY p.event_type, p.channel LIMIT \(limit) OFFSET \(skip)
            ) p ON true
            """)
        var items: [NotificationPreference] = []
        var total = 0
        for try await row in rows {
            let c = Columns(row)
            total = try c("total", as: Int.self)
            if try c("id", as: UUID?.self) != nil { items.append(try NotificationPreference(row: row)) }
        }
        return (items, total)
    }

    /// Every stored row and mute (for the v2 view and for deliveries' previews).
    func all(workspaceID: UUID, userID: UUID, on connection: PostgresConnection? = nil) async throws
        -> (rows: [NotificationPreference], mutes: Set<String>)
    {
        let rowsQuery: PostgresQuery = """
            SELECT \(unescaped: Self.columns) FROM notification_preferences p
            WHERE p.workspace_id = \(workspaceID) AND p.user_id = \(userID) ORDER BY p.event_type, p.channel
            """
        let mutesQuery: PostgresQuery = """
            SELECT event_type FROM notification_mutes WHERE workspace_id = \(workspaceID) AND user_id = \(userID)
            """
        if let connection {
            let rows = try await connection.query(rowsQuery, logger: logger).collect(NotificationPreference.init(row:))
            let mutes = try await connection.query(mutesQuery, logger: logger).collect { try $0.decode(String.self) }
            return (rows, Set(mutes))
        }
        let rows = try await database.query(rowsQuery).collect(NotificationPreference.init(row:))
        let mutes = try await database.query(mutesQuery).collect { try $0.decode(String.self) }
        return (rows, Set(mutes))
    }

    /// nil when the user already has a row for this type and channel.
    func create(workspaceID: UUID, userID: UUID, eventType: String, channel: String, enabled: Bool) async throws -> NotificationPreference? {
        try await database.query("""
            INSERT INTO notification_preferences AS p (workspace_id, user_id, event_type, channel, enabled)
            VALUES (\(workspaceID), \(userID), \(eventType), \(channel), \(enabled))
            ON CONFLICT (workspace_id, user_id, event_type, channel) DO NOTHING
            RETURNING \(unescaped: Self.columns)
            """).first(NotificationPreference.init(row:))
    }

    func update(workspaceID: UUID, userID: UUID, id: UUID, enabled: Bool) async throws -> NotificationPreference? {
        try await database.query("""
            UPDATE notification_preferences p SET enabled = \(enabled), updated_at = now()
            WHERE p.workspace_id = \(workspaceID) AND p.user_id = \(userID) AND p.id = \(id)
            RETURNING \(unescaped: Self.columns)
            """).first(NotificationPreference.init(row:))
    }

    func delete(workspaceID: UUID, userID: UUID, id: UUID) async throws -> Bool {
        try await database.query("""
            WITH d AS (DELETE FROM notification_preferences WHERE workspace_id = \(workspaceID) AND user_id = \(userID) AND id = \(id) RETURNING 1)
            SELECT count(*) FROM d
            """).count() > 0
    }

    /// Creates or updates each (type, channel) row in one statement; answers the rows written, in the order given.
    func upsert(workspaceID: UUID, userID: UUID, _ entries: [(eventType: String, channel: String, enabled: Bool)],
                on connection: PostgresConnection) async throws -> [NotificationPreference] {
        guard !entries.isEmpty else { return [] }
        return try await connection.query("""
            INSERT INTO notification_preferences AS p (workspace_id, user_id, event_type, channel, enabled)
            SELECT \(workspaceID), \(userID), t.event_type, t.channel, t.enabled
            FROM unnest(\(entries.map(\.eventType))::text[], \(entries.map(\.channel))::text[], \(entries.map(\.enabled))::boolean[])
                 WITH ORDINALITY AS t(event_type, channel, enabled, i)
            ORDER BY t.i
            ON CONFLICT (workspace_id, user_id, event_type, channel) DO UPDATE SET enabled = EXCLUDED.enabled, updated_at = now()
            RETURNING \(unescaped: Self.columns)
            """, logger: logger).collect(NotificationPreference.init(row:))
    }

    /// Drops every stored row and mute of the user here.
    func clear(workspaceID: UUID, userID: UUID, on connection: PostgresConnection) async throws {
        try await connection.query("""
            DELETE FROM notification_preferences WHERE workspace_id = \(workspaceID) AND user_id = \(userID)
            """, logger: logger)
        try await connection.query("""
            DELETE FROM notification_mutes WHERE workspace_id = \(workspaceID) AND user_id = \(userID)
            """, logger: logger)
    }

    func setMuted(workspaceID: UUID, userID: UUID, eventType: String, muted: Bool, on connection: PostgresConnection) async throws {
        if muted {
            try await connection.query("""
                INSERT INTO notification_mutes (workspace_id, user_id, event_type) VALUES (\(workspaceID), \(userID), \(eventType))
                ON CONFLICT DO NOTHING
                """, logger: logger)
        } else {
            try await connection.query("""
                DELETE FROM notification_mutes WHERE workspace_id = \(workspaceID) AND user_id = \(userID) AND event_type = \(eventType)
                """, logger: logger)
        }
    }

    /// The e-mail delivery mode: (mode, minutes, updated_at); nil when never set (instant).
    func emailSettings(workspaceID: UUID, userID: UUID) async throws -> (String, Int, Date)? {
        try await database.query("""
            SELECT delivery_mode, digest_frequency_minutes, updated_at FROM notification_email_settings
            WHERE workspace_id = \(workspaceID) AND user_id = \(userID)
            """).first { row in
            let c = Columns(row)
            return (try c("delivery_mode", as: String.self), try c("digest_frequency_minutes", as: Int.self), try c("updated_at", as: Date.self))
        }
    }

    func saveEmailSettings(workspaceID: UUID, userID: UUID, mode: String, minutes: Int?) async throws -> (String, Int, Date) {
        let row = try await database.query("""
            INSERT INTO notification_email_settings AS s (workspace_id, user_id, delivery_mode, digest_frequency_minutes)
            VALUES (\(workspaceID), \(userID), \(mode), COALESCE(\(minutes)::integer, 60))
            ON CONFLICT (workspace_id, user_id) DO UPDATE SET
                delivery_mode = EXCLUDED.delivery_mode,
                digest_frequency_minutes = COALESCE(\(minutes)::integer, s.digest_frequency_minutes),
                updated_at = now()
            RETURNING delivery_mode, digest_frequency_minutes, updated_at
            """).first { row in
            let c = Columns(row)
            return (try c("delivery_mode", as: String.self), try c("digest_frequency_minutes", as: Int.self), try c("updated_at", as: Date.self))
        }
        guard let row else { throw APIError(.internalServerError, code: "internal_error", message: "The preference was not saved.") }
        return row
    }
}

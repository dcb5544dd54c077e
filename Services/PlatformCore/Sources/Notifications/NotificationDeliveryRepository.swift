import Foundation
import KisumPersistence
import Logging
import PostgresNIO

/// The statements of a delivery, all inside the producer's transaction: who the recipients are and what
/// their preferences say, the per-user stream lock, the inbox rows, the announcement on the channel.
struct NotificationDeliveryRepository: Sendable {
    let logger: Logger

    struct Recipient: Sendable {
        var userID: UUID
        var email: String
        var name: String?
        var accountStatus: String
        /// The membership's status in the workspace (nil without one).
        var membershipStatus: String?
        var inApp: Bool
        var emailEnabled: Bool
        var muted: Bool
        var deliveryMode: String
    }

    /// Each existing user of `userIDs` with their preferences for `eventType` here (the catalog's defaults where
    /// they stored none).
    func recipients(workspaceID: UUID, userIDs: [UUID], eventType: String, defaultInApp: Bool, defaultEmail: Bool,
                    on connection: PostgresConnection) async throws -> [Recipient] {
        try await connection.query("""
            SELECT u.id, u.email, u.full_name, u.status AS account_status, m.status AS membership_status,
                   COALESCE(pi.enabled, \(defaultInApp)) AS in_app, COALESCE(pe.enabled, \(defaultEmail)) AS email_enabled,
                   nm.user_id IS NOT NULL AS muted, COALESCE(es.delivery_mode, 'instant') AS delivery_mode
            FROM unnest(\(userIDs)::uuid[]) AS t(id)
            JOIN users u ON u.id = t.id
            LEFT JOIN memberships m ON m.workspace_id = \(workspaceID) AND m.user_id = u.id
            LEFT JOIN notification_preferences pi ON pi.workspace_id = \(workspaceID) AND pi.user_id = u.id
                AND pi.event_type = \(eventType) AND pi.channel = 'in_app'
            LEFT JOIN notification_preferences pe ON pe.workspace_id = \(workspaceID) AND pe.user_id = u.id
                AND pe.event_type = \(eventType) AND pe.channel = 'email'
            LEFT JOIN notification_mutes nm ON nm.workspace_id = \(workspaceID) AND nm.user_id = u.id AND nm.event_type = \(eventType)
            LEFT JOIN notification_email_settings es ON es.workspace_id = \(workspaceID) AND es.user_id = u.id
            """, logger: logger).collect { row in
            let c = Columns(row)
            return Recipient(userID: try c("id"), email: try c("email"), name: try c("full_name"), accountStatus: try c("account_status"),
                             membershipStatus: try c("membership_status"), inApp: try c("in_app"), emailEnabled: try c("email_enabled"),
                             muted: try c("muted"), deliveryMode: try c("delivery_mode"))
        }
    }

    /// Serialises notification writers per user until commit (taken in id order, so two deliveries to the same
    /// people cannot deadlock): a user's rows then commit in `seq` order, which is what lets a stream resume
    /// after an event id without missing a row committed later with a smaller number.
    func lockStreams(of userIDs: [UUID], on connection: PostgresConnection) async throws {
        guard !userIDs.isEmpty else { return }
        try await connection.query("""
            SELECT count(*) FROM (
                SELECT pg_advisory_xact_lock(hashtextextended('kisum-notifications:' || s.id::text, 0))
                FROM (SELECT t.id FROM unnest(\(userIDs)::uuid[]) AS t(id) ORDER BY t.id) s
            ) l
            """, logger: logger)
    }

    /// The inbox rows; a `dedupeKey` already used for a user leaves that user out. Returns (user, notification).
    func insert(workspaceID: UUID, userIDs: [UUID], type: String, title: String, body: String?, data: String, actionURL: String?,
                source: String, dedupeKey: String?, on connection: PostgresConnection) async throws -> [(UUID, UUID)] {
        guard !userIDs.isEmpty else { return [] }
        return try await connection.query("""
            INSERT INTO notifications (workspace_id, user_id, type, title, body, data, action_url, source, dedupe_key)
            SELECT \(workspaceID), t.id, \(type), \(title), \(body), \(data)::jsonb, \(actionURL), \(source), \(dedupeKey)
            FROM unnest(\(userIDs)::uuid[]) AS t(id)
            ON CONFLICT (workspace_id, user_id, dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING
            RETURNING user_id, id
            """, logger: logger).collect { row in
            let c = Columns(row)
            return (try c("user_id", as: UUID.self), try c("id", as: UUID.self))
        }
    }

    /// Users of `userIDs` who already have the notification with this key here (a retried delivery).
    func alreadyDelivered(workspaceID: UUID, userIDs: [UUID], dedupeKey: String, on connection: PostgresConnection) async throws -> Set<UUID> {
        Set(try await connection.query("""
            SELECT user_id FROM notifications
            WHERE workspace_id = \(workspaceID) AND user_id = ANY(\(userIDs)::uuid[]) AND dedupe_key = \(dedupeKey)
            """, logger: logger).collect { try $0.decode(UUID.self) })
    }

    /// The active members holding `role` in the workspace.
    func activeMembers(workspaceID: UUID, role: String, on connection: PostgresConnection) async throws -> [UUID] {
        try await connection.query("""
            SELECT user_id FROM memberships WHERE workspace_id = \(workspaceID) AND role = \(role) AND status = 'active'
            ORDER BY user_id
            """, logger: logger).collect { try $0.decode(UUID.self) }
    }

    func workspaceName(_ workspaceID: UUID, on connection: PostgresConnection) async throws -> String? {
        try await connection.query("SELECT name FROM workspaces WHERE id = \(workspaceID)", logger: logger).first { try $0.decode(String.self) }
    }

    /// Wakes the users' open streams when the transaction commits (NOTIFY is transactional).
    func announceNew(userIDs: [UUID], on connection: PostgresConnection) async throws {
        guard !userIDs.isEmpty else { return }
        try await connection.query("""
            SELECT count(*) FROM (
                SELECT pg_notify(\(NotificationRepository.channel), 'n:' || t.id::text) FROM unnest(\(userIDs)::uuid[]) AS t(id)
            ) s
            """, logger: logger)
    }
}

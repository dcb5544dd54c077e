import Foundation
import KisumKernel
import KisumPersistence
import Logging
import PostgresNIO

/// `webhooks` and the delivery log `webhook_deliveries`. Every statement is scoped by workspace. The enqueueing is
/// the `activity_webhooks` trigger (0006_webhooks.sql), inside the transaction of whoever records the activity.
struct WebhookRepository: Sendable {
    let database: Database
    var logger: Logger { database.logger }

    /// Webhooks per workspace: every activity row fans out to each of them, so the fan-out stays bounded.
    static let maxPerWorkspace = 50

    func list(workspaceID: UUID, isActive: Bool?, skip: Int, limit: Int) async throws -> [Webhook] {
        try await database.query("""
            SELECT \(unescaped: Webhook.columns) FROM webhooks w \(unescaped: Webhook.lastDelivery)
            WHERE w.workspace_id = \(workspaceID) AND (\(isActive)::boolean IS NULL OR w.is_active = \(isActive))
            ORDER BY w.created_at DESC, w.id
            LIMIT \(limit) OFFSET \(skip)
            """).collect(Webhook.init(row:))
    }

    func count(workspaceID: UUID, isActive: Bool?) async throws -> Int {
        try await database.query("""
            SELECT count(*) FROM webhooks w
            WHERE w.workspace_id = \(workspaceID) AND (\(isActive)::boolean IS NULL OR w.is_active = \(isActive))
            """).first { try $0.decode(Int.self) } ?? 0
    }

    func find(workspaceID: UUID, id: UUID) async throws -> Webhook? {
        try await database.query("""
            SELECT \(unescaped: Webhook.columns) FROM webhooks w \(unescaped: Webhook.lastDelivery)
            WHERE w.workspace_id = \(workspaceID) AND w.id = \(id)
            """).first(Webhook.init(row:))
    }

    /// The webhook locked for the caller's transaction (nil: not this workspace's).
    func locked(workspaceID: UUID, id: UUID, on connection: PostgresConnection) async throws -> Webhook? {
        try await connection.query("""
            WITH w AS (SELECT * FROM webhooks WHERE workspace_id = \(workspaceID) AND id = \(id) FOR UPDATE)
            SELECT \(unescaped: Webhook.columns) FROM w \(unescaped: Webhook.lastDelivery)
            """, logger: logger).first(Webhook.init(row:))
    }

    /// Serialises creation per workspace so `maxPerWorkspace` holds under concurrent requests.
    func countLocking(workspaceID: UUID, on connection: PostgresConnection) async throws -> Int {
        try await connection.query("""
            SELECT pg_advisory_xact_lock(hashtext(\("platform-core:webhooks:\(workspaceID.uuidString.lowercased())")))
            """, logger: logger)
        return try await connection.query("SELECT count(*) FROM webhooks WHERE workspace_id = \(workspaceID)", logger: logger)
            .first { try $0.decode(Int.self) } ?? 0
    }

    struct NewWebhook: Sendable {
        var id: UUID
        var name: String
        var url: String
        var description: String?
        var events: [String]
        var isActive: Bool
        var sealedSecret: Data
        var secretHint: String
    }

    func insert(workspaceID: UUID, _ hook: NewWebhook, createdBy: UUID, on connection: PostgresConnection) async throws -> Webhook {
        guard let created = try await connection.query("""
            WITH w AS (
                INSERT INTO webhooks (id, workspace_id, name, url, description, events, is_active, secret_sealed, secret_hint, created_by)
                VALUES (\(hook.id), \(workspaceID), \(hook.name), \(hook.url), \(hook.description), \(hook.events), \(hook.isActive),
                        \(hook.sealedSecret), \(hook.secretHint), \(createdBy))
                RETURNING *
            )
            SELECT \(unescaped: Webhook.columns) FROM w \(unescaped: Webhook.lastDelivery)
            """, logger: logger).first(Webhook.init(row:))
        else { throw APIError.internalError }
        return created
    }

    struct Patch: Sendable {
        var name: String?
        var url: String?
        var description: String?
        var clearDescription = false
        var events: [String]?
        var isActive: Bool?
    }

    func update(workspaceID: UUID, id: UUID, patch: Patch, on connection: PostgresConnection) async throws -> Webhook? {
        try await connection.query("""
            WITH w AS (
                UPDATE webhooks SET
                    name = COALESCE(\(patch.name), name),
                    url = COALESCE(\(patch.url), url),
                    description = CASE WHEN \(patch.clearDescription) THEN NULL ELSE COALESCE(\(patch.description), description) END,
                    events = COALESCE(\(patch.events)::text[], events),
                    is_active = COALESCE(\(patch.isActive)::boolean, is_active),
                    updated_at = now()
                WHERE workspace_id = \(workspaceID) AND id = \(id)
                RETURNING *
            )
            SELECT \(unescaped: Webhook.columns) FROM w \(unescaped: Webhook.lastDelivery)
            """, logger: logger).first(Webhook.init(row:))
    }

    func replaceSecret(workspaceID: UUID, id: UUID, sealed: Data, hint: String, on connection: PostgresConnection) async throws -> Webhook? {
        try await connection.query("""
            WITH w AS (
                UPDATE webhooks SET secret_sealed = \(sealed), secret_hint = \(hint), updated_at = now()
                WHERE workspace_id = \(workspaceID) AND id = \(id)
                RETURNING *
            )
            SELECT \(unescaped: Webhook.columns) FROM w \(unescaped: Webhook.lastDelivery)
            """, logger: logger).first(Webhook.init(row:))
    }

    func delete(workspaceID: UUID, id: UUID, on connection: PostgresConnection) async throws -> Bool {
        try await connection.query("DELETE FROM webhooks WHERE workspace_id = \(workspaceID) AND id = \(id) RETURNING id", logger: logger)
            .first { try $0.decode(UUID.self) } != nil
    }

    // MARK: Delivery

    /// What a delivery needs: where, the sealed secret, and whether the webhook is still enabled.
    struct Target: Sendable {
        var url: String
        var sealedSecret: Data
        var isActive: Bool
    }

    func target(workspaceID: UUID, id: UUID) async throws -> Target? {
        try await database.query("""
            SELECT url, secret_sealed, is_active FROM webhooks WHERE workspace_id = \(workspaceID) AND id = \(id)
            """).first { row in
            let (url, sealed, active) = try row.decode((String, Data, Bool).self)
            return Target(url: url, sealedSecret: sealed, isActive: active)
        }
    }

    struct Attempt: Sendable {
        var outboxID: UUID?
        var event: String
        var attempt: Int
        var statusCode: Int?
        var durationMS: Int
        var error: String?
        var outcome: String
    }

    /// One row of the delivery log. The webhook may have been deleted meanwhile: then nothing is logged. The log keeps
    /// 30 days: each write prunes that webhook's older rows (one index range).
    func record(workspaceID: UUID, webhookID: UUID, _ attempt: Attempt) async throws {
        try await database.query("""
            WITH pruned AS (
                DELETE FROM webhook_deliveries
                WHERE workspace_id = \(workspaceID) AND webhook_id = \(webhookID)
                  AND created_at < now() - interval '30 days'
            )
            INSERT INTO webhook_deliveries (workspace_id, webhook_id, outbox_id, event, attempt, status_code, duration_ms, error, outcome)
            SELECT w.workspace_id, w.id, \(attempt.outboxID), \(attempt.event), \(attempt.attempt), \(attempt.statusCode),
                   \(attempt.durationMS), \(attempt.error.map { String($0.prefix(500)) }), \(attempt.outcome)
            FROM webhooks w WHERE w.workspace_id = \(workspaceID) AND w.id = \(webhookID)
            """)
    }
}

extension Webhook {
    static let columns = """
        w.id, w.name, w.url, w.description, w.events, w.is_active, w.secret_hint, w.created_by, w.created_at, w.updated_at,
        d.created_at AS last_delivery_at, d.outcome AS last_delivery_outcome, d.status_code AS last_delivery_status_code
        """

    /// The newest attempt of each webhook, one index lookup per row of the same statement.
    static let lastDelivery = """
        LEFT JOIN LATERAL (
            SELECT created_at, outcome, status_code FROM webhook_deliveries x
            WHERE x.workspace_id = w.workspace_id AND x.webhook_id = w.id ORDER BY x.created_at DESC LIMIT 1
        ) d ON true
        """

    init(row: PostgresRow) throws {
        let c = Columns(row)
        id = try c("id")
        name = try c("name")
        url = try c("url")
        description = try c("description")
        events = try c("events")
        isActive = try c("is_active")
        secret = WebhookSecret.masked(hint: try c("secret_hint"))
        secretRevealed = false
        createdBy = try c("created_by")
        createdAt = try c("created_at")
        updatedAt = try c("updated_at")
        lastDeliveryAt = try c("last_delivery_at")
        lastDeliveryOutcome = try c("last_delivery_outcome")
        lastDeliveryStatusCode = try c("last_delivery_status_code")
    }
}

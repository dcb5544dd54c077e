import Foundation
import Hummingbird
import KisumKernel
import KisumPersistence
import Logging
import PostgresNIO

/// A tier of the catalog (0008_billing.sql): prices in integer minor units of `currency`, its features, and
/// its limits (`null` = unlimited).
public struct BillingTier: ResponseEncodable, Sendable, Equatable {
    public var key: String
    public var name: String
    public var description: String
    public var rank: Int
    public var currency: String
    public var monthlyAmount: Int64
    public var yearlyAmount: Int64
    public var oneTimeAmount: Int64?
    public var durationMonths: Int?
    public var purchasable: Bool
    public var features: [String]
    public var limits: [String: Int64?]

    /// The amount of one billing period (`monthly`, `yearly`, `one_time`).
    func amount(period: String) -> Int64? {
        switch period {
        case "monthly": monthlyAmount
        case "yearly": yearlyAmount
        default: oneTimeAmount
        }
    }
}

public struct BillingFeatureDefinition: Sendable, Equatable {
    public var key: String
    public var name: String
    public var description: String
}

/// The tier catalog, the feature and limit-type lists, and usage counted from Platform Core's own tables.
struct BillingCatalogRepository: Sendable {
    let database: Database
    var logger: Logger { database.logger }

    /// Every tier by rank, with features and limits (three queries whatever the number of tiers).
    func tiers() async throws -> [BillingTier] {
        var tiers = try await database.query("""
            SELECT key, name, description, rank, currency, monthly_amount, yearly_amount, one_time_amount, duration_months, purchasable
            FROM billing_tiers ORDER BY rank
            """).collect { row in
            let c = Columns(row)
            return BillingTier(key: try c("key"), name: try c("name"), description: try c("description"), rank: try c("rank"),
                               currency: try c("currency"), monthlyAmount: try c("monthly_amount"), yearlyAmount: try c("yearly_amount"),
                               oneTimeAmount: try c("one_time_amount"), durationMonths: try c("duration_months"),
                               purchasable: try c("purchasable"), features: [], limits: [:])
        }
        let features = try await database.query("""
            SELECT tf.tier, tf.feature FROM billing_tier_features tf JOIN billing_features f ON f.key = tf.feature
            ORDER BY f.sort_order
            """).collect { try $0.decode((String, String).self) }
        let types = try await limitTypes().map(\.key)
        let limits = try await database.query("SELECT tier, limit_type, max_value FROM billing_tier_limits")
            .collect { try $0.decode((String, String, Int64).self) }
        for index in tiers.indices {
            let key = tiers[index].key
            tiers[index].features = features.filter { $0.0 == key }.map(\.1)
            for type in types {
                tiers[index].limits[type] = .some(limits.first { $0.0 == key && $0.1 == type }?.2)
            }
        }
        return tiers
    }

    func features() async throws -> [BillingFeatureDefinition] {
        try await database.query("SELECT key, name, description FROM billing_features ORDER BY sort_order").collect { row in
            let (key, name, description) = try row.decode((String, String, String).self)
            return BillingFeatureDefinition(key: key, name: name, description: description)
        }
    }

    func limitTypes() async throws -> [BillingFeatureDefinition] {
        try await database.query("SELECT key, name, description FROM billing_limit_types ORDER BY sort_order").collect { row in
            let (key, name, description) = try row.decode((String, String, String).self)
            return BillingFeatureDefinition(key: key, name: name, description: description)
        }
    }

    /// Current usage of every limit type, in one statement.
    func usage(workspaceID: UUID) async throws -> [String: Int64] {
        try await database.transaction { try await usage(workspaceID: workspaceID, on: $0) }
    }

    func usage(workspaceID: UUID, on connection: PostgresConnection) async throws -> [String: Int64] {
        let row = try await connection.query("""
            SELECT
              (SELECT count(*) FROM memberships WHERE workspace_id = \(workspaceID) AND status IN ('active', 'suspended', 'invited')),
              (SELECT count(*) FROM invitations WHERE workspace_id = \(workspaceID) AND status = 'pending' AND expires_at > now()),
              (SELECT count(*) FROM api_keys WHERE workspace_id = \(workspaceID) AND revoked_at IS NULL),
              (SELECT count(*) FROM teams WHERE workspace_id = \(workspaceID)),
              (SELECT count(*) FROM workspaces o JOIN workspaces w ON w.owner_id = o.owner_id AND w.status = 'active'
                 WHERE o.id = \(workspaceID))
            """, logger: logger).first { try $0.decode((Int64, Int64, Int64, Int64, Int64).self) }
        guard let row else { return [:] }
        return ["members": row.0, "pending_invitations": row.1, "api_keys": row.2, "teams": row.3, "workspaces": row.4]
    }

    /// A tier's limit of one type; nil = unlimited.
    func limit(tier: String, type: String, on connection: PostgresConnection) async throws -> Int64? {
        try await connection.query("""
            SELECT max_value FROM billing_tier_limits WHERE tier = \(tier) AND limit_type = \(type)
            """, logger: logger).first { try $0.decode(Int64.self) }
    }

    /// Seats taken by everyone except `email` (so re-inviting someone never counts them twice), after taking
    /// the workspace's seat lock: parallel invitations cannot both take the last seat.
    func seatsTakenByOthers(workspaceID: UUID, email: String, on connection: PostgresConnection) async throws -> Int64 {
        try await connection.query("SELECT pg_advisory_xact_lock(hashtextextended('billing-seats:' || \(workspaceID.uuidString), 0))",
                                   logger: logger)
        return try await connection.query("""
            SELECT count(*) FROM memberships m JOIN users u ON u.id = m.user_id
            WHERE m.workspace_id = \(workspaceID) AND m.status IN ('active', 'suspended', 'invited') AND u.email <> lower(\(email))
            """, logger: logger).first { try $0.decode(Int64.self) } ?? 0
    }

    /// One counted item of a limit type, with who created it (the spec's "individual events with user info").
    struct UsageEvent: ResponseEncodable, Sendable {
        var id: UUID
        var limitType: String
        var description: String
        var userId: UUID?
        var userEmail: String?
        var userName: String?
        var occurredAt: Date
    }

    /// The items counted in a limit type's usage, newest first, and their number.
    func events(workspaceID: UUID, limitType: String, limit: Int, offset: Int) async throws -> (items: [UsageEvent], total: Int) {
        let source: String
        switch limitType {
        case "members":
            source = """
                SELECT m.id, 'Seat: ' || u.email || ' (' || m.status || ')' AS description, m.user_id AS actor,
                       COALESCE(m.joined_at, m.created_at) AS at FROM memberships m JOIN users u ON u.id = m.user_id
                WHERE m.workspace_id = $1 AND m.status IN ('active', 'suspended', 'invited')
                """
        case "pending_invitations":
            source = """
                SELECT id, 'Invitation of ' || email AS description, invited_by AS actor, created_at AS at FROM invitations
                WHERE workspace_id = $1 AND status = 'pending' AND expires_at > now()
                """
        case "api_keys":
            source = "SELECT id, 'API key ' || name AS description, created_by AS actor, created_at AS at FROM api_keys WHERE workspace_id = $1 AND revoked_at IS NULL"
        case "teams":
            source = "SELECT id, 'Team ' || name AS description, created_by AS actor, created_at AS at FROM teams WHERE workspace_id = $1"
        default:
            source = """
                SELECT w.id, 'Workspace ' || w.name AS description, w.owner_id AS actor, w.created_at AS at
                FROM workspaces o JOIN workspaces w ON w.owner_id = o.owner_id AND w.status = 'active' WHERE o.id = $1
                """
        }
        var bindings = PostgresBindings()
        bindings.append(workspaceID)
        bindings.append(limit)
        bindings.append(offset)
        let rows = try await database.query(PostgresQuery(unsafeSQL: """
            WITH items AS (\(source))
            SELECT i.id, i.description, i.actor, i.at, u.email, COALESCE(u.display_name, u.full_name) AS user_name,
                   count(*) OVER () AS total
            FROM items i LEFT JOIN users u ON u.id = i.actor
            ORDER BY i.at DESC, i.id LIMIT $2 OFFSET $3
            """, binds: bindings))
        var total = 0
        let items = try await rows.collect { row in
            let c = Columns(row)
            total = Int(clamping: try c("total", as: Int64.self))
            return UsageEvent(id: try c("id"), limitType: limitType, description: try c("description"), userId: try c("actor"),
                              userEmail: try c("email"), userName: try c("user_name"), occurredAt: try c("at"))
        }
        if items.isEmpty, offset > 0 {
            total = try await usage(workspaceID: workspaceID)[limitType].map { Int(clamping: $0) } ?? 0
        }
        return (items, total)
    }
}

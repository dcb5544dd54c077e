import Foundation
import KisumKernel
import KisumPersistence
import Logging
import PostgresNIO

/// Reads of the `activity` table: the feed, its stats and the rows of an export. Every statement is scoped to
/// one workspace; the filters are bound parameters (a nil filter is `NULL`, which the predicate skips).
struct ActivityRepository: Sendable {
    let database: Database

    static let itemColumns = """
        a.id, a.action, a.entity_type, a.entity_id, a.description, a.metadata::text AS metadata, a.user_id,
        COALESCE(u.full_name, u.display_name) AS user_name, u.email AS user_email, a.actor, a.created_at
        """

    /// The feed's rows for `filter`, newest first, followed by `tail` (ORDER/LIMIT).
    static func filtered(_ select: String, workspaceID: UUID, filter: ActivityFilter, tail: String) -> PostgresQuery {
        let pattern = SQLPattern.contains(filter.search)
        return """
            SELECT \(unescaped: select)
            FROM activity a LEFT JOIN users u ON u.id = a.user_id
            WHERE a.workspace_id = \(workspaceID)
              AND (\(filter.types)::text[] IS NULL OR a.entity_type = ANY(\(filter.types)::text[]))
              AND (\(filter.actions)::text[] IS NULL OR a.action = ANY(\(filter.actions)::text[]))
              AND (\(filter.userIds)::uuid[] IS NULL OR a.user_id = ANY(\(filter.userIds)::uuid[])
                   OR a.user_id IN (SELECT m.user_id FROM memberships m
                                    WHERE m.workspace_id = \(workspaceID) AND m.id = ANY(\(filter.userIds)::uuid[])))
              AND (\(filter.teamIds)::uuid[] IS NULL
                   OR a.user_id IN (SELECT m.user_id FROM team_members tm
                                    JOIN memberships m ON m.workspace_id = tm.workspace_id AND m.id = tm.membership_id
                                    WHERE tm.workspace_id = \(workspaceID) AND tm.team_id = ANY(\(filter.teamIds)::uuid[])))
              AND (\(pattern)::text IS NULL OR a.description ILIKE \(pattern) OR a.action ILIKE \(pattern))
              AND (\(filter.startDate)::timestamptz IS NULL OR a.created_at >= \(filter.startDate))
              AND (\(filter.endBefore)::timestamptz IS NULL OR a.created_at < \(filter.endBefore))
              AND (\(filter.onlyUserId)::uuid IS NULL OR a.user_id = \(filter.onlyUserId))
            \(unescaped: tail)
            """
    }

    static func item(_ row: PostgresRow) throws -> ActivityItem {
        let c = Columns(row)
        return ActivityItem(id: try c("id"), action: try c("action"), entityType: try c("entity_type"), entityId: try c("entity_id"),
                            description: try c("description"), metadata: try c.json("metadata"), userId: try c("user_id"),
                            userName: try c("user_name"), userEmail: try c("user_email"), actor: try c("actor"),
                            createdAt: try c("created_at"))
    }

    /// One page and the number of rows the filters match.
    func page(workspaceID: UUID, filter: ActivityFilter, limit: Int, offset: Int) async throws -> (items: [ActivityItem], total: Int) {
        let total = try await database.query(Self.filtered("count(*)", workspaceID: workspaceID, filter: filter, tail: "")).count()
        let items = try await database.query(Self.filtered(Self.itemColumns, workspaceID: workspaceID, filter: filter,
                                                           tail: "ORDER BY a.created_at DESC, a.id DESC LIMIT \(limit) OFFSET \(offset)"))
            .collect(Self.item)
        return (items, total)
    }

    /// The rows of an export, newest first: at most `limit` (the caller asks for one more than it allows).
    func exportRows(workspaceID: UUID, filter: ActivityFilter, limit: Int) async throws -> [ActivityItem] {
        try await database.query(Self.filtered(Self.itemColumns, workspaceID: workspaceID, filter: filter,
                                               tail: "ORDER BY a.created_at DESC, a.id DESC LIMIT \(limit)"))
            .collect(Self.item)
    }

    /// The dashboard's counts: three statements (totals, grouped buckets, top users), each over one workspace.
    func stats(workspaceID: UUID, userID: UUID) async throws -> ActivityStats {
        let totals = try await database.query("""
            SELECT count(*) AS total,
                   count(*) FILTER (WHERE created_at >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC') AS today,
                   count(*) FILTER (WHERE created_at >= now() - interval '7 days') AS last7,
                   count(*) FILTER (WHERE created_at >= now() - interval '30 days') AS last30,
                   count(*) FILTER (WHERE user_id = \(userID)) AS mine,
                   count(DISTINCT user_id) FILTER (WHERE created_at >= now() - interval '30 days') AS active_users,
                   max(created_at) AS last_at
            FROM activity WHERE workspace_id = \(workspaceID)
            """).first { row -> (Int, Int, Int, Int, Int, Int, Date?) in
            let c = Columns(row)
            return (try c("total"), try c("today"), try c("last7"), try c("last30"), try c("mine"), try c("active_users"), try c("last_at"))
        } ?? (0, 0, 0, 0, 0, 0, nil)
        let buckets = try await database.query("""
            SELECT 'action' AS kind, action AS key, count(*) AS n FROM activity
            WHERE workspace_id = \(workspaceID) AND created_at >= now() - interval '30 days' GROUP BY action
            UNION ALL
            SELECT 'type', COALESCE(entity_type, 'other'), count(*) FROM activity
            WHERE workspace_id = \(workspaceID) AND created_at >= now() - interval '30 days' GROUP BY 2
            UNION ALL
            SELECT 'day', to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'), count(*) FROM activity
            WHERE workspace_id = \(workspaceID) AND created_at >= now() - interval '30 days' GROUP BY 2
            """).collect { row -> (String, String, Int) in try row.decode((String, String, Int).self) }
        let top = try await database.query("""
            SELECT a.user_id, COALESCE(u.full_name, u.display_name, u.email) AS user_name, count(*) AS n
            FROM activity a LEFT JOIN users u ON u.id = a.user_id
            WHERE a.workspace_id = \(workspaceID) AND a.created_at >= now() - interval '30 days' AND a.user_id IS NOT NULL
            GROUP BY a.user_id, u.full_name, u.display_name, u.email ORDER BY n DESC, a.user_id LIMIT 10
            """).collect { row -> ActivityStats.Actor in
            let c = Columns(row)
            return ActivityStats.Actor(userId: try c("user_id"), userName: try c("user_name"), count: try c("n"))
        }
        func bucket(_ kind: String) -> [ActivityStats.Bucket] {
            buckets.filter { $0.0 == kind }.map { ActivityStats.Bucket(key: $0.1, count: $0.2) }
                .sorted { $0.count != $1.count ? $0.count > $1.count : $0.key < $1.key }
        }
        let days = buckets.filter { $0.0 == "day" }.map { ActivityStats.Day(date: $0.1, count: $0.2) }.sorted { $0.date < $1.date }
        return ActivityStats(total: totals.0, today: totals.1, lastSevenDays: totals.2, lastThirtyDays: totals.3, mine: totals.4,
                             activeUsersLastThirtyDays: totals.5, lastActivityAt: totals.6, byAction: bucket("action"),
                             byType: bucket("type"), topUsers: top, byDay: days)
    }
}

import Foundation
import Hummingbird
import KisumKernel

/// One row of the workspace's activity feed (the `activity` table), with the acting user's name.
struct ActivityItem: Codable, Sendable {
    var id: UUID
    var action: String
    /// The feed's "type": the kind of thing that changed (`member`, `team`, `api_key`, `module`, `role`, …).
    var entityType: String?
    var entityId: String?
    var description: String?
    var metadata: JSONValue
    var userId: UUID?
    var userName: String?
    var userEmail: String?
    /// Set when an administrator impersonating `user_id` did it.
    var actor: String?
    var createdAt: Date
}

/// `GET /activity`: newest first, with the number of rows the filters match.
struct ActivityPage: ResponseEncodable, Sendable {
    static let defaultLimit = 20
    static let maxLimit = 100
    static let maxOffset = 1_000_000

    var items: [ActivityItem]
    var total: Int
    var limit: Int
    var offset: Int
}

/// The feed's filters (query of `GET /activity`, body of `POST /activity/export`). Stored with an export job,
/// so the worker applies exactly what was asked.
struct ActivityFilter: Codable, Sendable, Equatable {
    /// Entity types (the spec's `types`).
    var types: [String]?
    var actions: [String]?
    /// User ids or member ids (`memberships.id`) of the actors.
    var userIds: [UUID]?
    /// Activity of these teams' members.
    var teamIds: [UUID]?
    var search: String?
    var startDate: Date?
    /// Exclusive upper bound (a calendar day given as `end_date` becomes the next day's start).
    var endBefore: Date?
    /// `scope=mine`: only this user's own activity.
    var onlyUserId: UUID?

    static let none = ActivityFilter()
}

/// `GET /activity/stats`: counts for the dashboard over the stored rows.
struct ActivityStats: ResponseEncodable, Sendable {
    struct Bucket: Codable, Sendable {
        var key: String
        var count: Int
    }
    struct Actor: Codable, Sendable {
        var userId: UUID?
        var userName: String?
        var count: Int
    }
    struct Day: Codable, Sendable {
        var date: String
        var count: Int
    }
    var total: Int
    var today: Int
    var lastSevenDays: Int
    var lastThirtyDays: Int
    var mine: Int
    var activeUsersLastThirtyDays: Int
    var lastActivityAt: Date?
    /// The last 30 days.
    var byAction: [Bucket]
    var byType: [Bucket]
    var topUsers: [Actor]
    var byDay: [Day]
}

/// An export job as the API shows it (never the content).
struct ActivityExportJob: ResponseEncodable, Codable, Sendable {
    var id: UUID
    var jobId: UUID
    var status: String
    var format: String
    var rowCount: Int?
    var sizeBytes: Int?
    var fileName: String?
    var errorCode: String?
    var errorMessage: String?
    var createdAt: Date
    var startedAt: Date?
    var completedAt: Date?
    /// The status route, and (once COMPLETED) where to download it.
    var statusUrl: String
    var downloadUrl: String?
}

struct ActivityExportJobList: ResponseEncodable, Sendable {
    static let defaultLimit = 20
    static let maxLimit = 100
    static let maxOffset = 1_000_000

    var items: [ActivityExportJob]
    var total: Int
    var limit: Int
    var offset: Int
}

/// `GET …/download-url`: a link that works without a bearer token until `expires_at`.
struct ActivityExportLink: ResponseEncodable, Sendable {
    var url: String
    var expiresAt: Date
    var expiresIn: Int
    var fileName: String?
}

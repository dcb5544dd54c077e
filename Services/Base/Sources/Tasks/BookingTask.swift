import Foundation
import Hummingbird
import KisumKernel

/// A to-do of the booking team, optionally about one event (issue 9, "Tasks (8, with comments)"). Named
/// `BookingTask` so it never shadows Swift's `Task`.
public struct BookingTask: ResponseEncodable, Sendable, Equatable {
    public var id: UUID
    public var eventId: UUID?
    public var eventName: String?
    public var title: String
    public var description: String?
    public var status: String
    public var priority: String
    /// `YYYY-MM-DD`.
    public var dueOn: String?
    public var assigneeId: UUID?
    public var completedAt: Date?
    public var commentCount: Int
    public var version: Int
    public var createdBy: UUID
    public var createdAt: Date
    public var updatedAt: Date
}

public struct TaskComment: ResponseEncodable, Sendable, Equatable {
    public var id: UUID
    public var taskId: UUID
    public var body: String
    public var authorId: UUID
    public var createdAt: Date
}

/// `GET /api/tasks/{id}`: the task with its comments, oldest first.
public struct BookingTaskDetail: ResponseEncodable, Sendable, Equatable {
    public var id: UUID
    public var eventId: UUID?
    public var eventName: String?
    public var title: String
    public var description: String?
    public var status: String
    public var priority: String
    public var dueOn: String?
    public var assigneeId: UUID?
    public var completedAt: Date?
    public var commentCount: Int
    public var version: Int
    public var createdBy: UUID
    public var createdAt: Date
    public var updatedAt: Date
    public var comments: [TaskComment]

    init(_ t: BookingTask, comments: [TaskComment]) {
        id = t.id; eventId = t.eventId; eventName = t.eventName; title = t.title; description = t.description; status = t.status
        priority = t.priority; dueOn = t.dueOn; assigneeId = t.assigneeId; completedAt = t.completedAt; commentCount = t.commentCount
        version = t.version; createdBy = t.createdBy; createdAt = t.createdAt; updatedAt = t.updatedAt
        self.comments = comments
    }
}

enum TaskValues {
    static let statuses = ["todo", "in_progress", "done", "cancelled"]
    static let priorities = ["low", "normal", "high", "urgent"]
    static let sorts = ["dueOn", "priority", "createdAt", "title"]
}

/// `POST /api/tasks` and `PUT /api/tasks/{id}` (a full replacement: nullable fields left out are cleared, status
/// and priority left out keep theirs or the defaults; PUT needs `version` or `If-Match`).
struct TaskInput: Decodable, Sendable, ValidatableBody {
    var title: String?
    var description: String?
    var eventId: UUID?
    var status: String?
    var priority: String?
    var dueOn: String?
    var assigneeId: UUID?
    var version: Int?

    func validate(_ v: inout Validator) {
        v.text(title, "title", maxLength: 200)
        v.text(description, "description", required: false, maxLength: 10000)
        v.oneOf(status, "status", TaskValues.statuses)
        v.oneOf(priority, "priority", TaskValues.priorities)
        ArtistShowRules.dateInRange(dueOn, "dueOn", required: false, &v)
    }

    var trimmedTitle: String { title?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "" }
}

/// `PATCH /api/tasks/{id}/status`: moves the task on the board; no version needed (a status move never loses an edit).
struct TaskStatusInput: Decodable, Sendable, ValidatableBody {
    var status: String?

    func validate(_ v: inout Validator) {
        v.oneOf(status, "status", TaskValues.statuses, required: true)
    }
}

struct TaskCommentInput: Decodable, Sendable, ValidatableBody {
    var body: String?

    func validate(_ v: inout Validator) {
        v.text(body, "body", maxLength: 5000)
    }
}

struct TaskFilter: Sendable {
    var status: String?
    var priority: String?
    var assigneeID: UUID?
    var eventID: UUID?
    var dueFrom: String?
    var dueTo: String?
    var q: String?
    var sort: (key: String, descending: Bool) = ("dueOn", false)
}

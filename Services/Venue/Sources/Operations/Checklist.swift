import Foundation
import Hummingbird
import KisumKernel

/// A checklist instance: the venue's preparation for an event, a space or a booking, with its tasks.
public struct Checklist: Codable, Sendable, ResponseEncodable {
    public var id: UUID
    public var companyId: UUID
    public var name: String
    public var eventId: UUID?
    public var spaceId: UUID?
    public var bookingId: UUID?
    /// The template the tasks were cloned from, if any (provenance; later template edits do not flow in).
    public var templateId: UUID?
    public var status: String
    public var readinessState: String
    public var dueAt: Date?
    public var notes: String?
    public var createdBy: UUID?
    public var createdAt: Date
    public var updatedAt: Date
    public var tasks: [ChecklistTask]
    public var progress: ChecklistProgress
}

public struct ChecklistTask: Codable, Sendable {
    public var id: UUID
    public var position: Int
    public var title: String
    public var description: String?
    public var status: String
    public var assigneeId: UUID?
    public var dueAt: Date?
    public var completedAt: Date?
    public var createdAt: Date
    public var updatedAt: Date
}

/// Task counts, so a list view can show "7 of 12 done" without walking the tasks.
public struct ChecklistProgress: Codable, Sendable, Equatable {
    public var total: Int
    /// Done or skipped.
    public var closed: Int
    public var blocked: Int

    init(_ tasks: [ChecklistTask]) {
        total = tasks.count
        closed = tasks.filter { ChecklistRules.closedTaskStatuses.contains($0.status) }.count
        blocked = tasks.filter { $0.status == "blocked" }.count
    }
}

enum ChecklistRules {
    static let statuses = ["open", "completed", "archived"]
    /// `completed` follows from readiness `complete`; clients open or archive.
    static let settableStatuses = ["open", "archived"]
    static let taskStatuses = ["todo", "in_progress", "blocked", "done", "skipped"]
    static let closedTaskStatuses: Set<String> = ["done", "skipped"]
    static let maxTasks = 200

    static func tasks(_ tasks: [TaskInput], field: String = "tasks", allowIDs: Bool, into v: inout Validator) {
        if tasks.count > maxTasks { v.add(field, "too_many", "At most \(maxTasks) tasks.") }
        var seen = Set<UUID>()
        for (index, task) in tasks.enumerated() {
            let prefix = "\(field)[\(index)]"
            v.text(task.title, "\(prefix).title", maxLength: 300)
            v.text(task.description, "\(prefix).description", required: false, maxLength: 5000)
            v.oneOf(task.status, "\(prefix).status", taskStatuses)
            if let id = task.id {
                if !allowIDs {
                    v.add("\(prefix).id", "not_allowed", "New checklists get new task ids.")
                } else if !seen.insert(id).inserted {
                    v.add("\(prefix).id", "duplicate", "Each task id may appear once.")
                }
            }
        }
    }
}

/// The readiness state machine. Work starts (`in_progress`) or is stuck from the outset (`blocked`);
/// `blocked` goes back to `in_progress` once unblocked; `ready` means the venue can run the event and may
/// fall back to `in_progress` or `blocked` when something changes; `complete` (after the event, every
/// task done or skipped) is final and closes the checklist.
enum Readiness {
    static let all = ["not_started", "in_progress", "blocked", "ready", "complete"]
    /// What a new checklist may start as.
    static let initial = ["not_started", "in_progress", "blocked"]
    static let transitions: [String: [String]] = [
        "not_started": ["in_progress", "blocked"],
        "in_progress": ["blocked", "ready"],
        "blocked": ["in_progress"],
        "ready": ["in_progress", "blocked", "complete"],
        "complete": [],
    ]

    static func check(from: String, to: String) -> APIError? {
        if from == to { return nil }
        let allowed = transitions[from] ?? []
        guard allowed.contains(to) else {
            let reason = allowed.isEmpty
                ? "A complete checklist is final."
                : "Readiness \(from) cannot become \(to); allowed: \(allowed.joined(separator: ", "))."
            return APIError.conflict("invalid_transition", reason, info: [
                "from": .string(from), "to": .string(to), "allowed": .array(allowed.map(JSONValue.string)),
            ])
        }
        return nil
    }
}

/// A task in a request body. On PATCH a task that keeps its `id` keeps its identity (creation and
/// completion times); tasks without one are new; tasks left out are removed.
struct TaskInput: Codable, Sendable {
    var id: UUID?
    var title: String?
    var description: String?
    var status: String?
    var assigneeId: UUID?
    var dueAt: Date?
}

/// `POST /api/v1/operations/checklists`: blank, with inline `tasks`, or — when `templateId` is given and
/// `tasks` is absent — with the template's tasks cloned.
struct CreateChecklist: Decodable, Sendable, ValidatableBody {
    var name: String?
    var eventId: UUID?
    var spaceId: UUID?
    var bookingId: UUID?
    var templateId: UUID?
    var readinessState: String?
    var dueAt: Date?
    var notes: String?
    var tasks: [TaskInput]?

    func validate(_ v: inout Validator) {
        v.text(name, "name", maxLength: 200)
        v.oneOf(readinessState, "readinessState", Readiness.initial)
        v.text(notes, "notes", required: false, maxLength: 5000)
        if let tasks { ChecklistRules.tasks(tasks, allowIDs: false, into: &v) }
    }
}

/// `PATCH /api/v1/operations/checklists/{id}`: metadata, status, readiness; `tasks` replaces the task
/// list only when the key is present.
struct ChecklistPatch: Decodable, Sendable, ValidatableBody {
    var name: Patch<String> = .absent
    var eventId: Patch<UUID> = .absent
    var spaceId: Patch<UUID> = .absent
    var bookingId: Patch<UUID> = .absent
    var status: Patch<String> = .absent
    var readinessState: Patch<String> = .absent
    var dueAt: Patch<Date> = .absent
    var notes: Patch<String> = .absent
    var tasks: Patch<[TaskInput]> = .absent
    // Present only to be refused: the template is where the tasks came from, not a live link.
    var templateId: Patch<JSONValue> = .absent

    func validate(_ v: inout Validator) {
        for (field, clears) in [("name", name.clears), ("status", status.clears), ("readinessState", readinessState.clears),
                                ("tasks", tasks.clears)] where clears {
            v.add(field, "not_nullable", "\(field) cannot be null.")
        }
        if !templateId.isAbsent { v.add("templateId", "immutable", "The template is fixed at creation; send tasks to change them.") }
        if let name = name.value { v.text(name, "name", maxLength: 200) }
        if status.value == "completed" {
            v.add("status", "derived", "A checklist is completed by setting readinessState to complete.")
        } else {
            v.oneOf(status.value, "status", ChecklistRules.settableStatuses)
        }
        v.oneOf(readinessState.value, "readinessState", Readiness.all)
        v.text(notes.value, "notes", required: false, maxLength: 5000)
        if let tasks = tasks.value { ChecklistRules.tasks(tasks, allowIDs: true, into: &v) }
    }
}

struct ChecklistFilter: Sendable {
    var eventID: UUID?
    var spaceID: UUID?
    var bookingID: UUID?
    var status: String?
    var readiness: String?
}

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

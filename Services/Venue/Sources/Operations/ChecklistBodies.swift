import Foundation
import Hummingbird
import KisumKernel

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

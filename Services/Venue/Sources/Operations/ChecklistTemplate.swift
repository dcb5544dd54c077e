import Foundation
import Hummingbird
import KisumKernel

/// A reusable preparation flow: tasks a venue runs for every show of a kind, cloned into checklists.
public struct ChecklistTemplate: Codable, Sendable, ResponseEncodable {
    public var id: UUID
    public var companyId: UUID
    public var name: String
    public var description: String?
    public var createdBy: UUID?
    public var createdAt: Date
    public var updatedAt: Date
    public var tasks: [ChecklistTemplateTask]
}

public struct ChecklistTemplateTask: Codable, Sendable {
    public var id: UUID
    public var position: Int
    public var title: String
    public var description: String?
    /// Minutes from the checklist's anchor (its dueAt, else the event's or booking's start) to the
    /// task's due time; negative is before.
    public var dueOffsetMinutes: Int?
}

struct TemplateTaskInput: Codable, Sendable {
    var title: String?
    var description: String?
    var dueOffsetMinutes: Int?
}

enum TemplateRules {
    static let maxOffsetMinutes = 525_600

    static func tasks(_ tasks: [TemplateTaskInput], into v: inout Validator) {
        if tasks.count > ChecklistRules.maxTasks { v.add("tasks", "too_many", "At most \(ChecklistRules.maxTasks) tasks.") }
        for (index, task) in tasks.enumerated() {
            v.text(task.title, "tasks[\(index)].title", maxLength: 300)
            v.text(task.description, "tasks[\(index)].description", required: false, maxLength: 5000)
            v.range(task.dueOffsetMinutes, "tasks[\(index)].dueOffsetMinutes", -maxOffsetMinutes...maxOffsetMinutes)
        }
    }
}

/// `POST /api/v1/operations/templates`.
struct CreateTemplate: Decodable, Sendable, ValidatableBody {
    var name: String?
    var description: String?
    var tasks: [TemplateTaskInput]?

    func validate(_ v: inout Validator) {
        v.text(name, "name", maxLength: 200)
        v.text(description, "description", required: false, maxLength: 5000)
        if let tasks { TemplateRules.tasks(tasks, into: &v) }
    }
}

/// `PATCH /api/v1/operations/templates/{id}`: metadata, and the task list replaced when `tasks` is given.
struct TemplatePatch: Decodable, Sendable, ValidatableBody {
    var name: Patch<String> = .absent
    var description: Patch<String> = .absent
    var tasks: Patch<[TemplateTaskInput]> = .absent

    func validate(_ v: inout Validator) {
        for (field, clears) in [("name", name.clears), ("tasks", tasks.clears)] where clears {
            v.add(field, "not_nullable", "\(field) cannot be null.")
        }
        if let name = name.value { v.text(name, "name", maxLength: 200) }
        v.text(description.value, "description", required: false, maxLength: 5000)
        if let tasks = tasks.value { TemplateRules.tasks(tasks, into: &v) }
    }
}

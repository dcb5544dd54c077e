import Foundation
import KisumKernel
import KisumPersistence
import Logging
import PostgresNIO

/// The task statements of `ChecklistsRepository`: reading the tasks of a page of checklists, and writing a task list.
extension ChecklistsRepository {
    static let taskColumns = """
        t.checklist_id, t.id, t.position, t.title, t.description, t.status, t.assignee_id, t.due_at, t.completed_at, t.created_at, t.updated_at
        """

    static func decodeTask(_ row: PostgresRow) throws -> (UUID, ChecklistTask) {
        let c = Columns(row)
        return (try c("checklist_id"), ChecklistTask(
            id: try c("id"), position: try c("position"), title: try c("title"), description: try c("description"), status: try c("status"),
            assigneeId: try c("assignee_id"), dueAt: try c("due_at"), completedAt: try c("completed_at"), createdAt: try c("created_at"),
            updatedAt: try c("updated_at")))
    }

    /// The tasks of a page of checklists in one query (no per-checklist round trip).
    func attachTasks(companyID: UUID, _ checklists: [Checklist]) async throws -> [Checklist] {
        guard !checklists.isEmpty else { return [] }
        let tasks = try await database.query(Self.tasksQuery(companyID: companyID, ids: checklists.map(\.id))).collect(Self.decodeTask)
        return Self.attach(tasks, to: checklists)
    }

    static func tasksQuery(companyID: UUID, ids: [UUID]) -> PostgresQuery {
        """
        SELECT \(unescaped: taskColumns) FROM checklist_tasks t
        WHERE t.company_id = \(companyID) AND t.checklist_id = ANY(\(ids))
        ORDER BY t.checklist_id, t.position
        """
    }

    static func attach(_ tasks: [(UUID, ChecklistTask)], to checklists: [Checklist]) -> [Checklist] {
        let grouped = Dictionary(grouping: tasks, by: \.0).mapValues { $0.map(\.1) }
        return checklists.map { checklist in
            var checklist = checklist
            checklist.tasks = grouped[checklist.id] ?? []
            checklist.progress = ChecklistProgress(checklist.tasks)
            return checklist
        }
    }

    /// Replaces the task list with `tasks`, in array order. Tasks that carry the id of one of this
    /// checklist's tasks are updated in place (keeping their id, creation time and — while still done —
    /// their completion time); tasks without an id are inserted; the rest are deleted. An id that is not
    /// a task of this checklist is refused on its field before anything changes.
    static func replaceTasks(_ tasks: [TaskInput], companyID: UUID, checklistID: UUID,
                                     on connection: PostgresConnection, logger: Logger) async throws {
        let existing = Set(try await connection.query("""
            SELECT id FROM checklist_tasks WHERE company_id = \(companyID) AND checklist_id = \(checklistID)
            """, logger: logger).collect { try $0.decode(UUID.self) })
        var v = Validator()
        for (index, task) in tasks.enumerated() {
            if let id = task.id, !existing.contains(id) {
                v.add("tasks[\(index)].id", "not_found", "No task with this id in this checklist.")
            }
        }
        try v.validate()

        let kept = tasks.compactMap(\.id)
        try await connection.query("""
            DELETE FROM checklist_tasks
            WHERE company_id = \(companyID) AND checklist_id = \(checklistID) AND NOT (id = ANY(\(kept)))
            """, logger: logger)
        guard !kept.isEmpty else {
            try await insertTasks(tasks, companyID: companyID, checklistID: checklistID, on: connection, logger: logger)
            return
        }
        // Positions are unique per checklist and checked row by row: park the kept tasks above any
        // final position first, so the reordering UPDATE never collides with itself.
        try await connection.query("""
            UPDATE checklist_tasks SET position = position + 1000000
            WHERE company_id = \(companyID) AND checklist_id = \(checklistID)
            """, logger: logger)
        let json = try rowsJSON(tasks)
        try await connection.query("""
            UPDATE checklist_tasks t SET
                position = x.position, title = x.title, description = x.description, status = x.status,
                assignee_id = x.assignee_id, due_at = x.due_at,
                completed_at = CASE WHEN x.status = 'done' THEN COALESCE(CASE WHEN t.status = 'done' THEN t.completed_at END, now()) END,
                updated_at = now()
            FROM jsonb_to_recordset(\(json)::jsonb) AS x(id uuid, position integer, title text, description text, status text,
                                                         assignee_id uuid, due_at timestamptz)
            WHERE t.company_id = \(companyID) AND t.checklist_id = \(checklistID) AND t.id = x.id
            """, logger: logger)
        try await insertTasks(tasks, companyID: companyID, checklistID: checklistID, on: connection, logger: logger)
    }

    /// Inserts the tasks of `tasks` that have no id, in one statement; positions follow the array order
    /// of the whole list. A task created done is completed now.
    static func insertTasks(_ tasks: [TaskInput], companyID: UUID, checklistID: UUID, on connection: PostgresConnection,
                                    logger: Logger) async throws {
        guard tasks.contains(where: { $0.id == nil }) else { return }
        let json = try rowsJSON(tasks)
        try await connection.query("""
            INSERT INTO checklist_tasks (company_id, checklist_id, position, title, description, status, assignee_id, due_at, completed_at)
            SELECT \(companyID), \(checklistID), x.position, x.title, x.description, x.status, x.assignee_id, x.due_at,
                   CASE WHEN x.status = 'done' THEN now() END
            FROM jsonb_to_recordset(\(json)::jsonb) AS x(id uuid, position integer, title text, description text, status text,
                                                         assignee_id uuid, due_at timestamptz)
            WHERE x.id IS NULL
            """, logger: logger)
    }

    private static func rowsJSON(_ tasks: [TaskInput]) throws -> String {
        let rows = tasks.enumerated().map { index, task in
            TaskRow(id: task.id, position: index, title: task.title ?? "", description: task.description, status: task.status ?? "todo",
                    assigneeId: task.assigneeId, dueAt: task.dueAt)
        }
        return String(decoding: try JSONCoding.encoder.encode(rows), as: UTF8.self)
    }

    /// A task as `jsonb_to_recordset` reads it.
    private struct TaskRow: Encodable {
        var id: UUID?
        var position: Int
        var title: String
        var description: String?
        var status: String
        var assigneeId: UUID?
        var dueAt: Date?

        enum CodingKeys: String, CodingKey {
            case id, position, title, description, status
            case assigneeId = "assignee_id", dueAt = "due_at"
        }
    }
}

import Foundation
import KisumKernel
import KisumPersistence
import Logging
import PostgresNIO

/// Checklists and their tasks, always within one company. A task list is written as a whole, from one
/// JSON array, inside the checklist's transaction; tasks are read for a whole page at once.
struct ChecklistsRepository: Sendable {
    let database: Database

    static let columns = """
        c.id, c.company_id, c.name, c.event_id, c.space_id, c.booking_id, c.template_id, c.status, c.readiness_state, c.due_at,
        c.notes, c.created_by, c.created_at, c.updated_at
        """

    static let taskColumns = """
        t.checklist_id, t.id, t.position, t.title, t.description, t.status, t.assignee_id, t.due_at, t.completed_at, t.created_at, t.updated_at
        """

    /// The foreign keys back the explicit reference check (which reports every bad field at once).
    static let constraints = ConstraintMessages([
        "checklists_event_fk": .validation(field: "eventId", code: "not_found", message: "No event with this id in this company."),
        "checklists_space_fk": .validation(field: "spaceId", code: "not_found", message: "No space with this id in this company."),
        "checklists_booking_fk": .validation(field: "bookingId", code: "not_found", message: "No booking with this id in this company."),
        "checklists_template_fk": .validation(field: "templateId", code: "not_found", message: "No template with this id in this company."),
    ])

    static func decode(_ row: PostgresRow) throws -> Checklist {
        let c = Columns(row)
        return Checklist(
            id: try c("id"), companyId: try c("company_id"), name: try c("name"), eventId: try c("event_id"), spaceId: try c("space_id"),
            bookingId: try c("booking_id"), templateId: try c("template_id"), status: try c("status"),
            readinessState: try c("readiness_state"), dueAt: try c("due_at"), notes: try c("notes"), createdBy: try c("created_by"),
            createdAt: try c("created_at"), updatedAt: try c("updated_at"), tasks: [], progress: ChecklistProgress([]))
    }

    static func decodeTask(_ row: PostgresRow) throws -> (UUID, ChecklistTask) {
        let c = Columns(row)
        return (try c("checklist_id"), ChecklistTask(
            id: try c("id"), position: try c("position"), title: try c("title"), description: try c("description"), status: try c("status"),
            assigneeId: try c("assignee_id"), dueAt: try c("due_at"), completedAt: try c("completed_at"), createdAt: try c("created_at"),
            updatedAt: try c("updated_at")))
    }

    // MARK: Reads

    func list(companyID: UUID, _ filter: ChecklistFilter, page: PageRequest) async throws -> (items: [Checklist], total: Int) {
        func query(_ select: String, _ suffix: String) -> PostgresQuery {
            """
            SELECT \(unescaped: select) FROM checklists c
            WHERE c.company_id = \(companyID)
              AND (\(filter.eventID)::uuid IS NULL OR c.event_id = \(filter.eventID))
              AND (\(filter.spaceID)::uuid IS NULL OR c.space_id = \(filter.spaceID))
              AND (\(filter.bookingID)::uuid IS NULL OR c.booking_id = \(filter.bookingID))
              AND (\(filter.status)::text IS NULL OR c.status = \(filter.status))
              AND (\(filter.readiness)::text IS NULL OR c.readiness_state = \(filter.readiness))
            \(unescaped: suffix)
            """
        }
        let total = try await database.query(query("count(*)", "")).count()
        let rows = try await database.query(query(Self.columns, "ORDER BY c.created_at DESC, c.id \(SQLText.page(page))"))
            .collect(Self.decode)
        return (try await attachTasks(companyID: companyID, rows), total)
    }

    func get(companyID: UUID, id: UUID) async throws -> Checklist? {
        guard let row = try await database.query("""
            SELECT \(unescaped: Self.columns) FROM checklists c WHERE c.company_id = \(companyID) AND c.id = \(id)
            """).first(Self.decode) else { return nil }
        return try await attachTasks(companyID: companyID, [row]).first
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

    // MARK: Writes

    func create(companyID: UUID, userID: UUID, _ input: CreateChecklist) async throws -> Checklist {
        let logger = database.logger
        return try await Self.constraints.map {
            try await database.transaction { connection in
                let anchors = try await Self.checkReferences(
                    companyID: companyID, eventID: input.eventId, spaceID: input.spaceId, bookingID: input.bookingId,
                    templateID: input.templateId, on: connection, logger: logger)
                var checklist = try await connection.query("""
                    INSERT INTO checklists AS c (company_id, name, event_id, space_id, booking_id, template_id, readiness_state, due_at,
                                                 notes, created_by)
                    VALUES (\(companyID), \(input.name ?? ""), \(input.eventId), \(input.spaceId), \(input.bookingId), \(input.templateId),
                            \(input.readinessState ?? "not_started"), \(input.dueAt), \(input.notes), \(userID))
                    RETURNING \(unescaped: Self.columns)
                    """, logger: logger).first(Self.decode)!
                if let tasks = input.tasks {
                    try await Self.insertTasks(tasks, companyID: companyID, checklistID: checklist.id, on: connection, logger: logger)
                } else if let templateID = input.templateId {
                    // Due times follow the checklist's anchor: its own dueAt, else the event's start, else the booking's.
                    let anchor = input.dueAt ?? anchors.eventStart ?? anchors.bookingStart
                    try await connection.query("""
                        INSERT INTO checklist_tasks (company_id, checklist_id, position, title, description, status, due_at)
                        SELECT company_id, \(checklist.id), (row_number() OVER (ORDER BY position) - 1)::int, title, description, 'todo',
                               CASE WHEN due_offset_minutes IS NOT NULL THEN \(anchor)::timestamptz + make_interval(mins => due_offset_minutes) END
                        FROM checklist_template_tasks
                        WHERE company_id = \(companyID) AND template_id = \(templateID)
                        """, logger: logger)
                }
                let tasks = try await connection.query(Self.tasksQuery(companyID: companyID, ids: [checklist.id]), logger: logger)
                    .collect(Self.decodeTask)
                checklist = Self.attach(tasks, to: [checklist])[0]
                return checklist
            }
        }
    }

    /// Applies a patch: readiness through the transition table, the task list replaced when given, and
    /// `complete` only once every task is done or skipped — all in one transaction under the row lock.
    /// Nil when there is no such checklist.
    func update(companyID: UUID, id: UUID, _ p: ChecklistPatch) async throws -> Checklist? {
        let logger = database.logger
        return try await Self.constraints.map {
            try await database.transaction { connection -> Checklist? in
                guard let current = try await connection.query("""
                    SELECT \(unescaped: Self.columns) FROM checklists c WHERE c.company_id = \(companyID) AND c.id = \(id) FOR UPDATE
                    """, logger: logger).first(Self.decode) else { return nil }
                _ = try await Self.checkReferences(
                    companyID: companyID, eventID: p.eventId.value, spaceID: p.spaceId.value, bookingID: p.bookingId.value,
                    templateID: nil, on: connection, logger: logger)

                let readiness = p.readinessState.value ?? current.readinessState
                if let problem = Readiness.check(from: current.readinessState, to: readiness) { throw problem }
                var status = p.status.value ?? current.status
                if readiness == "complete" {
                    if p.status.value == "open" {
                        throw APIError.conflict("checklist_complete", "A complete checklist stays closed; it can only be archived.")
                    }
                    if status == "open" { status = "completed" }
                }

                if let tasks = p.tasks.value {
                    try await Self.replaceTasks(tasks, companyID: companyID, checklistID: id, on: connection, logger: logger)
                }
                if readiness == "complete", current.readinessState != "complete" {
                    let open = try await connection.query("""
                        SELECT count(*) FROM checklist_tasks
                        WHERE company_id = \(companyID) AND checklist_id = \(id) AND status NOT IN ('done', 'skipped')
                        """, logger: logger).count()
                    if open > 0 {
                        throw APIError.conflict("tasks_open", "A checklist is complete only when every task is done or skipped.",
                                                info: ["openTasks": .number(Double(open))])
                    }
                }

                var checklist = try await connection.query("""
                    UPDATE checklists c SET
                        name = COALESCE(\(p.name.value), name),
                        event_id = CASE WHEN \(p.eventId.clears) THEN NULL ELSE COALESCE(\(p.eventId.value), event_id) END,
                        space_id = CASE WHEN \(p.spaceId.clears) THEN NULL ELSE COALESCE(\(p.spaceId.value), space_id) END,
                        booking_id = CASE WHEN \(p.bookingId.clears) THEN NULL ELSE COALESCE(\(p.bookingId.value), booking_id) END,
                        status = \(status),
                        readiness_state = \(readiness),
                        due_at = CASE WHEN \(p.dueAt.clears) THEN NULL ELSE COALESCE(\(p.dueAt.value), due_at) END,
                        notes = CASE WHEN \(p.notes.clears) THEN NULL ELSE COALESCE(\(p.notes.value), notes) END,
                        updated_at = now()
                    WHERE c.company_id = \(companyID) AND c.id = \(id)
                    RETURNING \(unescaped: Self.columns)
                    """, logger: logger).first(Self.decode)!
                let tasks = try await connection.query(Self.tasksQuery(companyID: companyID, ids: [id]), logger: logger)
                    .collect(Self.decodeTask)
                checklist = Self.attach(tasks, to: [checklist])[0]
                return checklist
            }
        }
    }

    // MARK: Helpers inside the write transaction

    struct Anchors {
        var eventStart: Date?
        var bookingStart: Date?
    }

    /// Every referenced event, space, booking and template must be a row of this company; all bad
    /// fields are reported together (422). Returns the event's and booking's start for due-date anchoring.
    static func checkReferences(companyID: UUID, eventID: UUID?, spaceID: UUID?, bookingID: UUID?, templateID: UUID?,
                                on connection: PostgresConnection, logger: Logger) async throws -> Anchors {
        guard eventID != nil || spaceID != nil || bookingID != nil || templateID != nil else { return Anchors() }
        let row = try await connection.query("""
            SELECT
                (\(eventID)::uuid IS NULL OR EXISTS (SELECT 1 FROM venue_events WHERE company_id = \(companyID) AND id = \(eventID))),
                (\(spaceID)::uuid IS NULL
                    OR EXISTS (SELECT 1 FROM spaces WHERE company_id = \(companyID) AND id = \(spaceID) AND deleted_at IS NULL)),
                (\(bookingID)::uuid IS NULL OR EXISTS (SELECT 1 FROM bookings WHERE company_id = \(companyID) AND id = \(bookingID))),
                (\(templateID)::uuid IS NULL
                    OR EXISTS (SELECT 1 FROM checklist_templates WHERE company_id = \(companyID) AND id = \(templateID))),
                (SELECT starts_at FROM venue_events WHERE company_id = \(companyID) AND id = \(eventID)),
                (SELECT starts_at FROM bookings WHERE company_id = \(companyID) AND id = \(bookingID))
            """, logger: logger).first { try $0.decode((Bool, Bool, Bool, Bool, Date?, Date?).self) }!
        var v = Validator()
        for (ok, field, what) in [(row.0, "eventId", "event"), (row.1, "spaceId", "space"), (row.2, "bookingId", "booking"),
                                  (row.3, "templateId", "checklist template")] where !ok {
            v.add(field, "not_found", "No \(what) with this id in this company.")
        }
        try v.validate()
        return Anchors(eventStart: row.4, bookingStart: row.5)
    }

    /// Replaces the task list with `tasks`, in array order. Tasks that carry the id of one of this
    /// checklist's tasks are updated in place (keeping their id, creation time and — while still done —
    /// their completion time); tasks without an id are inserted; the rest are deleted. An id that is not
    /// a task of this checklist is refused on its field before anything changes.
    private static func replaceTasks(_ tasks: [TaskInput], companyID: UUID, checklistID: UUID,
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
    private static func insertTasks(_ tasks: [TaskInput], companyID: UUID, checklistID: UUID, on connection: PostgresConnection,
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

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
        let (rows, total) = try await database.page(query, columns: Self.columns, orderBy: "ORDER BY c.created_at DESC, c.id", page: page,
                                                      decode: Self.decode)
        return (try await attachTasks(companyID: companyID, rows), total)
    }

    func get(companyID: UUID, id: UUID) async throws -> Checklist? {
        guard let row = try await database.query("""
            SELECT \(unescaped: Self.columns) FROM checklists c WHERE c.company_id = \(companyID) AND c.id = \(id)
            """).first(Self.decode) else { return nil }
        return try await attachTasks(companyID: companyID, [row]).first
    }

    // MARK: Writes

    func create(companyID: UUID, userID: UUID, _ input: CreateChecklist) async throws -> Checklist {
        let logger = database.logger
        return try await Self.constraints.map {
            try await database.transaction { connection in
                let anchors = try await Self.checkReferences(
                    companyID: companyID, eventID: input.eventId, spaceID: input.spaceId, bookingID: input.bookingId,
                    templateID: input.templateId, on: connection, logger: logger)
                // A checklist created complete is closed like one completed later (the CHECKs tie the two).
                let readiness = input.readinessState ?? "not_started"
                let status = readiness == "complete" ? "completed" : "open"
                var checklist = try await connection.query("""
                    INSERT INTO checklists AS c (company_id, name, event_id, space_id, booking_id, template_id, status, readiness_state,
                                                 due_at, notes, created_by)
                    VALUES (\(companyID), \(input.name ?? ""), \(input.eventId), \(input.spaceId), \(input.bookingId), \(input.templateId),
                            \(status), \(readiness), \(input.dueAt), \(input.notes), \(userID))
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
                if readiness == "complete" {
                    try await Self.requireClosedTasks(companyID: companyID, checklistID: checklist.id, on: connection, logger: logger)
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
                    try await Self.requireClosedTasks(companyID: companyID, checklistID: id, on: connection, logger: logger)
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

    /// 409 `tasks_open` unless every task is done or skipped; run after any task replacement of the request.
    static func requireClosedTasks(companyID: UUID, checklistID: UUID, on connection: PostgresConnection, logger: Logger) async throws {
        let open = try await connection.query("""
            SELECT count(*) FROM checklist_tasks
            WHERE company_id = \(companyID) AND checklist_id = \(checklistID) AND status NOT IN ('done', 'skipped')
            """, logger: logger).count()
        if open > 0 {
            throw APIError.conflict("tasks_open", "A checklist is complete only when every task is done or skipped.",
                                    info: ["openTasks": .number(Double(open))])
        }
    }

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

}

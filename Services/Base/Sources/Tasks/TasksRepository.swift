import Foundation
import KisumKernel
import KisumPersistence
import Logging
import PostgresNIO

/// Tasks and their comments (migration 0015).
struct TasksRepository: Sendable {
    let database: Database

    static let columns = """
        t.id, t.event_id, e.name AS event_name, t.title, t.description, t.status, t.priority, t.due_on::text AS due_on, t.assignee_id,
        t.completed_at, (SELECT count(*)::int FROM task_comments c WHERE c.company_id = t.company_id AND c.task_id = t.id) AS comment_count,
        t.version, t.created_by, t.created_at, t.updated_at
        """
    static let joins = "LEFT JOIN events e ON e.company_id = t.company_id AND e.id = t.event_id"

    static let constraints = ConstraintMessages([
        "tasks_event_fk": .validation(field: "eventId", code: "not_found", message: "No event with this id in this company."),
        "task_comments_task_fk": .notFound("task"),
    ])

    static func decode(_ row: PostgresRow) throws -> BookingTask {
        let c = Columns(row)
        return BookingTask(
            id: try c("id"), eventId: try c("event_id"), eventName: try c("event_name"), title: try c("title"), description: try c("description"),
            status: try c("status"), priority: try c("priority"), dueOn: try c("due_on"), assigneeId: try c("assignee_id"),
            completedAt: try c("completed_at"), commentCount: try c("comment_count"), version: try c("version"), createdBy: try c("created_by"),
            createdAt: try c("created_at"), updatedAt: try c("updated_at"))
    }

    static func decodeComment(_ row: PostgresRow) throws -> TaskComment {
        let c = Columns(row)
        return TaskComment(id: try c("id"), taskId: try c("task_id"), body: try c("body"), authorId: try c("author_id"), createdAt: try c("created_at"))
    }

    /// Fixed ORDER BY texts per sort key; priority sorts by urgency (urgent first when descending).
    static func order(_ sort: (key: String, descending: Bool)) -> String {
        let d = sort.descending ? "DESC" : "ASC"
        switch sort.key {
        case "priority":
            return "ORDER BY array_position(ARRAY['low','normal','high','urgent'], t.priority) \(d), t.due_on NULLS LAST, t.id"
        case "createdAt": return "ORDER BY t.created_at \(d), t.id"
        case "title": return "ORDER BY lower(t.title) \(d), t.id"
        default: return "ORDER BY t.due_on \(d) NULLS LAST, t.created_at, t.id"
        }
    }

    // MARK: Reads

    func list(companyID: UUID, _ f: TaskFilter, page: PageRequest) async throws -> (items: [BookingTask], total: Int) {
        let pattern = SQLPattern.contains(f.q)
        func query(_ select: String, _ suffix: String) -> PostgresQuery {
            """
            SELECT \(unescaped: select) FROM tasks t \(unescaped: Self.joins)
            WHERE t.company_id = \(companyID)
              AND (\(f.status)::text IS NULL OR t.status = \(f.status))
              AND (\(f.priority)::text IS NULL OR t.priority = \(f.priority))
              AND (\(f.assigneeID)::uuid IS NULL OR t.assignee_id = \(f.assigneeID))
              AND (\(f.eventID)::uuid IS NULL OR t.event_id = \(f.eventID))
              AND (\(f.dueFrom)::date IS NULL OR t.due_on >= \(f.dueFrom)::date)
              AND (\(f.dueTo)::date IS NULL OR t.due_on <= \(f.dueTo)::date)
              AND (\(pattern)::text IS NULL OR t.title ILIKE \(pattern) OR t.description ILIKE \(pattern))
            \(unescaped: suffix)
            """
        }
        return try await database.page(query, columns: Self.columns, orderBy: Self.order(f.sort), page: page, decode: Self.decode)
    }

    /// The task with its comments (oldest first), in one statement.
    func get(companyID: UUID, id: UUID) async throws -> BookingTaskDetail? {
        var task: BookingTask?
        var comments: [TaskComment] = []
        _ = try await database.query("""
            SELECT \(unescaped: Self.columns), c.id AS comment_id, c.body AS comment_body, c.author_id AS comment_author,
                   c.created_at AS comment_created_at
            FROM tasks t \(unescaped: Self.joins)
            LEFT JOIN task_comments c ON c.company_id = t.company_id AND c.task_id = t.id
            WHERE t.company_id = \(companyID) AND t.id = \(id)
            ORDER BY c.created_at, c.id
            """).collect { row -> Void in
                if task == nil { task = try Self.decode(row) }
                let c = Columns(row)
                if let commentID = try c("comment_id", as: UUID?.self) {
                    comments.append(TaskComment(id: commentID, taskId: id, body: try c("comment_body"), authorId: try c("comment_author"),
                                                createdAt: try c("comment_created_at")))
                }
            }
        return task.map { BookingTaskDetail($0, comments: comments) }
    }

    func exists(companyID: UUID, id: UUID) async throws -> Bool {
        try await database.query("SELECT 1 FROM tasks WHERE company_id = \(companyID) AND id = \(id)").first { _ in true } ?? false
    }

    func eventExists(companyID: UUID, id: UUID) async throws -> Bool {
        try await database.query("SELECT 1 FROM events WHERE company_id = \(companyID) AND id = \(id)").first { _ in true } ?? false
    }

    // MARK: Writes

    func create(companyID: UUID, userID: UUID, _ body: TaskInput) async throws -> BookingTask {
        let created = try await Self.constraints.map {
            try await database.query("""
                WITH t AS (
                    INSERT INTO tasks (company_id, event_id, title, description, status, priority, due_on, assignee_id, completed_at, created_by)
                    VALUES (\(companyID), \(body.eventId), \(body.trimmedTitle), \(body.description), COALESCE(\(body.status), 'todo'),
                            COALESCE(\(body.priority), 'normal'), \(body.dueOn)::date, \(body.assigneeId),
                            CASE WHEN \(body.status)::text = 'done' THEN clock_timestamp() END, \(userID))
                    RETURNING *)
                SELECT \(unescaped: Self.columns) FROM t \(unescaped: Self.joins)
                """).first(Self.decode)
        }
        guard let created else { throw APIError.internalError }
        return created
    }

    /// Replaces the task when `expectedVersion` is the stored one; nil when the company has no such task.
    func replace(companyID: UUID, id: UUID, expectedVersion: Int, _ body: TaskInput) async throws -> BookingTask? {
        let logger = database.logger
        return try await Self.constraints.map {
            try await database.transaction { connection -> BookingTask? in
                guard let current = try await connection.query("""
                    SELECT version FROM tasks WHERE company_id = \(companyID) AND id = \(id) FOR UPDATE
                    """, logger: logger).first({ try $0.decode(Int.self) }) else { return nil }
                guard current == expectedVersion else { throw ExpectedVersion.conflict("task", expected: expectedVersion, current: current) }
                return try await connection.query("""
                    WITH t AS (
                        UPDATE tasks SET event_id = \(body.eventId), title = \(body.trimmedTitle), description = \(body.description),
                            status = COALESCE(\(body.status), status), priority = COALESCE(\(body.priority), priority),
                            due_on = \(body.dueOn)::date, assignee_id = \(body.assigneeId),
                            completed_at = CASE WHEN COALESCE(\(body.status), status) <> 'done' THEN NULL WHEN status = 'done' THEN completed_at
                                           ELSE clock_timestamp() END,
                            version = version + 1, updated_at = clock_timestamp()
                        WHERE company_id = \(companyID) AND id = \(id)
                        RETURNING *)
                    SELECT \(unescaped: Self.columns) FROM t \(unescaped: Self.joins)
                    """, logger: logger).first(Self.decode)
            }
        }
    }

    /// Moves the task's status (the version is bumped: the task changed). Nil when the company has no such task.
    func setStatus(companyID: UUID, id: UUID, status: String) async throws -> BookingTask? {
        try await database.query("""
            WITH t AS (
                UPDATE tasks SET status = \(status),
                    completed_at = CASE WHEN \(status)::text <> 'done' THEN NULL WHEN status = 'done' THEN completed_at ELSE clock_timestamp() END,
                    version = CASE WHEN status = \(status) THEN version ELSE version + 1 END,
                    updated_at = CASE WHEN status = \(status) THEN updated_at ELSE clock_timestamp() END
                WHERE company_id = \(companyID) AND id = \(id)
                RETURNING *)
            SELECT \(unescaped: Self.columns) FROM t \(unescaped: Self.joins)
            """).first(Self.decode)
    }

    func delete(companyID: UUID, id: UUID) async throws -> Bool {
        try await database.query("DELETE FROM tasks WHERE company_id = \(companyID) AND id = \(id) RETURNING id").first { _ in true } ?? false
    }

    /// Nil when the company has no such task.
    func addComment(companyID: UUID, taskID: UUID, userID: UUID, body: String) async throws -> TaskComment? {
        try await database.query("""
            INSERT INTO task_comments (company_id, task_id, body, author_id)
            SELECT t.company_id, t.id, \(body), \(userID) FROM tasks t WHERE t.company_id = \(companyID) AND t.id = \(taskID)
            RETURNING id, task_id, body, author_id, created_at
            """).first(Self.decodeComment)
    }
}

import Foundation
import KisumKernel
import KisumPersistence
import Logging
import PostgresNIO

/// Checklist templates and their ordered tasks, always within one company.
struct TemplatesRepository: Sendable {
    let database: Database

    static let columns = "tp.id, tp.company_id, tp.name, tp.description, tp.created_by, tp.created_at, tp.updated_at"

    static func decode(_ row: PostgresRow) throws -> ChecklistTemplate {
        let c = Columns(row)
        return ChecklistTemplate(id: try c("id"), companyId: try c("company_id"), name: try c("name"), description: try c("description"),
                                 createdBy: try c("created_by"), createdAt: try c("created_at"), updatedAt: try c("updated_at"), tasks: [])
    }

    // MARK: Reads

    func list(companyID: UUID, q: String?, page: PageRequest) async throws -> (items: [ChecklistTemplate], total: Int) {
        let pattern = SQLPattern.contains(q)
        func query(_ select: String, _ suffix: String) -> PostgresQuery {
            """
            SELECT \(unescaped: select) FROM checklist_templates tp
            WHERE tp.company_id = \(companyID)
              AND (\(pattern)::text IS NULL OR tp.name ILIKE \(pattern) OR tp.description ILIKE \(pattern))
            \(unescaped: suffix)
            """
        }
        let (rows, total) = try await database.page(query, columns: Self.columns, orderBy: "ORDER BY lower(tp.name), tp.id", page: page,
                                                      decode: Self.decode)
        return (try await Self.attachTasks(companyID: companyID, rows, database: database), total)
    }

    func get(companyID: UUID, id: UUID) async throws -> ChecklistTemplate? {
        guard let row = try await database.query("""
            SELECT \(unescaped: Self.columns) FROM checklist_templates tp WHERE tp.company_id = \(companyID) AND tp.id = \(id)
            """).first(Self.decode) else { return nil }
        return try await Self.attachTasks(companyID: companyID, [row], database: database).first
    }

    /// The tasks of a page of templates in one query.
    static func attachTasks(companyID: UUID, _ templates: [ChecklistTemplate], database: Database) async throws -> [ChecklistTemplate] {
        guard !templates.isEmpty else { return [] }
        var tasks: [UUID: [ChecklistTemplateTask]] = [:]
        for try await (templateID, id, position, title, description, offset) in try await database.query("""
            SELECT template_id, id, position, title, description, due_offset_minutes FROM checklist_template_tasks
            WHERE company_id = \(companyID) AND template_id = ANY(\(templates.map(\.id)))
            ORDER BY template_id, position
            """).decode((UUID, UUID, Int, String, String?, Int?).self) {
            tasks[templateID, default: []].append(ChecklistTemplateTask(id: id, position: position, title: title, description: description,
                                                                        dueOffsetMinutes: offset))
        }
        return templates.map { template in
            var template = template
            template.tasks = tasks[template.id] ?? []
            return template
        }
    }

    // MARK: Writes

    func create(companyID: UUID, userID: UUID, _ input: CreateTemplate) async throws -> ChecklistTemplate {
        let logger = database.logger
        let template = try await database.transaction { connection in
            let template = try await connection.query("""
                INSERT INTO checklist_templates AS tp (company_id, name, description, created_by)
                VALUES (\(companyID), \(input.name ?? ""), \(input.description), \(userID))
                RETURNING \(unescaped: Self.columns)
                """, logger: logger).first(Self.decode)!
            try await Self.insertTasks(input.tasks ?? [], companyID: companyID, templateID: template.id, on: connection, logger: logger)
            return template
        }
        return try await Self.attachTasks(companyID: companyID, [template], database: database)[0]
    }

    /// Metadata in one UPDATE; the task list, when given, replaced in the same transaction. Nil when
    /// there is no such template.
    func update(companyID: UUID, id: UUID, _ p: TemplatePatch) async throws -> ChecklistTemplate? {
        let logger = database.logger
        let template: ChecklistTemplate? = try await database.transaction { connection in
            guard let template = try await connection.query("""
                UPDATE checklist_templates tp SET
                    name = COALESCE(\(p.name.value), name),
                    description = CASE WHEN \(p.description.clears) THEN NULL ELSE COALESCE(\(p.description.value), description) END,
                    updated_at = now()
                WHERE tp.company_id = \(companyID) AND tp.id = \(id)
                RETURNING \(unescaped: Self.columns)
                """, logger: logger).first(Self.decode) else { return nil }
            if let tasks = p.tasks.value {
                try await connection.query("""
                    DELETE FROM checklist_template_tasks WHERE company_id = \(companyID) AND template_id = \(id)
                    """, logger: logger)
                try await Self.insertTasks(tasks, companyID: companyID, templateID: id, on: connection, logger: logger)
            }
            return template
        }
        guard let template else { return nil }
        return try await Self.attachTasks(companyID: companyID, [template], database: database).first
    }

    /// One INSERT for the whole list, positions following the array order.
    private static func insertTasks(_ tasks: [TemplateTaskInput], companyID: UUID, templateID: UUID,
                                    on connection: PostgresConnection, logger: Logger) async throws {
        guard !tasks.isEmpty else { return }
        let rows = tasks.enumerated().map { index, task in
            Row(position: index, title: task.title ?? "", description: task.description, dueOffsetMinutes: task.dueOffsetMinutes)
        }
        let json = String(decoding: try JSONCoding.encoder.encode(rows), as: UTF8.self)
        try await connection.query("""
            INSERT INTO checklist_template_tasks (company_id, template_id, position, title, description, due_offset_minutes)
            SELECT \(companyID), \(templateID), t.position, t.title, t.description, t.due_offset_minutes
            FROM jsonb_to_recordset(\(json)::jsonb) AS t(position integer, title text, description text, due_offset_minutes integer)
            """, logger: logger)
    }

    private struct Row: Encodable {
        var position: Int
        var title: String
        var description: String?
        var dueOffsetMinutes: Int?

        enum CodingKeys: String, CodingKey {
            case position, title, description
            case dueOffsetMinutes = "due_offset_minutes"
        }
    }
}

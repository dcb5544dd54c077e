import Foundation
import KisumKernel
import KisumPersistence
import Logging
import PostgresNIO

/// The per-workspace data migrations' statements (`WorkspaceDataFix`) and their jobs (`workspace_migration_jobs`).
struct WorkspaceDataMigrationRepository: Sendable {
    let database: Database
    var logger: Logger { database.logger }

    // MARK: Fix-ups

    /// Rows `fix` would add to the workspace now.
    func needed(_ fix: WorkspaceDataFix, workspaceID: UUID, on connection: PostgresConnection) async throws -> Int {
        let query: PostgresQuery
        switch fix {
        case .moduleSettings:
            query = """
                SELECT count(*) FROM modules mo
                WHERE NOT EXISTS (SELECT 1 FROM module_settings ms WHERE ms.workspace_id = \(workspaceID) AND ms.module = mo.name)
                """
        case .rolePermissionDefaults:
            query = """
                SELECT count(*) FROM role_permission_defaults d
                WHERE NOT EXISTS (SELECT 1 FROM role_permissions rp WHERE rp.workspace_id = \(workspaceID) AND rp.permission = d.permission)
                """
        }
        return try await count(query, on: connection)
    }

    /// Applies `fix` and returns the rows it added.
    func apply(_ fix: WorkspaceDataFix, workspaceID: UUID, on connection: PostgresConnection) async throws -> Int {
        let query: PostgresQuery
        switch fix {
        case .moduleSettings:
            query = """
                WITH added AS (
                    INSERT INTO module_settings (workspace_id, module, enabled)
                    SELECT \(workspaceID), mo.name, mo.default_enabled FROM modules mo
                    WHERE NOT EXISTS (SELECT 1 FROM module_settings ms WHERE ms.workspace_id = \(workspaceID) AND ms.module = mo.name)
                    ON CONFLICT DO NOTHING RETURNING 1)
                SELECT count(*) FROM added
                """
        case .rolePermissionDefaults:
            query = """
                WITH added AS (
                    INSERT INTO role_permissions (workspace_id, role, permission)
                    SELECT \(workspaceID), d.role, d.permission FROM role_permission_defaults d
                    WHERE NOT EXISTS (SELECT 1 FROM role_permissions rp WHERE rp.workspace_id = \(workspaceID) AND rp.permission = d.permission)
                    ON CONFLICT DO NOTHING RETURNING 1)
                SELECT count(*) FROM added
                """
        }
        return try await count(query, on: connection)
    }

    func record(_ fix: WorkspaceDataFix, workspaceID: UUID, changedRows: Int, on connection: PostgresConnection) async throws {
        try await connection.query("""
            INSERT INTO workspace_data_migrations (workspace_id, migration, changed_rows) VALUES (\(workspaceID), \(fix.rawValue), \(changedRows))
            ON CONFLICT (workspace_id, migration)
            DO UPDATE SET changed_rows = workspace_data_migrations.changed_rows + EXCLUDED.changed_rows, applied_at = now()
            """, logger: logger)
    }

    /// One migration run per workspace at a time (the API and the worker both take it).
    func lock(workspaceID: UUID, on connection: PostgresConnection) async throws {
        try await connection.query("""
            SELECT pg_advisory_xact_lock(hashtextextended('workspace-data-migration:' || \(workspaceID.uuidString), 0))
            """, logger: logger)
    }

    /// What each fix would change now, in one transaction (a consistent view).
    func pending(workspaceID: UUID) async throws -> [(WorkspaceDataFix, Int)] {
        try await database.transaction { connection in
            var result: [(WorkspaceDataFix, Int)] = []
            for fix in WorkspaceDataFix.allCases {
                result.append((fix, try await needed(fix, workspaceID: workspaceID, on: connection)))
            }
            return result
        }
    }

    private func count(_ query: PostgresQuery, on connection: PostgresConnection) async throws -> Int {
        let rows = try await connection.query(query, logger: logger)
        for try await row in rows { return try row.decode(Int.self) }
        return 0
    }

    // MARK: Jobs

    struct JobState: Sendable, Equatable {
        var id: UUID
        var status: String
        var progress: Int
        var currentStep: String
        var errorMessage: String?
        var applied: String
    }

    /// A new QUEUED job, or the workspace's open one (`created` false): one run at a time.
    func open(workspaceID: UUID, requestedBy: UUID, retry: Bool = true) async throws -> (id: UUID, status: String, created: Bool) {
        if let id = try await database.query("""
            INSERT INTO workspace_migration_jobs (workspace_id, requested_by) VALUES (\(workspaceID), \(requestedBy))
            ON CONFLICT (workspace_id) WHERE status IN ('QUEUED', 'RUNNING') DO NOTHING
            RETURNING id
            """).first({ try $0.decode(UUID.self) }) {
            return (id, "QUEUED", true)
        }
        let open = try await database.query("""
            SELECT id, status FROM workspace_migration_jobs
            WHERE workspace_id = \(workspaceID) AND status IN ('QUEUED', 'RUNNING') ORDER BY created_at DESC LIMIT 1
            """).first { try $0.decode((UUID, String).self) }
        // Finished between the two statements: start a fresh one.
        guard let open else {
            guard retry else { throw APIError.conflict("migration_busy", "A migration run is starting; try again.") }
            return try await self.open(workspaceID: workspaceID, requestedBy: requestedBy, retry: false)
        }
        return (open.0, open.1, false)
    }

    func state(workspaceID: UUID, id: UUID) async throws -> JobState? {
        try await database.query("""
            SELECT id, status, progress, current_step, error_message, applied::text FROM workspace_migration_jobs
            WHERE workspace_id = \(workspaceID) AND id = \(id)
            """).first { row in
            let c = Columns(row)
            return JobState(id: try c("id"), status: try c("status"), progress: try c("progress"), currentStep: try c("current_step"),
                            errorMessage: try c("error_message"), applied: try c("applied"))
        }
    }

    /// The oldest queued job, or a running one whose lease passed (its worker died); jobs out of attempts fail.
    func claim(lease: Duration, maxAttempts: Int) async throws -> (id: UUID, workspaceID: UUID, requestedBy: UUID?)? {
        let seconds = Double(lease.components.seconds)
        try await database.query("""
            UPDATE workspace_migration_jobs SET status = 'FAILED', error_message = 'The migration stopped responding; please retry.',
                   completed_at = now(), updated_at = now(), lease_until = NULL
            WHERE status = 'RUNNING' AND lease_until < now() AND attempts >= \(maxAttempts)
            """)
        return try await database.query("""
            UPDATE workspace_migration_jobs j SET status = 'RUNNING', attempts = j.attempts + 1, updated_at = now(),
                   current_step = 'Starting', lease_until = now() + make_interval(secs => \(seconds))
            WHERE j.id = (SELECT id FROM workspace_migration_jobs
                          WHERE status = 'QUEUED' OR (status = 'RUNNING' AND lease_until < now())
                          ORDER BY created_at FOR UPDATE SKIP LOCKED LIMIT 1)
            RETURNING j.id, j.workspace_id, j.requested_by
            """).first { try $0.decode((UUID, UUID, UUID?).self) }.map { (id: $0.0, workspaceID: $0.1, requestedBy: $0.2) }
    }

    func progress(id: UUID, progress: Int, step: String) async throws {
        try await database.query("""
            UPDATE workspace_migration_jobs SET progress = \(progress), current_step = \(step), updated_at = now()
            WHERE id = \(id) AND status = 'RUNNING'
            """)
    }

    func complete(id: UUID, applied: String, on connection: PostgresConnection) async throws {
        try await connection.query("""
            UPDATE workspace_migration_jobs SET status = 'COMPLETED', progress = 100, current_step = 'Completed',
                   applied = \(applied)::jsonb, completed_at = now(), updated_at = now(), lease_until = NULL
            WHERE id = \(id) AND status = 'RUNNING'
            """, logger: logger)
    }

    func fail(id: UUID, message: String) async throws {
        try await database.query("""
            UPDATE workspace_migration_jobs SET status = 'FAILED', current_step = 'Failed', error_message = \(message),
                   completed_at = now(), updated_at = now(), lease_until = NULL
            WHERE id = \(id) AND status = 'RUNNING'
            """)
    }
}

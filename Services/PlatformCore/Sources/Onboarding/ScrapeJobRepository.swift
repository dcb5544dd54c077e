import Foundation
import KisumKernel
import KisumPersistence
import Logging
import PostgresNIO

/// `onboarding_scrape_jobs`: the website scrapes of company onboarding. Reads name the workspace (another
/// workspace's task id is not found); the runner's updates go by id (it created the row).
struct ScrapeJobRepository: Sendable {
    let database: Database
    var logger: Logger { database.logger }

    struct Job: Sendable, Equatable {
        var id: UUID
        var url: String
        var status: String
        var progress: Int
        var stage: String
        var message: String?
        var errorCode: String?
        var result: JSONValue
        var createdAt: Date
        var updatedAt: Date
        var finishedAt: Date?
        var stale: Bool
    }

    /// Open jobs of the workspace that still move (a job whose process died counts as stale, not open).
    func openCount(workspaceID: UUID, staleAfter: TimeInterval) async throws -> Int {
        try await database.query("""
            SELECT count(*)::int FROM onboarding_scrape_jobs
            WHERE workspace_id = \(workspaceID) AND status IN ('PENDING', 'RUNNING')
              AND updated_at >= now() - make_interval(secs => \(staleAfter))
            """).first { try $0.decode(Int.self) } ?? 0
    }

    func create(workspaceID: UUID, userID: UUID, url: String) async throws -> UUID {
        let id = try await database.query("""
            INSERT INTO onboarding_scrape_jobs (workspace_id, requested_by, url) VALUES (\(workspaceID), \(userID), \(url)) RETURNING id
            """).first { try $0.decode(UUID.self) }
        guard let id else { throw APIError.unavailable("scrape_not_created", "The scrape could not be queued.") }
        return id
    }

    func progress(_ id: UUID, workspaceID: UUID, progress: Int, stage: String, message: String) async throws {
        try await database.query("""
            UPDATE onboarding_scrape_jobs SET status = 'RUNNING', progress = \(progress), stage = \(stage), message = \(message), updated_at = now()
            WHERE workspace_id = \(workspaceID) AND id = \(id) AND status IN ('PENDING', 'RUNNING')
            """)
    }

    func complete(_ id: UUID, workspaceID: UUID, result: String, on connection: PostgresConnection) async throws {
        try await connection.query("""
            UPDATE onboarding_scrape_jobs SET status = 'COMPLETED', progress = 100, stage = 'completed', message = 'Website analysed',
                result = \(result)::jsonb, updated_at = now(), finished_at = now()
            WHERE workspace_id = \(workspaceID) AND id = \(id)
            """, logger: logger)
    }

    func fail(_ id: UUID, workspaceID: UUID, code: String, message: String) async throws {
        try await database.query("""
            UPDATE onboarding_scrape_jobs SET status = 'FAILED', stage = 'failed', error_code = \(code), message = \(message),
                updated_at = now(), finished_at = now()
            WHERE workspace_id = \(workspaceID) AND id = \(id)
            """)
    }

    func find(_ id: UUID, workspaceID: UUID, staleAfter: TimeInterval) async throws -> Job? {
        try await database.query("""
            SELECT id, url, status, progress, stage, message, error_code, result::text AS result, created_at, updated_at, finished_at,
                   status IN ('PENDING', 'RUNNING') AND updated_at < now() - make_interval(secs => \(staleAfter)) AS stale
            FROM onboarding_scrape_jobs WHERE workspace_id = \(workspaceID) AND id = \(id)
            """).first { row in
            let c = Columns(row)
            return Job(id: try c("id"), url: try c("url"), status: try c("status"), progress: try c("progress"), stage: try c("stage"),
                       message: try c("message"), errorCode: try c("error_code"), result: try c.json("result"),
                       createdAt: try c("created_at"), updatedAt: try c("updated_at"), finishedAt: try c("finished_at"), stale: try c("stale"))
        }
    }
}

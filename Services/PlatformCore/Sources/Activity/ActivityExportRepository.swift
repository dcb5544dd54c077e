import Foundation
import HTTPTypes
import KisumKernel
import KisumPersistence
import Logging
import NIOCore
import PostgresNIO

/// `activity_export_jobs`: the API's reads and writes (one user's jobs in one workspace) and the worker's queue
/// (claimed with `FOR UPDATE SKIP LOCKED` under a lease, so replicas share it and a dead worker's job is retried).
struct ActivityExportRepository: Sendable {
    let database: Database

    /// A job as stored (without the content).
    struct Row: Sendable {
        var id: UUID
        var workspaceID: UUID
        var userID: UUID
        var status: String
        var format: String
        var rowCount: Int?
        var sizeBytes: Int?
        var fileName: String?
        var errorCode: String?
        var errorMessage: String?
        var createdAt: Date
        var startedAt: Date?
        var completedAt: Date?
    }

    /// A claimed job: what the worker needs to run it.
    struct Claimed: Sendable {
        var id: UUID
        var workspaceID: UUID
        var userID: UUID
        var format: String
        var filters: String
    }

    /// The file of a completed job.
    struct File: Sendable {
        var workspaceID: UUID
        var status: String
        var content: ByteBuffer?
        var contentType: String?
        var fileName: String?
    }

    static let columns = """
        id, workspace_id, user_id, status, format, row_count, octet_length(content) AS size_bytes, file_name, error_code,
        error_message, created_at, started_at, completed_at
        """

    static func row(_ row: PostgresRow) throws -> Row {
        let c = Columns(row)
        return Row(id: try c("id"), workspaceID: try c("workspace_id"), userID: try c("user_id"), status: try c("status"),
                   format: try c("format"), rowCount: try c("row_count"), sizeBytes: try c("size_bytes", as: Int32?.self).map(Int.init),
                   fileName: try c("file_name"), errorCode: try c("error_code"), errorMessage: try c("error_message"),
                   createdAt: try c("created_at"), startedAt: try c("started_at"), completedAt: try c("completed_at"))
    }

    func create(workspaceID: UUID, userID: UUID, format: String, filters: String, on connection: PostgresConnection) async throws -> Row {
        let rows = try await connection.query("""
            INSERT INTO activity_export_jobs (workspace_id, user_id, format, filters)
            VALUES (\(workspaceID), \(userID), \(format), \(filters)::jsonb)
            RETURNING \(unescaped: Self.columns)
            """, logger: database.logger)
        for try await row in rows { return try Self.row(row) }
        throw APIError(.internalServerError, code: "internal_error", message: "The export job was not stored.")
    }

    /// Serialises one member's export requests, so the open-job limit holds under parallel requests.
    func lockUser(workspaceID: UUID, userID: UUID, on connection: PostgresConnection) async throws {
        try await connection.query("""
            SELECT pg_advisory_xact_lock(hashtextextended('activity-export:' || \(workspaceID.uuidString) || ':' || \(userID.uuidString), 0))
            """, logger: database.logger)
    }

    func openCount(workspaceID: UUID, userID: UUID, on connection: PostgresConnection) async throws -> Int {
        let rows = try await connection.query("""
            SELECT count(*) FROM activity_export_jobs
            WHERE workspace_id = \(workspaceID) AND user_id = \(userID) AND status IN ('QUEUED', 'RUNNING')
            """, logger: database.logger)
        for try await row in rows { return try row.decode(Int.self) }
        return 0
    }

    func list(workspaceID: UUID, userID: UUID, limit: Int, offset: Int) async throws -> (rows: [Row], total: Int) {
        let total = try await database.query("""
            SELECT count(*) FROM activity_export_jobs WHERE workspace_id = \(workspaceID) AND user_id = \(userID)
            """).count()
        let rows = try await database.query("""
            SELECT \(unescaped: Self.columns) FROM activity_export_jobs
            WHERE workspace_id = \(workspaceID) AND user_id = \(userID)
            ORDER BY created_at DESC, id DESC LIMIT \(limit) OFFSET \(offset)
            """).collect(Self.row)
        return (rows, total)
    }

    func find(workspaceID: UUID, userID: UUID, id: UUID) async throws -> Row? {
        try await database.query("""
            SELECT \(unescaped: Self.columns) FROM activity_export_jobs
            WHERE workspace_id = \(workspaceID) AND user_id = \(userID) AND id = \(id)
            """).first(Self.row)
    }

    /// The caller's own job in this workspace.
    func file(workspaceID: UUID, userID: UUID, id: UUID) async throws -> File? {
        try await database.query("""
            SELECT workspace_id, status, content, content_type, file_name FROM activity_export_jobs
            WHERE workspace_id = \(workspaceID) AND user_id = \(userID) AND id = \(id)
            """).first(Self.file)
    }

    /// By id alone: only for a request carrying a valid signed link for this id (the signature is the credential).
    func fileForSignedLink(id: UUID) async throws -> File? {
        try await database.query("""
            SELECT workspace_id, status, content, content_type, file_name FROM activity_export_jobs WHERE id = \(id)
            """).first(Self.file)
    }

    static func file(_ row: PostgresRow) throws -> File {
        let c = Columns(row)
        return File(workspaceID: try c("workspace_id"), status: try c("status"), content: try c("content"),
                    contentType: try c("content_type"), fileName: try c("file_name"))
    }

    // MARK: The worker's queue

    /// Takes the oldest queued job, or a running one whose worker's lease ran out. Jobs that ran out of attempts fail
    /// first, so a job that kills its worker cannot loop forever.
    func claim(lease: Duration, maxAttempts: Int) async throws -> Claimed? {
        let seconds = Double(lease.components.seconds)
        try await database.query("""
            UPDATE activity_export_jobs SET status = 'FAILED', error_code = 'job_abandoned', completed_at = now(),
                   error_message = 'The export stopped responding too often; please start a new one.', lease_until = NULL
            WHERE status = 'RUNNING' AND lease_until < now() AND attempts >= \(maxAttempts)
            """)
        return try await database.query("""
            UPDATE activity_export_jobs j SET status = 'RUNNING', attempts = j.attempts + 1, started_at = now(),
                   lease_until = now() + make_interval(secs => \(seconds))
            WHERE j.id = (SELECT id FROM activity_export_jobs
                          WHERE status = 'QUEUED' OR (status = 'RUNNING' AND lease_until < now())
                          ORDER BY created_at FOR UPDATE SKIP LOCKED LIMIT 1)
            RETURNING j.id, j.workspace_id, j.user_id, j.format, j.filters::text AS filters
            """).first { row in
            let c = Columns(row)
            return Claimed(id: try c("id"), workspaceID: try c("workspace_id"), userID: try c("user_id"), format: try c("format"),
                           filters: try c("filters"))
        }
    }

    /// Stores the output; only while this worker still holds the job (a job taken over by another is not overwritten).
    @discardableResult
    func complete(id: UUID, rowCount: Int, content: ByteBuffer, contentType: String, fileName: String) async throws -> Bool {
        try await database.query("""
            UPDATE activity_export_jobs SET status = 'COMPLETED', row_count = \(rowCount), content = \(content),
                   content_type = \(contentType), file_name = \(fileName), completed_at = now(), lease_until = NULL,
                   error_code = NULL, error_message = NULL
            WHERE id = \(id) AND status = 'RUNNING'
            RETURNING id
            """).first { try $0.decode(UUID.self) } != nil
    }

    /// Deletes finished jobs older than `retention` (files included), a bounded batch per call.
    @discardableResult
    func prune(retention: TimeInterval) async throws -> Int {
        try await database.query("""
            WITH gone AS (
                DELETE FROM activity_export_jobs WHERE id IN (
                    SELECT id FROM activity_export_jobs
                    WHERE status IN ('COMPLETED', 'FAILED') AND completed_at < now() - make_interval(secs => \(retention))
                    LIMIT 500)
                RETURNING 1)
            SELECT count(*) FROM gone
            """).count()
    }

    func fail(id: UUID, code: String, message: String) async throws {
        try await database.query("""
            UPDATE activity_export_jobs SET status = 'FAILED', error_code = \(code), error_message = \(message),
                   completed_at = now(), lease_until = NULL
            WHERE id = \(id) AND status = 'RUNNING'
            """)
    }
}

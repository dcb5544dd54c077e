import Foundation
import KisumKernel
import KisumPersistence
import Logging
import PostgresNIO

/// The `signup_jobs` rows behind async signups (`SignupJobs`): progress, outcome, and the sealed tokens
/// handed out once.
struct SignupJobRepository: Sendable {
    let database: Database

    func create(id: UUID) async throws {
        try await database.query("INSERT INTO signup_jobs (id) VALUES (\(id))")
    }

    func recordProgress(_ id: UUID, status: String, step: SignupStep) async throws {
        try await database.query("""
            UPDATE signup_jobs SET status = \(status), progress = \(step.progress), current_step = \(step.rawValue),
                message = \(step.message), updated_at = now()
            WHERE id = \(id)
            """)
    }

    /// Marks the job completed and stores the sealed result until `claimSealedResult` hands it out.
    func markCompleted(_ id: UUID, userID: UUID, workspaceID: UUID, workspaceName: String, sealedResult: Data) async throws {
        try await database.query("""
            UPDATE signup_jobs SET status = 'COMPLETED', progress = 100, current_step = 'completed',
                message = 'Your workspace is ready', user_id = \(userID), workspace_id = \(workspaceID),
                workspace_name = \(workspaceName), result_sealed = \(sealedResult), updated_at = now()
            WHERE id = \(id)
            """)
    }

    func markFailed(_ id: UUID, code: String, message: String) async throws {
        try await database.query("""
            UPDATE signup_jobs SET status = 'FAILED', current_step = 'failed', error_code = \(code), message = \(message), updated_at = now()
            WHERE id = \(id)
            """)
    }

    /// The job's state; `stale` when it is still pending/running but has not been updated for `staleAfter`.
    func state(_ id: UUID, staleAfter: TimeInterval) async throws -> SignupJobs.State? {
        try await database.query("""
            SELECT status, progress, current_step, message, error_code, workspace_id, workspace_name, result_sealed IS NOT NULL,
                   status IN ('PENDING', 'RUNNING') AND updated_at < now() - make_interval(secs => \(staleAfter))
            FROM signup_jobs WHERE id = \(id)
            """).first { row in
            let (status, progress, step, message, code, workspace, name, hasResult, stale) =
                try row.decode((String, Int, String, String?, String?, UUID?, String?, Bool, Bool).self)
            return SignupJobs.State(status: status, progress: progress, currentStep: step, message: message, errorCode: code,
                                    workspaceID: workspace, workspaceName: name, hasResult: hasResult, stale: stale)
        }
    }

    /// Claims and erases the sealed result in one UPDATE, so it is handed out exactly once.
    func claimSealedResult(_ id: UUID) async throws -> Data? {
        try await database.query("""
            UPDATE signup_jobs j SET result_sealed = NULL, result_delivered_at = now()
            FROM (SELECT id, result_sealed FROM signup_jobs WHERE id = \(id) AND result_sealed IS NOT NULL FOR UPDATE) previous
            WHERE j.id = previous.id
            RETURNING previous.result_sealed
            """).first { try $0.decode(Data.self) }
    }
}

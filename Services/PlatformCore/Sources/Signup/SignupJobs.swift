import Foundation
import HTTPTypes
import KisumKernel
import KisumPersistence
import Logging
import PostgresNIO

/// Async signups: the job row carries the progress the stream shows; the tokens it ends with are sealed
/// (AES-GCM) in the row until the stream hands them out once, then erased.
///
/// The work runs in a task of the instance that accepted the request. The state lives in the database,
/// so a stream served by another replica shows the same progress; a job whose instance died stops
/// updating and the stream reports it as failed (`job_stalled`) after `staleAfter`.
struct SignupJobs: Sendable {
    let core: PlatformServices
    var staleAfter: TimeInterval = 300

    struct State: Sendable, Equatable {
        var status: String
        var progress: Int
        var currentStep: String
        var message: String?
        var errorCode: String?
        var workspaceID: UUID?
        var workspaceName: String?
        var hasResult: Bool
        var stale: Bool
    }

    /// What the final event carries besides the status.
    struct Result: Codable, Sendable {
        var accessToken: String
        var refreshToken: String?
        var tokenType: String
        var expiresIn: Int
        var userId: UUID
        var workspaceId: UUID
        var workspaceName: String
    }

    func create() async throws -> UUID {
        let id = UUID()
        try await core.database.query("INSERT INTO signup_jobs (id) VALUES (\(id))")
        return id
    }

    /// Runs `work` in the background, recording each step and the outcome.
    func start(_ id: UUID, work: @escaping @Sendable (@escaping SignupProgress) async throws -> SignupResult) {
        let jobs = self
        Task {
            await jobs.update(id, status: "RUNNING", step: .validating)
            do {
                let result = try await work { step in await jobs.update(id, status: "RUNNING", step: step) }
                try await jobs.complete(id, result)
            } catch {
                let apiError = ErrorMiddleware<PlatformRequestContext>.apiError(for: error)
                if apiError.status.code >= 500 {
                    jobs.core.logger.error("async signup failed", metadata: ["job_id": "\(id)", "error": "\(String(reflecting: error))"])
                }
                await jobs.fail(id, code: apiError.code, message: apiError.message)
            }
        }
    }

    func update(_ id: UUID, status: String, step: SignupStep) async {
        do {
            try await core.database.query("""
                UPDATE signup_jobs SET status = \(status), progress = \(step.progress), current_step = \(step.rawValue),
                    message = \(step.message), updated_at = now()
                WHERE id = \(id)
                """)
        } catch {
            core.logger.warning("signup job progress not recorded", metadata: ["job_id": "\(id)"])
        }
    }

    private func complete(_ id: UUID, _ result: SignupResult) async throws {
        let payload = Result(accessToken: result.accessToken, refreshToken: result.refreshToken, tokenType: result.tokenType,
                             expiresIn: result.expiresIn, userId: result.user.id, workspaceId: result.workspace.id,
                             workspaceName: result.workspace.name)
        let sealed = try Sealer(key: core.settings.signingKeyEncryptionKey)
            .seal(try JSONCoding.encoder.encode(payload), context: "signup-job:\(id)")
        try await core.database.query("""
            UPDATE signup_jobs SET status = 'COMPLETED', progress = 100, current_step = 'completed',
                message = 'Your workspace is ready', user_id = \(result.user.id), workspace_id = \(result.workspace.id),
                workspace_name = \(result.workspace.name), result_sealed = \(sealed), updated_at = now()
            WHERE id = \(id)
            """)
    }

    private func fail(_ id: UUID, code: String, message: String) async {
        _ = try? await core.database.query("""
            UPDATE signup_jobs SET status = 'FAILED', current_step = 'failed', error_code = \(code), message = \(message), updated_at = now()
            WHERE id = \(id)
            """)
    }

    func state(_ id: UUID) async throws -> State? {
        try await core.database.query("""
            SELECT status, progress, current_step, message, error_code, workspace_id, workspace_name, result_sealed IS NOT NULL,
                   status IN ('PENDING', 'RUNNING') AND updated_at < now() - make_interval(secs => \(staleAfter))
            FROM signup_jobs WHERE id = \(id)
            """).first { row in
            let (status, progress, step, message, code, workspace, name, hasResult, stale) =
                try row.decode((String, Int, String, String?, String?, UUID?, String?, Bool, Bool).self)
            return State(status: status, progress: progress, currentStep: step, message: message, errorCode: code, workspaceID: workspace,
                         workspaceName: name, hasResult: hasResult, stale: stale)
        }
    }

    /// Hands out the sealed tokens exactly once (the UPDATE claims and erases them atomically).
    func claimResult(_ id: UUID) async throws -> Result? {
        let sealed = try await core.database.query("""
            UPDATE signup_jobs j SET result_sealed = NULL, result_delivered_at = now()
            FROM (SELECT id, result_sealed FROM signup_jobs WHERE id = \(id) AND result_sealed IS NOT NULL FOR UPDATE) previous
            WHERE j.id = previous.id
            RETURNING previous.result_sealed
            """).first { try $0.decode(Data.self) }
        guard let sealed else { return nil }
        let plain = try Sealer(key: core.settings.signingKeyEncryptionKey).open(sealed, context: "signup-job:\(id)")
        return try JSONCoding.decoder.decode(Result.self, from: plain)
    }
}

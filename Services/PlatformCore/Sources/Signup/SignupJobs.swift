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
    let database: Database
    let logger: Logger
    let settings: PlatformCoreSettings
    var staleAfter: TimeInterval = 300
    var repository: SignupJobRepository { SignupJobRepository(database: database) }

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
        try await repository.create(id: id)
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
                    jobs.logger.error("async signup failed", metadata: ["job_id": "\(id)", "error": "\(String(reflecting: error))"])
                }
                await jobs.fail(id, code: apiError.code, message: apiError.message)
            }
        }
    }

    func update(_ id: UUID, status: String, step: SignupStep) async {
        do {
            try await repository.recordProgress(id, status: status, step: step)
        } catch {
            logger.warning("signup job progress not recorded", metadata: ["job_id": "\(id)"])
        }
    }

    private func complete(_ id: UUID, _ result: SignupResult) async throws {
        let payload = Result(accessToken: result.tokens.accessToken, refreshToken: result.tokens.refreshToken,
                             tokenType: result.tokens.tokenType, expiresIn: result.tokens.expiresIn, userId: result.user.id, workspaceId: result.workspace.id,
                             workspaceName: result.workspace.name)
        let sealed = try Sealer(key: settings.signingKeyEncryptionKey)
            .seal(try JSONCoding.encoder.encode(payload), context: "signup-job:\(id)")
        try await repository.markCompleted(id, userID: result.user.id, workspaceID: result.workspace.id,
                                           workspaceName: result.workspace.name, sealedResult: sealed)
    }

    private func fail(_ id: UUID, code: String, message: String) async {
        try? await repository.markFailed(id, code: code, message: message)
    }

    func state(_ id: UUID) async throws -> State? {
        try await repository.state(id, staleAfter: staleAfter)
    }

    /// Hands out the sealed tokens exactly once (the UPDATE claims and erases them atomically).
    func claimResult(_ id: UUID) async throws -> Result? {
        let sealed = try await repository.claimSealedResult(id)
        guard let sealed else { return nil }
        let plain = try Sealer(key: settings.signingKeyEncryptionKey).open(sealed, context: "signup-job:\(id)")
        return try JSONCoding.decoder.decode(Result.self, from: plain)
    }
}

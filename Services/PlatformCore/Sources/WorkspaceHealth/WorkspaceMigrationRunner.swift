import Foundation
import KisumKernel
import KisumPersistence
import Logging

/// Runs one `workspace_migration_jobs` job: each `WorkspaceDataFix` in its own transaction under the workspace's
/// advisory lock (checked again inside, so a concurrent run cannot apply it twice), progress written between steps
/// for the SSE stream, and an activity row when anything changed.
struct WorkspaceMigrationRunner: Sendable {
    let repository: WorkspaceDataMigrationRepository
    let workspaces: WorkspaceRepository
    let settings: PlatformCoreSettings
    let logger: Logger
    static let maxAttempts = 3

    func runOnce() async throws -> Bool {
        guard let job = try await repository.claim(lease: settings.jobLease, maxAttempts: Self.maxAttempts) else { return false }
        do {
            let fixes = WorkspaceDataFix.allCases
            var applied: [AppliedFix] = []
            for (index, fix) in fixes.enumerated() {
                try await repository.progress(id: job.id, progress: index * 100 / max(1, fixes.count), step: fix.title)
                let changed = try await repository.database.transaction { connection in
                    try await repository.lock(workspaceID: job.workspaceID, on: connection)
                    guard try await repository.needed(fix, workspaceID: job.workspaceID, on: connection) > 0 else { return 0 }
                    let changed = try await repository.apply(fix, workspaceID: job.workspaceID, on: connection)
                    try await repository.record(fix, workspaceID: job.workspaceID, changedRows: changed, on: connection)
                    return changed
                }
                applied.append(AppliedFix(migration: fix.rawValue, title: fix.title, changedRows: changed))
            }
            let summary = String(decoding: try JSONCoding.snakeCaseEncoder.encodeBytes(applied), as: UTF8.self)
            let changedTotal = applied.reduce(0) { $0 + $1.changedRows }
            try await repository.database.transaction { connection in
                try await repository.complete(id: job.id, applied: summary, on: connection)
                if changedTotal > 0 {
                    let names = applied.filter { $0.changedRows > 0 }.map { "\($0.migration) (\($0.changedRows))" }.joined(separator: ", ")
                    try await workspaces.recordActivity(workspaceID: job.workspaceID, userID: job.requestedBy, action: "workspace.data_migrated",
                                                        entityType: "workspace", entityID: job.workspaceID.uuidString.lowercased(),
                                                        description: "Workspace data migrated: \(names)", on: connection)
                }
            }
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            logger.error("workspace migration failed", metadata: ["job_id": "\(job.id)", "error": "\(String(reflecting: error))"])
            try await repository.fail(id: job.id, message: "The migration failed; nothing after the last completed step was applied. Please retry.")
        }
        return true
    }
}

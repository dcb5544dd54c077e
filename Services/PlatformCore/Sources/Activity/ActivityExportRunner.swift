import Foundation
import KisumKernel
import KisumPersistence
import Logging
import NIOCore
import Synchronization

/// Runs one export job: reads the rows with the job's filters, renders CSV or JSON, stores the bytes in the job.
/// An export over `activityExportMaxRows` rows or `activityExportMaxBytes` bytes fails (`export_too_large`) —
/// a narrower range is the answer, never a silently cut file.
struct ActivityExportRunner: Sendable {
    let exports: ActivityExportRepository
    let activity: ActivityRepository
    let settings: PlatformCoreSettings
    let logger: Logger
    static let maxAttempts = 3

    /// When old jobs were last pruned: at most every `pruneEvery` per process, so an idle worker does not scan the
    /// table every poll.
    let pruned = PruneClock()
    static let pruneEvery: Duration = .seconds(600)

    /// Claims and runs one job; false when none was waiting (then prunes old jobs now and then).
    func runOnce() async throws -> Bool {
        guard let job = try await exports.claim(lease: settings.jobLease, maxAttempts: Self.maxAttempts) else {
            if pruned.due(every: Self.pruneEvery) { try await exports.prune(retention: settings.activityExportRetention) }
            return false
        }
        do {
            let filter = try JSONCoding.decoder.decode(ActivityFilter.self, from: Data(job.filters.utf8))
            let maxRows = settings.activityExportMaxRows
            let rows = try await activity.exportRows(workspaceID: job.workspaceID, filter: filter, limit: maxRows + 1)
            guard rows.count <= maxRows else {
                try await exports.fail(id: job.id, code: "export_too_large",
                                       message: "More than \(maxRows) activities match; narrow the date range or filters.")
                return true
            }
            let bytes = try ActivityExportRenderer.render(rows, format: job.format)
            guard bytes.count <= settings.activityExportMaxBytes else {
                try await exports.fail(id: job.id, code: "export_too_large",
                                       message: "The export would exceed \(settings.activityExportMaxBytes) bytes; narrow the date range or filters.")
                return true
            }
            try await exports.complete(id: job.id, rowCount: rows.count, content: ByteBuffer(bytes: bytes),
                                       contentType: ActivityExportRenderer.contentType(job.format),
                                       fileName: ActivityExportRenderer.fileName(jobID: job.id, format: job.format, at: Date()))
        } catch is CancellationError {
            // Shutting down: the lease runs out and another worker (or this one after the restart) runs it again.
            throw CancellationError()
        } catch {
            logger.error("activity export failed", metadata: ["job_id": "\(job.id)", "error": "\(String(reflecting: error))"])
            try await exports.fail(id: job.id, code: "export_failed", message: "The export could not be produced; please try again.")
        }
        return true
    }
}

/// The last prune's time, shared by the worker's passes.
final class PruneClock: Sendable {
    private let last = Mutex<ContinuousClock.Instant?>(nil)

    /// True (and the clock restarted) when no prune ran within `interval`.
    func due(every interval: Duration) -> Bool {
        let now = ContinuousClock.now
        return last.withLock { last in
            if let previous = last, now - previous < interval { return false }
            last = now
            return true
        }
    }
}

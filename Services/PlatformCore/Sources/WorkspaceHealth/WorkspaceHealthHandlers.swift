import Foundation
import HTTPTypes
import Hummingbird
import KisumKernel
import KisumPersistence
import NIOCore

/// The Workspace Health group (`jwt+org`): what is configured (read from the settings and rows the features
/// themselves use), and the per-workspace data migrations (`WorkspaceDataFix`) run as a job with SSE progress.
struct WorkspaceHealthHandlers {
    let health: WorkspaceHealthRepository
    let migrations: WorkspaceDataMigrationRepository
    let settings: PlatformCoreSettings
    var streamDeadline: Duration = .seconds(600)

    struct Feature: Codable, Sendable {
        var configured: Bool
        var provider: String
        var detail: String?
    }
    struct BillingFeature: Codable, Sendable {
        var configured: Bool
        var provider: String
        var subscriptionStatus: String?
        var plan: String?
        var trialEndsAt: Date?
    }
    struct ModulesFeature: Codable, Sendable {
        var enabled: [String]
        var disabled: [String]
        /// Catalog modules without a settings row (a data migration adds them).
        var unconfigured: [String]
    }
    struct Features: Codable, Sendable {
        var billing: BillingFeature
        var email: Feature
        var storage: Feature
        var modules: ModulesFeature
    }
    struct PendingMigration: Codable, Sendable {
        var migration: String
        var title: String
        var pendingChanges: Int
    }
    struct Health: ResponseEncodable, Sendable {
        var workspaceId: UUID
        var status: String
        var brand: Bool
        var migrationRequired: Bool
        var personalOnboardingComplete: Bool
        var companyOnboardingComplete: Bool
        var pendingMigrations: [PendingMigration]
        var features: Features
        var checkedAt: Date
    }
    struct MigrationStarted: ResponseEncodable, Sendable {
        var jobId: UUID
        var status: String
        var alreadyRunning: Bool
        var streamUrl: String
    }

    /// `GET /workspace-health` (`workspace.read`): 200 when up to date; 503 with the same body while a data
    /// migration is pending ("Returns HTTP 503 Service Unavailable if migration is required").
    @Sendable func get(_ request: Request, context: PlatformRequestContext) async throws -> Response {
        let scope = try context.tenant(permission: Permission.workspaceRead)
        guard let snapshot = try await health.snapshot(workspaceID: scope.companyID, userID: scope.userID) else {
            throw APIError.notFound("workspace")
        }
        let pending = try await migrations.pending(workspaceID: scope.companyID).filter { $0.1 > 0 }
            .map { PendingMigration(migration: $0.0.rawValue, title: $0.0.title, pendingChanges: $0.1) }
        let body = Health(workspaceId: scope.companyID, status: pending.isEmpty ? "ok" : "migration_required", brand: snapshot.brand,
                          migrationRequired: !pending.isEmpty, personalOnboardingComplete: snapshot.personalOnboardingComplete,
                          companyOnboardingComplete: snapshot.companyOnboardingComplete, pendingMigrations: pending,
                          features: features(snapshot), checkedAt: Date())
        var response = try context.responseEncoder.encode(body, from: request, context: context)
        if !pending.isEmpty { response.status = .serviceUnavailable }
        response.headers[.cacheControl] = "no-store"
        return response
    }

    /// Each feature from the setting that switches it: Stripe keys (else the local provider), SMTP_URL (else the
    /// local mailbox), the storage directory (writable or not), the workspace's module rows.
    func features(_ snapshot: WorkspaceHealthRepository.Snapshot) -> Features {
        let billing = BillingFeature(configured: settings.stripe != nil, provider: settings.stripe != nil ? "stripe" : "local",
                                     subscriptionStatus: snapshot.subscriptionStatus, plan: snapshot.subscriptionPlan,
                                     trialEndsAt: snapshot.trialEndsAt)
        let email = Feature(configured: settings.mail.smtpURL != nil, provider: settings.mail.smtpURL != nil ? "smtp" : "local_mailbox",
                            detail: settings.mail.smtpURL != nil ? "TLS \(settings.mail.tls)" : "E-mails are kept in the outbox (no SMTP_URL).")
        var isDirectory: ObjCBool = false
        let directory = settings.storageDirectory
        let exists = FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) && isDirectory.boolValue
        let writable = exists && FileManager.default.isWritableFile(atPath: directory)
        let storage = Feature(configured: writable, provider: "local_disk",
                              detail: writable ? nil : (exists ? "The storage directory is not writable." : "The storage directory does not exist yet."))
        let modules = ModulesFeature(enabled: snapshot.modules.filter { $0.enabled == true }.map(\.name),
                                     disabled: snapshot.modules.filter { $0.enabled == false }.map(\.name),
                                     unconfigured: snapshot.modules.filter { $0.enabled == nil }.map(\.name))
        return Features(billing: billing, email: email, storage: storage, modules: modules)
    }

    /// `POST /workspace-health/migrate` (admins and owners; `workspace.update` narrows): queues a run for the job
    /// worker, or answers the run already open for this workspace (`already_running: true`).
    @Sendable func migrate(_ request: Request, context: PlatformRequestContext) async throws -> MigrationStarted {
        let scope = try context.adminTenant(Permission.workspaceUpdate)
        let job = try await migrations.open(workspaceID: scope.companyID, requestedBy: scope.userID)
        return MigrationStarted(jobId: job.id, status: job.status, alreadyRunning: !job.created,
                                streamUrl: "\(settings.publicAPIURL)/api/v1/workspace-health/migration/\(job.id.uuidString.lowercased())/stream")
    }

    /// `GET /workspace-health/migration/{job_id}/stream` (`workspace.read`): `event: status` with `status`, `progress`,
    /// `current_step`, `error_message` (and `applied` at the end) on every change, then the stream ends at COMPLETED or
    /// FAILED. A job of another workspace is 404.
    @Sendable func stream(_ request: Request, context: PlatformRequestContext) async throws -> Response {
        let scope = try context.tenant(permission: Permission.workspaceRead)
        let id = try context.parameters.uuid("job_id", what: "migration job")
        guard try await migrations.state(workspaceID: scope.companyID, id: id) != nil else {
            throw APIError(.notFound, code: "migration_job_not_found", message: "No such migration job in this workspace.")
        }
        let migrations = self.migrations, workspaceID = scope.companyID, deadline = ContinuousClock.now + streamDeadline
        let body = ResponseBody { writer in
            var last: WorkspaceDataMigrationRepository.JobState?
            var quietSince = ContinuousClock.now
            while ContinuousClock.now < deadline {
                guard let state = try await migrations.state(workspaceID: workspaceID, id: id) else { break }
                if state != last {
                    last = state
                    quietSince = ContinuousClock.now
                    try await writer.write(ByteBuffer(string: Self.event(state)))
                    if state.status == "COMPLETED" || state.status == "FAILED" { break }
                } else if ContinuousClock.now - quietSince > .seconds(15) {
                    quietSince = ContinuousClock.now
                    try await writer.write(ByteBuffer(string: ": heartbeat\n\n"))
                }
                try await Task.sleep(for: .milliseconds(200))
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [
            .contentType: "text/event-stream; charset=utf-8",
            .cacheControl: "no-cache, no-store",
            .init("X-Accel-Buffering")!: "no",
        ], body: body)
    }

    static func event(_ state: WorkspaceDataMigrationRepository.JobState) -> String {
        var payload: [String: JSONValue] = [
            "job_id": .uuid(state.id),
            "status": .string(state.status),
            "progress": .number(Double(state.progress)),
            "current_step": .string(state.currentStep),
            "error_message": state.errorMessage.map(JSONValue.string) ?? .null,
        ]
        if state.status == "COMPLETED" { payload["applied"] = (try? JSONValueParser.parse(state.applied)) ?? .array([]) }
        let data = (try? JSONCoding.encoder.encodeBytes(JSONValue.object(payload))).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return "event: status\ndata: \(data)\n\n"
    }
}

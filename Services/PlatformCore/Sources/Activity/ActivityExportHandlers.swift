import Foundation
import HTTPTypes
import Hummingbird
import KisumKernel
import KisumPersistence
import NIOCore

/// Activity exports (`activity.read`): `POST /activity/export` queues a job the background worker runs
/// (`ActivityExportRunner`); the jobs are the caller's own (another member's job, or another workspace's, is 404).
/// The file is downloaded with the bearer token, or through a short-lived signed link (`download-url`).
struct ActivityExportHandlers {
    let database: Database
    let exports: ActivityExportRepository
    let workspaces: WorkspaceRepository
    let signer: ExportLinkSigner
    let publicAPIURL: String
    let linkTTL: TimeInterval
    /// Open (queued or running) exports one member may have at a time.
    static let maxOpenPerUser = 5

    struct ExportBody: ValidatableBody {
        var format: String?
        var types: String?
        var actions: String?
        var userIds: String?
        var teamIds: String?
        var search: String?
        var startDate: String?
        var endDate: String?
        var scope: String?

        func validate(_ v: inout Validator) {
            v.oneOf(format, "format", ["csv", "json"])
        }
    }

    static let notFound = APIError(.notFound, code: "export_job_not_found", message: "No such export job of yours in this workspace.")
    static let notReady = APIError.conflict("export_not_ready", "The export has not completed; check its status.")

    /// `POST /activity/export`: body optional (`format` csv/json, default csv, and the feed's filters). Answers the
    /// QUEUED job; the job and an `activity.export_requested` row are written in one transaction.
    @Sendable func create(_ request: Request, context: PlatformRequestContext) async throws -> ActivityExportJob {
        let scope = try context.tenant(permission: Permission.activityRead)
        let identity = try context.requireIdentity()
        let body = try await request.decodeValidIfPresent(as: ExportBody.self, context: context) ?? ExportBody()
        var problems = ActivityFilterReader.Problems()
        let raw = ActivityFilterReader.Raw(types: body.types, actions: body.actions, userIDs: body.userIds, teamIDs: body.teamIds,
                                           search: body.search, startDate: body.startDate, endDate: body.endDate, scope: body.scope)
        let filter = ActivityFilterReader.filter(raw, userID: scope.userID, problems: &problems)
        try ActivityFilterReader.check(problems, query: false)
        let format = body.format ?? "csv"
        let filters = String(decoding: try JSONCoding.encoder.encodeBytes(filter), as: UTF8.self)
        let row = try await database.transaction { connection in
            try await exports.lockUser(workspaceID: scope.companyID, userID: scope.userID, on: connection)
            guard try await exports.openCount(workspaceID: scope.companyID, userID: scope.userID, on: connection) < Self.maxOpenPerUser else {
                throw APIError.conflict("too_many_exports", "At most \(Self.maxOpenPerUser) exports can wait at a time; let one finish first.")
            }
            let row = try await exports.create(workspaceID: scope.companyID, userID: scope.userID, format: format, filters: filters,
                                               on: connection)
            try await workspaces.recordActivity(workspaceID: scope.companyID, userID: scope.userID, actor: identity.actor,
                                                action: "activity.export_requested", entityType: "activity_export",
                                                entityID: row.id.uuidString.lowercased(),
                                                description: "Activity export (\(format.uppercased())) requested", on: connection)
            return row
        }
        return view(row)
    }

    /// `GET /activity/export/jobs?limit=&offset=`: the caller's jobs here, newest first.
    @Sendable func list(_ request: Request, context: PlatformRequestContext) async throws -> ActivityExportJobList {
        let scope = try context.tenant(permission: Permission.activityRead)
        var query = QueryReader(request)
        let limit = query.int("limit", range: 1...ActivityExportJobList.maxLimit) ?? ActivityExportJobList.defaultLimit
        let offset = query.int("offset", range: 0...ActivityExportJobList.maxOffset) ?? 0
        try query.validate()
        let page = try await exports.list(workspaceID: scope.companyID, userID: scope.userID, limit: limit, offset: offset)
        return ActivityExportJobList(items: page.rows.map(view), total: page.total, limit: limit, offset: offset)
    }

    @Sendable func get(_ request: Request, context: PlatformRequestContext) async throws -> ActivityExportJob {
        let scope = try context.tenant(permission: Permission.activityRead)
        let id = try context.parameters.uuid("job_id", what: "export job")
        guard let row = try await exports.find(workspaceID: scope.companyID, userID: scope.userID, id: id) else { throw Self.notFound }
        return view(row)
    }

    /// `GET …/download`: with `expires` + `signature` (a link from `download-url`) no bearer token is needed until it
    /// expires (`SignedLinkOrTenantMiddleware` lets such requests through); otherwise the caller's own job.
    @Sendable func download(_ request: Request, context: PlatformRequestContext) async throws -> Response {
        let id = try context.parameters.uuid("job_id", what: "export job")
        // Typed parameters are read first, so a malformed one is 400 whichever way the request authenticates.
        var query = QueryReader(request)
        let expiresParameter = query.int("expires", range: 0...9_999_999_999)
        let signatureParameter = request.uri.queryParameters.get("signature")
        if let signatureParameter, !Self.looksLikeSignature(signatureParameter) {
            query.add("signature", "invalid_signature", "64 lower-case hex characters.")
        }
        try query.validate()
        let file: ActivityExportRepository.File?
        if let signature = signatureParameter {
            guard let expires = expiresParameter.map(Int64.init) else {
                throw APIError.forbidden("invalid_link", "This download link is not valid.")
            }
            guard Double(expires) > Date().timeIntervalSince1970 else {
                throw APIError.forbidden("link_expired", "This download link has expired; ask for a new one.")
            }
            guard signer.verify(jobID: id, expires: expires, signature: signature) else {
                throw APIError.forbidden("invalid_link", "This download link is not valid.")
            }
            file = try await exports.fileForSignedLink(id: id)
        } else {
            let scope = try context.tenant(permission: Permission.activityRead)
            file = try await exports.file(workspaceID: scope.companyID, userID: scope.userID, id: id)
        }
        guard let file else { throw Self.notFound }
        guard file.status == "COMPLETED", let content = file.content else { throw Self.notReady }
        let name = file.fileName ?? "activity-export"
        return Response(status: .ok, headers: [
            .contentType: file.contentType ?? "application/octet-stream",
            .contentDisposition: "attachment; filename=\"\(name)\"",
            .cacheControl: "private, no-store",
        ], body: .init(byteBuffer: content))
    }

    /// `GET …/download-url`: a link to `download` signed for `activityExportLinkTTL` (5 minutes).
    @Sendable func downloadURL(_ request: Request, context: PlatformRequestContext) async throws -> ActivityExportLink {
        let scope = try context.tenant(permission: Permission.activityRead)
        let id = try context.parameters.uuid("job_id", what: "export job")
        guard let row = try await exports.find(workspaceID: scope.companyID, userID: scope.userID, id: id) else { throw Self.notFound }
        guard row.status == "COMPLETED" else { throw Self.notReady }
        let ttl = Int64(exactly: linkTTL.rounded(.up)) ?? 300
        let expires = (Int64(exactly: Date().timeIntervalSince1970.rounded(.down)) ?? 0) + ttl
        let url = "\(Self.jobURL(publicAPIURL, id))/download?expires=\(expires)&signature=\(signer.signature(jobID: id, expires: expires))"
        return ActivityExportLink(url: url, expiresAt: Date(timeIntervalSince1970: TimeInterval(expires)),
                                  expiresIn: Int(ttl), fileName: row.fileName)
    }

    static func looksLikeSignature(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }
    }

    static func jobURL(_ base: String, _ id: UUID) -> String {
        "\(base)/api/v1/activity/export/jobs/\(id.uuidString.lowercased())"
    }

    func view(_ row: ActivityExportRepository.Row) -> ActivityExportJob {
        let url = Self.jobURL(publicAPIURL, row.id)
        return ActivityExportJob(id: row.id, jobId: row.id, status: row.status, format: row.format, rowCount: row.rowCount,
                                 sizeBytes: row.sizeBytes, fileName: row.fileName, errorCode: row.errorCode, errorMessage: row.errorMessage,
                                 createdAt: row.createdAt, startedAt: row.startedAt, completedAt: row.completedAt, statusUrl: url,
                                 downloadUrl: row.status == "COMPLETED" ? url + "/download" : nil)
    }
}

import Foundation
import Hummingbird
import KisumKernel
import KisumStorage

/// Nextcloud: the configured account's files over WebDAV (`NextcloudClient`). `GET /api/nextcloud/files?path=`
/// lists a folder (PROPFIND Depth 1; folders first, then by name; paged), `POST /api/nextcloud/files/upload`
/// puts a file (multipart `file` + `path`, the destination file path; the Files upload rules apply),
/// `GET /api/nextcloud/files/download?path=` returns a file's bytes (at most `FILES_MAX_BYTES`). The account is
/// the company's integration, so `basic.integrations.read` reads and `basic.integrations.write` uploads. Not
/// configured → 503 `provider_not_configured`.
struct NextcloudRoutes: Sendable {
    typealias Context = BaseService.Context
    let client: NextcloudClient?
    let files: FilesSettings

    func addRoutes(to tenant: RouterGroup<Context>) {
        let nextcloud = tenant.group("/api/nextcloud/files")
        nextcloud.get("", use: list)
        nextcloud.post("upload", use: upload)
        nextcloud.get("download", use: download)
    }

    func configured() throws -> NextcloudClient {
        guard let client else { throw APIError.providerNotConfigured("Nextcloud") }
        return client
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Page<NextcloudEntry> {
        _ = try context.tenant(permission: BasePermission.integrationsRead)
        var q = QueryReader(request)
        let page = q.page(defaultLimit: 100, maxLimit: 500)
        try q.validate()
        let path = try NextcloudPath(request.uri.queryParameters.get("path") ?? "", allowRoot: true)
        let entries = try await configured().list(path).sorted {
            $0.isDirectory != $1.isDirectory ? $0.isDirectory : ($0.name.lowercased(), $0.name) < ($1.name.lowercased(), $1.name)
        }
        let items = entries.dropFirst(min(page.offset, entries.count)).prefix(page.limit)
        return Page(items: Array(items), total: entries.count, request: page)
    }

    @Sendable func upload(_ request: Request, context: Context) async throws -> EditedResponse<NextcloudEntry> {
        _ = try context.tenant(permission: BasePermission.integrationsWrite)
        let client = try configured()
        let upload = try await UploadRules.read(request, settings: files, textFields: ["path"])
        guard let text = upload.fields["path"], !text.isEmpty else {
            throw APIError.validation(field: "path", code: "required", message: "The destination path of the file, e.g. Documents/rider.pdf.")
        }
        let path = try NextcloudPath(text, allowRoot: false)
        try await client.upload(path, bytes: upload.bytes, contentType: upload.type.contentType)
        var entry = try await client.stat(path)
        if entry.contentType == nil { entry.contentType = upload.type.contentType }
        return EditedResponse(status: .created, response: entry)
    }

    /// Typed by the bytes (`application/octet-stream` when the sniffer does not know them), as an attachment.
    @Sendable func download(_ request: Request, context: Context) async throws -> Response {
        _ = try context.tenant(permission: BasePermission.integrationsRead)
        guard let raw = request.uri.queryParameters.get("path") else {
            throw APIError.badRequest("invalid_query", "Some query parameters are invalid.",
                                      details: [FieldIssue(field: "path", code: "required", message: "The file's path.")])
        }
        let path = try NextcloudPath(raw, allowRoot: false)
        let bytes = try await configured().download(path, maxBytes: files.maxBytes)
        let type = ContentSniffer.sniff(bytes)?.contentType ?? "application/octet-stream"
        return DownloadResponse.attachment(bytes, name: path.name, contentType: type)
    }
}

import Foundation
import HTTPTypes
import Hummingbird
import KisumKernel
import KisumStorage
import NIOCore

/// Files: `POST /api/files/upload` (multipart: `file`, optional `eventId`), and reading an upload back —
/// `GET /api/files/{id}` (the record) and `GET /api/files/{id}/content` (the bytes). Uploads go through the
/// one `ObjectStorage` (local disk, or S3-compatible when configured) with `UploadRules`' limits, checked on
/// the content. Files are event material (riders, contracts, artwork), so they use the events permissions:
/// `basic.events.write` to upload, `basic.events.read` to read.
struct FilesRoutes: Sendable {
    typealias Context = BaseService.Context
    let repository: FilesRepository
    let storage: any ObjectStorage
    let settings: FilesSettings

    func addRoutes(to tenant: RouterGroup<Context>) {
        let files = tenant.group("/api/files")
        files.post("upload", use: upload)
        files.get("{id}", use: get)
        files.get("{id}/content", use: content)
    }

    /// The bytes are stored first and recorded second: a failed record removes them again, and a record never
    /// names bytes that were not stored.
    @Sendable func upload(_ request: Request, context: Context) async throws -> EditedResponse<StoredFile> {
        let scope = try context.tenant(permission: BasePermission.eventsWrite)
        let upload = try await UploadRules.read(request, settings: settings, textFields: ["eventId"])
        var eventID: UUID?
        if let text = upload.fields["eventId"] {
            guard let id = UUID(uuidString: text) else {
                throw APIError.validation(field: "eventId", code: "invalid_uuid", message: "An event id (UUID).")
            }
            guard try await repository.eventExists(companyID: scope.companyID, eventID: id) else {
                throw APIError.validation(field: "eventId", code: "not_found", message: "No event with this id in this company.")
            }
            eventID = id
        }
        let id = UUID()
        let key = "files/\(scope.companyID.uuidString.lowercased())/\(id.uuidString.lowercased())"
        try await storage.put(key: key, data: upload.bytes, contentType: upload.type.contentType)
        do {
            let file = try await repository.insert(companyID: scope.companyID, id: id, upload: upload, storageKey: key, eventID: eventID,
                                                   userID: scope.userID)
            return EditedResponse(status: .created, response: file)
        } catch {
            try? await storage.delete(key: key)
            throw error
        }
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> StoredFile {
        let scope = try context.tenant(permission: BasePermission.eventsRead)
        let id = try context.parameters.uuid("id", what: "file")
        guard let found = try await repository.find(companyID: scope.companyID, id: id) else { throw APIError.notFound("file") }
        return found.file
    }

    /// The bytes as an attachment with the sniffed type, never rendered inline (`nosniff`, no cache).
    @Sendable func content(_ request: Request, context: Context) async throws -> Response {
        let scope = try context.tenant(permission: BasePermission.eventsRead)
        let id = try context.parameters.uuid("id", what: "file")
        guard let found = try await repository.find(companyID: scope.companyID, id: id),
              let bytes = try await storage.get(key: found.storageKey)
        else { throw APIError.notFound("file") }
        return DownloadResponse.attachment(bytes, name: found.file.name, contentType: found.file.contentType)
    }
}

/// Download answers of Files and Nextcloud.
enum DownloadResponse {
    static func attachment(_ bytes: Data, name: String, contentType: String) -> Response {
        // RFC 6266's filename* (UTF-8, percent-encoded): no quote or byte of the name can break the header.
        let encoded = name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "file"
        var headers: HTTPFields = [.contentType: contentType, .contentDisposition: "attachment; filename*=UTF-8''\(encoded)",
                                   .cacheControl: "private, no-store"]
        if let noSniff = HTTPField.Name("X-Content-Type-Options") { headers[noSniff] = "nosniff" }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

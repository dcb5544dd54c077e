import Foundation
import KisumKernel
import KisumPersistence
import KisumStorage
import Logging
import PostgresNIO

/// File records (`files`, 0027). The bytes are in the object storage under `storage_key`, which stays here.
struct FilesRepository: Sendable {
    let database: Database

    static let columns = "id, name, content_type, size_bytes, sha256, event_id, uploaded_by, created_at"

    static let constraints = ConstraintMessages([
        "files_event_fk": .validation(field: "eventId", code: "not_found", message: "No event with this id in this company."),
    ])

    static func decode(_ row: PostgresRow) throws -> StoredFile {
        let c = Columns(row)
        return StoredFile(id: try c("id"), name: try c("name"), contentType: try c("content_type"), size: try c("size_bytes"),
                          sha256: try c("sha256"), eventId: try c("event_id"), uploadedBy: try c("uploaded_by"), createdAt: try c("created_at"))
    }

    func eventExists(companyID: UUID, eventID: UUID) async throws -> Bool {
        try await database.query("SELECT 1 FROM events WHERE company_id = \(companyID) AND id = \(eventID)").first { _ in true } ?? false
    }

    /// Records a file whose bytes are already stored; an event deleted meanwhile fails the foreign key (422 on eventId).
    func insert(companyID: UUID, id: UUID, upload: CheckedUpload, storageKey: String, eventID: UUID?, userID: UUID) async throws -> StoredFile {
        let size = Int64(upload.bytes.count)
        let row = try await Self.constraints.map {
            try await database.query("""
                INSERT INTO files (company_id, id, name, content_type, size_bytes, sha256, storage_key, event_id, uploaded_by)
                VALUES (\(companyID), \(id), \(upload.fileName), \(upload.type.contentType), \(size), \(upload.sha256), \(storageKey),
                        \(eventID), \(userID))
                RETURNING \(unescaped: Self.columns)
                """).first(Self.decode)
        }
        guard let row else { throw APIError.notFound("file") }
        return row
    }

    /// The record and where its bytes are.
    func find(companyID: UUID, id: UUID) async throws -> (file: StoredFile, storageKey: String)? {
        try await database.query("""
            SELECT \(unescaped: Self.columns), storage_key FROM files WHERE company_id = \(companyID) AND id = \(id)
            """).first { row in (file: try Self.decode(row), storageKey: try Columns(row)("storage_key", as: String.self)) }
    }
}

import Foundation
import KisumKernel
import KisumPersistence
import Logging
import PostgresNIO

/// Attachments of income and expense lines. Every statement is keyed by the company and the owning line, so an
/// attachment is reached only through its own line.
struct MoneyAttachmentsRepository: Sendable {
    let database: Database

    static func columns(_ owner: MoneyAttachmentOwner) -> String {
        "m.id, '\(owner.rawValue)' AS owner_type, m.\(owner.column) AS owner_id, m.filename, m.content_type, m.size_bytes, m.sha256, m.created_by, m.created_at"
    }

    static func decode(_ row: PostgresRow) throws -> MoneyAttachment {
        let c = Columns(row)
        return MoneyAttachment(id: try c("id"), ownerType: try c("owner_type"), ownerId: try c("owner_id"), fileName: try c("filename"),
                               contentType: try c("content_type"), sizeBytes: try c("size_bytes"), sha256: try c("sha256"),
                               createdBy: try c("created_by"), createdAt: try c("created_at"))
    }

    func ownerExists(_ owner: MoneyAttachmentOwner, companyID: UUID, ownerID: UUID) async throws -> Bool {
        try await database.query("""
            SELECT 1 FROM \(unescaped: owner.table) WHERE company_id = \(companyID) AND id = \(ownerID)
            """).first { _ in true } ?? false
    }

    /// Newest first.
    func list(_ owner: MoneyAttachmentOwner, companyID: UUID, ownerID: UUID, page: PageRequest) async throws -> (items: [MoneyAttachment], total: Int) {
        func query(_ select: String, _ suffix: String) -> PostgresQuery {
            """
            SELECT \(unescaped: select) FROM money_attachments m
            WHERE m.company_id = \(companyID) AND m.\(unescaped: owner.column) = \(ownerID) \(unescaped: suffix)
            """
        }
        return try await database.page(query, columns: Self.columns(owner), orderBy: "ORDER BY m.created_at DESC, m.id", page: page,
                                       decode: Self.decode)
    }

    /// Stores the file with its size and digest (computed by the database from the bytes); nil when the company
    /// has no such line. The insert selects the line, so the check and the write are one statement, and a line
    /// deleted meanwhile fails its foreign key (also nil).
    func add(_ owner: MoneyAttachmentOwner, companyID: UUID, ownerID: UUID, userID: UUID, fileName: String, contentType: String,
             bytes: Data) async throws -> MoneyAttachment? {
        do {
            return try await database.query("""
                WITH v AS (SELECT \(ByteBuffer(bytes: bytes))::bytea AS bytes),
                m AS (
                    INSERT INTO money_attachments (company_id, \(unescaped: owner.column), filename, content_type, size_bytes, sha256, content,
                                                   created_by)
                    SELECT o.company_id, o.id, \(fileName), \(contentType), octet_length(v.bytes), encode(sha256(v.bytes), 'hex'), v.bytes,
                           \(userID)
                    FROM \(unescaped: owner.table) o CROSS JOIN v
                    WHERE o.company_id = \(companyID) AND o.id = \(ownerID)
                    RETURNING *)
                SELECT \(unescaped: Self.columns(owner)) FROM m
                """).first(Self.decode)
        } catch let error where error.postgresViolation?.constraint == "money_attachments_\(owner.rawValue)_fk" {
            return nil
        }
    }

    /// The stored file: its name, type and bytes.
    func download(_ owner: MoneyAttachmentOwner, companyID: UUID, ownerID: UUID, id: UUID) async throws -> (String, String, ByteBuffer)? {
        try await database.query("""
            SELECT filename, content_type, content FROM money_attachments
            WHERE company_id = \(companyID) AND \(unescaped: owner.column) = \(ownerID) AND id = \(id)
            """).first { try $0.decode((String, String, ByteBuffer).self) }
    }

    func delete(_ owner: MoneyAttachmentOwner, companyID: UUID, ownerID: UUID, id: UUID) async throws -> Bool {
        try await database.query("""
            DELETE FROM money_attachments WHERE company_id = \(companyID) AND \(unescaped: owner.column) = \(ownerID) AND id = \(id)
            RETURNING id
            """).first { _ in true } ?? false
    }
}

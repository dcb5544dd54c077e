import Foundation
import HTTPTypes
import KisumKernel
import KisumPersistence
import PostgresNIO

/// The company's documents at its linked venues (`venue_documents`, 0014).
struct VenueDocumentsRepository: Sendable {
    let database: Database

    static let columns = """
        d.id, d.venue_id, d.title, d.kind, d.file_name, d.content_type, d.size, d.sha256, d.uploaded_by, d.uploaded_at
        """

    static func decode(_ row: PostgresRow) throws -> VenueDocument {
        let c = Columns(row)
        return VenueDocument(id: try c("id"), venueId: try c("venue_id"), title: try c("title"), kind: try c("kind"), fileName: try c("file_name"),
                             contentType: try c("content_type"), size: try c("size"), sha256: try c("sha256"),
                             uploadedBy: try c("uploaded_by"), uploadedAt: try c("uploaded_at"))
    }

    /// Newest first, optionally of one kind.
    func list(companyID: UUID, venueID: UUID, kind: String?, page: PageRequest) async throws -> (items: [VenueDocument], total: Int) {
        func query(_ select: String, _ suffix: String) -> PostgresQuery {
            """
            SELECT \(unescaped: select) FROM venue_documents d
            WHERE d.company_id = \(companyID) AND d.venue_id = \(venueID) AND (\(kind)::text IS NULL OR d.kind = \(kind))
            \(unescaped: suffix)
            """
        }
        return try await database.page(query, columns: Self.columns, orderBy: "ORDER BY d.uploaded_at DESC, d.id", page: page,
                                       decode: Self.decode)
    }

    /// Stores the file under the company's link; nil when the company has not linked the venue. The digest and size
    /// are computed by the database from the stored bytes.
    func create(companyID: UUID, venueID: UUID, userID: UUID, title: String, kind: String, fileName: String?, contentType: String,
                bytes: Data) async throws -> VenueDocument? {
        try await database.query("""
            INSERT INTO venue_documents AS d (company_id, venue_id, title, kind, file_name, content_type, size, sha256, bytes, uploaded_by)
            SELECT l.company_id, l.venue_id, \(title), \(kind), \(fileName), \(contentType), octet_length(v.bytes),
                   encode(sha256(v.bytes), 'hex'), v.bytes, \(userID)
            FROM venue_links l CROSS JOIN (SELECT \(bytes)::bytea AS bytes) v
            WHERE l.company_id = \(companyID) AND l.venue_id = \(venueID)
            RETURNING \(unescaped: Self.columns)
            """).first(Self.decode)
    }
}

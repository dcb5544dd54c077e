import Foundation
import KisumPersistence
import Logging
import PostgresNIO

/// The `ContractsRepository` statements around the contract document: the data it is rendered from, and recording it.
extension ContractsRepository {
    // MARK: Document data

    /// Everything the document shows, read in a fixed number of queries: the contract, its booking
    /// (with space names), its deal, and the venue — the booking's venue, else the company's first.
    func renderData(_ record: ContractRecord) async throws -> ContractRenderData {
        let companyID = record.contract.companyId
        var booking: ContractRenderData.BookingSummary?
        var venueID: UUID?
        if let bookingID = record.contract.bookingId,
           let row = try await database.query("""
               SELECT title, status, starts_at, ends_at FROM bookings WHERE company_id = \(companyID) AND id = \(bookingID)
               """).first({ try $0.decode((String?, String, Date, Date).self) }) {
            let spaces = try await database.query("""
                SELECT s.name, s.venue_id FROM booking_spaces bs
                JOIN spaces s ON s.company_id = bs.company_id AND s.id = bs.space_id
                WHERE bs.company_id = \(companyID) AND bs.booking_id = \(bookingID)
                ORDER BY s.name
                """).collect { try $0.decode((String, UUID).self) }
            venueID = spaces.first?.1
            booking = .init(title: row.0, status: row.1, startAt: row.2, endAt: row.3, spaceNames: spaces.map(\.0))
        }
        var deal: Deal?
        if let dealID = record.contract.dealId {
            deal = try await database.query("""
                SELECT \(unescaped: DealsRepository.columns) FROM deals d WHERE d.company_id = \(companyID) AND d.id = \(dealID)
                """).first(DealsRepository.decode)
        }
        let venue = try await database.query("""
            SELECT name, address_line1, address_line2, postal_code, city, region, country, timezone, contact_email, contact_phone
            FROM venues
            WHERE company_id = \(companyID) AND deleted_at IS NULL
            ORDER BY (id = \(venueID)) IS TRUE DESC, created_at, id
            LIMIT 1
            """).first { row -> ContractRenderData.VenueSummary in
                let c = Columns(row)
                return .init(name: try c("name"), addressLine1: try c("address_line1"), addressLine2: try c("address_line2"),
                             postalCode: try c("postal_code"), city: try c("city"), region: try c("region"), country: try c("country"),
                             timezone: try c("timezone"), contactEmail: try c("contact_email"), contactPhone: try c("contact_phone"))
            }
        return ContractRenderData(contract: record.contract, venue: venue, booking: booking, deal: deal)
    }

    /// Points the contract at its new document and marks it generated — only if nothing changed since
    /// the data it was rendered from was read (else a concurrent edit would be silently lost from it).
    static func recordDocument(companyID: UUID, id: UUID, renderedFrom version: String, document: StoredDocument, generatedAt: Date,
                               on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        try await connection.query("""
            UPDATE contracts SET
                status = 'generated', document_storage_key = \(document.key), document_content_type = \(document.contentType),
                document_size_bytes = \(document.sizeBytes), document_sha256 = \(document.sha256), generated_at = \(generatedAt),
                updated_at = now()
            WHERE company_id = \(companyID) AND id = \(id) AND xmin::text = \(version) AND status IN ('draft', 'generated')
            RETURNING id
            """, logger: logger).first { try $0.decode(UUID.self) } != nil
    }
}

/// The inputs of a contract document.
struct ContractRenderData: Sendable {
    struct VenueSummary: Sendable {
        var name: String
        var addressLine1: String?
        var addressLine2: String?
        var postalCode: String?
        var city: String?
        var region: String?
        var country: String?
        var timezone: String?
        var contactEmail: String?
        var contactPhone: String?
    }

    struct BookingSummary: Sendable {
        var title: String?
        var status: String
        var startAt: Date
        var endAt: Date
        var spaceNames: [String]
    }

    var contract: Contract
    var venue: VenueSummary?
    var booking: BookingSummary?
    var deal: Deal?
}

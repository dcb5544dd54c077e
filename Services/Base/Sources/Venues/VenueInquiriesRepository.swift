import Foundation
import HTTPTypes
import KisumKernel
import KisumPersistence
import PostgresNIO

/// Inquiries the company sent (`venue_inquiries`, 0014); kept as history whether or not the venue is linked.
struct VenueInquiriesRepository: Sendable {
    let database: Database

    static let columns = """
        i.id, i.venue_id, i.venue_name, i.recipient, i.status, i.starts_on::text AS starts_on, i.ends_on::text AS ends_on, i.space_ids,
        i.expected_attendance, i.event_id, i.message, i.created_by, i.created_at
        """

    static let constraints = ConstraintMessages([
        "venue_inquiries_event_fk": .validation(field: "eventId", code: "not_found", message: "No event with this id in this company."),
    ])

    static func decode(_ row: PostgresRow) throws -> VenueInquiry {
        let c = Columns(row)
        return VenueInquiry(id: try c("id"), venueId: try c("venue_id"), venueName: try c("venue_name"), recipient: try c("recipient"),
                            status: try c("status"), startsOn: try c("starts_on"), endsOn: try c("ends_on"), spaceIds: try c("space_ids"),
                            expectedAttendance: try c("expected_attendance"), eventId: try c("event_id"), message: try c("message"),
                            createdBy: try c("created_by"), createdAt: try c("created_at"))
    }

    /// The newest `limit` inquiries of the company about the venue, and how many there are.
    func recent(companyID: UUID, venueID: UUID, limit: Int) async throws -> (items: [VenueInquiry], total: Int) {
        func query(_ select: String, _ suffix: String) -> PostgresQuery {
            """
            SELECT \(unescaped: select) FROM venue_inquiries i
            WHERE i.company_id = \(companyID) AND i.venue_id = \(venueID)
            \(unescaped: suffix)
            """
        }
        return try await database.page(query, columns: Self.columns, orderBy: "ORDER BY i.created_at DESC, i.id",
                                       page: PageRequest(page: 1, limit: limit), decode: Self.decode)
    }

    func create(companyID: UUID, userID: UUID, venueID: UUID, venueName: String, recipient: String,
                _ b: CreateVenueInquiry) async throws -> VenueInquiry {
        let name = VenueLinkRules.clip(venueName, 200)
        let message = (b.message ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let startsOn = b.startsOn ?? ""
        return try await Self.constraints.map {
            guard let inquiry = try await database.query("""
                INSERT INTO venue_inquiries AS i (company_id, venue_id, venue_name, recipient, starts_on, ends_on, space_ids,
                    expected_attendance, event_id, message, created_by)
                VALUES (\(companyID), \(venueID), \(name.isEmpty ? "?" : name), \(recipient == "kisum" ? "kisum" : "venue"),
                    \(startsOn)::date, COALESCE(\(b.endsOn)::date, \(startsOn)::date), \(b.spaceIds ?? [])::uuid[],
                    \(b.expectedAttendance), \(b.eventId), \(message), \(userID))
                RETURNING \(unescaped: Self.columns)
                """).first(Self.decode) else { throw APIError.internalError }
            return inquiry
        }
    }
}

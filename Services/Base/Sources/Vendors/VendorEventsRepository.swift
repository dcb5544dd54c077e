import Foundation
import KisumKernel
import KisumPersistence
import PostgresNIO

/// Which of the company's events a vendor serves (`event_vendors`, 0024), joined to the event for its headline.
struct VendorEventsRepository: Sendable {
    let database: Database

    static let columns = """
        ev.vendor_id, ev.event_id, e.name AS event_name, e.event_date::text AS event_date, e.status AS event_status, e.venue_name, e.city,
        ev.service, ev.fee_minor, ev.currency::text AS currency, ev.notes, ev.created_by, ev.created_at
        """

    static let constraints = ConstraintMessages([
        "event_vendors_pkey": .conflict("already_attached", "The vendor is already attached to this event; detach it first to change it."),
        "event_vendors_event_fk": .validation(field: "eventId", code: "not_found", message: "The company has no event with this id."),
        "event_vendors_vendor_fk": .notFound("vendor"),
    ])

    static func decode(_ row: PostgresRow) throws -> VendorEvent {
        let c = Columns(row)
        return VendorEvent(vendorId: try c("vendor_id"), eventId: try c("event_id"), eventName: try c("event_name"),
                           eventDate: try c("event_date"), eventStatus: try c("event_status"), venueName: try c("venue_name"),
                           city: try c("city"), service: try c("service"), feeMinor: try c("fee_minor"), currency: try c("currency"),
                           notes: try c("notes"), createdBy: try c("created_by"), createdAt: try c("created_at"))
    }

    /// By event day, latest first (`descending`, the default) or earliest first; within `from…to` when given.
    func list(companyID: UUID, vendorID: UUID, from: String?, to: String?, descending: Bool,
              page: PageRequest) async throws -> (items: [VendorEvent], total: Int) {
        func query(_ select: String, _ suffix: String) -> PostgresQuery {
            """
            SELECT \(unescaped: select) FROM event_vendors ev
            JOIN events e ON e.company_id = ev.company_id AND e.id = ev.event_id
            WHERE ev.company_id = \(companyID) AND ev.vendor_id = \(vendorID)
              AND (\(from)::date IS NULL OR e.event_date >= \(from)::date)
              AND (\(to)::date IS NULL OR e.event_date <= \(to)::date)
            \(unescaped: suffix)
            """
        }
        let order = descending ? "ORDER BY e.event_date DESC, e.id" : "ORDER BY e.event_date, e.id"
        return try await database.page(query, columns: Self.columns, orderBy: order, page: page, decode: Self.decode)
    }

    /// Nil when the company has no such vendor (the insert selects it, so another company's vendor is never
    /// touched). The event's foreign key refuses another company's (or no) event: 422 on `eventId`; a second
    /// attachment of the same pair is 409 `already_attached`.
    func attach(companyID: UUID, vendorID: UUID, userID: UUID, _ b: VendorEventInput) async throws -> VendorEvent? {
        try await Self.constraints.map {
            try await database.query("""
                WITH ev AS (
                    INSERT INTO event_vendors (company_id, event_id, vendor_id, service, fee_minor, currency, notes, created_by)
                    SELECT v.company_id, \(b.eventId)::uuid, v.id, \(VendorText.trimmed(b.service))::text, \(b.feeMinor)::bigint,
                           \(b.currency)::text, \(b.notes)::text, \(userID)
                    FROM vendors v WHERE v.company_id = \(companyID) AND v.id = \(vendorID)
                    RETURNING *)
                SELECT \(unescaped: Self.columns) FROM ev JOIN events e ON e.company_id = ev.company_id AND e.id = ev.event_id
                """).first(Self.decode)
        }
    }

    func detach(companyID: UUID, vendorID: UUID, eventID: UUID) async throws -> Bool {
        try await database.query("""
            DELETE FROM event_vendors WHERE company_id = \(companyID) AND vendor_id = \(vendorID) AND event_id = \(eventID) RETURNING event_id
            """).first { try $0.decode(UUID.self) } != nil
    }
}

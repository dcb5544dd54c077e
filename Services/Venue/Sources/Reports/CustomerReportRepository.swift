import Foundation
import KisumKernel
import KisumPersistence
import PostgresNIO

/// The customers report's SQL: one statement for the page of rows and the totals.
struct CustomerReportRepository: Sendable {
    let database: Database

    /// - `scoped`: the company's bookings overlapping [fromAt, toAt) (as the bookings list and utilization count
    ///   them), every status, narrowed by the report filters: venueId/spaceId = one of its spaces; marketCompanyId /
    ///   marketPersonId = its party; businessUnitId = its venue event's (`eventId` or its placeholder shadow);
    /// - `parties`: each booking once per party it names (company, person);
    /// - `grouped`: per party, bookings, confirmed (confirmed or completed), cancelled, the latest start;
    /// - `paged`: the page, busiest parties first (then the latest booking, kind, id), each with the display
    ///   name of its most recent overlay (the `(company_id, party_kind, party_id, seq)` index, per row of the page);
    /// - the totals come with every row, and alone (a row of nulls) when the page is empty.
    func report(companyID: UUID, _ query: ReportQuery, page: PageRequest) async throws -> (rows: [CustomerReportRow], totals: CustomerReportTotals) {
        let statement: PostgresQuery = """
            WITH win AS (SELECT tstzrange(\(query.fromAt), \(query.toAt), '[)') AS r),
            scoped AS (
                SELECT b.id, b.status, b.starts_at, b.market_company_id, b.market_person_id
                FROM win, bookings b
                WHERE b.company_id = \(companyID) AND b.starts_at < upper(win.r) AND b.ends_at > lower(win.r)
                  AND ((\(query.venueID)::uuid IS NULL AND \(query.venueNumber)::bigint IS NULL AND \(query.spaceID)::uuid IS NULL) OR EXISTS (
                        SELECT 1 FROM booking_spaces bs JOIN spaces s ON s.company_id = bs.company_id AND s.id = bs.space_id
                        WHERE bs.company_id = \(companyID) AND bs.booking_id = b.id
                          AND (\(query.venueID)::uuid IS NULL OR s.venue_id = \(query.venueID))
                          AND (\(query.venueNumber)::bigint IS NULL OR s.venue_id IN (
                              SELECT v.id FROM venues v WHERE v.company_id = \(companyID) AND v.venue_id = \(query.venueNumber)))
                          AND (\(query.spaceID)::uuid IS NULL OR s.id = \(query.spaceID))))
                  AND (\(query.marketCompanyID)::uuid IS NULL OR b.market_company_id = \(query.marketCompanyID))
                  AND (\(query.marketPersonID)::uuid IS NULL OR b.market_person_id = \(query.marketPersonID))
                  AND (\(query.businessUnitID)::uuid IS NULL OR EXISTS (
                        SELECT 1 FROM venue_events e
                        WHERE e.company_id = \(companyID) AND (e.id = b.event_id OR e.booking_id = b.id)
                          AND e.business_unit_id = \(query.businessUnitID)))
            ),
            parties AS (
                SELECT 'company'::text AS party_kind, market_company_id AS party_id, status, starts_at FROM scoped
                WHERE market_company_id IS NOT NULL
                UNION ALL
                SELECT 'person'::text, market_person_id, status, starts_at FROM scoped WHERE market_person_id IS NOT NULL
            ),
            grouped AS (
                SELECT party_kind, party_id, count(*) AS bookings,
                       count(*) FILTER (WHERE status IN ('confirmed', 'completed')) AS confirmed,
                       count(*) FILTER (WHERE status = 'cancelled') AS cancelled, max(starts_at) AS last_booking_at
                FROM parties GROUP BY party_kind, party_id
            ),
            totals AS (
                SELECT (SELECT count(*) FROM grouped) AS customers, count(*) AS bookings,
                       count(*) FILTER (WHERE status IN ('confirmed', 'completed')) AS confirmed,
                       count(*) FILTER (WHERE status = 'cancelled') AS cancelled
                FROM scoped
            ),
            paged AS (
                SELECT g.* FROM grouped g
                ORDER BY g.bookings DESC, g.last_booking_at DESC, g.party_kind, g.party_id
                \(unescaped: SQLText.page(page))
            )
            SELECT t.customers, t.bookings AS total_bookings, t.confirmed AS total_confirmed, t.cancelled AS total_cancelled,
                   p.party_kind, p.party_id, p.bookings, p.confirmed, p.cancelled, p.last_booking_at, o.display_name
            FROM totals t
            LEFT JOIN paged p ON true
            LEFT JOIN LATERAL (
                SELECT co.display_name FROM customer_overlays co
                WHERE co.company_id = \(companyID) AND co.party_kind = p.party_kind AND co.party_id = p.party_id
                ORDER BY co.seq DESC LIMIT 1
            ) o ON true
            ORDER BY p.bookings DESC, p.last_booking_at DESC, p.party_kind, p.party_id
            """
        var rows: [CustomerReportRow] = []
        var totals = CustomerReportTotals(customerCount: 0, bookingCount: 0, confirmedCount: 0, cancelledCount: 0, finance: nil)
        for try await row in try await database.query(statement) {
            let c = Columns(row)
            totals = CustomerReportTotals(customerCount: try c("customers"), bookingCount: try c("total_bookings"),
                                          confirmedCount: try c("total_confirmed"), cancelledCount: try c("total_cancelled"), finance: nil)
            guard let partyID: UUID = try c("party_id") else { continue }
            rows.append(CustomerReportRow(partyId: partyID, partyKind: try c("party_kind"), displayName: try c("display_name"),
                                          bookingCount: try c("bookings"), confirmedCount: try c("confirmed"),
                                          cancelledCount: try c("cancelled"), lastBookingAt: try c("last_booking_at")))
        }
        return (rows, totals)
    }
}

import Foundation
import KisumKernel
import KisumPersistence
import PostgresNIO

/// The Venue side of the money reports: the shared bucket calendar (with the local days Finance's issue dates
/// map onto) and live deposits per (bucket, currency). Finance's figures come over HTTP (`FinanceLedger`).
struct MoneyReportsRepository: Sendable {
    let database: Database

    /// The report's buckets from `venue_report_buckets` (the edges utilization uses), each with the local
    /// calendar days it covers, and the local days the window meets: the issue dates to ask Finance for. The
    /// last day is the one holding the last instant before toAt, so a toAt at local midnight ends the day before.
    func calendar(_ query: ReportQuery) async throws -> ReportCalendar {
        try await ReportsRepository.zoneChecked {
            var calendar = ReportCalendar(firstDay: "", lastDay: "", buckets: [])
            for try await row in try await database.query("""
                WITH win AS (SELECT tstzrange(\(query.fromAt), \(query.toAt), '[)') AS r, \(query.timezone)::text AS tz)
                SELECT k.starts, k.ends, to_char(k.first_day, 'YYYY-MM-DD') AS first_day, to_char(k.last_day, 'YYYY-MM-DD') AS last_day,
                       to_char((lower(win.r) AT TIME ZONE win.tz)::date, 'YYYY-MM-DD') AS window_first_day,
                       to_char(((upper(win.r) - interval '1 microsecond') AT TIME ZONE win.tz)::date, 'YYYY-MM-DD') AS window_last_day
                FROM win, venue_report_buckets(win.r, win.tz, \(query.bucket.rawValue)) k
                ORDER BY k.starts
                """) {
                let c = Columns(row)
                calendar.firstDay = try c("window_first_day")
                calendar.lastDay = try c("window_last_day")
                calendar.buckets.append(ReportCalendar.Bucket(start: try c("starts"), end: try c("ends"), firstDay: try c("first_day"),
                                                              lastDay: try c("last_day")))
            }
            return calendar
        }
    }

    /// Live (not cancelled) deposits created in the window, per (bucket, currency), by `created_at`: the moment
    /// Venue asked for the money (the one instant every deposit has; its due date may be absent). Filters reach a
    /// deposit through what it names:
    /// - its booking: `booking_id`, or else the booking its event shadows (a placeholder's `booking_id`);
    /// - venueId / spaceId: a space of that booking, or one of its event's `space_ids`;
    /// - marketCompanyId / marketPersonId: that booking's party (a deposit without a booking matches none);
    /// - businessUnitId: its event's, or that booking's venue event's (`eventId` or its placeholder shadow).
    /// Sums saturate at the bigint maximum rather than fail (each deposit is at most 10^15).
    func deposits(companyID: UUID, _ query: ReportQuery) async throws -> [DepositBucketTotal] {
        try await ReportsRepository.zoneChecked {
            try await database.query("""
                WITH win AS (SELECT tstzrange(\(query.fromAt), \(query.toAt), '[)') AS r, \(query.timezone)::text AS tz),
                live AS (
                    SELECT d.currency, d.amount_minor, d.created_at
                    FROM win, deposits d
                    LEFT JOIN venue_events e ON e.company_id = d.company_id AND e.id = d.event_id
                    LEFT JOIN bookings b ON b.company_id = d.company_id AND b.id = COALESCE(d.booking_id, e.booking_id)
                    WHERE d.company_id = \(companyID) AND d.status <> 'cancelled'
                      AND d.created_at >= lower(win.r) AND d.created_at < upper(win.r)
                      AND ((\(query.venueID)::uuid IS NULL AND \(query.venueNumber)::bigint IS NULL AND \(query.spaceID)::uuid IS NULL) OR EXISTS (
                            SELECT 1 FROM spaces s
                            WHERE s.company_id = \(companyID)
                              AND (\(query.venueID)::uuid IS NULL OR s.venue_id = \(query.venueID))
                              AND (\(query.venueNumber)::bigint IS NULL OR s.venue_id IN (
                                  SELECT v.id FROM venues v WHERE v.company_id = \(companyID) AND v.venue_id = \(query.venueNumber)))
                              AND (\(query.spaceID)::uuid IS NULL OR s.id = \(query.spaceID))
                              AND (s.id = ANY (e.space_ids) OR EXISTS (
                                    SELECT 1 FROM booking_spaces bs
                                    WHERE bs.company_id = \(companyID) AND bs.booking_id = b.id AND bs.space_id = s.id))))
                      AND (\(query.marketCompanyID)::uuid IS NULL OR b.market_company_id = \(query.marketCompanyID))
                      AND (\(query.marketPersonID)::uuid IS NULL OR b.market_person_id = \(query.marketPersonID))
                      AND (\(query.businessUnitID)::uuid IS NULL OR e.business_unit_id = \(query.businessUnitID) OR EXISTS (
                            SELECT 1 FROM venue_events be
                            WHERE be.company_id = \(companyID) AND (be.id = b.event_id OR be.booking_id = b.id)
                              AND be.business_unit_id = \(query.businessUnitID)))
                )
                SELECT k.starts, l.currency, count(*)::int8 AS deposits,
                       LEAST(sum(l.amount_minor), 9223372036854775807)::int8 AS amount
                FROM win, venue_report_buckets(win.r, win.tz, \(query.bucket.rawValue)) k
                JOIN live l ON l.created_at >= k.starts AND l.created_at < k.ends
                GROUP BY k.starts, l.currency
                ORDER BY k.starts, l.currency
                """).collect { row in
                    let c = Columns(row)
                    return DepositBucketTotal(bucketStart: try c("starts"), currency: try c("currency"), count: try c("deposits"),
                                              amountMinor: try c("amount"))
                }
        }
    }
}

import Foundation
import KisumKernel
import KisumPersistence
import PostgresNIO

/// The reports' SQL. Everything is measured in the database with range types, so "counted once" and
/// bucket edges are exact (no minute sampling, no client-side calendar arithmetic).
struct ReportsRepository: Sendable {
    let database: Database

    /// Booked and blocked minutes per (bucket, space), in one statement:
    /// - `win`: the [fromAt, toAt) window, the zone and the bucket step;
    /// - `buckets`: `venue_report_buckets` (migration 0004), the edges every report shares: local midnights of
    ///   the zone, so a DST day is 23 or 25 hours long;
    /// - `scope`: the company's spaces matching venueId/spaceId (not deleted before the window);
    /// - `booked` / `blocked`: per space, `range_agg` of the live intervals clipped to the window: a multirange,
    ///   so overlapping items are one interval (the union, not the sum). Bookings in an occupying status
    ///   (`venue_booking_occupies`, the list the occupancy triggers use); blocks except holds whose expiry has
    ///   passed. The party and business-unit filters apply to bookings; blocks carry neither, so with one of
    ///   those filters no block is counted;
    /// - `cells`: each space's multiranges intersected with each bucket they meet; `used` is the union of both.
    /// Seconds are exact (`extract(epoch …)` is numeric); each figure is floored to whole minutes.
    func utilization(companyID: UUID, _ query: ReportQuery) async throws -> UtilizationFigures {
        let minutes = { (multirange: String) in
            """
            (SELECT floor(COALESCE(sum(extract(epoch FROM upper(r)) - extract(epoch FROM lower(r))), 0) / 60)::bigint
             FROM unnest(\(multirange)) r)
            """
        }
        let statement: PostgresQuery = """
            WITH win AS (
                SELECT tstzrange(\(query.fromAt), \(query.toAt), '[)') AS r, \(query.timezone)::text AS tz
            ),
            buckets AS (
                SELECT k.starts, k.ends FROM win, venue_report_buckets(win.r, win.tz, \(query.bucket.rawValue)) k
            ),
            scope AS (
                SELECT s.id, s.name, s.venue_id FROM win, spaces s
                WHERE s.company_id = \(companyID)
                  AND (\(query.venueID)::uuid IS NULL OR s.venue_id = \(query.venueID))
                  AND (\(query.venueNumber)::bigint IS NULL OR s.venue_id IN (
                      SELECT v.id FROM venues v WHERE v.company_id = \(companyID) AND v.venue_id = \(query.venueNumber)))
                  AND (\(query.spaceID)::uuid IS NULL OR s.id = \(query.spaceID))
                  AND (s.deleted_at IS NULL OR s.deleted_at > lower(win.r))
            ),
            booked AS (
                SELECT bs.space_id, range_agg(tstzrange(b.starts_at, b.ends_at, '[)') * win.r) AS m
                FROM win, bookings b
                JOIN booking_spaces bs ON bs.company_id = b.company_id AND bs.booking_id = b.id
                WHERE b.company_id = \(companyID) AND bs.company_id = \(companyID) AND venue_booking_occupies(b.status)
                  AND b.starts_at < upper(win.r) AND b.ends_at > lower(win.r)
                  AND bs.space_id IN (SELECT id FROM scope)
                  AND (\(query.marketCompanyID)::uuid IS NULL OR b.market_company_id = \(query.marketCompanyID))
                  AND (\(query.marketPersonID)::uuid IS NULL OR b.market_person_id = \(query.marketPersonID))
                  AND (\(query.businessUnitID)::uuid IS NULL OR EXISTS (
                        SELECT 1 FROM venue_events e
                        WHERE e.company_id = \(companyID) AND (e.id = b.event_id OR e.booking_id = b.id)
                          AND e.business_unit_id = \(query.businessUnitID)))
                GROUP BY bs.space_id
            ),
            blocked AS (
                SELECT a.space_id, range_agg(tstzrange(a.starts_at, a.ends_at, '[)') * win.r) AS m
                FROM win, availability_blocks a
                WHERE a.company_id = \(companyID) AND NOT \(query.filtersParties)
                  AND (a.expires_at IS NULL OR a.expires_at > now())
                  AND a.starts_at < upper(win.r) AND a.ends_at > lower(win.r)
                  AND a.space_id IN (SELECT id FROM scope)
                GROUP BY a.space_id
            ),
            cells AS (
                SELECT k.starts, k.ends, s.id AS space_id, s.name AS space_name, s.venue_id,
                       COALESCE(bk.m, '{}') * tstzmultirange(tstzrange(k.starts, k.ends, '[)')) AS booked,
                       COALESCE(bl.m, '{}') * tstzmultirange(tstzrange(k.starts, k.ends, '[)')) AS blocked,
                       tstzmultirange(tstzrange(k.starts, k.ends, '[)') * win.r) AS available
                FROM win, scope s
                LEFT JOIN booked bk ON bk.space_id = s.id
                LEFT JOIN blocked bl ON bl.space_id = s.id
                JOIN buckets k ON (COALESCE(bk.m, '{}') + COALESCE(bl.m, '{}')) && tstzrange(k.starts, k.ends, '[)')
            ),
            measured AS (
                SELECT c.starts, c.ends, c.space_id, c.space_name, c.venue_id,
                       \(unescaped: minutes("c.booked")) AS booked_minutes,
                       \(unescaped: minutes("c.blocked")) AS blocked_minutes,
                       \(unescaped: minutes("c.booked + c.blocked")) AS used_minutes,
                       \(unescaped: minutes("c.available")) AS available_minutes
                FROM cells c
            )
            -- One row even when nothing was used, so the totals' space count and window always arrive.
            SELECT (SELECT count(*) FROM scope) AS space_count,
                   (SELECT floor((extract(epoch FROM upper(r)) - extract(epoch FROM lower(r))) / 60)::bigint FROM win) AS window_minutes,
                   m.*
            FROM (SELECT 1) one LEFT JOIN measured m ON true
            ORDER BY m.starts, m.space_name, m.space_id
            """
        return try await Self.zoneChecked {
            var figures = UtilizationFigures(spaceCount: 0, windowMinutes: 0, rows: [])
            for try await row in try await database.query(statement) {
                let c = Columns(row)
                figures.spaceCount = try c("space_count")
                figures.windowMinutes = try c("window_minutes")
                guard let start: Date = try c("starts") else { continue }
                let used: Int64 = try c("used_minutes"), available: Int64 = try c("available_minutes")
                figures.rows.append(UtilizationRow(
                    bucketStart: start, bucketEnd: try c("ends"), spaceId: try c("space_id"), spaceName: try c("space_name"),
                    venueId: try c("venue_id"), bookedMinutes: try c("booked_minutes"), blockedMinutes: try c("blocked_minutes"),
                    usedMinutes: used, availableMinutes: available, utilization: Utilization.ratio(used, of: available)))
            }
            return figures
        }
    }

    /// The zone list the service accepts comes from the platform's tz database; PostgreSQL has its own copy, and
    /// a name only one of them knows (SQLSTATE 22023) is the caller's input, not a server fault.
    static func zoneChecked<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error where error.postgresViolation?.sqlState == "22023" {
            throw APIError.validation([ReportQuery.unknownTimezone])
        }
    }
}

import Foundation
import KisumKernel
import KisumPersistence
import PostgresNIO

/// The cross-company inventory reads Base's Venues group needs beyond one venue: a batch by ids (Base merges
/// its links with Venue's current data in one call), venues near a point, and a venue's occupancy over days.
/// Only reachable behind the internal key.
struct InternalInventoryRepository: Sendable {
    let database: Database

    /// Mean Earth radius (IUGG), kilometres: distances are great-circle (haversine), good to well under 1 %.
    static let earthRadiusKm = 6371.0088

    /// The live venues among `ids`, in no particular order.
    func venues(ids: [UUID]) async throws -> [Venue] {
        guard !ids.isEmpty else { return [] }
        return try await database.query("""
            SELECT \(unescaped: VenuesRepository.columns) FROM venues v \(unescaped: VenuesRepository.joinType)
            WHERE v.id = ANY(\(ids)::uuid[]) AND v.deleted_at IS NULL
            """).collect(VenuesRepository.decode)
    }

    /// Live venues with coordinates within `radiusKm` of the point, nearest first, with their distance.
    func nearby(latitude: Double, longitude: Double, radiusKm: Double, q: String?, page: PageRequest)
        async throws -> (items: [NearbyVenue], total: Int) {
        let pattern = SQLPattern.contains(q)
        // A bounding box first (an index-friendly prefilter the planner can use), then the exact distance.
        let latDelta = radiusKm / 111.0
        func query(_ select: String, _ suffix: String) -> PostgresQuery {
            """
            SELECT \(unescaped: select) FROM (
                SELECT v.*, \(Self.earthRadiusKm)::float8 * 2 * asin(least(1.0, sqrt(
                    power(sin(radians(v.latitude - \(latitude)::float8) / 2), 2)
                    + cos(radians(\(latitude)::float8)) * cos(radians(v.latitude))
                      * power(sin(radians(v.longitude - \(longitude)::float8) / 2), 2)))) AS distance_km
                FROM venues v
                WHERE v.deleted_at IS NULL AND v.latitude IS NOT NULL AND v.longitude IS NOT NULL
                  AND v.latitude BETWEEN \(latitude - latDelta)::float8 AND \(latitude + latDelta)::float8
            ) v \(unescaped: VenuesRepository.joinType)
            WHERE v.distance_km <= \(radiusKm)::float8
              AND (\(pattern)::text IS NULL OR v.name ILIKE \(pattern) OR v.city ILIKE \(pattern))
            \(unescaped: suffix)
            """
        }
        return try await database.page(query, columns: VenuesRepository.columns + ", v.distance_km", orderBy: "ORDER BY v.distance_km, v.id",
                                       page: page) { row in
            NearbyVenue(venue: try VenuesRepository.decode(row), distanceKm: (try Columns(row)("distance_km", as: Double.self) * 1000).rounded() / 1000)
        }
    }

    /// The venue's live spaces and what occupies them between the start of `from` and the end of `to` (UTC days):
    /// bookings in an occupying status and blocks, expired holds left out (they no longer block).
    func availability(companyID: UUID, venueID: UUID, from: String, to: String) async throws -> [InternalBusySpan] {
        try await database.query("""
            SELECT o.space_id, o.source_kind, COALESCE(b.status, ab.kind) AS kind, lower(o.during) AS starts_at,
                   upper(o.during) AS ends_at, o.expires_at
            FROM space_occupancy o
            JOIN spaces s ON s.company_id = o.company_id AND s.id = o.space_id
            LEFT JOIN bookings b ON o.source_kind = 'booking' AND b.company_id = o.company_id AND b.id = o.source_id
            LEFT JOIN availability_blocks ab ON o.source_kind = 'block' AND ab.company_id = o.company_id AND ab.id = o.source_id
            WHERE o.company_id = \(companyID) AND s.venue_id = \(venueID) AND s.deleted_at IS NULL
              AND o.during && tstzrange((\(from)::date)::timestamp AT TIME ZONE 'UTC',
                                        ((\(to)::date + 1)::timestamp) AT TIME ZONE 'UTC', '[)')
              AND (o.expires_at IS NULL OR o.expires_at > now())
            ORDER BY lower(o.during), o.space_id
            """).collect { row in
            let c = Columns(row)
            return InternalBusySpan(spaceId: try c("space_id"), source: try c("source_kind"), kind: try c("kind"),
                                    startsAt: try c("starts_at"), endsAt: try c("ends_at"), expiresAt: try c("expires_at"))
        }
    }
}

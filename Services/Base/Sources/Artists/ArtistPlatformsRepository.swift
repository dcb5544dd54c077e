import Foundation
import KisumKernel
import KisumPersistence
import PostgresNIO

/// An artist's platform links and the audience snapshots recorded for each. Every statement names the company
/// and the artist, so a link (and its snapshots) is only reachable through its own artist.
struct ArtistPlatformsRepository: Sendable {
    let database: Database

    static let columns = "p.id, p.artist_id, p.platform, p.url, p.handle, p.created_at"

    static let constraints = ConstraintMessages([
        "artist_platforms_unique_link": .conflict("duplicate_platform", "The artist already has this link for this platform."),
        "artist_platforms_url_check": .validation(field: "url", code: "invalid_url", message: "Must be an https URL of at most 2048 characters."),
        "artist_platforms_handle_check": .validation(field: "handle", code: "too_long", message: "At most 100 characters."),
        "artist_platform_stats_one_per_instant": .conflict("duplicate_snapshot", "A snapshot of this link is already recorded at this time."),
    ])

    static func decode(_ row: PostgresRow) throws -> ArtistPlatform {
        let c = Columns(row)
        return ArtistPlatform(id: try c("id"), artistId: try c("artist_id"), platform: try c("platform"), url: try c("url"),
                              handle: try c("handle"), createdAt: try c("created_at"))
    }

    /// By platform, then when linked; nil when the company has no such artist.
    func list(companyID: UUID, artistID: UUID, page: PageRequest) async throws -> (items: [ArtistPlatform], total: Int)? {
        var found = false
        var total = 0
        var items: [ArtistPlatform] = []
        let rows = try await database.query("""
            SELECT t.n AS list_total, \(unescaped: Self.columns)
            FROM artists ar
            CROSS JOIN (SELECT count(*) AS n FROM artist_platforms WHERE company_id = \(companyID) AND artist_id = \(artistID)) t
            LEFT JOIN LATERAL (
                SELECT * FROM artist_platforms x WHERE x.company_id = \(companyID) AND x.artist_id = \(artistID)
                ORDER BY x.platform, x.created_at, x.id \(unescaped: SQLText.page(page))) p ON true
            WHERE ar.company_id = \(companyID) AND ar.id = \(artistID)
            ORDER BY p.platform, p.created_at, p.id
            """)
        for try await row in rows {
            found = true
            total = try Columns(row)("list_total", as: Int.self)
            if try Columns(row)("id", as: UUID?.self) != nil { items.append(try Self.decode(row)) }
        }
        return found ? (items, total) : nil
    }

    /// Nil when the company has no such artist.
    func create(companyID: UUID, artistID: UUID, userID: UUID, _ input: PlatformInput) async throws -> ArtistPlatform? {
        try await Self.constraints.map {
            try await database.query("""
                WITH p AS (
                    INSERT INTO artist_platforms (company_id, artist_id, platform, url, handle, created_by)
                    SELECT company_id, id, \(input.platform ?? ""), \(input.url ?? ""), \(input.handle), \(userID)
                    FROM artists WHERE company_id = \(companyID) AND id = \(artistID)
                    RETURNING *)
                SELECT \(unescaped: Self.columns) FROM p
                """).first(Self.decode)
        }
    }

    /// Unlinks the profile and drops its snapshots (they cascade).
    func delete(companyID: UUID, artistID: UUID, id: UUID) async throws -> Bool {
        try await database.query("""
            DELETE FROM artist_platforms WHERE company_id = \(companyID) AND artist_id = \(artistID) AND id = \(id) RETURNING id
            """).first { _ in true } ?? false
    }

    // MARK: Snapshots

    static let snapshotColumns = "s.id, s.platform_id, s.recorded_at, s.followers, s.monthly_listeners, s.streams, s.views, s.likes, s.created_at"

    static func decodeSnapshot(_ row: PostgresRow) throws -> PlatformSnapshot {
        let c = Columns(row)
        return PlatformSnapshot(id: try c("id"), platformId: try c("platform_id"), recordedAt: try c("recorded_at"),
                                followers: try c("followers"), monthlyListeners: try c("monthly_listeners"), streams: try c("streams"),
                                views: try c("views"), likes: try c("likes"), createdAt: try c("created_at"))
    }

    /// Nil when the artist has no such link (in this company).
    func record(companyID: UUID, artistID: UUID, platformID: UUID, userID: UUID, _ input: SnapshotInput) async throws -> PlatformSnapshot? {
        try await Self.constraints.map {
            try await database.query("""
                WITH s AS (
                    INSERT INTO artist_platform_stats (company_id, platform_id, recorded_at, followers, monthly_listeners, streams,
                                                       views, likes, created_by)
                    SELECT company_id, id, COALESCE(\(input.recordedAt), now()), \(input.followers), \(input.monthlyListeners),
                           \(input.streams), \(input.views), \(input.likes), \(userID)
                    FROM artist_platforms WHERE company_id = \(companyID) AND artist_id = \(artistID) AND id = \(platformID)
                    RETURNING *)
                SELECT \(unescaped: Self.snapshotColumns) FROM s
                """).first(Self.decodeSnapshot)
        }
    }

    /// The window's summary and its latest `limit` snapshots in one statement; nil when the artist has no such
    /// link. `from`/`to` are UTC days, both included. Per figure, the first and last values are those of the
    /// earliest and latest snapshots carrying it.
    func stats(companyID: UUID, artistID: UUID, platformID: UUID, from: String?, to: String?, limit: Int) async throws -> PlatformStats? {
        func ends(_ column: String) -> String {
            """
            (array_agg(\(column) ORDER BY recorded_at) FILTER (WHERE \(column) IS NOT NULL))[1] AS \(column)_first,
            (array_agg(\(column) ORDER BY recorded_at DESC) FILTER (WHERE \(column) IS NOT NULL))[1] AS \(column)_last
            """
        }
        let figures = ["followers", "monthly_listeners", "streams", "views", "likes"].map(ends).joined(separator: ",\n")
        var summary: (platform: String, count: Int, first: Date?, last: Date?, growth: PlatformGrowth)?
        var snapshots: [PlatformSnapshot] = []
        let rows = try await database.query("""
            WITH link AS (
                SELECT id, platform FROM artist_platforms
                WHERE company_id = \(companyID) AND artist_id = \(artistID) AND id = \(platformID)),
            window_rows AS (
                SELECT * FROM artist_platform_stats
                WHERE company_id = \(companyID) AND platform_id = (SELECT id FROM link)
                  AND (\(from)::date IS NULL OR recorded_at >= (\(from)::date)::timestamp AT TIME ZONE 'UTC')
                  AND (\(to)::date IS NULL OR recorded_at < (\(to)::date + 1)::timestamp AT TIME ZONE 'UTC')),
            summary AS (
                SELECT count(*) AS snapshot_count, min(recorded_at) AS first_recorded_at, max(recorded_at) AS last_recorded_at,
                       \(unescaped: figures)
                FROM window_rows)
            SELECT l.platform, m.*, \(unescaped: Self.snapshotColumns)
            FROM link l CROSS JOIN summary m
            LEFT JOIN LATERAL (SELECT * FROM window_rows w ORDER BY w.recorded_at DESC LIMIT \(limit)) s ON true
            ORDER BY s.recorded_at
            """)
        for try await row in rows {
            let c = Columns(row)
            if summary == nil {
                func growth(_ column: String) throws -> FigureGrowth? {
                    FigureGrowth(first: try c("\(column)_first", as: Int64?.self), last: try c("\(column)_last", as: Int64?.self))
                }
                summary = (try c("platform"), try c("snapshot_count", as: Int.self), try c("first_recorded_at"), try c("last_recorded_at"),
                           PlatformGrowth(followers: try growth("followers"), monthlyListeners: try growth("monthly_listeners"),
                                          streams: try growth("streams"), views: try growth("views"), likes: try growth("likes")))
            }
            if try c("id", as: UUID?.self) != nil { snapshots.append(try Self.decodeSnapshot(row)) }
        }
        guard let summary else { return nil }
        return PlatformStats(artistId: artistID, platformId: platformID, platform: summary.platform, from: from, to: to,
                             snapshotCount: summary.count, firstRecordedAt: summary.first, lastRecordedAt: summary.last,
                             growth: summary.growth, snapshots: snapshots)
    }
}

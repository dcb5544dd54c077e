import Foundation
import KisumKernel
import KisumPersistence
import PostgresNIO

/// An artist's show history: the rows, and the same rows read as the artist's events.
struct ArtistShowsRepository: Sendable {
    let database: Database

    static let columns = """
        s.id, s.artist_id, s.performed_on::text AS performed_on, s.venue_name, s.city, s.country_id, s.capacity, s.tickets_sold,
        s.gross_minor, s.gross_currency, s.fee_minor, s.fee_currency, s.status, s.source, s.external_ref, s.notes, s.created_by, s.created_at
        """

    static let constraints = ConstraintMessages([
        "artist_shows_artist_fk": .notFound("artist"),
        "artist_shows_country_fk": .validation(field: "countryId", code: "not_found", message: "No country with this id."),
        "artist_shows_external_ref_key": .conflict("show_already_recorded", "This artist already has a manual show with this externalRef."),
    ])

    static func decode(_ row: PostgresRow) throws -> ArtistShow {
        let c = Columns(row)
        return ArtistShow(
            id: try c("id"), artistId: try c("artist_id"), performedOn: try c("performed_on"), venueName: try c("venue_name"),
            city: try c("city"), countryId: try c("country_id"), capacity: try c("capacity"), ticketsSold: try c("tickets_sold"),
            grossMinor: try c("gross_minor"), grossCurrency: try c("gross_currency"), feeMinor: try c("fee_minor"),
            feeCurrency: try c("fee_currency"), status: try c("status"), source: try c("source"), externalRef: try c("external_ref"),
            notes: try c("notes"), createdBy: try c("created_by"), createdAt: try c("created_at"))
    }

    /// Whether the artist is one of the company's: lists answer 404 for another company's artist, not an empty page.
    func artistExists(companyID: UUID, artistID: UUID) async throws -> Bool {
        try await database.query("""
            SELECT 1 FROM artists WHERE company_id = \(companyID) AND id = \(artistID)
            """).first { _ in true } ?? false
    }

    // MARK: History

    /// Newest first; ties (two shows on one day) by the order they were recorded, latest first.
    func list(companyID: UUID, artistID: UUID, _ f: ArtistShowFilter, page: PageRequest) async throws -> (items: [ArtistShow], total: Int) {
        func query(_ select: String, _ suffix: String) -> PostgresQuery {
            """
            SELECT \(unescaped: select) FROM artist_shows s
            WHERE s.company_id = \(companyID) AND s.artist_id = \(artistID)
              AND (\(f.from)::date IS NULL OR s.performed_on >= \(f.from)::date)
              AND (\(f.to)::date IS NULL OR s.performed_on <= \(f.to)::date)
              AND (\(f.countryID)::uuid IS NULL OR s.country_id = \(f.countryID))
              AND (\(f.city)::text IS NULL OR lower(s.city) = lower(\(f.city)))
              AND (\(f.status)::text IS NULL OR s.status = \(f.status))
            \(unescaped: suffix)
            """
        }
        return try await database.page(query, columns: Self.columns, orderBy: "ORDER BY s.performed_on DESC, s.created_at DESC, s.id",
                                       page: page, decode: Self.decode)
    }

    /// Records one manual show; an artist of another company (or none) → 404 through the artist key.
    func create(companyID: UUID, userID: UUID, artistID: UUID, _ input: CreateArtistShow, status: String) async throws -> ArtistShow {
        let show = try await Self.constraints.map {
            try await database.query("""
                INSERT INTO artist_shows AS s (company_id, artist_id, performed_on, venue_name, city, country_id, capacity, tickets_sold,
                                               gross_minor, gross_currency, fee_minor, fee_currency, status, source, external_ref, notes, created_by)
                VALUES (\(companyID), \(artistID), \(input.performedOn)::date, \(input.trimmedVenueName), \(input.trimmedCity), \(input.countryId),
                        \(input.capacity), \(input.ticketsSold), \(input.grossMinor), \(input.grossCurrency), \(input.feeMinor),
                        \(input.feeCurrency), \(status), 'manual', \(input.externalRef), \(input.notes), \(userID))
                RETURNING \(unescaped: Self.columns)
                """).first(Self.decode)
        }
        return try show.orNotFound("artist")
    }

    /// True when a show of this artist was deleted.
    func delete(companyID: UUID, artistID: UUID, showID: UUID) async throws -> Bool {
        try await database.query("""
            DELETE FROM artist_shows WHERE company_id = \(companyID) AND artist_id = \(artistID) AND id = \(showID) RETURNING 1
            """).first { _ in true } ?? false
    }

    // MARK: Events

    /// Shows on or after `day` (soonest first), before it (latest first), or all (latest first).
    func events(companyID: UUID, artistID: UUID, window: EventWindow, day: String, page: PageRequest) async throws -> (items: [ArtistEvent], total: Int) {
        let upcoming = window == .upcoming
        let past = window == .past
        func query(_ select: String, _ suffix: String) -> PostgresQuery {
            """
            SELECT \(unescaped: select) FROM artist_shows s
            WHERE s.company_id = \(companyID) AND s.artist_id = \(artistID)
              AND (NOT \(upcoming) OR s.performed_on >= \(day)::date)
              AND (NOT \(past) OR s.performed_on < \(day)::date)
            \(unescaped: suffix)
            """
        }
        let order = upcoming ? "ORDER BY s.performed_on, s.created_at, s.id" : "ORDER BY s.performed_on DESC, s.created_at DESC, s.id"
        let columns = """
            s.id, s.artist_id, s.performed_on::text AS performed_on, COALESCE(s.venue_name, s.city, 'Show') AS title, s.venue_name,
            s.city, s.country_id, s.status, s.source, s.capacity, s.tickets_sold
            """
        return try await database.page(query, columns: columns, orderBy: order, page: page) { row in
            let c = Columns(row)
            return ArtistEvent(
                id: try c("id"), type: "show", artistId: try c("artist_id"), date: try c("performed_on"), title: try c("title"),
                venueName: try c("venue_name"), city: try c("city"), countryId: try c("country_id"), status: try c("status"),
                source: try c("source"), capacity: try c("capacity"), ticketsSold: try c("tickets_sold"))
        }
    }
}

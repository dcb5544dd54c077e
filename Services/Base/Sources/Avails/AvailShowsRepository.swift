import Foundation
import KisumKernel
import KisumPersistence
import PostgresNIO

/// Links between avails and the shows of their artist's history (`artist_shows`, migration 0004).
struct AvailShowsRepository: Sendable {
    let database: Database

    /// Links the show when it is one of the avail's artist's; nil when nothing was linked (no such avail, or
    /// the show is unknown or another artist's: the caller tells them apart).
    func link(companyID: UUID, userID: UUID, availID: UUID, showID: UUID) async throws -> ArtistShow? {
        try await AvailsRepository.constraints.map {
            try await database.query("""
                WITH l AS (
                    INSERT INTO avail_shows (company_id, avail_id, show_id, linked_by)
                    SELECT a.company_id, a.id, s.id, \(userID)
                    FROM avails a JOIN artist_shows s ON s.company_id = a.company_id AND s.artist_id = a.artist_id AND s.id = \(showID)
                    WHERE a.company_id = \(companyID) AND a.id = \(availID)
                    RETURNING show_id)
                SELECT \(unescaped: ArtistShowsRepository.columns) FROM l JOIN artist_shows s ON s.company_id = \(companyID) AND s.id = l.show_id
                """).first(ArtistShowsRepository.decode)
        }
    }

    /// The linked shows, by day (latest first), in one statement.
    func list(companyID: UUID, availID: UUID, page: PageRequest) async throws -> (items: [ArtistShow], total: Int) {
        func query(_ select: String, _ suffix: String) -> PostgresQuery {
            """
            SELECT \(unescaped: select) FROM avail_shows l
            JOIN artist_shows s ON s.company_id = l.company_id AND s.id = l.show_id
            WHERE l.company_id = \(companyID) AND l.avail_id = \(availID)
            \(unescaped: suffix)
            """
        }
        return try await database.page(query, columns: ArtistShowsRepository.columns, orderBy: "ORDER BY s.performed_on DESC, s.created_at DESC, s.id",
                                       page: page, decode: ArtistShowsRepository.decode)
    }

    /// Counts and sums over the linked shows in one statement; no row when the company has no such avail.
    /// Tickets and amounts count played shows only (as the artist's stats do); totals saturate at 2^63 − 1.
    func summary(companyID: UUID, availID: UUID) async throws -> AvailShowsSummary? {
        try await database.query("""
            WITH shows AS (
                SELECT s.status, s.tickets_sold, s.gross_minor, s.gross_currency, s.fee_minor, s.fee_currency
                FROM avail_shows l JOIN artist_shows s ON s.company_id = l.company_id AND s.id = l.show_id
                WHERE l.company_id = \(companyID) AND l.avail_id = \(availID)
            ), played AS (
                SELECT * FROM shows WHERE status = 'played'
            )
            SELECT a.id AS avail_id,
                (SELECT count(*) FROM shows) AS show_count,
                (SELECT count(*) FROM played) AS played_count,
                (SELECT count(*) FROM shows WHERE status = 'scheduled') AS scheduled_count,
                (SELECT count(*) FROM shows WHERE status = 'cancelled') AS cancelled_count,
                (SELECT COALESCE(sum(tickets_sold), 0)::bigint FROM played) AS tickets_sold,
                (SELECT COALESCE(json_agg(json_build_object('currency', t.currency, 'amountMinor', t.total) ORDER BY t.currency), '[]')::text
                   FROM (SELECT gross_currency AS currency, LEAST(sum(gross_minor), 9223372036854775807)::bigint AS total
                         FROM played WHERE gross_minor IS NOT NULL GROUP BY gross_currency) t) AS gross_totals,
                (SELECT COALESCE(json_agg(json_build_object('currency', t.currency, 'amountMinor', t.total) ORDER BY t.currency), '[]')::text
                   FROM (SELECT fee_currency AS currency, LEAST(sum(fee_minor), 9223372036854775807)::bigint AS total
                         FROM played WHERE fee_minor IS NOT NULL GROUP BY fee_currency) t) AS fee_totals
            FROM avails a WHERE a.company_id = \(companyID) AND a.id = \(availID)
            """).first { row in
                let c = Columns(row)
                func amounts(_ column: String) throws -> [CurrencyAmount] {
                    try JSONCoding.decoder.decode([CurrencyAmount].self, from: Data(try c(column, as: String.self).utf8))
                }
                return AvailShowsSummary(
                    availId: try c("avail_id"), showCount: try c("show_count"), playedCount: try c("played_count"),
                    scheduledCount: try c("scheduled_count"), cancelledCount: try c("cancelled_count"), ticketsSold: try c("tickets_sold"),
                    grossTotals: try amounts("gross_totals"), feeTotals: try amounts("fee_totals"))
            }
    }
}

import Foundation
import KisumKernel
import KisumPersistence
import Logging
import PostgresNIO

/// What is computed from an artist's show history: stats (live or the stored snapshot), audience demographics,
/// the history the prediction models read, and the stored predictions.
struct ArtistInsightsRepository: Sendable {
    let database: Database

    /// The most recent shows a prediction reads: weights halve yearly, so older shows change nothing visible.
    static let predictionHistoryLimit = 10_000

    func artistExists(companyID: UUID, artistID: UUID) async throws -> Bool {
        try await database.query("""
            SELECT 1 FROM artists WHERE company_id = \(companyID) AND id = \(artistID)
            """).first { _ in true } ?? false
    }

    // MARK: Stats

    /// The stats in one statement; no row when the artist is not the company's. Amount totals saturate at
    /// 2^63 − 1 rather than fail (about 9,000 shows at the largest amount a show may hold).
    static func statsQuery(companyID: UUID, artistID: UUID) -> PostgresQuery {
        """
        WITH artist AS (
            SELECT id FROM artists WHERE company_id = \(companyID) AND id = \(artistID)
        ), shows AS (
            SELECT s.status, s.performed_on, s.city, s.country_id, s.capacity, s.tickets_sold,
                   s.gross_minor, s.gross_currency, s.fee_minor, s.fee_currency
            FROM artist_shows s WHERE s.company_id = \(companyID) AND s.artist_id = \(artistID)
        ), played AS (
            SELECT * FROM shows WHERE status = 'played'
        )
        SELECT a.id AS artist_id,
            (SELECT count(*) FROM played) AS show_count,
            (SELECT count(*) FROM shows WHERE status = 'cancelled') AS cancelled_count,
            (SELECT count(*) FROM shows WHERE status = 'scheduled') AS scheduled_count,
            (SELECT COALESCE(sum(tickets_sold), 0)::bigint FROM played) AS tickets_sold,
            (SELECT count(tickets_sold) FROM played) AS shows_with_tickets,
            (SELECT round(avg(tickets_sold))::bigint FROM played) AS average_tickets,
            (SELECT round(avg(tickets_sold::numeric * 10000 / capacity))::integer
               FROM played WHERE tickets_sold IS NOT NULL AND capacity > 0) AS average_fill_rate,
            (SELECT min(performed_on)::text FROM played) AS first_show_on,
            (SELECT max(performed_on)::text FROM played) AS last_show_on,
            (SELECT COALESCE(json_agg(json_build_object('currency', t.currency, 'amountMinor', t.total) ORDER BY t.currency), '[]')::text
               FROM (SELECT gross_currency AS currency, LEAST(sum(gross_minor), 9223372036854775807)::bigint AS total
                     FROM played WHERE gross_minor IS NOT NULL GROUP BY gross_currency) t) AS gross_totals,
            (SELECT COALESCE(json_agg(json_build_object('currency', t.currency, 'amountMinor', t.total) ORDER BY t.currency), '[]')::text
               FROM (SELECT fee_currency AS currency, LEAST(sum(fee_minor), 9223372036854775807)::bigint AS total
                     FROM played WHERE fee_minor IS NOT NULL GROUP BY fee_currency) t) AS fee_totals,
            (SELECT COALESCE(json_agg(json_build_object('countryId', t.country_id, 'iso2', t.iso2, 'name', t.name,
                                                        'tickets', t.tickets, 'shows', t.shows)
                                      ORDER BY t.tickets DESC, t.shows DESC, t.name), '[]')::text
               FROM (SELECT p.country_id, c.iso2, c.name, sum(p.tickets_sold)::bigint AS tickets, count(*) AS shows
                     FROM played p JOIN countries c ON c.id = p.country_id
                     WHERE p.tickets_sold IS NOT NULL
                     GROUP BY p.country_id, c.iso2, c.name
                     ORDER BY tickets DESC, shows DESC, c.name LIMIT 5) t) AS top_countries,
            (SELECT COALESCE(json_agg(json_build_object('city', t.city, 'countryId', t.country_id, 'tickets', t.tickets, 'shows', t.shows)
                                      ORDER BY t.tickets DESC, t.shows DESC, t.city), '[]')::text
               FROM (SELECT min(p.city) AS city, p.country_id, sum(p.tickets_sold)::bigint AS tickets, count(*) AS shows
                     FROM played p
                     WHERE p.tickets_sold IS NOT NULL AND p.city IS NOT NULL
                     GROUP BY lower(p.city), p.country_id
                     ORDER BY tickets DESC, shows DESC, min(p.city) LIMIT 5) t) AS top_cities,
            now() AS computed_at
        FROM artist a
        """
    }

    static func decodeStats(_ row: PostgresRow) throws -> ArtistStats {
        let c = Columns(row)
        func json<T: Decodable>(_ column: String, as type: T.Type) throws -> T {
            try JSONCoding.decoder.decode(T.self, from: Data(try c(column, as: String.self).utf8))
        }
        return ArtistStats(
            artistId: try c("artist_id"), showCount: try c("show_count"), cancelledCount: try c("cancelled_count"),
            scheduledCount: try c("scheduled_count"), ticketsSold: try c("tickets_sold"), showsWithTickets: try c("shows_with_tickets"),
            averageTickets: try c("average_tickets"), averageFillRate: try c("average_fill_rate"),
            grossTotals: try json("gross_totals", as: [CurrencyAmount].self), feeTotals: try json("fee_totals", as: [CurrencyAmount].self),
            firstShowOn: try c("first_show_on"), lastShowOn: try c("last_show_on"),
            topCountries: try json("top_countries", as: [CountryTickets].self), topCities: try json("top_cities", as: [CityTickets].self),
            computedAt: try c("computed_at"), snapshot: false)
    }

    /// Computed now from the stored shows; nil when the artist is not the company's.
    func liveStats(companyID: UUID, artistID: UUID) async throws -> ArtistStats? {
        try await database.query(Self.statsQuery(companyID: companyID, artistID: artistID)).first(Self.decodeStats)
    }

    /// The snapshot the latest refresh stored, if the shows have not changed since (the trigger drops it).
    /// `computedAt` comes from its column, not the JSON: a time read back from JSON text can print a millisecond
    /// lower than the refresh answered, while the column decodes exactly as the refresh's own `now()` did.
    func storedStats(companyID: UUID, artistID: UUID) async throws -> ArtistStats? {
        guard let (text, computedAt) = try await database.query("""
            SELECT stats::text, computed_at FROM artist_stats WHERE company_id = \(companyID) AND artist_id = \(artistID)
            """).first({ try $0.decode((String, Date).self) }) else { return nil }
        var stats = try JSONCoding.decoder.decode(ArtistStats.self, from: Data(text.utf8))
        stats.computedAt = computedAt
        stats.snapshot = true
        return stats
    }

    /// Computes and stores the snapshot under the artist's stats lock (see migration 0004: a concurrent show
    /// write either lands before the computation or drops the snapshot after it). Nil when no such artist.
    func refreshStats(companyID: UUID, artistID: UUID) async throws -> ArtistStats? {
        let logger = database.logger
        return try await database.transaction { connection in
            _ = try await connection.query("SELECT pg_advisory_xact_lock(artist_stats_lock_key(\(artistID)))", logger: logger).first { _ in () }
            guard var stats = try await connection.query(Self.statsQuery(companyID: companyID, artistID: artistID), logger: logger)
                .first(Self.decodeStats) else { return nil }
            stats.snapshot = true
            let json = String(decoding: try JSONCoding.encoder.encode(stats), as: UTF8.self)
            // now() is the transaction's start, the same instant the stats statement answered as computed_at.
            try await connection.query("""
                INSERT INTO artist_stats (company_id, artist_id, stats, computed_at)
                VALUES (\(companyID), \(artistID), \(json)::jsonb, now())
                ON CONFLICT (company_id, artist_id) DO UPDATE SET stats = EXCLUDED.stats, computed_at = EXCLUDED.computed_at
                """, logger: logger)
            return stats
        }
    }

    // MARK: Demographics

    /// Buckets per level in display order (most tickets first, then most shows, then name; the bucket without a
    /// region/country/city last among equals).
    func demographics(companyID: UUID, artistID: UUID, from: String?, to: String?) async throws
        -> (regions: [AudienceCount], countries: [AudienceCount], cities: [AudienceCount]) {
        var levels: [String: [AudienceCount]] = [:]
        for try await row in try await database.query("""
            WITH played AS (
                SELECT s.country_id, c.region_id, s.city, lower(s.city) AS city_key,
                       CASE WHEN s.city IS NULL THEN NULL ELSE s.country_id END AS city_country, s.tickets_sold
                FROM artist_shows s LEFT JOIN countries c ON c.id = s.country_id
                WHERE s.company_id = \(companyID) AND s.artist_id = \(artistID) AND s.status = 'played' AND s.tickets_sold IS NOT NULL
                  AND (\(from)::date IS NULL OR s.performed_on >= \(from)::date)
                  AND (\(to)::date IS NULL OR s.performed_on <= \(to)::date)
            ), buckets AS (
                SELECT 'region' AS level, r.id, r.code, r.name, NULL::uuid AS country_id,
                       sum(p.tickets_sold)::bigint AS tickets, count(*) AS shows
                FROM played p LEFT JOIN regions r ON r.id = p.region_id GROUP BY r.id, r.code, r.name
                UNION ALL
                SELECT 'country', c.id, c.iso2, c.name, NULL::uuid, sum(p.tickets_sold)::bigint, count(*)
                FROM played p LEFT JOIN countries c ON c.id = p.country_id GROUP BY c.id, c.iso2, c.name
                UNION ALL
                SELECT 'city', NULL::uuid, NULL, min(p.city), p.city_country, sum(p.tickets_sold)::bigint, count(*)
                FROM played p GROUP BY p.city_key, p.city_country
            )
            SELECT level, id, code, name, country_id, tickets, shows FROM buckets
            ORDER BY level, tickets DESC, shows DESC, name NULLS LAST, country_id NULLS LAST, id
            """) {
            let c = Columns(row)
            let bucket = AudienceCount(id: try c("id"), code: try c("code"), name: try c("name"), countryId: try c("country_id"),
                                       tickets: try c("tickets"), shows: try c("shows"))
            levels[try c("level", as: String.self), default: []].append(bucket)
        }
        return (levels["region"] ?? [], levels["country"] ?? [], levels["city"] ?? [])
    }

    // MARK: Predictions

    /// The artist's played shows with tickets sold on or before `date`, latest first (at most
    /// `predictionHistoryLimit`), and whether `countryID` names a country. Nil when the artist is not the company's.
    func predictionHistory(companyID: UUID, artistID: UUID, date: String, countryID: UUID?) async throws
        -> (countryKnown: Bool, shows: [PredictionShow])? {
        var artistFound = false, countryKnown = false
        var shows: [PredictionShow] = []
        for try await row in try await database.query("""
            SELECT (\(countryID)::uuid IS NULL OR EXISTS (SELECT 1 FROM countries WHERE id = \(countryID))) AS country_known,
                   h.performed_on, h.city, h.country_id, h.tickets_sold, h.gross_minor, h.gross_currency, h.fee_minor, h.fee_currency
            FROM artists a
            LEFT JOIN LATERAL (
                SELECT s.performed_on::text AS performed_on, s.city, s.country_id, s.tickets_sold,
                       s.gross_minor, s.gross_currency, s.fee_minor, s.fee_currency
                FROM artist_shows s
                WHERE s.company_id = \(companyID) AND s.artist_id = a.id AND s.status = 'played'
                  AND s.tickets_sold IS NOT NULL AND s.performed_on <= \(date)::date
                ORDER BY s.performed_on DESC, s.id
                LIMIT \(Self.predictionHistoryLimit)
            ) h ON true
            WHERE a.company_id = \(companyID) AND a.id = \(artistID)
            """) {
            let c = Columns(row)
            artistFound = true
            countryKnown = try c("country_known")
            guard let performedOn = try c("performed_on", as: String?.self), let tickets = try c("tickets_sold", as: Int?.self) else { continue }
            shows.append(PredictionShow(
                performedOn: performedOn, city: try c("city"), countryId: try c("country_id"), ticketsSold: tickets,
                grossMinor: try c("gross_minor"), grossCurrency: try c("gross_currency"), feeMinor: try c("fee_minor"),
                feeCurrency: try c("fee_currency")))
        }
        return artistFound ? (countryKnown, shows) : nil
    }

    static let predictionColumns = "id, artist_id, model, input::text AS input, output::text AS output, created_by, created_at"

    static func decodePrediction(_ row: PostgresRow) throws -> StoredPrediction {
        let c = Columns(row)
        return StoredPrediction(
            id: try c("id"), artistId: try c("artist_id"), model: try c("model"),
            input: try JSONCoding.decoder.decode(PredictionQuery.self, from: Data(try c("input", as: String.self).utf8)),
            output: try JSONCoding.decoder.decode(PredictionResult.self, from: Data(try c("output", as: String.self).utf8)),
            createdBy: try c("created_by"), createdAt: try c("created_at"))
    }

    /// Stores an answered prediction; nil when the artist is gone meanwhile (the artist key refuses the row).
    func storePrediction(companyID: UUID, userID: UUID, artistID: UUID, query: PredictionQuery, result: PredictionResult) async throws -> StoredPrediction? {
        let input = String(decoding: try JSONCoding.encoder.encode(query), as: UTF8.self)
        let output = String(decoding: try JSONCoding.encoder.encode(result), as: UTF8.self)
        do {
            return try await database.query("""
                INSERT INTO artist_predictions (company_id, artist_id, model, input, output, created_by)
                VALUES (\(companyID), \(artistID), \(result.model), \(input)::jsonb, \(output)::jsonb, \(userID))
                RETURNING \(unescaped: Self.predictionColumns)
                """).first(Self.decodePrediction)
        } catch where error.postgresViolation?.constraint == "artist_predictions_artist_fk" {
            return nil
        }
    }

    /// The latest stored prediction of the artist (of one model when given).
    func latestPrediction(companyID: UUID, artistID: UUID, model: String?) async throws -> StoredPrediction? {
        try await database.query("""
            SELECT \(unescaped: Self.predictionColumns) FROM artist_predictions
            WHERE company_id = \(companyID) AND artist_id = \(artistID) AND (\(model)::text IS NULL OR model = \(model))
            ORDER BY created_at DESC, id DESC LIMIT 1
            """).first(Self.decodePrediction)
    }
}

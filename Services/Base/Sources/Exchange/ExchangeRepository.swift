import Foundation
import KisumKernel
import KisumPersistence
import Logging
import PostgresNIO

/// Exchange rates (0017's `exchange_rates`, 0021's indexes): the rates a company sees (the ECB's and its own
/// manual ones), conversions through `exchange_rate_on` / `convert_minor`, manual rate writes and the ECB import.
struct ExchangeRepository: Sendable {
    let database: Database

    struct RateFilter: Sendable {
        var base: String?
        var quote: String?
        var source: String?
        /// The rates in force on this day: per source and pair, the newest dated on it or up to 14 days before.
        var day: String?
        var from: String?
        var to: String?
    }

    static let columns = """
        r.id, r.base_currency, r.quote_currency, trim_scale(r.rate)::text AS rate, r.rate_date::text AS rate_date, r.source,
        r.created_by, r.created_at
        """

    static let constraints = ConstraintMessages([
        "exchange_rates_key": rateExists,
        "exchange_rates_manual_pair_day": rateExists,
    ])
    static let rateExists = APIError.conflict(
        "rate_exists", "The company already has a rate for this pair on this day (in one direction or the other); delete it first.")

    static func decode(_ row: PostgresRow) throws -> ExchangeRate {
        let c = Columns(row)
        return ExchangeRate(id: try c("id"), base: try c("base_currency"), quote: try c("quote_currency"), rate: try c("rate"),
                            date: try c("rate_date"), source: try c("source"), createdBy: try c("created_by"), createdAt: try c("created_at"))
    }

    /// The ECB's rows and the company's manual ones, newest day first.
    func rates(companyID: UUID, _ f: RateFilter, page: PageRequest) async throws -> (items: [ExchangeRate], total: Int) {
        func query(_ select: String, _ suffix: String) -> PostgresQuery {
            """
            WITH visible AS (
                SELECT r.* FROM exchange_rates r
                WHERE ((r.company_id IS NULL AND r.source = 'ecb') OR r.company_id = \(companyID))
                  AND (\(f.source)::text IS NULL OR r.source = \(f.source))
                  AND (\(f.base)::text IS NULL OR r.base_currency = \(f.base))
                  AND (\(f.quote)::text IS NULL OR r.quote_currency = \(f.quote))
                  AND (\(f.from)::date IS NULL OR r.rate_date >= \(f.from)::date)
                  AND (\(f.to)::date IS NULL OR r.rate_date <= \(f.to)::date)
                  AND (\(f.day)::date IS NULL OR r.rate_date BETWEEN \(f.day)::date - 14 AND \(f.day)::date)
            ), chosen AS (
                SELECT * FROM visible WHERE \(f.day)::date IS NULL
                UNION ALL
                (SELECT DISTINCT ON (v.source, v.base_currency, v.quote_currency) v.* FROM visible v WHERE \(f.day)::date IS NOT NULL
                 ORDER BY v.source, v.base_currency, v.quote_currency, v.rate_date DESC)
            )
            SELECT \(unescaped: select) FROM chosen r \(unescaped: suffix)
            """
        }
        return try await database.page(query, columns: Self.columns,
                                       orderBy: "ORDER BY r.rate_date DESC, r.base_currency, r.quote_currency, r.source, r.id",
                                       page: page, decode: Self.decode)
    }

    enum Converted: Sendable {
        case converted(CurrencyConversion)
        case noRate
        case outOfRange
    }

    /// `amount` of `from` in `to` at the rate of `day` (0017's rule); `.noRate` when none is stored.
    func convert(companyID: UUID, amount: Int64, from: String, to: String, day: String) async throws -> Converted {
        let row = try await database.query("""
            SELECT trim_scale(r.rate)::text AS rate, r.rate_date::text AS rate_date, r.source,
                   convert_minor(\(amount), \(from)::char(3), \(to)::char(3), r.rate)::text AS converted
            FROM exchange_rate_on(\(companyID), \(from)::char(3), \(to)::char(3), \(day)::date) r
            """).first { row -> (rate: String, rateDate: String, source: String, converted: String) in
            let c = Columns(row)
            return (try c("rate"), try c("rate_date"), try c("source"), try c("converted"))
        }
        guard let row else { return .noRate }
        guard let converted = Int64(row.converted) else { return .outOfRange }
        return .converted(CurrencyConversion(amountMinor: amount, from: from, to: to, convertedMinor: converted, rate: row.rate,
                                             rateDate: row.rateDate, source: row.source))
    }

    func createManual(companyID: UUID, userID: UUID, _ body: ManualRateInput) async throws -> ExchangeRate {
        let created = try await Self.constraints.map {
            try await database.query("""
                WITH r AS (
                    INSERT INTO exchange_rates (company_id, source, base_currency, quote_currency, rate, rate_date, created_by)
                    VALUES (\(companyID), 'manual', \(body.base), \(body.quote), \(body.rate)::numeric, \(body.date)::date, \(userID))
                    RETURNING *)
                SELECT \(unescaped: Self.columns) FROM r
                """).first(Self.decode)
        }
        guard let created else { throw APIError.internalError }
        return created
    }

    /// Only the company's own manual rates can go; an ECB row (or another company's) is not found.
    func deleteManual(companyID: UUID, id: UUID) async throws -> Bool {
        try await database.query("""
            DELETE FROM exchange_rates WHERE company_id = \(companyID) AND id = \(id) AND source = 'manual' RETURNING id
            """).first { _ in true } ?? false
    }

    // MARK: ECB import

    struct ImportCounts: Sendable, Equatable {
        var inserted = 0
        var updated = 0
        var unchanged = 0
    }

    /// Upserts the rates on `exchange_rates_key` in one transaction, in batches of 5,000 rows (one statement
    /// each, arrays bound as parameters). A row whose rate is already stored is left alone, so a second run
    /// reports every row unchanged.
    func importEcb(_ rates: [EcbRate]) async throws -> ImportCounts {
        let logger = database.logger
        return try await database.transaction { connection -> ImportCounts in
            var counts = ImportCounts()
            var start = 0
            while start < rates.count {
                let batch = rates[start..<min(start + 5_000, rates.count)]
                let days = batch.map(\.day)
                let currencies = batch.map(\.currency)
                let values = batch.map(\.rate)
                let written = try await connection.query("""
                    WITH upserted AS (
                        INSERT INTO exchange_rates (company_id, source, base_currency, quote_currency, rate, rate_date)
                        SELECT NULL, 'ecb', 'EUR', t.quote, t.rate, t.day
                        FROM unnest(\(days)::date[], \(currencies)::text[], \(values)::numeric[]) AS t(day, quote, rate)
                        ON CONFLICT ON CONSTRAINT exchange_rates_key DO UPDATE SET rate = EXCLUDED.rate
                            WHERE exchange_rates.rate IS DISTINCT FROM EXCLUDED.rate
                        RETURNING (xmax = 0) AS inserted)
                    SELECT count(*) FILTER (WHERE inserted)::int AS inserted, count(*) FILTER (WHERE NOT inserted)::int AS updated
                    FROM upserted
                    """, logger: logger).first { row -> (Int, Int) in
                    let c = Columns(row)
                    return (try c("inserted"), try c("updated"))
                } ?? (0, 0)
                counts.inserted += written.0
                counts.updated += written.1
                counts.unchanged += batch.count - written.0 - written.1
                start += batch.count
            }
            return counts
        }
    }
}

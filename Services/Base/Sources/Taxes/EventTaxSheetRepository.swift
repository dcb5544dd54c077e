import Foundation
import KisumKernel
import KisumPersistence
import Logging
import PostgresNIO

/// An event's tax lines with what they come to (`EventTaxSheet` states the formula). Two statements in one
/// repeatable-read transaction (one snapshot): the converted amounts with their rates, and the tax lines with
/// base and tax computed in SQL numeric over the same conversions.
struct EventTaxSheetRepository: Sendable {
    let database: Database

    /// What the event's taxes can be levied on, each amount joined LATERAL to the rate of its day into the
    /// event's currency: income lines (their expected date) and the guarantees of accepted and converted offers
    /// (the event's date).
    /// Follows a `params (company_id, event_id)` CTE each statement binds, so both share this text.
    private static let conversions = """
        ev AS (SELECT e.company_id, e.id, e.currency, e.event_date FROM events e JOIN params p ON e.company_id = p.company_id AND e.id = p.event_id),
        conv AS (
            SELECT 'income'::text AS source_type, i.id AS source_id, i.category, i.currency::text AS currency, i.expected_date AS day,
                   i.amount_minor AS amount, r.rate, r.rate_date, r.source,
                   convert_minor(i.amount_minor, i.currency, ev.currency, r.rate) AS converted
            FROM ev JOIN event_income i ON i.company_id = ev.company_id AND i.event_id = ev.id
            LEFT JOIN LATERAL exchange_rate_on(ev.company_id, i.currency, ev.currency, i.expected_date) r ON true
            UNION ALL
            SELECT 'offer', o.id, NULL, o.currency::text, ev.event_date, o.guarantee_minor, r.rate, r.rate_date, r.source,
                   convert_minor(o.guarantee_minor, o.currency, ev.currency, r.rate)
            FROM ev JOIN offers o ON o.company_id = ev.company_id AND o.event_id = ev.id AND o.status IN ('accepted', 'converted')
            LEFT JOIN LATERAL exchange_rate_on(ev.company_id, o.currency, ev.currency, ev.event_date) r ON true)
        """

    private struct ConversionRow {
        var reporting: String
        var conversion: EventTaxSheet.Conversion?
        var missing: MissingRate?
        var incomeTotal: String?
        var feesTotal: String?
    }

    /// Nil when the company has no such event; 422 `exchange_rate_missing` when an amount of the event has no rate.
    func sheet(companyID: UUID, eventID: UUID) async throws -> EventTaxSheet? {
        let logger = database.logger
        return try await database.transaction(isolation: .repeatableRead) { connection -> EventTaxSheet? in
            let rows = try await connection.query("""
                WITH params AS (SELECT \(companyID)::uuid AS company_id, \(eventID)::uuid AS event_id), \(unescaped: Self.conversions)
                SELECT ev.currency::text AS reporting, c.source_type, c.source_id, c.currency, c.day::text AS day, c.amount,
                       trim_scale(c.rate)::text AS rate, c.rate_date::text AS rate_date, c.source, c.converted::text AS converted,
                       COALESCE(sum(c.converted) FILTER (WHERE c.source_type = 'income') OVER (), 0)::text AS income_total,
                       COALESCE(sum(c.converted) FILTER (WHERE c.source_type = 'offer') OVER (), 0)::text AS fees_total
                FROM ev LEFT JOIN conv c ON true
                ORDER BY c.source_type, c.day, c.source_id
                """, logger: logger).collect(Self.conversionRow)
            guard let first = rows.first else { return nil }
            let missing = rows.compactMap(\.missing)
            if !missing.isEmpty { throw APIError.exchangeRateMissing(missing) }

            // tax = round half up of base × rate / denominator, as exact integer division: ⌊(2·base·rate + d) / 2d⌋.
            let taxes = try await connection.query("""
                WITH params AS (SELECT \(companyID)::uuid AS company_id, \(eventID)::uuid AS event_id), \(unescaped: Self.conversions)
                SELECT \(unescaped: EventTaxRepository.columns), b.base::text AS base,
                       div(2 * b.base * t.rate_bp + d.denominator, 2 * d.denominator)::text AS tax
                FROM event_taxes t
                CROSS JOIN LATERAL (SELECT CASE WHEN t.inclusive THEN 10000 + t.rate_bp ELSE 10000 END::numeric AS denominator) d
                CROSS JOIN LATERAL (
                    SELECT COALESCE(sum(c.converted), 0) AS base FROM conv c
                    WHERE CASE t.applies_to WHEN 'income' THEN c.source_type = 'income'
                                            WHEN 'income_category' THEN c.source_type = 'income' AND c.category = t.income_category
                                            ELSE c.source_type = 'offer' END) b
                WHERE t.company_id = \(companyID) AND t.event_id = \(eventID)
                ORDER BY t.created_at, t.id
                """, logger: logger).collect { row -> (EventTax, String?, String?) in
                    let c = Columns(row)
                    return (try EventTaxRepository.decode(row), try c("base"), try c("tax"))
                }
            return try TaxSheet.assemble(
                eventID: eventID, currency: first.reporting, taxes: taxes, conversions: rows.compactMap(\.conversion),
                incomeTotal: try MinorText.value(first.incomeTotal, "income total"), feesTotal: try MinorText.value(first.feesTotal, "fees total"))
        }
    }

    private static func conversionRow(_ row: PostgresRow) throws -> ConversionRow {
        let c = Columns(row)
        let reporting: String = try c("reporting")
        var result = ConversionRow(reporting: reporting, incomeTotal: try c("income_total"), feesTotal: try c("fees_total"))
        guard let type: String = try c("source_type"), let id: UUID = try c("source_id"), let currency: String = try c("currency"),
              let day: String = try c("day"), let amount: Int64 = try c("amount") else { return result }
        guard let rate: String = try c("rate"), let rateDate: String = try c("rate_date"), let source: String = try c("source") else {
            result.missing = .init(from: currency, to: reporting, day: day)
            return result
        }
        result.conversion = .init(sourceType: type, sourceId: id, currency: currency, day: day, amountMinor: amount,
                                  convertedMinor: try MinorText.value(try c("converted"), "converted amount"), rate: rate,
                                  rateDate: rateDate, source: source)
        return result
    }
}

import Foundation
import KisumKernel
import KisumPersistence
import Logging
import PostgresNIO

/// The event's summary and export. The summary is one statement: each line joined with the rate of its due date
/// (`exchange_rate_on`, LATERAL) and converted by `convert_minor`, then grouped in one pass by GROUPING SETS.
struct ExpenseReportsRepository: Sendable {
    let database: Database

    /// GROUPING(category, currency, due_date) of each grouping set: a bit is set where the column is rolled up.
    enum Level: Int {
        case categoryCurrency = 1, category = 3, currency = 5, currencyDay = 4, total = 7
    }

    /// Nil when the company has no such event; 422 `exchange_rate_missing` when a line's currency has no rate into
    /// the reporting currency on its due date.
    func summary(companyID: UUID, eventID: UUID) async throws -> EventExpenseSummary? {
        let rows = try await database.query("""
            WITH ev AS (SELECT currency FROM events WHERE company_id = \(companyID) AND id = \(eventID)),
            l AS (
                SELECT x.category, x.currency, x.amount_minor, x.due_date, r.rate, r.rate_date, r.source,
                       convert_minor(x.amount_minor, x.currency, ev.currency, r.rate) AS reporting_minor
                FROM ev
                JOIN event_expenses x ON x.company_id = \(companyID) AND x.event_id = \(eventID)
                LEFT JOIN LATERAL exchange_rate_on(x.company_id, x.currency, ev.currency, x.due_date) r ON true)
            SELECT (SELECT currency::text FROM ev) AS reporting_currency, GROUPING(l.category, l.currency, l.due_date) AS level,
                   l.category, l.currency::text AS currency, l.due_date::text AS due_date, count(*)::int AS line_count,
                   count(l.rate)::int AS rated_count, COALESCE(sum(l.amount_minor), 0)::text AS amount_minor,
                   COALESCE(sum(l.reporting_minor), 0)::text AS reporting_minor, max(trim_scale(l.rate))::text AS rate,
                   max(l.rate_date)::text AS rate_date, max(l.source) AS source
            FROM l
            GROUP BY GROUPING SETS ((l.category, l.currency), (l.category), (l.currency), (l.currency, l.due_date), ())
            ORDER BY level, l.category, l.currency, l.due_date
            """).collect { row -> SummaryRow in
                let c = Columns(row)
                return SummaryRow(reportingCurrency: try c("reporting_currency"), level: try c("level"), category: try c("category"),
                                  currency: try c("currency"), dueDate: try c("due_date"), lineCount: try c("line_count"),
                                  ratedCount: try c("rated_count"), amountMinor: try c("amount_minor"),
                                  reportingMinor: try c("reporting_minor"), rate: try c("rate"), rateDate: try c("rate_date"),
                                  source: try c("source"))
            }
        guard let reporting = rows.first?.reportingCurrency else { return nil }
        return try Self.assemble(eventID: eventID, reporting: reporting, rows)
    }

    struct SummaryRow: Sendable {
        var reportingCurrency: String?
        var level: Int
        var category: String?
        var currency: String?
        var dueDate: String?
        var lineCount: Int
        var ratedCount: Int
        var amountMinor: String
        var reportingMinor: String
        var rate: String?
        var rateDate: String?
        var source: String?
    }

    static func minor(_ text: String) throws -> Int64 {
        guard let value = Int64(text) else { throw APIError.convertedAmountOutOfRange }
        return value
    }

    static func assemble(eventID: UUID, reporting: String, _ rows: [SummaryRow]) throws -> EventExpenseSummary {
        let missing = rows.filter { $0.level == Level.currencyDay.rawValue && $0.ratedCount < $0.lineCount }
            .map { MissingRate(from: $0.currency ?? "", to: reporting, day: $0.dueDate ?? "") }
        if !missing.isEmpty { throw APIError.exchangeRateMissing(missing) }
        var rates: [String: [EventExpenseSummary.Rate]] = [:]
        var pairs: [String: [EventExpenseSummary.CategoryCurrencyTotal]] = [:]
        var summary = EventExpenseSummary(eventId: eventID, type: "estimated", reportingCurrency: reporting, lineCount: 0,
                                          totalReportingAmountMinor: 0, byCategory: [], byCurrency: [])
        for row in rows {
            let currency = row.currency ?? ""
            switch Level(rawValue: row.level) {
            case .currencyDay:
                rates[currency, default: []].append(EventExpenseSummary.Rate(dueDate: row.dueDate ?? "", rate: row.rate ?? "",
                                                                             rateDate: row.rateDate ?? "", source: row.source ?? "",
                                                                             lineCount: row.lineCount))
            case .categoryCurrency:
                pairs[row.category ?? "", default: []].append(EventExpenseSummary.CategoryCurrencyTotal(
                    currency: currency, lineCount: row.lineCount, amountMinor: try minor(row.amountMinor),
                    reportingAmountMinor: try minor(row.reportingMinor)))
            case .total:
                summary.lineCount = row.lineCount
                summary.totalReportingAmountMinor = try minor(row.reportingMinor)
            case .category, .currency, nil:
                break
            }
        }
        // Second pass: the per-pair totals and the rates are all known now.
        for row in rows {
            switch Level(rawValue: row.level) {
            case .category:
                let category = row.category ?? ""
                summary.byCategory.append(EventExpenseSummary.CategoryTotal(category: category, lineCount: row.lineCount,
                                                                            reportingAmountMinor: try minor(row.reportingMinor),
                                                                            byCurrency: pairs[category] ?? []))
            case .currency:
                let currency = row.currency ?? ""
                summary.byCurrency.append(EventExpenseSummary.CurrencyTotal(currency: currency, lineCount: row.lineCount,
                                                                            amountMinor: try minor(row.amountMinor),
                                                                            reportingAmountMinor: try minor(row.reportingMinor),
                                                                            rates: rates[currency] ?? []))
            default:
                break
            }
        }
        return summary
    }

    /// Every line of the event in due-date order; nil when the company has no such event.
    func export(companyID: UUID, eventID: UUID) async throws -> [EventExpense]? {
        let lines = try await database.query("""
            SELECT \(unescaped: ExpensesRepository.columns) FROM event_expenses x \(unescaped: ExpensesRepository.joins)
            WHERE x.company_id = \(companyID) AND x.event_id = \(eventID)
            ORDER BY x.due_date, x.created_at, x.id
            """).collect(ExpensesRepository.decode)
        if lines.isEmpty, try await !ExpensesRepository(database: database).eventExists(companyID: companyID, eventID: eventID) { return nil }
        return lines
    }
}

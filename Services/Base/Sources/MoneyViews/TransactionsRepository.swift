import Foundation
import KisumKernel
import KisumPersistence
import PostgresNIO

/// Transactions over 0021's `money_movements` view: one statement per page (the page first, then each of its rows'
/// rate when a reporting currency is asked for, so rates are looked up for the page only).
struct TransactionsRepository: Sendable {
    let database: Database

    enum Outcome: Sendable {
        case found([MoneyTransaction], total: Int)
        case rateMissing(from: String, day: String)
        case outOfRange
    }

    static let order = "m.moved_on DESC, m.recorded_at DESC, m.id DESC"

    func list(companyID: UUID, _ f: TransactionFilter, page: PageRequest) async throws -> Outcome {
        let outcome = try await rows(companyID: companyID, id: nil, f, page: page)
        if case .found(let items, _) = outcome, items.isEmpty, page.offset > 0 {
            return .found([], total: try await count(companyID: companyID, f))
        }
        return outcome
    }

    func get(companyID: UUID, id: UUID, reportingCurrency: String?) async throws -> Outcome {
        try await rows(companyID: companyID, id: id, TransactionFilter(reportingCurrency: reportingCurrency), page: PageRequest(page: 1, limit: 1))
    }

    private func rows(companyID: UUID, id: UUID?, _ f: TransactionFilter, page: PageRequest) async throws -> Outcome {
        var total = 0
        var items: [MoneyTransaction] = []
        var missing: (from: String, day: String)?
        var outOfRange = false
        _ = try await database.query("""
            WITH page AS (
                SELECT m.*, e.name AS event_name, e.event_date, count(*) OVER () AS list_total
                FROM money_movements m
                JOIN events e ON e.company_id = m.company_id AND e.id = m.event_id
                WHERE m.company_id = \(companyID)
                  AND (\(id)::uuid IS NULL OR m.id = \(id))
                  AND (\(f.type)::text IS NULL OR m.direction = \(f.type))
                  AND (\(f.eventID)::uuid IS NULL OR m.event_id = \(f.eventID))
                  AND (\(f.artistID)::uuid IS NULL OR EXISTS (
                        SELECT 1 FROM event_artists ea
                        WHERE ea.company_id = m.company_id AND ea.event_id = m.event_id AND ea.artist_id = \(f.artistID)))
                  AND (\(f.currency)::text IS NULL OR m.currency = \(f.currency))
                  AND (\(f.from)::date IS NULL OR m.moved_on >= \(f.from)::date)
                  AND (\(f.to)::date IS NULL OR m.moved_on <= \(f.to)::date)
                ORDER BY \(unescaped: Self.order)
                \(unescaped: SQLText.page(page))
            )
            SELECT m.id, m.direction, m.kind, m.event_id, m.event_name, m.event_date::text AS event_date, m.line_id, m.category,
                   m.description, m.counterparty, m.amount_minor, m.currency::text AS currency, m.moved_on::text AS moved_on,
                   m.method, m.reference, m.recorded_at, m.list_total,
                   trim_scale(r.rate)::text AS rate, r.rate_date::text AS rate_date, r.source AS rate_source,
                   convert_minor(m.amount_minor, m.currency, \(f.reportingCurrency)::char(3), r.rate)::text AS converted
            FROM page m
            LEFT JOIN LATERAL exchange_rate_for_line(\(companyID), m.currency, \(f.reportingCurrency)::char(3), m.moved_on) r
                ON \(f.reportingCurrency)::text IS NOT NULL
            ORDER BY \(unescaped: Self.order)
            """).collect { row -> Void in
                let c = Columns(row)
                total = try c("list_total")
                let kind: String = try c("kind")
                let currency: String = try c("currency")
                let day: String = try c("moved_on")
                var converted: ConvertedAmount?
                if let reporting = f.reportingCurrency {
                    if let rate = try c("rate", as: String?.self) {
                        guard let amount = Int64(try c("converted", as: String.self)) else {
                            outOfRange = true
                            return
                        }
                        converted = ConvertedAmount(amountMinor: amount, currency: reporting, rate: rate, rateDate: try c("rate_date"),
                                                    source: try c("rate_source"))
                    } else if missing == nil {
                        missing = (currency, day)
                    }
                }
                let line: UUID? = try c("line_id")
                items.append(MoneyTransaction(
                    id: try c("id"), type: try c("direction"), kind: kind, eventId: try c("event_id"), eventName: try c("event_name"),
                    eventDate: try c("event_date"), incomeId: kind == "income_payment" ? line : nil,
                    estimateId: kind == "expense_actual" ? line : nil, category: try c("category"), description: try c("description"),
                    counterparty: try c("counterparty"), amountMinor: try c("amount_minor"), currency: currency, date: day,
                    method: try c("method"), reference: try c("reference"), recordedAt: try c("recorded_at"), converted: converted))
            }
        if let missing { return .rateMissing(from: missing.from, day: missing.day) }
        if outOfRange { return .outOfRange }
        return .found(items, total: total)
    }

    private func count(companyID: UUID, _ f: TransactionFilter) async throws -> Int {
        try await database.query("""
            SELECT count(*)::int FROM money_movements m
            WHERE m.company_id = \(companyID)
              AND (\(f.type)::text IS NULL OR m.direction = \(f.type))
              AND (\(f.eventID)::uuid IS NULL OR m.event_id = \(f.eventID))
              AND (\(f.artistID)::uuid IS NULL OR EXISTS (
                    SELECT 1 FROM event_artists ea
                    WHERE ea.company_id = m.company_id AND ea.event_id = m.event_id AND ea.artist_id = \(f.artistID)))
              AND (\(f.currency)::text IS NULL OR m.currency = \(f.currency))
              AND (\(f.from)::date IS NULL OR m.moved_on >= \(f.from)::date)
              AND (\(f.to)::date IS NULL OR m.moved_on <= \(f.to)::date)
            """).count()
    }
}

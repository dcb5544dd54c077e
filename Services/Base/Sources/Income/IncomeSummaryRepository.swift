import Foundation
import HTTPTypes
import KisumKernel
import KisumPersistence
import PostgresNIO

/// An event's income summary in one statement: each line joined LATERAL to `exchange_rate_on` (the rate of its
/// expected date into the event's currency) and converted with `convert_minor`; the group and total sums are
/// window sums over the same rows, in numeric, so nothing is added up twice or in floating point.
struct IncomeSummaryRepository: Sendable {
    let database: Database

    private struct Row {
        var reporting: String
        var id: UUID?
        var category: String?
        var description: String?
        var currency: String?
        var expectedDate: String?
        var amount: Int64?
        var paid: Int64?
        var rate: String?
        var rateDate: String?
        var source: String?
        var amountConverted: String?
        var paidConverted: String?
        var groupLines: Int
        var groupAmount: String?
        var groupPaid: String?
        var groupAmountConverted: String?
        var groupPaidConverted: String?
        var totalAmount: String?
        var totalPaid: String?
    }

    /// Nil when the company has no such event; 422 `exchange_rate_missing` when a line has no rate.
    func summary(companyID: UUID, eventID: UUID) async throws -> IncomeSummary? {
        let rows = try await database.query("""
            SELECT e.currency::text AS reporting, i.id, i.category, i.description, i.currency::text AS currency,
                   i.expected_date::text AS expected_date, i.amount_minor, i.paid_minor,
                   trim_scale(r.rate)::text AS rate, r.rate_date::text AS rate_date, r.source,
                   c.amount::text AS amount_converted, c.paid::text AS paid_converted,
                   count(i.id) OVER g AS group_lines,
                   (sum(i.amount_minor) OVER g)::text AS group_amount, (sum(i.paid_minor) OVER g)::text AS group_paid,
                   (sum(c.amount) OVER g)::text AS group_amount_converted, (sum(c.paid) OVER g)::text AS group_paid_converted,
                   COALESCE(sum(c.amount) OVER (), 0)::text AS total_amount, COALESCE(sum(c.paid) OVER (), 0)::text AS total_paid
            FROM events e
            LEFT JOIN event_income i ON i.company_id = e.company_id AND i.event_id = e.id
            LEFT JOIN LATERAL exchange_rate_on(e.company_id, i.currency, e.currency, i.expected_date) r ON true
            LEFT JOIN LATERAL (SELECT convert_minor(i.amount_minor, i.currency, e.currency, r.rate) AS amount,
                                      convert_minor(i.paid_minor, i.currency, e.currency, r.rate) AS paid) c ON true
            WHERE e.company_id = \(companyID) AND e.id = \(eventID)
            WINDOW g AS (PARTITION BY i.category, i.currency)
            ORDER BY i.category, i.currency, i.expected_date, i.created_at, i.id
            """).collect { row -> Row in
                let c = Columns(row)
                return Row(
                    reporting: try c("reporting"), id: try c("id"), category: try c("category"), description: try c("description"),
                    currency: try c("currency"), expectedDate: try c("expected_date"), amount: try c("amount_minor"), paid: try c("paid_minor"),
                    rate: try c("rate"), rateDate: try c("rate_date"), source: try c("source"), amountConverted: try c("amount_converted"),
                    paidConverted: try c("paid_converted"), groupLines: try c("group_lines"), groupAmount: try c("group_amount"),
                    groupPaid: try c("group_paid"), groupAmountConverted: try c("group_amount_converted"),
                    groupPaidConverted: try c("group_paid_converted"), totalAmount: try c("total_amount"), totalPaid: try c("total_paid"))
            }
        guard let first = rows.first else { return nil }
        let reporting = first.reporting
        let missing = rows.compactMap { row -> MissingRate? in
            guard row.id != nil, row.rate == nil, let from = row.currency, let day = row.expectedDate else { return nil }
            return MissingRate(from: from, to: reporting, day: day)
        }
        if !missing.isEmpty { throw APIError.exchangeRateMissing(missing) }

        var lines: [IncomeSummary.Line] = []
        var groups: [IncomeSummary.Group] = []
        for row in rows {
            guard let id = row.id, let category = row.category, let description = row.description, let currency = row.currency,
                  let day = row.expectedDate, let amount = row.amount, let paid = row.paid, let rate = row.rate, let rateDate = row.rateDate,
                  let source = row.source else { continue }
            let amountConverted = try MinorText.value(row.amountConverted, "converted amount")
            let paidConverted = try MinorText.value(row.paidConverted, "converted paid amount")
            let used = RateUsed(rate: rate, rateDate: rateDate, source: source)
            lines.append(.init(
                incomeId: id, category: category, description: description, currency: currency, expectedDate: day, amountMinor: amount,
                paidMinor: paid, outstandingMinor: amount - paid,
                converted: .init(currency: reporting, amountMinor: amountConverted, paidMinor: paidConverted,
                                 outstandingMinor: amountConverted - paidConverted, rate: rate, rateDate: rateDate, source: source)))
            if let last = groups.last, last.category == category, last.currency == currency {
                if !last.converted.rates.contains(used) { groups[groups.count - 1].converted.rates.append(used) }
                continue
            }
            let groupAmount = try MinorText.value(row.groupAmount, "category total")
            let groupPaid = try MinorText.value(row.groupPaid, "category paid total")
            let convertedAmount = try MinorText.value(row.groupAmountConverted, "converted category total")
            let convertedPaid = try MinorText.value(row.groupPaidConverted, "converted category paid total")
            groups.append(.init(
                category: category, categoryName: IncomeCategories.name(category), currency: currency, lines: row.groupLines,
                amountMinor: groupAmount, paidMinor: groupPaid, outstandingMinor: try Self.difference(groupAmount, groupPaid),
                converted: .init(currency: reporting, amountMinor: convertedAmount, paidMinor: convertedPaid,
                                 outstandingMinor: try Self.difference(convertedAmount, convertedPaid), rates: [used])))
        }
        for index in groups.indices { groups[index].converted.rates.sort { ($0.rateDate, $0.rate) < ($1.rateDate, $1.rate) } }
        let totalAmount = try MinorText.value(first.totalAmount, "total")
        let totalPaid = try MinorText.value(first.totalPaid, "paid total")
        return IncomeSummary(
            eventId: eventID, reportingCurrency: reporting, groups: groups, lines: lines,
            totals: .init(currency: reporting, amountMinor: totalAmount, paidMinor: totalPaid,
                          outstandingMinor: try Self.difference(totalAmount, totalPaid)))
    }

    /// Paid never exceeds the amount line by line, so the difference is ≥ 0; checked anyway (sums of many lines).
    private static func difference(_ a: Int64, _ b: Int64) throws -> Int64 {
        let (value, overflow) = a.subtractingReportingOverflow(b)
        if overflow { throw APIError(.unprocessableContent, code: "amount_out_of_range", message: "A total is too large to state in minor units.") }
        return value
    }
}

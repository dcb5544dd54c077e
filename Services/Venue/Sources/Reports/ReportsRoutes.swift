import Foundation
import Hummingbird
import KisumKernel
import Logging

/// `/api/v1/reports`: read-only figures over the company's Venue data (spec "Reports"); revenue and
/// profitability add Finance's totals when Finance answers.
struct ReportsRoutes: Sendable {
    typealias Context = VenueService.Context
    let repository: ReportsRepository
    let money: MoneyReportsRepository
    /// Nil when FINANCE_BASE_URL is not set: the money reports then say so (`financeLinked: false`).
    let ledger: (any FinanceLedger)?
    let customers: CustomerReportRepository

    static let financeNotConfigured = "Finance is not configured; the totals reflect Venue data only."
    static let financeUnreachable = "Finance could not be reached; the totals reflect Venue data only."

    func addRoutes(to tenant: RouterGroup<Context>) {
        let reports = tenant.group("/api/v1/reports")
        reports.get("utilization", use: utilization)
        reports.get("revenue", use: revenue)
        reports.get("profitability", use: profitability)
        reports.get("customers", use: customersReport)
    }

    /// Booked + blocked minutes per (bucket, space). Another company's venueId or spaceId matches none of
    /// the caller's spaces, so it answers an empty report (as list filters answer an empty page), not 404.
    @Sendable func utilization(_ request: Request, context: Context) async throws -> UtilizationReport {
        let scope = try context.tenant(permission: VenuePermission.reportsRead)
        let query = try ReportQuery(request, companyTimezone: context.kisum.access?.timezone)
        return UtilizationReport(query: query, measured: try await repository.utilization(companyID: scope.companyID, query))
    }

    /// Venue's live deposits per (bucket, currency) next to Finance's issued income (invoiced, paid). Finance
    /// missing or down: the deposits still come, Finance's figures are null.
    @Sendable func revenue(_ request: Request, context: Context) async throws -> MoneyReport<RevenueFigures> {
        let scope = try context.tenant(permission: VenuePermission.reportsRead)
        let query = try ReportQuery(request, companyTimezone: context.kisum.access?.timezone)
        let calendar = try await money.calendar(query)
        var cells: [MoneyReport<RevenueFigures>.Cell: RevenueFigures] = [:]
        // A zone that skipped a whole day has an empty bucket sharing its start with the next: keep the later.
        let indexByStart = Dictionary(calendar.buckets.enumerated().map { ($1.start, $0) }) { _, later in later }
        for total in try await money.deposits(companyID: scope.companyID, query) {
            guard let index = indexByStart[total.bucketStart] else { continue }
            cells[.init(bucket: index, currency: total.currency), default: .zero].add(
                RevenueFigures(depositCount: total.count, depositsMinor: total.amountMinor))
        }
        let (income, message) = await askFinance(context) { ledger in
            try await ledger.issuedTotals(.income, bucket: query.bucket.rawValue, from: calendar.firstDay, to: calendar.lastDay,
                                          companyID: scope.companyID)
        }
        addFinanceRows(income ?? [], calendar: calendar, into: &cells) { figures, row in
            figures.add(RevenueFigures(invoicedMinor: row.totalMinor, paidMinor: row.paidMinor))
        }
        return MoneyReport(query: query, calendar: calendar, financeMessage: message, cells: cells)
    }

    /// Finance's issued income (revenue) minus its issued bills (cost) per (bucket, currency). Finance missing
    /// or down: no rows.
    @Sendable func profitability(_ request: Request, context: Context) async throws -> MoneyReport<ProfitFigures> {
        let scope = try context.tenant(permission: VenuePermission.reportsRead)
        let query = try ReportQuery(request, companyTimezone: context.kisum.access?.timezone)
        let calendar = try await money.calendar(query)
        let (documents, message) = await askFinance(context) { ledger in
            async let income = ledger.issuedTotals(.income, bucket: query.bucket.rawValue, from: calendar.firstDay, to: calendar.lastDay,
                                                   companyID: scope.companyID)
            async let bills = ledger.issuedTotals(.bills, bucket: query.bucket.rawValue, from: calendar.firstDay, to: calendar.lastDay,
                                                  companyID: scope.companyID)
            return try await (income: income, bills: bills)
        }
        var cells: [MoneyReport<ProfitFigures>.Cell: ProfitFigures] = [:]
        addFinanceRows(documents?.income ?? [], calendar: calendar, into: &cells) { $0.add(ProfitFigures(revenueMinor: $1.totalMinor)) }
        addFinanceRows(documents?.bills ?? [], calendar: calendar, into: &cells) { $0.add(ProfitFigures(costMinor: $1.totalMinor)) }
        return MoneyReport(query: query, calendar: calendar, financeMessage: message, cells: cells)
    }

    /// The window's bookings per Market party with its most recent overlay's display name (one statement), and
    /// Finance's issued income per currency at report level, company-wide, exactly as the revenue report asks for
    /// it (the window's local days, one summary call): Finance knows no parties (its customer ids are not Market's),
    /// so there is no per-row Finance figure. Paged (`page`, `limit` up to 500), busiest parties first.
    @Sendable func customersReport(_ request: Request, context: Context) async throws -> CustomerReport {
        let scope = try context.tenant(permission: VenuePermission.reportsRead)
        let query = try ReportQuery(request, companyTimezone: context.kisum.access?.timezone)
        var reader = QueryReader(request)
        let page = reader.page(defaultLimit: 100, maxLimit: 500)
        try reader.validate()
        // Rows are not bucketed; month buckets are the fewest rows to ask Finance for over the same days.
        let monthly = { var copy = query; copy.bucket = .month; return copy }()
        let calendar = try await money.calendar(monthly)
        let (rows, counted) = try await customers.report(companyID: scope.companyID, query, page: page)
        let (income, message) = await askFinance(context) { ledger in
            try await ledger.issuedTotals(.income, bucket: monthly.bucket.rawValue, from: calendar.firstDay, to: calendar.lastDay,
                                          companyID: scope.companyID)
        }
        var totals = counted
        totals.finance = income.map(CustomerFinanceTotal.sum)
        return CustomerReport(query: query, page: page, financeIssuedFrom: calendar.firstDay, financeIssuedTo: calendar.lastDay,
                              financeMessage: message, rows: rows, totals: totals)
    }

    /// Finance's answer, or nil and the message saying why the report holds Venue data only. Finance failing is
    /// never the report failing: the reason goes to the log, not to the caller.
    private func askFinance<T: Sendable>(_ context: Context, _ read: @Sendable (any FinanceLedger) async throws -> T) async -> (T?, String?) {
        guard let ledger else { return (nil, Self.financeNotConfigured) }
        do {
            return (try await read(ledger), nil)
        } catch {
            context.logger.warning("finance report read failed", metadata: ["error": "\(error)"])
            return (nil, Self.financeUnreachable)
        }
    }
}

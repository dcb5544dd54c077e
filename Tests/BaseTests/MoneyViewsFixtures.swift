import Base
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumTesting
import PostgresNIO
import Testing

/// Fixtures of the money read models: events and the money rows of issue 10 (0017's tables, written by other
/// helpers' routes) inserted by SQL, and rates stated by SQL or through the manual-rate route.
let moneyViewsPermissions = [
    BasePermission.eventsRead, BasePermission.eventsWrite, BasePermission.incomeRead, BasePermission.expensesRead,
    BasePermission.companiesRead, BasePermission.companiesWrite, BasePermission.artistsRead, BasePermission.artistsWrite,
]

func withMoneyViews(_ body: @Sendable @escaping (TwoCompanies<BaseService>) async throws -> Void) async throws {
    let harness = try await ServiceTestHarness(BaseService.self, settings: BaseSettings())
    try await harness.withTwoCompanies(permissions: moneyViewsPermissions, module: BasePermission.module, body)
}

extension TwoCompanies where Service == BaseService {
    var moneyDB: Database { harness.database }

    func mvEvent(_ name: String, on date: String, currency: String = "EUR", status: String = "confirmed", company: UUID? = nil) async throws -> UUID {
        let id = UUID()
        try await moneyDB.query("""
            INSERT INTO events (id, company_id, name, status, event_date, currency, created_by)
            VALUES (\(id), \(company ?? companyA), \(name), \(status), \(date)::date, \(currency), \(UUID()))
            """)
        return id
    }

    func mvArtist(_ name: String, on event: UUID, order: Int = 1, company: UUID? = nil) async throws -> UUID {
        let id = UUID()
        let company = company ?? companyA
        try await moneyDB.query("INSERT INTO artists (id, company_id, name) VALUES (\(id), \(company), \(name))")
        try await mvBill(artist: id, on: event, order: order, company: company)
        return id
    }

    func mvBill(artist: UUID, on event: UUID, order: Int = 1, company: UUID? = nil) async throws {
        try await moneyDB.query("""
            INSERT INTO event_artists (company_id, event_id, artist_id, billing_order, added_by)
            VALUES (\(company ?? companyA), \(event), \(artist), \(order), \(UUID()))
            """)
    }

    /// An income line; `paid` adds one payment of that amount on `paidOn`.
    @discardableResult
    func mvIncome(_ event: UUID, _ amount: Int64, _ currency: String, expected: String, paid: Int64 = 0, paidOn: String? = nil,
                  company: UUID? = nil) async throws -> (income: UUID, payment: UUID?) {
        let company = company ?? companyA
        let id = UUID()
        try await moneyDB.query("""
            INSERT INTO event_income (id, company_id, event_id, category, description, payer_name, amount_minor, currency, expected_date, paid_minor)
            VALUES (\(id), \(company), \(event), 'ticketing', 'Line', 'Promoter Ltd', \(amount), \(currency), \(expected)::date, \(paid))
            """)
        guard paid > 0, let paidOn else { return (id, nil) }
        let payment = UUID()
        try await moneyDB.query("""
            INSERT INTO event_income_payments (id, company_id, income_id, amount_minor, currency, paid_on, method, reference)
            VALUES (\(payment), \(company), \(id), \(paid), \(currency), \(paidOn)::date, 'bank_transfer', 'REF-1')
            """)
        return (id, payment)
    }

    @discardableResult
    func mvEstimate(_ event: UUID, _ amount: Int64, _ currency: String, due: String, company: UUID? = nil) async throws -> UUID {
        let id = UUID()
        try await moneyDB.query("""
            INSERT INTO event_expenses (id, company_id, event_id, category, description, vendor_name, amount_minor, currency, due_date)
            VALUES (\(id), \(company ?? companyA), \(event), 'production', 'Estimate', 'Stage Co', \(amount), \(currency), \(due)::date)
            """)
        return id
    }

    /// An actual expense submission with its status (approved by someone else when approved or rejected).
    @discardableResult
    func mvActual(_ event: UUID, _ amount: Int64, _ currency: String, incurred: String, status: String = "approved",
                  estimate: UUID? = nil, company: UUID? = nil) async throws -> UUID {
        let id = UUID()
        let decided: UUID? = status == "pending" ? nil : UUID()
        try await moneyDB.query("""
            INSERT INTO event_expense_actuals (id, company_id, event_id, estimate_id, category, description, vendor_name, amount_minor,
                                               currency, incurred_on, status, submitted_by, decided_by, decided_at)
            VALUES (\(id), \(company ?? companyA), \(event), \(estimate), 'production', 'Actual', 'Stage Co', \(amount), \(currency),
                    \(incurred)::date, \(status), \(UUID()), \(decided), CASE WHEN \(status) = 'pending' THEN NULL ELSE clock_timestamp() END)
            """)
        return id
    }

    /// An ECB reference rate (EUR → quote) of a day.
    func mvEcbRate(_ quote: String, _ rate: String, on day: String) async throws {
        try await moneyDB.query("""
            INSERT INTO exchange_rates (company_id, source, base_currency, quote_currency, rate, rate_date)
            VALUES (NULL, 'ecb', 'EUR', \(quote), \(rate)::numeric, \(day)::date)
            """)
    }

    func mvManualRate(_ base: String, _ quote: String, _ rate: String, on day: String, company: UUID? = nil) async throws {
        try await moneyDB.query("""
            INSERT INTO exchange_rates (company_id, source, base_currency, quote_currency, rate, rate_date)
            VALUES (\(company ?? companyA), 'manual', \(base), \(quote), \(rate)::numeric, \(day)::date)
            """)
    }
}

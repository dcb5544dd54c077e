import Base
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumTesting
import NIOCore
import PostgresNIO
import Testing

/// Members hold the expense and income permissions. Events, income lines, actual expenses and exchange rates are
/// other features' rows: tests insert them by SQL into their 0009/0017 tables.
func withExpenses(_ body: @Sendable @escaping (TwoCompanies<BaseService>) async throws -> Void) async throws {
    let harness = try await ServiceTestHarness(BaseService.self, settings: BaseSettings())
    try await harness.withTwoCompanies(permissions: expenseTestPermissions, module: BasePermission.module, body)
}

let expenseTestPermissions = [
    BasePermission.expensesRead, BasePermission.expensesWrite, BasePermission.incomeRead, BasePermission.incomeWrite,
    BasePermission.eventsRead,
]

extension TwoCompanies where Service == BaseService {
    /// An exchange_rates row: `manual` for `company` (A unless named), or a published `ecb` rate (base EUR).
    func insertRate(_ base: String, _ quote: String, _ rate: String, on day: String, source: String = "manual", company: UUID? = nil) async throws {
        let owner: UUID? = source == "manual" ? (company ?? companyA) : nil
        try await harness.database.query("""
            INSERT INTO exchange_rates (company_id, source, base_currency, quote_currency, rate, rate_date)
            VALUES (\(owner), \(source), \(base), \(quote), \(rate)::numeric, \(day)::date)
            """)
    }

    /// An event_expense_actuals row (Event Expense - Approval's), pending unless told.
    func insertActual(event: UUID, estimate: UUID?, category: String, status: String = "pending", amountMinor: Int64 = 1000,
                      company: UUID? = nil) async throws -> UUID {
        let id = UUID()
        try await harness.database.query("""
            INSERT INTO event_expense_actuals (company_id, id, event_id, estimate_id, category, description, amount_minor, currency,
                                               incurred_on, status, submitted_by, decided_by, decided_at)
            VALUES (\(company ?? companyA), \(id), \(event), \(estimate), \(category), 'Paid', \(amountMinor), 'EUR', DATE '2027-06-01',
                    \(status), \(UUID()), CASE WHEN \(status) = 'pending' THEN NULL ELSE \(UUID()) END,
                    CASE WHEN \(status) = 'pending' THEN NULL ELSE clock_timestamp() END)
            """)
        return id
    }

    func setActualStatus(_ id: UUID, _ status: String) async throws {
        try await harness.database.query("""
            UPDATE event_expense_actuals SET status = \(status), decided_by = \(UUID()), decided_at = clock_timestamp() WHERE id = \(id)
            """)
    }

    /// An event_income row (Event Income's) of `company` (A unless named).
    func insertIncome(event: UUID, company: UUID? = nil) async throws -> UUID {
        let id = UUID()
        try await harness.database.query("""
            INSERT INTO event_income (company_id, id, event_id, category, description, amount_minor, currency, expected_date)
            VALUES (\(company ?? companyA), \(id), \(event), 'ticketing', 'Door sales', 250000, 'EUR', DATE '2027-06-01')
            """)
        return id
    }

    func attachmentRows(expense: UUID) async throws -> Int {
        try await harness.database.query("SELECT count(*)::int FROM money_attachments WHERE expense_id = \(expense)").count()
    }

    func expenseCount(company: UUID? = nil) async throws -> Int {
        try await harness.database.query("SELECT count(*)::int FROM event_expenses WHERE company_id = \(company ?? companyA)").count()
    }
}

extension APITestClient {
    /// A multipart upload of `bytes` in the part `file`.
    func uploadFile(_ path: String, _ bytes: [UInt8], filename: String = "receipt.pdf", contentType: String? = nil) async throws -> TestResponse {
        let boundary = "kisum-money-boundary"
        var body = ByteBuffer()
        body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(filename)\"\r\nContent-Type: application/pdf\r\n\r\n")
        body.writeBytes(bytes)
        body.writeString("\r\n--\(boundary)--\r\n")
        var headers: HTTPFields = [.contentType: contentType ?? "multipart/form-data; boundary=\(boundary)"]
        if let token { headers[.authorization] = "Bearer \(token)" }
        if let org { headers[.xOrg] = org }
        return try await client.execute(uri: path, method: .post, headers: headers, body: body)
    }
}

/// A line body for event `event` (amounts in minor units).
func expenseLine(_ event: UUID, _ category: String = "sound", amount: Int64 = 10_000, currency: String? = nil, due: String? = nil,
                 description: String = "PA hire", extra: [String: JSONValue] = [:]) -> JSONValue {
    var body: [String: JSONValue] = ["eventId": .string(event.uuidString), "category": .string(category), "description": .string(description),
                                     "amountMinor": .number(Double(amount))]
    if let currency { body["currency"] = .string(currency) }
    if let due { body["dueDate"] = .string(due) }
    for (key, value) in extra { body[key] = value }
    return .object(body)
}

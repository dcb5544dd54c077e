import Base
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumTesting
import PostgresNIO
import Testing

/// Members hold income and taxes permissions plus artists' (offers need an artist). Events, offers and exchange
/// rates are inserted by SQL (other features own their routes).
func withIncome(_ body: @Sendable @escaping (TwoCompanies<BaseService>) async throws -> Void) async throws {
    let harness = try await ServiceTestHarness(BaseService.self, settings: BaseSettings())
    try await harness.withTwoCompanies(permissions: allIncomeTestPermissions, module: BasePermission.module, body)
}

let allIncomeTestPermissions = [
    BasePermission.incomeRead, BasePermission.incomeWrite, BasePermission.taxesRead, BasePermission.taxesWrite,
    BasePermission.artistsRead, BasePermission.artistsWrite, BasePermission.eventsRead,
]

extension TwoCompanies where Service == BaseService {
    /// An ECB reference rate (EUR → `quote`) dated `day`, by SQL: every company reads it.
    func insertECBRate(_ quote: String, _ rate: String, on day: String) async throws {
        try await opsDatabase.query("""
            INSERT INTO exchange_rates (source, base_currency, quote_currency, rate, rate_date)
            VALUES ('ecb', 'EUR', \(quote), \(rate)::numeric, \(day)::date)
            """)
    }

    /// A manual rate of company A (`base` → `quote`) dated `day`, by SQL.
    func insertManualRate(_ base: String, _ quote: String, _ rate: String, on day: String) async throws {
        try await opsDatabase.query("""
            INSERT INTO exchange_rates (company_id, source, base_currency, quote_currency, rate, rate_date)
            VALUES (\(companyA), 'manual', \(base), \(quote), \(rate)::numeric, \(day)::date)
            """)
    }
}

extension APITestClient {
    /// Creates an income line on `event` and answers its id (failing the step otherwise).
    func makeIncome(event: UUID, category: String = "ticketing", amount: Int64, currency: String = "EUR", on day: String = "2027-05-01",
                    description: String = "Line", payer: String? = nil) async throws -> UUID {
        var body: [String: JSONValue] = [
            "eventId": .string(event.uuidString), "category": .string(category), "description": .string(description),
            "amountMinor": .number(Double(amount)), "currency": .string(currency), "expectedDate": .string(day),
        ]
        if let payer { body["payerName"] = .string(payer) }
        return try await opsCreated("/api/event-income", .object(body))
    }

    /// Records a payment and fails the step unless it is created.
    func pay(_ income: UUID, _ amount: Int64, on day: String = "2027-05-02") async throws {
        let response = try await post("/api/event-income/\(income)/payments", ["amountMinor": .number(Double(amount)), "paidOn": .string(day)])
        guard response.status == .created else { throw TestFailure("payment answered \(response.status): \(response.text)") }
    }
}

extension TestResponse {
    /// The `Idempotent-Replayed` header.
    var replayed: String? { headers.first { $0.name.canonicalName == "idempotent-replayed" }?.value }
}

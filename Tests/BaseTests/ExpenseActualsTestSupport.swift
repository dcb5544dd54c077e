import Base
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumTesting
import PostgresNIO
import Testing

/// Members hold events, expenses and approvals. Estimated lines (Event Expense, another helper's routes) and
/// exchange rates (Exchange) are inserted into their 0017 tables by SQL.
let actualTestPermissions = [
    BasePermission.eventsRead, BasePermission.eventsWrite, BasePermission.expensesRead, BasePermission.expensesWrite,
    BasePermission.approvalsRead, BasePermission.approvalsWrite, BasePermission.artistsRead, BasePermission.artistsWrite,
]

func withActuals(_ body: @Sendable @escaping (TwoCompanies<BaseService>) async throws -> Void) async throws {
    let harness = try await ServiceTestHarness(BaseService.self, settings: BaseSettings())
    try await harness.withTwoCompanies(permissions: actualTestPermissions, module: BasePermission.module, body)
}

extension TwoCompanies where Service == BaseService {
    /// A member of company A with the expense permissions (or `permissions`), and its user id.
    func expenseMember(_ permissions: [String] = actualTestPermissions) -> (user: UUID, api: APITestClient) {
        let member = harness.member(of: companyA, permissions: permissions, modules: [module])
        return (member.user, APITestClient(raw, token: member.token, org: companyA))
    }

    /// An estimated line (event_expenses) of `company` (A unless named), by SQL.
    func insertEstimate(event: UUID, category: String, description: String, amount: Int64, currency: String = "EUR",
                        due: String = "2027-05-20", company: UUID? = nil) async throws -> UUID {
        let id = UUID()
        try await harness.database.query("""
            INSERT INTO event_expenses (company_id, id, event_id, category, description, amount_minor, currency, due_date)
            VALUES (\(company ?? companyA), \(id), \(event), \(category), \(description), \(amount), \(currency), \(due)::date)
            """)
        return id
    }

    /// A company's manual rate (units of `quote` per one `base`) on `day`, by SQL.
    func insertManualRate(_ base: String, _ quote: String, _ rate: String, on day: String, company: UUID? = nil) async throws {
        try await harness.database.query("""
            INSERT INTO exchange_rates (company_id, source, base_currency, quote_currency, rate, rate_date, created_by)
            VALUES (\(company ?? companyA), 'manual', \(base), \(quote), \(rate)::numeric, \(day)::date, \(UUID()))
            """)
    }

    /// The approval item of an actual: status, decider and note.
    func approvalItem(of actual: UUID) async throws -> (status: String, decidedBy: UUID?, note: String?)? {
        try await harness.database.query("""
            SELECT status, decided_by, decision_note FROM approval_items
            WHERE company_id = \(companyA) AND source_type = 'expense' AND source_id = \(actual)
            """).first { try $0.decode((String, UUID?, String?).self) }
    }
}

extension APITestClient {
    /// A submission: the answer, failing the step unless it is 201.
    func submitExpense(event: UUID, category: String = "catering", description: String? = "Crew catering", amount: Int64,
                       currency: String = "EUR", incurredOn: String = "2027-05-20", estimate: UUID? = nil) async throws -> TestResponse {
        var body: [String: JSONValue] = ["eventId": .string(event.uuidString), "category": .string(category),
                                         "amountMinor": .number(Double(amount)), "currency": .string(currency), "incurredOn": .string(incurredOn)]
        if let description { body["description"] = .string(description) }
        if let estimate { body["estimateId"] = .string(estimate.uuidString) }
        let response = try await post("/api/event-expense-approval", .object(body))
        guard response.status == .created else { throw TestFailure("submitting answered \(response.status): \(response.text)") }
        return response
    }

    func setExpenseThreshold(_ amount: Int64, currency: String = "EUR") async throws {
        let response = try await put("/api/approval/thresholds", ["sourceType": "expense", "currency": .string(currency),
                                                                 "thresholdMinor": .number(Double(amount))])
        guard response.status == .ok else { throw TestFailure("threshold answered \(response.status): \(response.text)") }
    }
}

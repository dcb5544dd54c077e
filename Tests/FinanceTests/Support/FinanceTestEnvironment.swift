import Finance
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumTesting

/// Every tenant permission of the Finance module.
let allFinancePermissions = [
    FinancePermission.incomeRead, FinancePermission.incomeWrite, FinancePermission.billsRead, FinancePermission.billsWrite,
    FinancePermission.paymentsRead, FinancePermission.paymentsWrite,
]

typealias FinanceClients = TwoCompanies<FinanceService>

/// Runs `body` against a fresh Finance over its own migrated database, with two companies.
func withFinanceApp(_ body: @escaping @Sendable (FinanceClients) async throws -> Void) async throws {
    let harness = try await ServiceTestHarness(FinanceService.self, settings: FinanceSettings())
    try await harness.withTwoCompanies(permissions: allFinancePermissions, module: FinancePermission.module, body)
}

/// An income body with one 21 %-taxed line of `unit` × `quantity` (merged with `extra`).
func invoiceBody(_ customer: String = "Paradiso", unit: Int64 = 10_000, quantity: Int = 1,
                 extra: [String: JSONValue] = [:]) -> JSONValue {
    var body: [String: JSONValue] = [
        "customerName": .string(customer), "currency": "EUR",
        "lines": [["description": "Room hire", "quantity": .number(Double(quantity)), "unitMinor": .number(Double(unit)),
                   "taxRateBp": 2100]],
    ]
    body.merge(extra) { _, new in new }
    return .object(body)
}

extension APITestClient {
    /// Creates an income invoice and returns its JSON (a failure otherwise).
    @discardableResult
    func createInvoice(_ body: JSONValue = invoiceBody(), path: String = "/api/income") async throws -> JSONValue {
        let response = try await post(path, body)
        guard response.status == .created else { throw TestFailure("create answered \(response.status): \(response.text)") }
        return response.json
    }

    /// An issued invoice of `unit` (plus 21 % tax) and its id.
    func issuedInvoice(unit: Int64 = 10_000, extra: [String: JSONValue] = [:]) async throws -> String {
        var fields = extra
        fields["status"] = "issued"
        guard let id = try await createInvoice(invoiceBody(unit: unit, extra: fields))["id"]?.stringValue else {
            throw TestFailure("no id")
        }
        return id
    }

    func pay(_ id: String, _ amount: Int64, kind: String = "income") async throws -> TestResponse {
        try await post("/api/\(kind)/\(id)/payments", ["amountMinor": .number(Double(amount)), "method": "bank_transfer"])
    }
}

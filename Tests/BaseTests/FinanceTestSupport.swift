import Base
import Finance
import Foundation
import KisumKernel
import KisumPersistence
import KisumServiceClient
import KisumTesting
import PostgresNIO

/// The real Finance service for Base's Integrations - Finance tests: a harness over its own fresh database, served on
/// a loopback port whenever a test brings it up (`up`), down otherwise, always on the same address, so "Finance down"
/// is a closed port and "Finance up again" is the same Finance back. Base reaches it exactly as `serve` wires it
/// (FINANCE_BASE_URL, FINANCE_API_KEY); the outbox relay is driven by the test (`deliver`).
struct FinanceForBase: Sendable {
    let harness: ServiceTestHarness<FinanceService>
    let port: Int

    static func start() async throws -> FinanceForBase {
        let harness = try await ServiceTestHarness(FinanceService.self, settings: FinanceSettings())
        // Finance's address for the whole test: found by starting it once, then reused for every restart.
        let port = try await harness.live { port in port }
        return FinanceForBase(harness: harness, port: port)
    }

    /// Base's settings with Finance configured; the relay is left to the test.
    var baseSettings: BaseSettings {
        var settings = BaseSettings(finance: FinanceClientSettings(baseURL: "http://127.0.0.1:\(port)", apiKey: TestDefaults.internalKeys[0],
                                                                   timeout: .seconds(30)))
        settings.runsFinanceRelay = false
        return settings
    }

    /// Finance serving for `body`.
    @discardableResult
    func up<Value: Sendable>(_ body: () async throws -> Value) async throws -> Value {
        try await harness.live(port: port) { _ in try await body() }
    }

    /// Finance's own API as a machine of `company` (accounts, payments set up for a test).
    func machine(_ company: UUID, _ method: String, _ path: String, _ body: JSONValue? = nil) async throws -> JSONValue {
        let client = ServiceClient(name: "finance-test", baseURL: "http://127.0.0.1:\(port)", internalAPIKey: TestDefaults.internalKeys[0],
                                   timeout: .seconds(60), retry: .none)
        let bytes = try body.map { Array(try JSONCoding.encoder.encode($0)) }
        let response = try await client.send(method, path, body: bytes, orgID: company.uuidString.lowercased())
        guard (200..<300).contains(response.status) else { throw TestFailure("Finance \(method) \(path) answered \(response.status): \(response.bodyText)") }
        return try JSONValueParser.parse(response.bodyText)
    }

    /// A chart-of-accounts account of `company` in Finance (Finance must be up).
    func account(_ company: UUID, code: String, type: String) async throws -> UUID {
        let account = try await machine(company, "POST", "/api/accounts", ["code": .string(code), "name": .string("Account \(code)"),
                                                                         "type": .string(type)])
        guard let id = account["id"]?.stringValue.flatMap(UUID.init(uuidString:)) else { throw TestFailure("no account id") }
        return id
    }

    /// Finance's documents of `company` and `kind`, read from its database.
    func documents(of company: UUID, kind: String) async throws -> [(id: UUID, source: String, sourceRef: String?, total: Int64, status: String,
                                                                     account: UUID?)] {
        try await harness.database.query("""
            SELECT id, source, source_ref, total_minor, status, account_id FROM finance_documents
            WHERE company_id = \(company) AND kind = \(kind) ORDER BY created_at
            """).collect { row in
                let (id, source, ref, total, status, account) = try row.decode((UUID, String, String?, Int64, String, UUID?).self)
                return (id, source, ref, total, status, account)
            }
    }
}

/// An event of `company` with money lines, written by SQL into the 0017 tables (other helpers own their routes).
struct EventMoneyFixture: Sendable {
    let database: Database
    let company: UUID

    func event(_ name: String = "Paradiso night", currency: String = "EUR") async throws -> UUID {
        try await database.query("""
            INSERT INTO events (company_id, name, event_date, currency, created_by)
            VALUES (\(company), \(name), DATE '2027-05-01', \(currency), \(UUID())) RETURNING id
            """).first { try $0.decode(UUID.self) } ?? UUID()
    }

    func income(_ event: UUID, _ amount: Int64, _ currency: String = "EUR", payer: String? = "Promoter BV",
                description: String = "Ticket sales") async throws -> UUID {
        try await database.query("""
            INSERT INTO event_income (company_id, event_id, category, description, payer_name, payer_email, amount_minor, currency,
                                      expected_date)
            VALUES (\(company), \(event), 'ticketing', \(description), \(payer), 'billing@promoter.example', \(amount), \(currency),
                    DATE '2099-06-01')
            RETURNING id
            """).first { try $0.decode(UUID.self) } ?? UUID()
    }

    /// An actual expense in `status` (approved and rejected ones decided by someone other than the submitter).
    func actual(_ event: UUID, _ amount: Int64, status: String = "approved", vendor: String? = "PA hire Ltd",
                currency: String = "EUR") async throws -> UUID {
        let submitter = UUID()
        let decider: UUID? = status == "pending" ? nil : UUID()
        return try await database.query("""
            INSERT INTO event_expense_actuals (company_id, event_id, category, description, vendor_name, amount_minor, currency, incurred_on,
                                               status, submitted_by, decided_by, decided_at)
            VALUES (\(company), \(event), 'production', 'Sound system', \(vendor), \(amount), \(currency), DATE '2027-05-01', \(status),
                    \(submitter), \(decider), CASE WHEN \(status) = 'pending' THEN NULL ELSE now() END)
            RETURNING id
            """).first { try $0.decode(UUID.self) } ?? UUID()
    }
}

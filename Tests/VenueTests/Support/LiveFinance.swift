import Finance
import Foundation
import KisumKernel
import KisumPersistence
import KisumRuntime
import KisumServiceClient
import KisumTesting
import PostgresNIO
@testable import Venue

/// The real Finance service, live on a loopback port over its own fresh database: Venue's deposits reach
/// it over HTTP exactly as `serve` wires them (FINANCE_BASE_URL, FINANCE_API_KEY).
struct LiveFinance: Sendable {
    let harness: ServiceTestHarness<FinanceService>
    let port: Int

    /// Generous timeouts: the whole suite runs many tests at once on a small machine, and a slow answer
    /// here would read as "Finance unavailable".
    var settings: CalleeSettings {
        CalleeSettings(baseURL: "http://127.0.0.1:\(port)", apiKey: TestDefaults.internalKeys[0], timeout: .seconds(30))
    }

    /// Finance's income invoices of `company`, read from its database.
    func invoices(of company: UUID) async throws -> [(id: UUID, status: String, total: Int64, paid: Int64, sourceRef: String?)] {
        try await harness.database.query("""
            SELECT id, status, total_minor, paid_minor, source_ref FROM finance_documents
            WHERE company_id = \(company) AND kind = 'income' ORDER BY created_at
            """).collect { row in
                let (id, status, total, paid, ref) = try row.decode((UUID, String, Int64, Int64, String?).self)
                return (id, status, total, paid, ref)
            }
    }

    /// Finance's own API as a machine of `company` (what Venue is).
    func machine(_ company: UUID) -> ServiceClient {
        ServiceClient(name: "finance-test", baseURL: settings.baseURL, internalAPIKey: TestDefaults.internalKeys[0],
                      timeout: .seconds(60), retry: .none)
    }
}

@discardableResult
func withLiveFinance<Value: Sendable>(_ body: (LiveFinance) async throws -> Value) async throws -> Value {
    let harness = try await ServiceTestHarness(FinanceService.self, settings: FinanceSettings())
    return try await harness.live { port async throws in try await body(LiveFinance(harness: harness, port: port)) }
}

/// Venue with FINANCE_BASE_URL pointing at a live Finance.
func withVenueAndFinance(_ body: @escaping @Sendable (VenueClients, LiveFinance) async throws -> Void) async throws {
    try await withLiveFinance { finance async throws in
        var settings = VenueSettings(finance: finance.settings)
        settings.runsFinanceRelay = false
        try await withVenueApp(settings: settings) { clients in try await body(clients, finance) }
    }
}

extension VenueClients {
    /// Delivers every due deposit message now, as the background relay would (tests run it themselves),
    /// with `ledger` in place of the configured Finance when given.
    func syncDeposits(ledger: (any FinanceLedger)? = nil) async throws {
        let configured = VenueService.financeLedger(env.runtime.settings)
        guard let ledger = ledger ?? configured else { throw TestFailure("Finance is not configured") }
        let sync = DepositFinanceSync(deposits: DepositsRepository(database: env.database), ledger: ledger)
        try await OutboxRelay(database: env.database, handlers: [DepositsRepository.topic: sync], maxAttempts: .max).drain()
    }

    /// Makes every waiting outbox message due again (after a failed attempt put it on backoff).
    func retryNow() async throws {
        try await env.database.query("UPDATE outbox SET next_attempt_at = now() WHERE delivered_at IS NULL AND dead_at IS NULL")
    }
}

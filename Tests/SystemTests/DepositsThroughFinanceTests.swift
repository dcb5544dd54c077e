import Finance
import Foundation
import KisumKernel
import KisumPersistence
import KisumTesting
import PostgresNIO
import Testing
import Venue

/// Venue and Finance as two live servers, wired the way `serve` wires them (FINANCE_BASE_URL,
/// FINANCE_API_KEY, the outbox relay running in Venue): Finance stops part-way and comes back on the same
/// address, and every deposit still ends as exactly one Finance invoice.
@Suite("System: Venue deposits reach Finance whatever Finance does", .timeLimit(.minutes(10)))
struct DepositsThroughFinanceTests {
    @Test func twoHundredDepositsWhileFinanceStopsAndRestartsEndAsTwoHundredInvoices() async throws {
        let finance = try await ServiceTestHarness(FinanceService.self, settings: FinanceSettings())
        // Finance's address for the whole test: found by starting it once, then reused for every restart.
        let port = try await finance.live { port in port }
        let callee = CalleeSettings(baseURL: "http://127.0.0.1:\(port)", apiKey: TestDefaults.internalKeys[0], timeout: .seconds(10))
        let venue = try await ServiceTestHarness(VenueService.self, settings: VenueSettings(finance: callee))
        let company = UUID()
        let member = venue.member(of: company, permissions: ["venue.deposits.read", "venue.deposits.write"], modules: ["venue"])

        try await venue.live { venuePort in
            let api = Caller(baseURL: "http://127.0.0.1:\(venuePort)").with(token: member.token, org: company)
            func deposit(_ n: Int) async throws {
                let answer = try await api.call("POST", "/api/v1/deposits", [
                    "payerName": .string("Promoter \(n)"), "amountMinor": .number(Double(1_000 + n)), "currency": "EUR",
                ])
                #expect(answer.status == 201, "deposit \(n): \(answer.status)")
            }
            try await finance.live(port: port) { _ in
                for n in 0..<100 { try await deposit(n) }
            }
            // Finance is down: deposits are still taken, and wait.
            for n in 100..<200 { try await deposit(n) }
            #expect(try await Self.count(venue.database, "SELECT count(*) FROM deposits WHERE company_id = \(company)") == 200)
            try await finance.live(port: port) { _ in
                let deadline = ContinuousClock.now + .seconds(120)
                while ContinuousClock.now < deadline {
                    let synced = try await Self.count(venue.database, """
                        SELECT count(*) FROM deposits WHERE company_id = \(company) AND finance_sync_status = 'synced'
                        """)
                    if synced == 200 { break }
                    try await Task.sleep(for: .milliseconds(500))
                }
            }
        }

        let invoices = try await finance.database.query("""
            SELECT id, source_ref, total_minor FROM finance_documents WHERE company_id = \(company) AND kind = 'income'
            """).collect { try $0.decode((UUID, String, Int64).self) }
        #expect(invoices.count == 200)
        #expect(Set(invoices.map(\.1)).count == 200, "no deposit has two invoices")
        let deposits = try await venue.database.query("""
            SELECT id, finance_record_id, amount_minor, finance_sync_status FROM deposits WHERE company_id = \(company)
            """).collect { try $0.decode((UUID, UUID?, Int64, String).self) }
        let byRef = Dictionary(uniqueKeysWithValues: invoices.map { ($0.1, ($0.0, $0.2)) })
        for (id, record, amount, status) in deposits {
            let invoice = byRef[id.uuidString.lowercased()]
            #expect(status == "synced")
            #expect(record != nil && record == invoice?.0, "deposit \(id) is linked to its invoice")
            #expect(invoice?.1 == amount)
        }
    }

    static func count(_ database: Database, _ query: PostgresQuery) async throws -> Int {
        try await database.query(query).count()
    }
}

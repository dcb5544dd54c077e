import Base
import Finance
import Foundation
import KisumKernel
import KisumPersistence
import KisumTesting
import PostgresNIO
import Testing

/// Issue 10: "the Finance sync creates exactly the invoices and bills expected in the real Finance service, once, even
/// when run twice", and "Finance down → the sync is queued, and status shows it". Base and Finance as two live servers
/// wired the way `serve` wires them (FINANCE_BASE_URL, FINANCE_API_KEY, the outbox relay running in Base); Finance stops
/// part-way and comes back on the same address.
@Suite("System: Base event money reaches Finance whatever Finance does", .timeLimit(.minutes(10)))
struct BaseFinanceSyncTests {
    @Test func anEventsIncomeAndApprovedExpensesBecomeFinanceDocumentsOnceThroughAnOutage() async throws {
        let finance = try await ServiceTestHarness(FinanceService.self, settings: FinanceSettings())
        let port = try await finance.live { port in port }
        let base = try await ServiceTestHarness(BaseService.self, settings: BaseSettings(finance: FinanceClientSettings(
            baseURL: "http://127.0.0.1:\(port)", apiKey: TestDefaults.internalKeys[0], timeout: .seconds(10))))
        let company = UUID()
        let booker = base.member(of: company, permissions: [BasePermission.integrationsRead, BasePermission.integrationsWrite,
                                                           BasePermission.incomeWrite], modules: [BasePermission.module])
        let accountant = finance.member(of: company, permissions: [FinancePermission.incomeRead, FinancePermission.incomeWrite,
                                                                   FinancePermission.billsRead, FinancePermission.billsWrite],
                                        modules: [FinancePermission.module])

        // The event's money (written by the income and approval groups; here by SQL).
        let event = try await Self.id(base.database, """
            INSERT INTO events (company_id, name, event_date, currency, created_by)
            VALUES (\(company), 'Melkweg night', DATE '2027-09-12', 'EUR', \(UUID())) RETURNING id
            """)
        var income: [UUID] = []
        for (amount, currency) in [(800_000, "EUR"), (150_000, "GBP")] {
            income.append(try await Self.id(base.database, """
                INSERT INTO event_income (company_id, event_id, category, description, payer_name, amount_minor, currency, expected_date)
                VALUES (\(company), \(event), 'ticketing', 'Ticket sales', 'Box office', \(Int64(amount)), \(currency), DATE '2027-10-01')
                RETURNING id
                """))
        }
        let approved = try await Self.id(base.database, """
            INSERT INTO event_expense_actuals (company_id, event_id, category, description, vendor_name, amount_minor, currency, incurred_on,
                                               status, submitted_by, decided_by, decided_at)
            VALUES (\(company), \(event), 'production', 'Lights', 'Light hire', 90000, 'EUR', DATE '2027-09-12', 'approved', \(UUID()),
                    \(UUID()), now())
            RETURNING id
            """)
        _ = try await Self.id(base.database, """
            INSERT INTO event_expense_actuals (company_id, event_id, category, description, amount_minor, currency, incurred_on, status,
                                               submitted_by)
            VALUES (\(company), \(event), 'catering', 'Rider', 20000, 'EUR', DATE '2027-09-12', 'pending', \(UUID()))
            RETURNING id
            """)

        try await base.live { basePort in
            let api = Caller(baseURL: "http://127.0.0.1:\(basePort)").with(token: booker.token, org: company)
            let books = Caller(baseURL: "http://127.0.0.1:\(port)").with(token: accountant.token, org: company)
            try await finance.live(port: port) { _ in
                let account = try await books.call("POST", "/api/accounts", ["code": "4000", "name": "Event income", "type": "revenue"])
                #expect(account.status == 201)
                let connected = try await api.call("POST", "/api/integrations-finance/connect", ["incomeAccountId": account.json["id"] ?? .null])
                #expect(connected.status == 200, "\(connected.json)")

                // Two syncs at once and one after: three lines queued once.
                async let one = api.call("POST", "/api/integrations-finance/events/\(event)/sync")
                async let two = api.call("POST", "/api/integrations-finance/events/\(event)/sync")
                let (first, second) = try await (one, two)
                let queued = [first, second].map { $0.json["queued"]?.doubleValue ?? -1 }
                #expect(queued.sorted() == [0, 3])
                try await Self.waitFor(api, delivered: 3)
                #expect(try await api.call("POST", "/api/integrations-finance/events/\(event)/sync").json["queued"] == 0)

                let invoices = try await books.call("GET", "/api/income?source=base_event_income").json
                #expect(invoices["total"] == 2)
                #expect(Set(invoices["items"]?.arrayValue?.compactMap { $0["sourceRef"]?.stringValue } ?? [])
                    == Set(income.map { $0.uuidString.lowercased() }))
                #expect(invoices["items"]?.arrayValue?.allSatisfy { $0["accountId"] == account.json["id"] } == true)
                let bills = try await books.call("GET", "/api/bills?source=base_event_expense").json
                #expect(bills["total"] == 1)
                #expect(bills["items"]?[0]?["sourceRef"] == .uuid(approved))
                #expect(bills["items"]?[0]?["totalMinor"] == 90_000)
                #expect(try await api.call("GET", "/api/integrations-finance/invoices").json["total"] == 2)
            }

            // Finance stops. A new income line is synced: taken, queued, and the status says why it waits.
            let late = try await Self.id(base.database, """
                INSERT INTO event_income (company_id, event_id, category, description, payer_name, amount_minor, currency, expected_date)
                VALUES (\(company), \(event), 'bar', 'Bar takings', 'Bar', 45000, 'EUR', DATE '2027-09-13') RETURNING id
                """)
            let sync = try await api.call("POST", "/api/integrations-finance/events/\(event)/sync")
            #expect(sync.status == 202)
            #expect(sync.json["queued"] == 1)
            let deadline = ContinuousClock.now + .seconds(30)
            var status = JSONValue.null
            while ContinuousClock.now < deadline {
                status = try await api.call("GET", "/api/integrations-finance/status").json
                if status["lastError"] != .null { break }
                try await Task.sleep(for: .milliseconds(200))
            }
            #expect(status["sync"]?["queued"] == 1)
            #expect(status["reachable"] == false)
            #expect(status["lastError"]?.stringValue?.hasPrefix("Finance unavailable") == true)
            #expect(try await api.call("GET", "/api/integrations-finance/invoices").errorCode == "finance_unavailable")

            // Finance is back on the same address: the relay's retry delivers the line, once.
            try await finance.live(port: port) { _ in
                try await Self.waitFor(api, delivered: 4)
                let invoices = try await books.call("GET", "/api/income?source=base_event_income").json
                #expect(invoices["total"] == 3)
                #expect(try await books.call("GET", "/api/income?sourceRef=\(late.uuidString.lowercased())").json["items"]?[0]?["totalMinor"]
                    == 45_000)
                let final = try await api.call("GET", "/api/integrations-finance/status").json
                #expect(final["sync"]?["queued"] == 0)
                #expect(final["lastError"] == .null)
            }
        }
        let documents = try await finance.database.query("""
            SELECT count(*) FROM finance_documents WHERE company_id = \(company)
            """).count()
        #expect(documents == 4, "three invoices and one bill, none twice")
    }

    /// Polls Base's status until `delivered` lines are delivered (the relay runs in Base; its backoff after an outage is
    /// a few seconds).
    static func waitFor(_ api: Caller, delivered: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(90)
        while ContinuousClock.now < deadline {
            let status = try await api.call("GET", "/api/integrations-finance/status").json
            if status["sync"]?["delivered"]?.doubleValue == Double(delivered) { return }
            try await Task.sleep(for: .milliseconds(250))
        }
        let status = try await api.call("GET", "/api/integrations-finance/status").json
        Issue.record("not delivered in time: \(status)")
    }

    static func id(_ database: Database, _ query: PostgresQuery) async throws -> UUID {
        guard let id = try await database.query(query).first({ try $0.decode(UUID.self) }) else { throw TestFailure("no id") }
        return id
    }
}

import Base
import Finance
import Foundation
import KisumKernel
import KisumTesting
import Testing

/// Issue 10's journey: "an event with income in EUR and GBP, estimated expenses, an actual expense submitted, approved
/// by another member, taxes → the event financials and the cash-flow view match hand-computed figures in the reporting
/// currency with the stored rates; the Finance sync creates exactly the invoices and bills expected in the real Finance
/// service, once, even when run twice."
///
/// Base and Finance live, every step through the public routes. The figures, worked by hand (EUR is the event's
/// reporting currency; the company's stored rate GBP→EUR 1.25 is dated 2026-11-02):
/// - income: ticketing EUR 10,000.00 (expected 2026-11-14) + sponsorship GBP 2,000.00 (2026-11-02) = EUR 2,500.00
///   → EUR 12,500.00 expected; paid: GBP 2,000.00 on 2026-11-02 (EUR 2,500.00) + EUR 4,000.00 on 2026-11-14 = 6,500.00
/// - estimated: production EUR 3,000.00 (2026-11-14), travel GBP 400.00 (2026-11-02) = EUR 500.00
/// - actual: production EUR 3,200.00, submitted by the booker and approved by the accountant, replaces its estimate
///   → expenses EUR 3,700.00 (3,200.00 actual + 500.00 estimated)
/// - VAT 20 % included in ticketing: 10,000.00 × 20 / 120 = 1,666.666… → 1,666.67 tax, 8,333.33 net; the event's
///   income 12,500.00 gross is 10,833.33 net
/// - cash flow, November: in expected 12,500.00 / actual 6,500.00; out expected 3,500.00 / actual 3,200.00
@Suite("System: an event's money, from its lines to the books", .timeLimit(.minutes(10)))
struct MoneyJourneyTests {
    static let permissions = [
        BasePermission.eventsRead, BasePermission.eventsWrite, BasePermission.incomeRead, BasePermission.incomeWrite,
        BasePermission.expensesRead, BasePermission.expensesWrite, BasePermission.taxesRead, BasePermission.taxesWrite,
        BasePermission.approvalsRead, BasePermission.approvalsWrite, BasePermission.integrationsRead,
        BasePermission.integrationsWrite, BasePermission.companiesWrite,
    ]

    @Test func incomeExpensesApprovalTaxesAndTheBooksAddUp() async throws {
        let finance = try await ServiceTestHarness(FinanceService.self, settings: FinanceSettings())
        let financePort = try await finance.live { port in port }
        let base = try await ServiceTestHarness(BaseService.self, settings: BaseSettings(finance: FinanceClientSettings(
            baseURL: "http://127.0.0.1:\(financePort)", apiKey: TestDefaults.internalKeys[0], timeout: .seconds(10))))
        let company = UUID()
        let booker = base.member(of: company, permissions: Self.permissions, modules: [BasePermission.module])
        let accountant = base.member(of: company, permissions: Self.permissions, modules: [BasePermission.module])
        let bookkeeper = finance.member(of: company, permissions: [FinancePermission.incomeRead, FinancePermission.incomeWrite,
                                                                  FinancePermission.billsRead, FinancePermission.billsWrite],
                                        modules: [FinancePermission.module])

        try await base.live { basePort in
            let api = Caller(baseURL: "http://127.0.0.1:\(basePort)").with(token: booker.token, org: company)
            let approver = Caller(baseURL: "http://127.0.0.1:\(basePort)").with(token: accountant.token, org: company)
            let books = Caller(baseURL: "http://127.0.0.1:\(financePort)").with(token: bookkeeper.token, org: company)

            let event = try await Self.created(api, "/api/events", [
                "name": "Múm at Paradiso", "date": "2026-11-14", "currency": "EUR", "venueName": "Paradiso", "city": "Amsterdam",
            ])
            _ = try await Self.created(api, "/api/exchange/rates", ["base": "GBP", "quote": "EUR", "rate": "1.25", "date": "2026-11-02"])
            let convert = try await api.call("GET", "/api/exchange/convert?amountMinor=10000&from=GBP&to=EUR&date=2026-11-05").json
            #expect(convert["convertedMinor"] == 12_500, "\(convert)")
            #expect(convert["rateDate"] == "2026-11-02")

            // Income in two currencies, and what was paid against it.
            let tickets = try await Self.created(api, "/api/event-income", [
                "eventId": .string(event), "category": "ticketing", "description": "Ticket sales", "payerName": "Box office",
                "amountMinor": 1_000_000, "currency": "EUR", "expectedDate": "2026-11-14",
            ])
            let sponsor = try await Self.created(api, "/api/event-income", [
                "eventId": .string(event), "category": "sponsorship", "description": "Brewery sponsorship", "payerName": "Brouwerij",
                "amountMinor": 200_000, "currency": "GBP", "expectedDate": "2026-11-02",
            ])
            for (line, amount, day) in [(sponsor, 200_000, "2026-11-02"), (tickets, 400_000, "2026-11-14")] {
                let paid = try await api.call("POST", "/api/event-income/\(line)/payments", ["amountMinor": .number(Double(amount)), "paidOn": .string(day)])
                #expect(paid.status == 201, "\(paid.json)")
            }

            // The budget, then what production really cost: submitted by the booker, approved by the accountant only.
            let production = try await Self.created(api, "/api/event-expense", [
                "eventId": .string(event), "category": "production", "description": "Stage and PA", "amountMinor": 300_000,
                "currency": "EUR", "dueDate": "2026-11-14",
            ])
            _ = try await Self.created(api, "/api/event-expense", [
                "eventId": .string(event), "category": "travel", "description": "Ferry", "amountMinor": 40_000, "currency": "GBP",
                "dueDate": "2026-11-02",
            ])
            let refused = try await api.call("POST", "/api/event-expense", [
                "eventId": .string(event), "type": "actual", "category": "production", "description": "Stage and PA",
                "amountMinor": 320_000, "currency": "EUR", "dueDate": "2026-11-14",
            ])
            #expect(refused.errorCode == "actual_expense_not_allowed", "\(refused.json)")
            let actual = try await Self.created(api, "/api/event-expense-approval", [
                "eventId": .string(event), "estimateId": .string(production), "category": "production", "description": "Stage and PA",
                "amountMinor": 320_000, "currency": "EUR", "incurredOn": "2026-11-14",
            ])
            #expect(try await api.call("POST", "/api/event-expense-approval/\(actual)/approve", [:]).status == 403)
            let approved = try await approver.call("POST", "/api/event-expense-approval/\(actual)/approve", [:])
            #expect(approved.json["status"] == "approved", "\(approved.json)")

            _ = try await Self.created(api, "/api/event-tax", [
                "eventId": .string(event), "kind": "vat", "name": "BTW 20 %", "rateBp": 2000, "inclusive": true,
                "appliesTo": "income_category", "incomeCategory": "ticketing",
            ])

            // The figures, in EUR at the stored rates.
            let income = try await api.call("GET", "/api/event-income/event/\(event)/summary").json
            #expect(income["totals"]?["amountMinor"] == 1_250_000, "\(income)")
            #expect(income["totals"]?["paidMinor"] == 650_000)
            let financials = try await api.call("GET", "/api/events/\(event)/financials").json
            #expect(financials["expenses"]?["totals"]?["totalMinor"] == 370_000, "\(financials)")
            #expect(financials["expenses"]?["totals"]?["actualMinor"] == 320_000)
            #expect(financials["expenses"]?["totals"]?["estimatedMinor"] == 50_000)
            let taxes = try await api.call("GET", "/api/event-tax/event/\(event)").json
            #expect(taxes["summary"]?["totals"]?["taxMinor"] == 166_667, "\(taxes)")
            #expect(taxes["summary"]?["lines"]?[0]?["netMinor"] == 833_333)
            #expect(taxes["summary"]?["totals"]?["grossMinor"] == 1_250_000)
            #expect(taxes["summary"]?["totals"]?["netMinor"] == 1_083_333)
            let cash = try await api.call("GET", "/api/cash-flow?from=2026-11-01&to=2026-11-30&period=month&currency=EUR").json
            #expect(cash["totals"]?["inflow"]?["expectedMinor"] == 1_250_000, "\(cash)")
            #expect(cash["totals"]?["inflow"]?["actualMinor"] == 650_000)
            #expect(cash["totals"]?["outflow"]?["expectedMinor"] == 350_000)
            #expect(cash["totals"]?["outflow"]?["actualMinor"] == 320_000)

            // The books: two invoices and one bill in the real Finance, once, however often the event is synced.
            try await finance.live(port: financePort) { _ in
                let account = try await books.call("POST", "/api/accounts", ["code": "4000", "name": "Event income", "type": "revenue"])
                #expect(account.status == 201, "\(account.json)")
                let connected = try await api.call("POST", "/api/integrations-finance/connect", ["incomeAccountId": account.json["id"] ?? .null])
                #expect(connected.status == 200, "\(connected.json)")
                #expect(try await api.call("POST", "/api/integrations-finance/events/\(event)/sync").json["queued"] == 3)
                try await BaseFinanceSyncTests.waitFor(api, delivered: 3)
                #expect(try await api.call("POST", "/api/integrations-finance/events/\(event)/sync").json["queued"] == 0)

                let invoices = try await books.call("GET", "/api/income?source=base_event_income").json
                #expect(invoices["total"] == 2, "\(invoices)")
                let byRef = Dictionary(uniqueKeysWithValues: (invoices["items"]?.arrayValue ?? []).compactMap { item in
                    item["sourceRef"]?.stringValue.map { ($0, item) }
                })
                #expect(byRef[tickets]?["totalMinor"] == 1_000_000)
                #expect(byRef[sponsor]?["totalMinor"] == 200_000)
                #expect(byRef[sponsor]?["currency"] == "GBP")
                let bills = try await books.call("GET", "/api/bills?source=base_event_expense").json
                #expect(bills["total"] == 1, "\(bills)")
                #expect(bills["items"]?[0]?["sourceRef"]?.stringValue == actual)
                #expect(bills["items"]?[0]?["totalMinor"] == 320_000)
            }
        }
    }

    /// POSTs and answers the new record's id (lower-case), recording the answer when it is not 201.
    static func created(_ api: Caller, _ path: String, _ body: JSONValue) async throws -> String {
        let answer = try await api.call("POST", path, body)
        #expect(answer.status == 201, "\(path): \(answer.status) \(answer.json)")
        return try #require(answer.json["id"]?.stringValue?.lowercased(), "\(path): \(answer.json)")
    }
}

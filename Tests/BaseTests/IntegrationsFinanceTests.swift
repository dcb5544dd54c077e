import Base
import Finance
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumRuntime
import KisumTesting
import PostgresNIO
import Testing

/// Issue 10: "Integrations - Finance: Base talks to the Finance service (invoices, bills, payments, accounts) over the
/// libcurl client with internal keys; an event's sync pushes its income and approved expenses through the outbox;
/// Finance down → the sync is queued, and status shows it", and "the Finance sync creates exactly the invoices and
/// bills expected in the real Finance service, once, even when run twice". Finance here is the real service, served
/// on a loopback port (`FinanceForBase`); Base reaches it over HTTP as `serve` wires it.
@Suite("Base Integrations - Finance")
struct IntegrationsFinanceTests {
    static let permissions = [BasePermission.integrationsRead, BasePermission.integrationsWrite, BasePermission.incomeRead,
                              BasePermission.incomeWrite]

    /// Base (two companies) with Finance configured; Finance is down unless the body brings it `up`.
    func withBase(_ finance: FinanceForBase, _ body: @Sendable @escaping (TwoCompanies<BaseService>) async throws -> Void) async throws {
        let harness = try await ServiceTestHarness(BaseService.self, settings: finance.baseSettings)
        try await harness.withTwoCompanies(permissions: Self.permissions, module: BasePermission.module, body)
    }

    /// Delivers every due Finance message now, as the background relay would.
    static func deliver(_ c: TwoCompanies<BaseService>) async throws {
        let relay = try #require(BaseService.financeRelay(database: c.harness.database, settings: c.harness.runtime.settings))
        try await relay.drain()
    }

    /// Makes every waiting message due again (a failed attempt put it on backoff).
    static func retryNow(_ c: TwoCompanies<BaseService>) async throws {
        try await c.harness.database.query("UPDATE outbox SET next_attempt_at = now() WHERE delivered_at IS NULL AND dead_at IS NULL")
    }

    @Test func connectStatusAndDisconnect() async throws {
        let finance = try await FinanceForBase.start()
        try await withBase(finance) { c in
            try await finance.up {
                let before = try await c.a.get("/api/integrations-finance/status")
                #expect(before.status == .ok)
                #expect(before.json["configured"] == true)
                #expect(before.json["reachable"] == true)
                #expect(before.json["connected"] == false)
                #expect(before.json["connection"] == .null)
                #expect(before.json["sync"]?["queued"] == 0)

                let revenue = try await finance.account(c.companyA, code: "4000", type: "revenue")
                let expense = try await finance.account(c.companyA, code: "6000", type: "expense")
                let foreign = try await finance.account(c.companyB, code: "4000", type: "revenue")
                let accounts = try await c.a.get("/api/integrations-finance/accounts")
                #expect(accounts.json["total"] == 2)
                #expect(try await c.a.get("/api/integrations-finance/accounts?type=expense").json["items"]?[0]?["code"] == "6000")
                #expect(try await c.b.get("/api/integrations-finance/accounts").json["total"] == 1)
                #expect(try await c.a.get("/api/integrations-finance/accounts?limit=0").status == .badRequest)

                let wrong = try await c.a.post("/api/integrations-finance/connect", ["incomeAccountId": .uuid(expense),
                                                                                    "expenseAccountId": .uuid(foreign)])
                #expect(wrong.status == .unprocessableContent)
                #expect(Set(wrong.json["error"]?["details"]?.arrayValue?.compactMap { $0["code"]?.stringValue } ?? [])
                    == ["account_type_mismatch", "account_not_found"])
                #expect(try await c.a.post("/api/integrations-finance/connect", ["incomeAccountId": "x"]).status == .badRequest)

                let connected = try await c.a.post("/api/integrations-finance/connect", ["incomeAccountId": .uuid(revenue),
                                                                                        "expenseAccountId": .uuid(expense),
                                                                                        "issueBills": true])
                #expect(connected.status == .ok)
                #expect(connected.json["connected"] == true)
                #expect(connected.json["connection"]?["incomeAccountId"] == .uuid(revenue))
                #expect(connected.json["connection"]?["issueBills"] == true)
                #expect(connected.json["connection"]?["issueInvoices"] == false)
                // Connecting again replaces the settings; the body may be left out.
                #expect(try await c.a.post("/api/integrations-finance/connect").json["connection"]?["incomeAccountId"] == .null)
                #expect(try await c.a.get("/api/integrations-finance/status").json["connected"] == true)
                #expect(try await c.b.get("/api/integrations-finance/status").json["connected"] == false)

                let reader = c.a(permissions: [BasePermission.integrationsRead])
                #expect(try await reader.get("/api/integrations-finance/status").status == .ok)
                #expect(try await reader.post("/api/integrations-finance/connect").status == .forbidden)
                #expect(try await reader.delete("/api/integrations-finance/disconnect").status == .forbidden)
                #expect(try await c.a(permissions: [BasePermission.incomeRead]).get("/api/integrations-finance/status").status == .forbidden)
                #expect(try await c.a(permissions: [BasePermission.incomeRead]).get("/api/integrations-finance/accounts").status == .forbidden)
            }
            // Disconnecting needs no Finance; the status still answers while Finance is down.
            #expect(try await c.a.delete("/api/integrations-finance/disconnect").status == .noContent)
            let again = try await c.a.delete("/api/integrations-finance/disconnect")
            #expect(again.status == .conflict)
            #expect(again.json["error"]?["code"] == "finance_not_connected")
            let down = try await c.a.get("/api/integrations-finance/status")
            #expect(down.json["connected"] == false)
            #expect(down.json["reachable"] == false)
            // Connecting needs Finance to answer.
            let refused = try await c.a.post("/api/integrations-finance/connect")
            #expect(refused.status == .serviceUnavailable)
            #expect(refused.json["error"]?["code"] == "finance_unavailable")
            #expect(try await c.a.get("/api/integrations-finance/accounts").json["error"]?["code"] == "finance_unavailable")
        }
    }

    @Test func financesRecordsAreReadAndMadeThroughBase() async throws {
        let finance = try await FinanceForBase.start()
        try await withBase(finance) { c in
            try await finance.up {
                let revenue = try await finance.account(c.companyA, code: "4000", type: "revenue")
                let invoiceBody: JSONValue = ["customerName": "Paradiso", "currency": "EUR", "status": "issued",
                                              "lines": [["description": "Room hire", "quantity": 1, "unitMinor": 10_000, "taxRateBp": 2100]]]
                let notConnected = try await c.a.post("/api/integrations-finance/invoices", invoiceBody)
                #expect(notConnected.status == .conflict)
                #expect(notConnected.json["error"]?["code"] == "finance_not_connected")
                _ = try await c.a.post("/api/integrations-finance/connect", ["incomeAccountId": .uuid(revenue)])

                let created = try await c.a.post("/api/integrations-finance/invoices", invoiceBody)
                #expect(created.status == .created)
                #expect(created.json["totalMinor"] == 12_100)
                #expect(created.json["source"] == "base_manual")
                #expect(created.json["accountId"] == .uuid(revenue))
                let id = try #require(created.json["id"]?.stringValue)
                #expect(try await c.a.get("/api/integrations-finance/invoices/\(id)").json["customerName"] == "Paradiso")
                #expect(try await c.a.get("/api/integrations-finance/invoices?status=issued").json["total"] == 1)
                #expect(try await c.a.get("/api/integrations-finance/invoices?customer=para").json["items"]?[0]?["id"] == .string(id))
                #expect(try await c.a.get("/api/integrations-finance/invoices?status=late").status == .badRequest)
                #expect(try await c.a.get("/api/integrations-finance/invoices?issuedFrom=2027-02-30").status == .badRequest)

                // An Idempotency-Key makes a retry answer the first invoice.
                let keyed = c.a.with(header: "Idempotency-Key", "box-office-7")
                let once = try await keyed.post("/api/integrations-finance/invoices", invoiceBody)
                let twice = try await keyed.post("/api/integrations-finance/invoices", invoiceBody)
                #expect(once.json["id"] == twice.json["id"])
                #expect(try await c.a.get("/api/integrations-finance/invoices").json["total"] == 2)

                // Finance's refusals come back with its status, code and field details.
                let invalid = try await c.a.post("/api/integrations-finance/invoices", ["customerName": " ", "currency": "QQQ", "lines": []])
                #expect(invalid.status == .unprocessableContent)
                #expect(Set(invalid.errorFields).isSuperset(of: ["customerName", "currency", "lines"]))
                #expect(try await c.a.post("/api/integrations-finance/invoices", ["lines": "many"]).status == .badRequest)
                let foreign = try await c.b.get("/api/integrations-finance/invoices/\(id)")
                #expect(foreign.status == .notFound)
                #expect(try await c.a.get("/api/integrations-finance/invoices/not-an-id").status == .notFound)

                let bill = try await c.a.post("/api/integrations-finance/bills", ["supplierName": "PA hire", "currency": "GBP", "status": "issued",
                                                                                 "lines": [["description": "Speakers", "quantity": 2, "unitMinor": 5_000]]])
                #expect(bill.status == .created)
                #expect(bill.json["kind"] == "bill")
                #expect(bill.json["accountId"] == .null)
                let billID = try #require(bill.json["id"]?.stringValue)
                #expect(try await c.a.get("/api/integrations-finance/bills?supplier=PA").json["total"] == 1)

                _ = try await finance.machine(c.companyA, "POST", "/api/income/\(id)/payments", ["amountMinor": 12_100, "method": "card"])
                _ = try await finance.machine(c.companyA, "POST", "/api/bills/\(billID)/payments", ["amountMinor": 4_000])
                let payments = try await c.a.get("/api/integrations-finance/payments").json
                #expect(payments["total"] == 2)
                #expect(try await c.a.get("/api/integrations-finance/payments?kind=bill").json["items"]?[0]?["partyName"] == "PA hire")
                #expect(try await c.a.get("/api/integrations-finance/payments?currency=EUR").json["items"]?[0]?["amountMinor"] == 12_100)
                #expect(try await c.a.get("/api/integrations-finance/payments?documentId=nope").status == .badRequest)
                #expect(try await c.b.get("/api/integrations-finance/payments").json["total"] == 0)

                let reader = c.a(permissions: [BasePermission.integrationsRead])
                #expect(try await reader.get("/api/integrations-finance/invoices").status == .ok)
                #expect(try await reader.post("/api/integrations-finance/invoices", invoiceBody).status == .forbidden)
                #expect(try await reader.post("/api/integrations-finance/bills", invoiceBody).status == .forbidden)
                let none = c.a(permissions: [BasePermission.incomeWrite])
                for path in ["invoices", "invoices/\(id)", "bills", "payments", "accounts"] {
                    #expect(try await none.get("/api/integrations-finance/\(path)").status == .forbidden)
                }
            }
            // Finance down: reads and creates say so, never an empty answer.
            let down = try await c.a.get("/api/integrations-finance/invoices")
            #expect(down.status == .serviceUnavailable)
            #expect(down.json["error"]?["code"] == "finance_unavailable")
            #expect(try await c.a.get("/api/integrations-finance/payments").status == .serviceUnavailable)
        }
    }

    @Test func withoutFinanceConfiguredTheRoutesThatNeedItAnswer503() async throws {
        let harness = try await ServiceTestHarness(BaseService.self, settings: BaseSettings())
        try await harness.withTwoCompanies(permissions: Self.permissions, module: BasePermission.module) { c in
            let status = try await c.a.get("/api/integrations-finance/status")
            #expect(status.status == .ok)
            #expect(status.json["configured"] == false)
            #expect(status.json["reachable"] == .null)
            #expect(status.json["connected"] == false)
            let event = try await EventMoneyFixture(database: c.harness.database, company: c.companyA).event()
            let income = try await EventMoneyFixture(database: c.harness.database, company: c.companyA).income(event, 100)
            let calls: [(HTTPRequest.Method, String)] = [
                (.post, "/api/integrations-finance/connect"), (.post, "/api/integrations-finance/events/\(event)/sync"),
                (.get, "/api/integrations-finance/invoices"), (.post, "/api/integrations-finance/invoices"),
                (.get, "/api/integrations-finance/invoices/\(UUID())"), (.get, "/api/integrations-finance/bills"),
                (.get, "/api/integrations-finance/payments"), (.get, "/api/integrations-finance/accounts"),
                (.post, "/api/event-income/\(income)/invoice"),
            ]
            for (method, path) in calls {
                let body: JSONValue? = method == .post ? ["customerName": "X", "currency": "EUR", "lines": []] : nil
                let answer = try await c.a.request(method, path, json: body)
                #expect(answer.status == .serviceUnavailable, "\(method) \(path)")
                #expect(answer.json["error"]?["code"] == "provider_not_configured", "\(method) \(path)")
            }
            #expect(try await c.a.delete("/api/integrations-finance/disconnect").status == .conflict)
            #expect(BaseService.financeRelay(database: c.harness.database, settings: BaseSettings()) == nil)
        }
    }
}

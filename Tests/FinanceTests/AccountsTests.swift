import Finance
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumTesting
import Testing

/// Issue 10: "Integrations - Finance: Base talks to the Finance service (invoices, bills, payments, accounts)".
/// Finance had no chart of accounts; it has one now (`/api/accounts`), documents can be booked to an account,
/// and `/api/payments` lists payments across documents.
@Suite("Finance accounts and the payments list")
struct AccountsTests {
    @Test func theChartOfAccountsIsCreatedListedReadAndEdited() async throws {
        try await withFinanceApp { c in
            let sales = try await c.a.post("/api/accounts", ["code": "4000", "name": "Ticket sales", "type": "revenue"])
            #expect(sales.status == .created)
            #expect(sales.json["code"] == "4000")
            #expect(sales.json["active"] == true)
            #expect(sales.json["description"] == .null)
            #expect(sales.json["createdBy"] != .null)
            let id = try #require(sales.json["id"]?.stringValue)
            _ = try await c.a.post("/api/accounts", ["code": "6000.10", "name": "Artist fees", "type": "expense", "description": "Fees"])
            _ = try await c.a.post("/api/accounts", ["code": "1200", "name": "Receivables", "type": "asset"])

            let all = try await c.a.get("/api/accounts").json
            #expect(all["total"] == 3)
            #expect(all["items"]?.arrayValue?.compactMap { $0["type"]?.stringValue } == ["asset", "expense", "revenue"])
            #expect(try await c.a.get("/api/accounts?type=expense").json["items"]?[0]?["code"] == "6000.10")
            #expect(try await c.a.get("/api/accounts?q=ticket").json["total"] == 1)
            #expect(try await c.a.get("/api/accounts/\(id)").json["name"] == "Ticket sales")

            let edited = try await c.a.patch("/api/accounts/\(id)", ["name": "Box office", "active": false, "description": "Door and online"])
            #expect(edited.status == .ok)
            #expect(edited.json["name"] == "Box office")
            #expect(edited.json["code"] == "4000")
            #expect(try await c.a.get("/api/accounts?active=false").json["total"] == 1)
            #expect(try await c.a.patch("/api/accounts/\(id)", ["description": nil]).json["description"] == .null)

            // Codes are unique per company, not across companies.
            let taken = try await c.a.post("/api/accounts", ["code": "4000", "name": "Again", "type": "revenue"])
            #expect(taken.status == .conflict)
            #expect(taken.json["error"]?["code"] == "account_code_taken")
            #expect(try await c.a.patch("/api/accounts/\(id)", ["code": "1200"]).json["error"]?["code"] == "account_code_taken")
            #expect(try await c.b.post("/api/accounts", ["code": "4000", "name": "B's sales", "type": "revenue"]).status == .created)
        }
    }

    @Test func validationMalformedInputPermissionsAndAnotherCompanysAccounts() async throws {
        try await withFinanceApp { c in
            let bad = try await c.a.post("/api/accounts", ["code": "-x", "name": " ", "type": "equity"])
            #expect(bad.status == .unprocessableContent)
            #expect(Set(bad.errorFields) == ["code", "name", "type"])
            #expect(Set(try await c.a.post("/api/accounts", [:]).errorFields) == ["code", "name", "type"])
            #expect(try await c.a.post("/api/accounts", ["code": 4000, "name": "x", "type": "revenue"]).status == .badRequest)
            #expect(try await c.a.get("/api/accounts?type=equity").status == .badRequest)
            #expect(try await c.a.get("/api/accounts?limit=201").status == .badRequest)

            let id = try #require(try await c.a.post("/api/accounts", ["code": "4000", "name": "Sales", "type": "revenue"]).json["id"]?.stringValue)
            #expect(Set(try await c.a.patch("/api/accounts/\(id)", ["code": nil, "type": nil, "active": nil]).errorFields)
                == ["code", "type", "active"])

            #expect(try await c.b.get("/api/accounts/\(id)").status == .notFound)
            #expect(try await c.b.patch("/api/accounts/\(id)", ["name": "Mine"]).status == .notFound)
            #expect(try await c.b.get("/api/accounts").json["total"] == 0)
            #expect(try await c.a.get("/api/accounts/not-an-id").status == .notFound)

            // Reading takes either document kind's read permission; changing the chart takes both writes.
            let billsReader = c.a(permissions: [FinancePermission.billsRead])
            #expect(try await billsReader.get("/api/accounts").status == .ok)
            #expect(try await billsReader.get("/api/accounts/\(id)").status == .ok)
            let incomeWriter = c.a(permissions: [FinancePermission.incomeRead, FinancePermission.incomeWrite])
            #expect(try await incomeWriter.post("/api/accounts", ["code": "4100", "name": "Bar", "type": "revenue"]).status == .forbidden)
            #expect(try await incomeWriter.patch("/api/accounts/\(id)", ["name": "Bar"]).status == .forbidden)
            #expect(try await c.a(permissions: [FinancePermission.paymentsRead]).get("/api/accounts").status == .forbidden)

            // A machine (Base, Venue) holds every Finance permission and is recorded as no one.
            let machine = try await c.machine.with(org: c.companyA).post("/api/accounts", ["code": "7000", "name": "Other", "type": "expense"])
            #expect(machine.status == .created)
            #expect(machine.json["createdBy"] == .null)
        }
    }

    @Test func documentsAreBookedToAnAccountOfTheirCompany() async throws {
        try await withFinanceApp { c in
            let account = try #require(try await c.a.post("/api/accounts", ["code": "4000", "name": "Sales", "type": "revenue"]).json["id"])
            let invoice = try await c.a.createInvoice(invoiceBody(extra: ["accountId": account]))
            #expect(invoice["accountId"] == account)
            let id = try #require(invoice["id"]?.stringValue)
            #expect(try await c.a.get("/api/income/\(id)").json["accountId"] == account)
            #expect(try await c.a.patch("/api/income/\(id)", ["accountId": nil]).json["accountId"] == .null)
            #expect(try await c.a.patch("/api/income/\(id)", ["accountId": account]).json["accountId"] == account)
            #expect(try await c.a.createInvoice(invoiceBody())["accountId"] == .null)

            // Another company's account (or none at all) is not there to book to.
            let foreign = try await c.b.post("/api/income", invoiceBody(extra: ["accountId": account]))
            #expect(foreign.status == .unprocessableContent)
            #expect(foreign.json["error"]?["details"]?[0]?["code"] == "account_not_found")
            #expect(try await c.a.patch("/api/income/\(id)", ["accountId": .uuid(UUID())]).errorFields == ["accountId"])
        }
    }

    @Test func paymentsAreListedAcrossDocuments() async throws {
        try await withFinanceApp { c in
            let invoice = try await c.a.issuedInvoice(unit: 10_000)
            _ = try await c.a.pay(invoice, 5_000)
            let bill = try #require(try await c.a.post("/api/bills", ["supplierName": "PA hire", "currency": "GBP", "status": "issued",
                                                                      "lines": [["description": "Speakers", "quantity": 1, "unitMinor": 3_000]]])
                .json["id"]?.stringValue)
            _ = try await c.a.pay(bill, 3_000, kind: "bills")

            let all = try await c.a.get("/api/payments").json
            #expect(all["total"] == 2)
            #expect(Set(all["items"]?.arrayValue?.compactMap { $0["documentKind"]?.stringValue } ?? []) == ["income", "bill"])
            let bills = try await c.a.get("/api/payments?kind=bill").json
            #expect(bills["items"]?[0]?["partyName"] == "PA hire")
            #expect(bills["items"]?[0]?["amountMinor"] == 3_000)
            #expect(try await c.a.get("/api/payments?documentId=\(invoice)").json["items"]?[0]?["documentId"] == .string(invoice))
            #expect(try await c.a.get("/api/payments?currency=gbp").json["total"] == 1)
            #expect(try await c.a.get("/api/payments?paidTo=2000-01-01").json["total"] == 0)
            #expect(try await c.a.get("/api/payments?kind=refund").status == .badRequest)
            #expect(try await c.a.get("/api/payments?documentId=").status == .badRequest)
            #expect(try await c.b.get("/api/payments").json["total"] == 0)
            #expect(try await c.a(permissions: [FinancePermission.incomeRead]).get("/api/payments").status == .forbidden)
        }
    }
}

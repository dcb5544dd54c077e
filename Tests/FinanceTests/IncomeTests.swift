import Finance
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumTesting
import Testing

@Suite("Finance income invoices")
struct IncomeTests {
    @Test func createComputesLinesTaxAndTotalsInMinorUnits() async throws {
        try await withFinanceApp { c in
            let body = invoiceBody(extra: [
                "customerRef": "mc-1", "customerEmail": "ap@paradiso.nl", "number": "INV-1", "dueDate": "2027-02-01",
                "lines": [
                    ["description": "Room hire", "quantity": 2, "unitMinor": 10_005, "taxRateBp": 2100],
                    ["description": "Cleaning", "quantity": 1, "unitMinor": 5_000],
                ],
            ])
            let created = try await c.a.createInvoice(body)
            #expect(created["status"] == "draft")
            #expect(created["kind"] == "income")
            #expect(created["customerName"] == "Paradiso")
            #expect(created["customerRef"] == "mc-1")
            #expect(created["supplierName"] == nil)
            // 2 × 10005 = 20010, 21 % of it is 4202.1 → 4202; the untaxed line adds 5000.
            #expect(created["lines"]?[0]?["netMinor"] == 20_010)
            #expect(created["lines"]?[0]?["taxMinor"] == 4_202)
            #expect(created["lines"]?[1]?["taxRateBp"] == 0)
            #expect(created["subtotalMinor"] == 25_010)
            #expect(created["taxMinor"] == 4_202)
            #expect(created["totalMinor"] == 29_212)
            #expect(created["paidMinor"] == 0)
            #expect(created["issueDate"] == .null)
            #expect(created["source"] == "manual")
            #expect(created["overdue"] == false)

            let id = try #require(created["id"]?.stringValue)
            let read = try await c.a.get("/api/income/\(id)")
            #expect(read.status == .ok)
            #expect(read.json["payments"] == [])
            #expect(read.json["totalMinor"] == 29_212)
        }
    }

    @Test func taxRoundsHalfUpWithoutOverflowAtTheLargestAmounts() async throws {
        try await withFinanceApp { c in
            let half = try await c.a.createInvoice(invoiceBody(extra: ["lines": [["description": "x", "quantity": 1, "unitMinor": 50, "taxRateBp": 100]]]))
            #expect(half["taxMinor"] == 1) // 0.5 → 1
            let largest = try await c.a.createInvoice(invoiceBody(extra: [
                "lines": [["description": "x", "quantity": 1, "unitMinor": 500_000_000_000_000, "taxRateBp": 10_000]]]))
            #expect(largest["totalMinor"] == 1_000_000_000_000_000)
            let tooLarge = try await c.a.post("/api/income", invoiceBody(extra: [
                "lines": [["description": "x", "quantity": 1_000_000, "unitMinor": 1_000_000_000_000_000]]]))
            #expect(tooLarge.status == .unprocessableContent)
            #expect(tooLarge.errorFields == ["lines[0].unitMinor"])
            let totalTooLarge = try await c.a.post("/api/income", invoiceBody(extra: [
                "lines": [["description": "x", "quantity": 1, "unitMinor": 1_000_000_000_000_000, "taxRateBp": 1]]]))
            #expect(totalTooLarge.errorFields == ["lines"])
        }
    }

    @Test func validationNamesEveryBadField() async throws {
        try await withFinanceApp { c in
            let bad = try await c.a.post("/api/income", [
                "currency": "XXQ", "supplierName": "Wrong kind", "issueDate": "2027-02-30", "dueDate": "2027-01-01",
                "status": "paid", "source": "venue_deposit", "customerEmail": "not-an-email",
                "lines": [["description": " ", "quantity": 0, "unitMinor": -1, "taxRateBp": 10_001]],
            ])
            #expect(bad.status == .unprocessableContent)
            #expect(bad.json["error"]?["code"] == "validation_failed")
            #expect(Set(bad.errorFields) == [
                "customerName", "customerEmail", "supplierName", "currency", "issueDate", "status", "source",
                "lines[0].description", "lines[0].quantity", "lines[0].unitMinor", "lines[0].taxRateBp",
            ])
            let noLines = try await c.a.post("/api/income", ["customerName": "A", "currency": "EUR", "lines": []])
            #expect(noLines.errorFields == ["lines"])
            let dueBeforeIssue = try await c.a.post("/api/income", invoiceBody(extra: ["issueDate": "2027-02-01", "dueDate": "2027-01-31"]))
            #expect(dueBeforeIssue.errorFields == ["dueDate"])
            // Types the schema states are 400, before any rule runs.
            #expect(try await c.a.post("/api/income", invoiceBody(unit: 0, extra: ["lines": [["description": "x", "quantity": 1, "unitMinor": 1.5]]])).status == .badRequest)
            #expect(try await c.a.request(.post, "/api/income", rawBody: "{").status == .badRequest)
            #expect(try await c.a.get("/api/income?issuedFrom=2027-13-01").status == .badRequest)
            #expect(try await c.a.get("/api/income?overdue=maybe").status == .badRequest)
        }
    }

    @Test func listIsNewestFirstWithFilters() async throws {
        try await withFinanceApp { c in
            let first = try await c.a.createInvoice(invoiceBody("Paradiso", extra: ["customerRef": "mc-1", "status": "issued",
                                                                                     "issueDate": "2027-01-10", "dueDate": "2027-01-20"]))
            let second = try await c.a.createInvoice(invoiceBody("Melkweg", extra: ["issueDate": "2027-03-01"]))
            let overdue = try await c.a.createInvoice(invoiceBody("Tivoli", extra: ["status": "issued", "issueDate": "2020-01-01",
                                                                                     "dueDate": "2020-02-01"]))
            _ = try await c.b.createInvoice(invoiceBody("Other company"))

            let all = try await c.a.get("/api/income")
            #expect(all.json["total"] == 3)
            #expect(all.json["items"]?.arrayValue?.compactMap { $0["id"] } == [overdue["id"], second["id"], first["id"]].compactMap { $0 })
            #expect(all.json["items"]?[0]?["lines"]?.arrayValue?.count == 1)

            func ids(_ query: String) async throws -> [JSONValue] {
                try await c.a.get("/api/income?\(query)").json["items"]?.arrayValue?.compactMap { $0["id"] } ?? []
            }
            #expect(try await ids("status=draft") == [second["id"]])
            #expect(try await ids("customer=mc-1") == [first["id"]])
            #expect(try await ids("customer=melk") == [second["id"]])
            #expect(try await ids("issuedFrom=2027-01-01&issuedTo=2027-01-31") == [first["id"]])
            #expect(try await ids("dueTo=2020-12-31") == [overdue["id"]])
            #expect(try await ids("overdue=true") == [overdue["id"]])
            #expect(try await c.a.get("/api/income/\(overdue["id"]?.stringValue ?? "")").json["overdue"] == true)
            #expect(try await ids("source=manual&limit=1&page=2") == [second["id"]])
            #expect(try await ids("currency=USD") == [])
        }
    }

    @Test func patchEditsDraftsIssuesAndVoids() async throws {
        try await withFinanceApp { c in
            let id = try #require(try await c.a.createInvoice()["id"]?.stringValue)
            let edited = try await c.a.patch("/api/income/\(id)", [
                "lines": [["description": "Bar", "quantity": 3, "unitMinor": 1_000, "taxRateBp": 900]], "customerRef": "mc-9",
                "notes": "Net 30",
            ])
            #expect(edited.status == .ok)
            #expect(edited.json["totalMinor"] == 3_270)
            #expect(edited.json["customerRef"] == "mc-9")
            #expect(edited.json["lines"]?.arrayValue?.count == 1)

            let issued = try await c.a.patch("/api/income/\(id)", ["status": "issued", "dueDate": "2099-01-01"])
            #expect(issued.json["status"] == "issued")
            #expect(issued.json["issueDate"] == .string(CalendarDate.today()))
            #expect(issued.json["issuedAt"] != .null)
            #expect(issued.json["outstandingMinor"] == 3_270)

            let locked = try await c.a.patch("/api/income/\(id)", ["currency": "USD", "customerName": "Someone else"])
            #expect(locked.status == .conflict)
            #expect(locked.json["error"]?["code"] == "document_not_editable")
            #expect(try await c.a.patch("/api/income/\(id)", ["notes": .null, "dueDate": "2099-02-01"]).json["notes"] == .null)
            let back = try await c.a.patch("/api/income/\(id)", ["status": "draft"])
            #expect(back.json["error"]?["code"] == "invalid_status_transition")
            #expect(back.json["error"]?["info"]?["allowed"] == ["void"])
            #expect(try await c.a.patch("/api/income/\(id)", ["status": "paid"]).status == .unprocessableContent)
            #expect(try await c.a.patch("/api/income/\(id)", ["currency": .null]).errorFields == ["currency"])

            let void = try await c.a.patch("/api/income/\(id)", ["status": "void"])
            #expect(void.json["status"] == "void")
            #expect(void.json["outstandingMinor"] == 0)
            #expect(try await c.a.patch("/api/income/\(id)", ["notes": "x"]).json["error"]?["code"] == "document_void")
        }
    }

    @Test func permissionsAndModuleAreChecked() async throws {
        try await withFinanceApp { c in
            let id = try #require(try await c.a.createInvoice()["id"]?.stringValue)
            let billsOnly = c.a(permissions: [FinancePermission.billsRead, FinancePermission.billsWrite])
            #expect(try await billsOnly.get("/api/income").status == .forbidden)
            #expect(try await billsOnly.get("/api/income/\(id)").json["error"]?["code"] == "permission_denied")
            let reader = c.a(permissions: [FinancePermission.incomeRead])
            #expect(try await reader.get("/api/income/\(id)").status == .ok)
            #expect(try await reader.post("/api/income", invoiceBody()).status == .forbidden)
            #expect(try await reader.patch("/api/income/\(id)", ["notes": "x"]).status == .forbidden)
            #expect(try await reader.get("/api/income/summary").status == .ok)
            let moduleOff = c.a(permissions: allFinancePermissions, modules: [])
            #expect(try await moduleOff.get("/api/income").json["error"]?["code"] == "module_disabled")
            #expect(try await c.a.with(token: nil).get("/api/income").status == .unauthorized)
        }
    }

    @Test func anotherCompanysInvoiceIsNotFound() async throws {
        try await withFinanceApp { c in
            let id = try await c.a.issuedInvoice()
            #expect(try await c.b.get("/api/income/\(id)").status == .notFound)
            #expect(try await c.b.patch("/api/income/\(id)", ["notes": "mine now"]).status == .notFound)
            #expect(try await c.b.pay(id, 100).status == .notFound)
            #expect(try await c.b.get("/api/income").json["total"] == 0)
            // A bill's id is not an income invoice's.
            #expect(try await c.a.get("/api/bills/\(id)").status == .notFound)
            #expect(try await c.a.get("/api/income/not-a-uuid").status == .notFound)
        }
    }
}

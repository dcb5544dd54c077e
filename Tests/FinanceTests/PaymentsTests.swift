import Finance
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumTesting
import Testing

@Suite("Finance payments")
struct PaymentsTests {
    @Test func paymentsMoveTheStatusAndRefundsMoveItBack() async throws {
        try await withFinanceApp { c in
            let id = try await c.a.issuedInvoice(unit: 10_000) // total 12100
            let partial = try await c.a.pay(id, 5_000)
            #expect(partial.status == .created)
            #expect(partial.json["payment"]?["amountMinor"] == 5_000)
            #expect(partial.json["payment"]?["currency"] == "EUR")
            #expect(partial.json["document"]?["status"] == "partially_paid")
            #expect(partial.json["document"]?["outstandingMinor"] == 7_100)

            let over = try await c.a.pay(id, 7_101)
            #expect(over.status == .unprocessableContent)
            #expect(over.json["error"]?["details"]?[0]?["code"] == "overpayment")

            let rest = try await c.a.pay(id, 7_100)
            #expect(rest.json["document"]?["status"] == "paid")
            #expect(rest.json["document"]?["outstandingMinor"] == 0)

            let refund = try await c.a.pay(id, -2_000)
            #expect(refund.status == .created)
            #expect(refund.json["document"]?["status"] == "partially_paid")
            #expect(refund.json["document"]?["paidMinor"] == 10_100)
            let tooMuch = try await c.a.pay(id, -10_101)
            #expect(tooMuch.json["error"]?["details"]?[0]?["code"] == "refund_exceeds_paid")

            let read = try await c.a.get("/api/income/\(id)").json
            #expect(read["payments"]?.arrayValue?.compactMap { $0["amountMinor"] } == [5_000, 7_100, -2_000])
            #expect(read["paidMinor"] == 10_100)

            // Refunded to zero it is issued again, but still carries payments: it cannot be voided.
            _ = try await c.a.pay(id, -10_100)
            #expect(try await c.a.get("/api/income/\(id)").json["status"] == "issued")
            let void = try await c.a.patch("/api/income/\(id)", ["status": "void"])
            #expect(void.json["error"]?["code"] == "document_has_payments")
        }
    }

    @Test func paymentRulesAndValidation() async throws {
        try await withFinanceApp { c in
            let draft = try #require(try await c.a.createInvoice()["id"]?.stringValue)
            #expect(try await c.a.pay(draft, 100).json["error"]?["code"] == "document_not_issued")
            let id = try await c.a.issuedInvoice()
            let bad = try await c.a.post("/api/income/\(id)/payments", ["amountMinor": 0, "method": "barter", "currency": "usd"])
            #expect(Set(bad.errorFields) == ["amountMinor", "method", "currency"])
            let otherCurrency = try await c.a.post("/api/income/\(id)/payments", ["amountMinor": 10, "currency": "USD"])
            #expect(otherCurrency.json["error"]?["details"]?[0]?["code"] == "currency_mismatch")
            #expect(try await c.a.post("/api/income/\(id)/payments", ["amountMinor": 1.5]).status == .badRequest)
            #expect(try await c.a.post("/api/income/\(id)/payments", [:]).errorFields == ["amountMinor"])
            let dated = try await c.a.post("/api/income/\(id)/payments", ["amountMinor": 10, "paidAt": "2027-01-02T10:00:00Z",
                                                                          "reference": "NL12 BANK", "note": "first"])
            #expect(dated.json["payment"]?["paidAt"] == "2027-01-02T10:00:00.000Z")
            #expect(dated.json["payment"]?["method"] == "other")
            #expect(dated.json["payment"]?["createdBy"] != .null)

            let voided = try #require(try await c.a.createInvoice()["id"]?.stringValue)
            _ = try await c.a.patch("/api/income/\(voided)", ["status": "void"])
            #expect(try await c.a.pay(voided, 100).json["error"]?["code"] == "document_void")

            let noPayments = c.a(permissions: [FinancePermission.incomeRead, FinancePermission.incomeWrite])
            #expect(try await noPayments.pay(id, 100).status == .forbidden)
        }
    }

    @Test func aRetriedPaymentIsAnsweredNotRepeated() async throws {
        try await withFinanceApp { c in
            let id = try await c.a.issuedInvoice(unit: 10_000)
            let keyed = c.a.with(header: "Idempotency-Key", "bank-run-7")
            let first = try await keyed.pay(id, 4_000)
            let again = try await keyed.pay(id, 4_000)
            #expect(first.status == .created && again.status == .created)
            #expect(again.headers[values: .init("Idempotent-Replayed")!] == ["true"])
            #expect(again.json["payment"]?["id"] == first.json["payment"]?["id"])
            #expect(try await c.a.get("/api/income/\(id)").json["paidMinor"] == 4_000)
            let other = try await keyed.pay(id, 5_000)
            #expect(other.status == .conflict)
            #expect(other.json["error"]?["code"] == "idempotency_conflict")
            // The key belongs to one document: on another it is a payment of its own.
            let second = try await c.a.issuedInvoice(unit: 10_000)
            #expect(try await keyed.pay(second, 4_000).json["payment"]?["id"] != first.json["payment"]?["id"])
            #expect(try await c.a.with(header: "Idempotency-Key", String(repeating: "k", count: 101)).pay(id, 1).status == .badRequest)
        }
    }

    @Test func billsHaveSuppliersAndTheirOwnPermissions() async throws {
        try await withFinanceApp { c in
            let bill = try await c.a.post("/api/bills", ["supplierName": "PA hire", "supplierRef": "sup-1", "currency": "GBP",
                                                         "status": "issued", "dueDate": "2099-01-01",
                                                         "lines": [["description": "Speakers", "quantity": 2, "unitMinor": 25_000, "taxRateBp": 2000]]])
            #expect(bill.status == .created)
            #expect(bill.json["kind"] == "bill")
            #expect(bill.json["supplierName"] == "PA hire")
            #expect(bill.json["customerName"] == nil)
            #expect(bill.json["totalMinor"] == 60_000)
            let id = try #require(bill.json["id"]?.stringValue)
            #expect(try await c.a.pay(id, 60_000, kind: "bills").json["document"]?["status"] == "paid")
            #expect(try await c.a.get("/api/income/\(id)").status == .notFound)
            #expect(try await c.a.get("/api/bills?supplier=sup-1").json["total"] == 1)
            #expect(try await c.a.get("/api/income").json["total"] == 0)

            let wrongParty = try await c.a.post("/api/bills", invoiceBody())
            #expect(Set(wrongParty.errorFields) == ["supplierName", "customerName"])
            let incomeOnly = c.a(permissions: [FinancePermission.incomeRead, FinancePermission.incomeWrite])
            #expect(try await incomeOnly.get("/api/bills").status == .forbidden)
            #expect(try await c.b.get("/api/bills/\(id)").status == .notFound)
        }
    }
}

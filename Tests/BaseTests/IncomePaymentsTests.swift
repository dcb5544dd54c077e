import Base
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumTesting
import PostgresNIO
import Testing

/// Issue 10: "Income lines with payments against them … idempotent"; "Money is exact". A payment locks its line, so
/// concurrent payments can never take the paid total past the amount.
@Suite("Base event income payments")
struct IncomePaymentsTests {
    @Test func paymentsMoveThePaidTotalAndItsStatus() async throws {
        try await withIncome { t in
            let api = t.a
            let event = try await t.insertOpsEvent("Paid", on: "2027-05-01")
            let income = try await api.makeIncome(event: event, amount: 100_000)
            let first = try await api.post("/api/event-income/\(income)/payments", [
                "amountMinor": 30_000, "currency": "EUR", "paidOn": "2027-05-03", "method": "bank_transfer", "reference": " INV-1 ",
            ])
            #expect(first.status == .created)
            #expect(first.json["payment"]?["reference"] == "INV-1")
            #expect(first.json["payment"]?["currency"] == "EUR")
            #expect(first.json["payment"]?["idempotencyKey"] == .null)
            #expect(first.json["income"]?["paidMinor"] == 30_000)
            #expect(first.json["income"]?["status"] == "partially_paid")
            let firstID = try #require(first.json["payment"]?["id"]?.uuid)
            try await api.pay(income, 70_000, on: "2027-05-01")
            #expect(try await api.get("/api/event-income/\(income)").json["status"] == "paid")

            let over = try await api.post("/api/event-income/\(income)/payments", ["amountMinor": 1, "paidOn": "2027-05-04"])
            #expect(over.status == .unprocessableContent)
            #expect(over.errorCode == "overpayment")
            #expect(over.json["error"]?["info"]?["outstandingMinor"] == 0)

            let listed = try await api.get("/api/event-income/\(income)/payments")
            #expect(listed.json["total"] == 2)
            #expect(listed.json["items"]?.arrayValue?.map { $0["amountMinor"] } == [70_000, 30_000])

            // Deleting a payment takes it off the line; the line cannot be deleted while payments remain.
            #expect(try await api.delete("/api/event-income/\(income)").errorCode == "income_has_payments")
            #expect(try await api.delete("/api/event-income/\(income)/payments/\(firstID)").status == .noContent)
            let after = try await api.get("/api/event-income/\(income)")
            #expect(after.json["paidMinor"] == 70_000)
            #expect(after.json["outstandingMinor"] == 30_000)
            #expect(try await api.delete("/api/event-income/\(income)/payments/\(firstID)").status == .notFound)

            // With payments: the amount cannot drop below the paid total, nor the currency change.
            let below = try await api.put("/api/event-income/\(income)", [
                "category": "ticketing", "description": "Line", "amountMinor": 69_999, "currency": "EUR", "expectedDate": "2027-05-01", "version": 1,
            ])
            #expect(below.errorFields == ["amountMinor"])
            let currency = try await api.put("/api/event-income/\(income)", [
                "category": "ticketing", "description": "Line", "amountMinor": 100_000, "currency": "USD", "expectedDate": "2027-05-01", "version": 1,
            ])
            #expect(currency.status == .conflict)
            #expect(currency.errorCode == "currency_locked")
            let mismatch = try await api.post("/api/event-income/\(income)/payments", ["amountMinor": 1, "currency": "USD", "paidOn": "2027-05-04"])
            #expect(mismatch.errorFields == ["currency"])

            let rest = try await api.get("/api/event-income/\(income)/payments").json["items"]?.arrayValue ?? []
            for payment in rest {
                #expect(try await api.delete("/api/event-income/\(income)/payments/\(try #require(payment["id"]?.uuid))").status == .noContent)
            }
            #expect(try await api.get("/api/event-income/\(income)").json["status"] == "unpaid")
            #expect(try await api.delete("/api/event-income/\(income)").status == .noContent)
        }
    }

    @Test func anInvoicedLineCannotBeDeleted() async throws {
        try await withIncome { t in
            let event = try await t.insertOpsEvent("Invoiced", on: "2027-05-01")
            let income = try await t.a.makeIncome(event: event, amount: 100)
            try await t.opsDatabase.query("UPDATE event_income SET finance_invoice_id = \(UUID()) WHERE company_id = \(t.companyA) AND id = \(income)")
            let refused = try await t.a.delete("/api/event-income/\(income)")
            #expect(refused.status == .conflict)
            #expect(refused.errorCode == "income_invoiced")
        }
    }

    @Test func anIdempotencyKeyReplaysTheSamePaymentAndRefusesAnotherBody() async throws {
        try await withIncome { t in
            let event = try await t.insertOpsEvent("Retry", on: "2027-05-01")
            let income = try await t.a.makeIncome(event: event, amount: 10_000)
            let keyed = t.a.with(header: "Idempotency-Key", "pay-7f3a")
            let body: JSONValue = ["amountMinor": 4_000, "paidOn": "2027-05-02", "method": "card"]
            let first = try await keyed.post("/api/event-income/\(income)/payments", body)
            #expect(first.status == .created)
            #expect(first.replayed == nil)
            #expect(first.json["payment"]?["idempotencyKey"] == "pay-7f3a")
            let again = try await keyed.post("/api/event-income/\(income)/payments", body)
            #expect(again.status == .created)
            #expect(again.replayed == "true")
            #expect(again.json["payment"]?["id"] == first.json["payment"]?["id"])
            #expect(again.json["income"]?["paidMinor"] == 4_000)
            let other = try await keyed.post("/api/event-income/\(income)/payments", ["amountMinor": 5_000, "paidOn": "2027-05-02", "method": "card"])
            #expect(other.status == .conflict)
            #expect(other.errorCode == "idempotency_conflict")
            // The same key on another line is another payment.
            let second = try await t.a.makeIncome(event: event, amount: 10_000)
            #expect(try await keyed.post("/api/event-income/\(second)/payments", body).replayed == nil)
            #expect(try await t.a.get("/api/event-income/\(income)/payments").json["total"] == 1)
            let badKey = t.a.with(header: "Idempotency-Key", String(repeating: "k", count: 101))
            #expect(try await badKey.post("/api/event-income/\(income)/payments", body).errorCode == "invalid_idempotency_key")
        }
    }

    /// 20 payments of 100.00 at once against a 1,000.00 line: exactly ten are recorded, and paid never passes the amount.
    @Test func concurrentPaymentsNeverPassTheAmount() async throws {
        try await withIncome { t in
            let api = t.a
            let event = try await t.insertOpsEvent("Rush", on: "2027-05-01")
            let income = try await api.makeIncome(event: event, amount: 100_000)
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<20 {
                    group.addTask { try await api.post("/api/event-income/\(income)/payments", ["amountMinor": 10_000, "paidOn": "2027-05-02"]).status }
                }
                var statuses: [HTTPResponse.Status] = []
                for try await status in group { statuses.append(status) }
                return statuses
            }
            #expect(statuses.filter { $0 == .created }.count == 10)
            #expect(statuses.filter { $0 == .unprocessableContent }.count == 10)
            let line = try await api.get("/api/event-income/\(income)")
            #expect(line.json["paidMinor"] == 100_000)
            let stored = try await t.opsDatabase.query("""
                SELECT COALESCE(sum(amount_minor), 0)::bigint FROM event_income_payments WHERE company_id = \(t.companyA) AND income_id = \(income)
                """).first { try $0.decode(Int64.self) }
            #expect(stored == 100_000)
        }
    }

    @Test func validationMalformedPermissionAndOtherCompany() async throws {
        try await withIncome { t in
            let api = t.a
            let event = try await t.insertOpsEvent("Rules", on: "2027-05-01")
            let income = try await api.makeIncome(event: event, amount: 10_000)
            let invalid = try await api.post("/api/event-income/\(income)/payments", [
                "amountMinor": 0, "currency": "XYZ", "paidOn": "1800-01-01", "method": "barter", "reference": " ",
            ])
            #expect(Set(invalid.errorFields) == ["amountMinor", "currency", "paidOn", "method", "reference"])
            #expect(Set(try await api.post("/api/event-income/\(income)/payments", [:]).errorFields) == ["amountMinor", "paidOn"])
            #expect(try await api.request(.post, "/api/event-income/\(income)/payments", rawBody: "{\"amountMinor\": \"ten\"}").status == .badRequest)
            #expect(try await api.get("/api/event-income/\(income)/payments?limit=0").status == .badRequest)

            try await api.pay(income, 1_000)
            let payment = try #require(try await api.get("/api/event-income/\(income)/payments").json["items"]?[0]?["id"]?.uuid)
            let reader = t.a(permissions: [BasePermission.incomeRead])
            #expect(try await reader.get("/api/event-income/\(income)/payments").status == .ok)
            #expect(try await reader.post("/api/event-income/\(income)/payments", ["amountMinor": 1, "paidOn": "2027-05-02"]).status == .forbidden)
            #expect(try await reader.delete("/api/event-income/\(income)/payments/\(payment)").status == .forbidden)
            #expect(try await t.a(permissions: [BasePermission.taxesRead]).get("/api/event-income/\(income)/payments").status == .forbidden)

            #expect(try await t.b.get("/api/event-income/\(income)/payments").status == .notFound)
            #expect(try await t.b.post("/api/event-income/\(income)/payments", ["amountMinor": 1, "paidOn": "2027-05-02"]).status == .notFound)
            #expect(try await t.b.delete("/api/event-income/\(income)/payments/\(payment)").status == .notFound)
            let other = try await api.makeIncome(event: event, amount: 10_000)
            #expect(try await api.delete("/api/event-income/\(other)/payments/\(payment)").status == .notFound)
            #expect(try await api.get("/api/event-income/\(UUID())/payments").status == .notFound)
            #expect(try await api.get("/api/event-income/\(income)").json["paidMinor"] == 1_000)
        }
    }
}

import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumServiceClient
import KisumTesting
import Testing
@testable import Venue

/// Deposits against the real Finance service (live on loopback): each deposit becomes exactly one
/// Finance income invoice, through the outbox, whatever happens on the way.
@Suite("Deposits")
struct DepositsTests {
    static func body(_ amount: Int64 = 50_000, extra: [String: JSONValue] = [:]) -> JSONValue {
        var body: [String: JSONValue] = ["payerName": "Mojo Concerts", "payerRef": "mc-7", "amountMinor": .number(Double(amount)),
                                         "currency": "EUR", "dueDate": "2099-03-01"]
        body.merge(extra) { _, new in new }
        return .object(body)
    }

    @Test func aRequestedDepositBecomesOneIssuedFinanceInvoice() async throws {
        try await withVenueAndFinance { clients, finance in
            let created = try await clients.a.post("/api/v1/deposits", Self.body())
            #expect(created.status == .created)
            #expect(created.json["status"] == "requested")
            #expect(created.json["financeSyncStatus"] == "pending")
            #expect(created.json["financeRecordId"] == .null)
            let id = try requireUUID(created.json["id"])

            try await clients.syncDeposits()
            let invoices = try await finance.invoices(of: clients.env.companyA)
            #expect(invoices.count == 1)
            #expect(invoices.first?.status == "issued")
            #expect(invoices.first?.total == 50_000)
            #expect(invoices.first?.sourceRef == id.uuidString.lowercased())

            let read = try await clients.a.get("/api/v1/deposits/\(id)").json
            #expect(read["financeSyncStatus"] == "synced")
            #expect(read["financeRecordId"] == .uuid(try #require(invoices.first?.id)))
            #expect(read["financeStatus"] == "issued")
            #expect(read["financeLive"] == true)
            #expect(read["outstandingMinor"] == 50_000)

            // Paid in Finance: Venue's reads show Finance's figures.
            let record = try #require(invoices.first?.id)
            let paid = try await finance.machine(clients.env.companyA).send(
                "POST", "/api/income/\(record.uuidString.lowercased())/payments", body: Array(#"{"amountMinor":20000}"#.utf8),
                orgID: clients.env.companyA.uuidString.lowercased())
            #expect(paid.status == 201)
            let after = try await clients.a.get("/api/v1/deposits?eventId=\(UUID())").json
            #expect(after["total"] == 0)
            let listed = try await clients.a.get("/api/v1/deposits").json["items"]?[0]
            #expect(listed?["financeStatus"] == "partially_paid")
            #expect(listed?["paidMinor"] == 20_000)
            #expect(listed?["outstandingMinor"] == 30_000)

            // Delivering again changes nothing: one invoice per deposit.
            try await clients.retryNow()
            try await clients.syncDeposits()
            #expect(try await finance.invoices(of: clients.env.companyA).count == 1)
        }
    }

    @Test func pendingDepositsAreDraftsThatFollowEditsUntilRequestedThenCancelled() async throws {
        try await withVenueAndFinance { clients, finance in
            let id = try requireUUID(try await clients.a.post("/api/v1/deposits", Self.body(extra: ["status": "pending"])).json["id"])
            try await clients.syncDeposits()
            #expect(try await finance.invoices(of: clients.env.companyA).first?.status == "draft")

            let edited = try await clients.a.patch("/api/v1/deposits/\(id)", ["amountMinor": 75_000, "payerName": "Mojo BV"])
            #expect(edited.json["amountMinor"] == 75_000)
            #expect(edited.json["financeSyncStatus"] == "pending")
            try await clients.syncDeposits()
            #expect(try await finance.invoices(of: clients.env.companyA).first?.total == 75_000)

            _ = try await clients.a.patch("/api/v1/deposits/\(id)", ["status": "requested"])
            try await clients.syncDeposits()
            #expect(try await finance.invoices(of: clients.env.companyA).first?.status == "issued")

            let locked = try await clients.a.patch("/api/v1/deposits/\(id)", ["amountMinor": 1])
            #expect(locked.status == .conflict)
            #expect(locked.json["error"]?["code"] == "deposit_locked")
            #expect(try await clients.a.patch("/api/v1/deposits/\(id)", ["dueDate": "2099-04-01"]).status == .ok)
            #expect(try await clients.a.patch("/api/v1/deposits/\(id)", ["status": "pending"]).json["error"]?["code"] == "invalid_transition")

            _ = try await clients.a.patch("/api/v1/deposits/\(id)", ["status": "cancelled"])
            try await clients.syncDeposits()
            let invoices = try await finance.invoices(of: clients.env.companyA)
            #expect(invoices.count == 1)
            #expect(invoices.first?.status == "void")
            #expect(try await clients.a.get("/api/v1/deposits/\(id)").json["financeSyncStatus"] == "synced")
            #expect(try await clients.a.patch("/api/v1/deposits/\(id)", ["notes": "x"]).json["error"]?["code"] == "deposit_cancelled")
        }
    }

    @Test func financeDownKeepsDepositsPendingAndTheyLandOnceWhenItReturns() async throws {
        try await withVenueAndFinance { clients, finance in
            for amount in [1_000, 2_000, 3_000] as [Int64] {
                _ = try await clients.a.post("/api/v1/deposits", Self.body(amount))
            }
            let down = HTTPFinanceLedger(settings: CalleeSettings(baseURL: "http://127.0.0.1:1", apiKey: TestDefaults.internalKeys[0]))
            try await clients.syncDeposits(ledger: down)
            let waiting = try await clients.a.get("/api/v1/deposits").json["items"]?.arrayValue ?? []
            #expect(waiting.count == 3)
            #expect(waiting.allSatisfy { $0["financeSyncStatus"] == "pending" && $0["financeLastError"] != .null })
            #expect(waiting.allSatisfy { $0["financeLive"] == false })
            #expect(try await finance.invoices(of: clients.env.companyA).isEmpty)

            try await clients.retryNow()
            try await clients.syncDeposits()
            let invoices = try await finance.invoices(of: clients.env.companyA)
            #expect(invoices.map(\.total).sorted() == [1_000, 2_000, 3_000])
            let synced = try await clients.a.get("/api/v1/deposits").json["items"]?.arrayValue ?? []
            #expect(synced.allSatisfy { $0["financeSyncStatus"] == "synced" && $0["financeLastError"] == .null })
        }
    }

    @Test func aLostAnswerIsNeverASecondInvoice() async throws {
        try await withVenueAndFinance { clients, finance in
            // The first create reached Finance but its answer was lost, and the deposit changed since:
            // the retry meets idempotency_conflict, links the existing invoice and patches it.
            let id = try requireUUID(try await clients.a.post("/api/v1/deposits", Self.body(extra: ["status": "pending"])).json["id"])
            let earlier = #"{"customerName":"Mojo Concerts","currency":"EUR","source":"venue_deposit","sourceRef":"\#(id.uuidString.lowercased())","lines":[{"description":"Deposit","quantity":1,"unitMinor":40000}]}"#
            let first = try await finance.machine(clients.env.companyA).send(
                "POST", "/api/income", body: Array(earlier.utf8), orgID: clients.env.companyA.uuidString.lowercased(),
                headers: [("Idempotency-Key", id.uuidString.lowercased())])
            #expect(first.status == 201)
            try await clients.syncDeposits()
            let invoices = try await finance.invoices(of: clients.env.companyA)
            #expect(invoices.count == 1)
            #expect(invoices.first?.total == 50_000)
            #expect(try await clients.a.get("/api/v1/deposits/\(id)").json["financeSyncStatus"] == "synced")
        }
    }

    @Test func confirmingABookingHandsAcceptedDealDepositsToFinanceOnce() async throws {
        try await withVenueAndFinance { clients, finance in
            let api = clients.a
            let booking = try await api.makeBooking()
            let deal = try await api.createDeal(["bookingId": .uuid(booking), "dealType": "flat_guarantee", "currency": "EUR",
                                                 "guaranteeMinor": 500_000, "depositMinor": 100_000, "status": "proposed"])
            _ = try await api.patch("/api/v1/deals/\(try requireUUID(deal["id"]))", ["status": "accepted"])
            _ = try await api.createDeal(["bookingId": .uuid(booking), "dealType": "rental", "currency": "EUR", "rentalFeeMinor": 1,
                                          "depositMinor": 9_999])   // a draft deal hands nothing over
            let confirmed = try await api.patch("/api/v1/bookings/\(booking)", ["status": "confirmed"])
            #expect(confirmed.status == .ok)
            let deposits = try await api.get("/api/v1/deposits?bookingId=\(booking)").json["items"]?.arrayValue ?? []
            #expect(deposits.count == 1)
            #expect(deposits.first?["amountMinor"] == 100_000)
            #expect(deposits.first?["dealId"] == deal["id"])
            #expect(deposits.first?["status"] == "requested")
            #expect(deposits.first?["eventId"] == confirmed.json["eventId"])
            try await clients.syncDeposits()
            #expect(try await finance.invoices(of: clients.env.companyA).map(\.total) == [100_000])

            // The deal's deposit exists: creating it again by hand is refused.
            let again = try await api.post("/api/v1/deposits", Self.body(extra: ["dealId": deal["id"] ?? .null]))
            #expect(again.json["error"]?["code"] == "deal_has_deposit")
        }
    }

    @Test func financeStatusOfAnEvent() async throws {
        try await withVenueAndFinance { clients, finance in
            let api = clients.a
            let booking = try await api.makeBooking()
            let event = try requireUUID(try await api.patch("/api/v1/bookings/\(booking)", ["status": "confirmed"]).json["eventId"])
            let paid = try requireUUID(try await api.post("/api/v1/deposits", Self.body(30_000, extra: ["eventId": .uuid(event)])).json["id"])
            _ = try await api.post("/api/v1/deposits", Self.body(20_000, extra: ["bookingId": .uuid(booking)]))
            _ = try await api.post("/api/v1/deposits", Self.body(5_000, extra: ["eventId": .uuid(event), "currency": "GBP"]))
            let before = try await api.get("/api/v1/events/\(event)/finance-status").json
            #expect(before["unsyncedDeposits"] == 3)
            #expect(before["rows"]?[0]?["depositMinor"] == 50_000)

            try await clients.syncDeposits()
            let record = try requireUUID(try await api.get("/api/v1/deposits/\(paid)").json["financeRecordId"])
            _ = try await finance.machine(clients.env.companyA).send("POST", "/api/income/\(record.uuidString.lowercased())/payments",
                                                                     body: Array(#"{"amountMinor":30000}"#.utf8),
                                                                     orgID: clients.env.companyA.uuidString.lowercased())
            let status = try await api.get("/api/v1/events/\(event)/finance-status").json
            #expect(status["financeLinked"] == true)
            #expect(status["financeMessage"] == .null)
            #expect(status["unsyncedDeposits"] == 0)
            #expect(status["rows"] == [
                ["currency": "EUR", "depositCount": 2, "depositMinor": 50_000, "invoicedMinor": 50_000, "paidMinor": 30_000, "outstandingMinor": 20_000],
                ["currency": "GBP", "depositCount": 1, "depositMinor": 5_000, "invoicedMinor": 5_000, "paidMinor": 0, "outstandingMinor": 5_000],
            ])
            #expect(try await clients.b.get("/api/v1/events/\(event)/finance-status").status == .notFound)
            #expect(try await clients.a(permissions: ["venue.events.read"]).get("/api/v1/events/\(event)/finance-status").status == .forbidden)
        }
    }

    @Test func withoutFinanceTheAnswerSaysSoAndDepositsWait() async throws {
        try await withVenueApp { clients in
            let api = clients.a
            let booking = try await api.makeBooking()
            let event = try requireUUID(try await api.patch("/api/v1/bookings/\(booking)", ["status": "confirmed"]).json["eventId"])
            _ = try await api.post("/api/v1/deposits", Self.body(extra: ["eventId": .uuid(event)]))
            let status = try await api.get("/api/v1/events/\(event)/finance-status").json
            #expect(status["financeLinked"] == false)
            #expect(status["financeMessage"]?.stringValue?.contains("not configured") == true)
            #expect(status["rows"]?[0]?["invoicedMinor"] == .null)
            #expect(try await api.get("/api/v1/deposits").json["items"]?[0]?["financeSyncStatus"] == "pending")
        }
    }

    @Test func validationPermissionsAndTenancy() async throws {
        try await withVenueApp { clients in
            let bad = try await clients.a.post("/api/v1/deposits", ["amountMinor": 0, "currency": "EURO", "payerEmail": "nope",
                                                                    "status": "cancelled", "dueDate": "2099-02-30"])
            #expect(bad.status == .unprocessableContent)
            #expect(Set(bad.errorFields) == ["payerName", "amountMinor", "currency", "payerEmail", "status", "dueDate"])
            #expect(try await clients.a.post("/api/v1/deposits", Self.body(extra: ["amountMinor": 1.5])).status == .badRequest)
            let otherBooking = try await clients.b.makeBooking()
            let foreign = try await clients.a.post("/api/v1/deposits", Self.body(extra: ["bookingId": .uuid(otherBooking)]))
            #expect(foreign.errorFields == ["bookingId"])

            let id = try requireUUID(try await clients.a.post("/api/v1/deposits", Self.body()).json["id"])
            #expect(try await clients.b.get("/api/v1/deposits/\(id)").status == .notFound)
            #expect(try await clients.b.patch("/api/v1/deposits/\(id)", ["notes": "x"]).status == .notFound)
            #expect(try await clients.b.get("/api/v1/deposits").json["total"] == 0)
            #expect(try await clients.a.patch("/api/v1/deposits/\(id)", ["amountMinor": .null]).errorFields == ["amountMinor"])
            let reader = clients.a(permissions: ["venue.deposits.read"])
            #expect(try await reader.get("/api/v1/deposits/\(id)").status == .ok)
            #expect(try await reader.post("/api/v1/deposits", Self.body()).status == .forbidden)
            #expect(try await reader.patch("/api/v1/deposits/\(id)", ["notes": "x"]).status == .forbidden)
            #expect(try await clients.a(permissions: ["venue.bookings.read"]).get("/api/v1/deposits").status == .forbidden)
            #expect(try await clients.a.get("/api/v1/deposits?financeSyncStatus=odd").status == .badRequest)
        }
    }
}

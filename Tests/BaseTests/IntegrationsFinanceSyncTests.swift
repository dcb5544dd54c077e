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

/// Issue 10: "an event's sync pushes its income and approved expenses through the outbox; Finance down → the sync is
/// queued, and status shows it", "the Finance sync creates exactly the invoices and bills expected in the real Finance
/// service, once, even when run twice", and income "invoices created through Finance (machine mode, outbox,
/// idempotent, as Venue does for deposits)". Finance is the real service on a loopback port (`FinanceForBase`).
@Suite("Base Integrations - Finance: event sync")
struct IntegrationsFinanceSyncTests {
    typealias Support = IntegrationsFinanceTests

    func withBase(_ finance: FinanceForBase, _ body: @Sendable @escaping (TwoCompanies<BaseService>) async throws -> Void) async throws {
        try await Support().withBase(finance, body)
    }

    @Test func anEventsSyncCreatesExactlyTheExpectedInvoicesAndBillsOnceEvenWhenRunTwice() async throws {
        let finance = try await FinanceForBase.start()
        try await withBase(finance) { c in
            let money = EventMoneyFixture(database: c.harness.database, company: c.companyA)
            let event = try await money.event()
            let tickets = try await money.income(event, 1_250_000)
            let sponsor = try await money.income(event, 300_000, "GBP", payer: nil, description: "Sponsorship")
            let sound = try await money.actual(event, 180_000)
            _ = try await money.actual(event, 50_000, status: "pending")
            _ = try await money.actual(event, 70_000, status: "rejected")
            let other = try await money.event("Another night")
            _ = try await money.income(other, 999)

            try await finance.up {
                let revenue = try await finance.account(c.companyA, code: "4000", type: "revenue")
                _ = try await c.a.post("/api/integrations-finance/connect", ["incomeAccountId": .uuid(revenue), "issueBills": true])

                let first = try await c.a.post("/api/integrations-finance/events/\(event)/sync")
                #expect(first.status == .accepted)
                #expect(first.json["queued"] == 3)
                #expect(first.json["lines"]?.arrayValue?.count == 3)
                #expect(first.json["lines"]?.arrayValue?.allSatisfy { $0["status"] == "queued" && $0["queuedNow"] == true } == true)
                // Run twice before anything was delivered: nothing more is queued.
                let second = try await c.a.post("/api/integrations-finance/events/\(event)/sync")
                #expect(second.json["queued"] == 0)
                #expect(second.json["unchanged"] == 3)
                #expect(try await c.harness.database.query("SELECT count(*) FROM outbox").count() == 3)

                try await Support.deliver(c)
                let invoices = try await finance.documents(of: c.companyA, kind: "income")
                let bills = try await finance.documents(of: c.companyA, kind: "bill")
                #expect(invoices.count == 2)
                #expect(Set(invoices.compactMap(\.sourceRef)) == [tickets.uuidString.lowercased(), sponsor.uuidString.lowercased()])
                #expect(invoices.allSatisfy { $0.source == "base_event_income" && $0.status == "draft" && $0.account == revenue })
                #expect(Set(invoices.map(\.total)) == [1_250_000, 300_000])
                #expect(bills.count == 1)
                #expect(bills.first?.sourceRef == sound.uuidString.lowercased())
                #expect(bills.first?.source == "base_event_expense")
                #expect(bills.first?.status == "issued")
                #expect(bills.first?.total == 180_000)
                let linked = try await c.harness.database.query("""
                    SELECT finance_invoice_id FROM event_income WHERE company_id = \(c.companyA) AND id = \(tickets)
                    """).first { try $0.decode(UUID?.self) } ?? nil
                #expect(linked == invoices.first { $0.sourceRef == tickets.uuidString.lowercased() }?.id)

                // Synced again once delivered: still nothing to do, and Finance still holds one document per line.
                let third = try await c.a.post("/api/integrations-finance/events/\(event)/sync")
                #expect(third.json["queued"] == 0)
                #expect(third.json["lines"]?.arrayValue?.allSatisfy { $0["status"] == "delivered" && $0["financeDocumentId"] != .null } == true)
                try await Support.deliver(c)
                #expect(try await finance.documents(of: c.companyA, kind: "income").count == 2)

                // A lost answer: Base forgets it was delivered and sends the line again; Finance's idempotency (the line
                // id as sourceRef) answers the first invoice, never a second one.
                try await c.harness.database.query("""
                    UPDATE finance_sync_lines SET status = 'failed', delivered_hash = NULL, finance_document_id = NULL
                    WHERE company_id = \(c.companyA) AND line_id = \(tickets)
                    """)
                try await c.harness.database.query("UPDATE event_income SET finance_invoice_id = NULL WHERE id = \(tickets)")
                #expect(try await c.a.post("/api/integrations-finance/events/\(event)/sync").json["queued"] == 1)
                try await Support.deliver(c)
                #expect(try await finance.documents(of: c.companyA, kind: "income").count == 2)

                // A changed line is pushed again as an update of its draft invoice.
                try await c.harness.database.query("UPDATE event_income SET amount_minor = 1300000 WHERE id = \(tickets)")
                let changed = try await c.a.post("/api/integrations-finance/events/\(event)/sync")
                #expect(changed.json["queued"] == 1)
                try await Support.deliver(c)
                let updated = try await finance.documents(of: c.companyA, kind: "income")
                #expect(updated.count == 2)
                #expect(updated.first { $0.sourceRef == tickets.uuidString.lowercased() }?.total == 1_300_000)

                let status = try await c.a.get("/api/integrations-finance/status").json
                #expect(status["sync"]?["delivered"] == 3)
                #expect(status["sync"]?["queued"] == 0)
                #expect(status["lastError"] == .null)
                #expect(status["lastSyncedAt"] != .null)

                // The other company sees none of it: A's event is 404 for B, B's Finance holds nothing.
                _ = try await c.b.post("/api/integrations-finance/connect")
                #expect(try await c.b.post("/api/integrations-finance/events/\(event)/sync").status == .notFound)
                #expect(try await c.b.post("/api/integrations-finance/events/not-an-id/sync").status == .notFound)
                #expect(try await finance.documents(of: c.companyB, kind: "income").isEmpty)
                #expect(try await c.a(permissions: [BasePermission.integrationsRead]).post("/api/integrations-finance/events/\(event)/sync")
                    .status == .forbidden)
            }
        }
    }

    @Test func financeDownKeepsTheSyncQueuedAndTheStatusShowsItUntilFinanceIsBack() async throws {
        let finance = try await FinanceForBase.start()
        try await withBase(finance) { c in
            let money = EventMoneyFixture(database: c.harness.database, company: c.companyA)
            let event = try await money.event()
            _ = try await money.income(event, 500_000)
            _ = try await money.actual(event, 120_000)
            try await finance.up { _ = try await c.a.post("/api/integrations-finance/connect") }

            // Finance is down: the sync is still taken and queued.
            let sync = try await c.a.post("/api/integrations-finance/events/\(event)/sync")
            #expect(sync.status == .accepted)
            #expect(sync.json["queued"] == 2)
            try await Support.deliver(c)
            let waiting = try await c.a.get("/api/integrations-finance/status").json
            #expect(waiting["reachable"] == false)
            #expect(waiting["sync"]?["queued"] == 2)
            #expect(waiting["sync"]?["delivered"] == 0)
            #expect(waiting["lastError"]?.stringValue?.hasPrefix("Finance unavailable") == true)
            #expect(waiting["lastError"]?.stringValue?.contains(TestDefaults.internalKeys[0]) == false)
            #expect(try await c.harness.database.query("SELECT count(*) FROM outbox WHERE delivered_at IS NULL AND dead_at IS NULL").count() == 2)

            try await finance.up {
                try await Support.retryNow(c)
                try await Support.deliver(c)
                let back = try await c.a.get("/api/integrations-finance/status").json
                #expect(back["reachable"] == true)
                #expect(back["sync"]?["queued"] == 0)
                #expect(back["sync"]?["delivered"] == 2)
                #expect(back["lastError"] == .null)
            }
            #expect(try await finance.documents(of: c.companyA, kind: "income").count == 1)
            #expect(try await finance.documents(of: c.companyA, kind: "bill").count == 1)
        }
    }

    @Test func anIncomeLinesInvoiceIsMadeOnceAndTheSyncKnowsIt() async throws {
        let finance = try await FinanceForBase.start()
        try await withBase(finance) { c in
            let money = EventMoneyFixture(database: c.harness.database, company: c.companyA)
            let event = try await money.event()
            let line = try await money.income(event, 250_000)
            let second = try await money.income(event, 10_000, payer: nil)
            try await finance.up {
                let notConnected = try await c.a.post("/api/event-income/\(line)/invoice")
                #expect(notConnected.status == .conflict)
                #expect(notConnected.json["error"]?["code"] == "finance_not_connected")
                _ = try await c.a.post("/api/integrations-finance/connect", ["issueInvoices": true])

                let first = try await c.a.post("/api/event-income/\(line)/invoice")
                #expect(first.status == .created)
                #expect(first.json["incomeId"] == .uuid(line))
                #expect(first.json["invoice"]?["sourceRef"] == .uuid(line))
                #expect(first.json["invoice"]?["status"] == "issued")
                #expect(first.json["invoice"]?["customerName"] == "Promoter BV")
                #expect(first.json["invoice"]?["dueDate"] == "2099-06-01")
                let invoice = try #require(first.json["financeInvoiceId"]?.stringValue)
                let again = try await c.a.post("/api/event-income/\(line)/invoice")
                #expect(again.status == .ok)
                #expect(again.json["financeInvoiceId"] == .string(invoice))
                #expect(try await finance.documents(of: c.companyA, kind: "income").count == 1)
                let stored = try await c.harness.database.query("SELECT finance_invoice_id FROM event_income WHERE id = \(line)")
                    .first { try $0.decode(UUID?.self) } ?? nil
                #expect(stored?.uuidString.lowercased() == invoice)

                // The event's sync takes the invoiced line as delivered: only the other line is queued.
                let sync = try await c.a.post("/api/integrations-finance/events/\(event)/sync")
                #expect(sync.json["queued"] == 1)
                try await Support.deliver(c)
                let invoices = try await finance.documents(of: c.companyA, kind: "income")
                #expect(invoices.count == 2)
                #expect(Set(invoices.compactMap(\.sourceRef)) == [line.uuidString.lowercased(), second.uuidString.lowercased()])
                // The line without a payer is invoiced to the event.
                #expect(try await c.a.post("/api/event-income/\(second)/invoice").json["invoice"]?["customerName"] == "Paradiso night")

                #expect(try await c.b.post("/api/event-income/\(line)/invoice").status == .notFound)
                #expect(try await c.a.post("/api/event-income/\(UUID())/invoice").status == .notFound)
                #expect(try await c.a(permissions: [BasePermission.incomeRead, BasePermission.integrationsWrite])
                    .post("/api/event-income/\(line)/invoice").status == .forbidden)
            }
            let down = try await c.a.post("/api/event-income/\(second)/invoice")
            #expect(down.status == .serviceUnavailable)
        }
    }

    /// Issued documents no longer change their amounts in Finance: a changed line then fails with the reason (and the
    /// status counts it) instead of making a second document; an actual approved after a sync is pushed by the next.
    @Test func aChangedLineWhoseDocumentIsIssuedFailsWithTheReasonAndALaterApprovalIsPushed() async throws {
        let finance = try await FinanceForBase.start()
        try await withBase(finance) { c in
            let money = EventMoneyFixture(database: c.harness.database, company: c.companyA)
            let event = try await money.event()
            let line = try await money.income(event, 400_000)
            let pending = try await money.actual(event, 30_000, status: "pending")
            try await finance.up {
                _ = try await c.a.post("/api/integrations-finance/connect", ["issueInvoices": true])
                #expect(try await c.a.post("/api/integrations-finance/events/\(event)/sync").json["queued"] == 1)
                try await Support.deliver(c)
                #expect(try await finance.documents(of: c.companyA, kind: "income").first?.status == "issued")

                try await c.harness.database.query("UPDATE event_income SET amount_minor = 450000 WHERE id = \(line)")
                #expect(try await c.a.post("/api/integrations-finance/events/\(event)/sync").json["queued"] == 1)
                try await Support.deliver(c)
                let status = try await c.a.get("/api/integrations-finance/status").json
                #expect(status["sync"]?["failed"] == 1)
                #expect(status["lastError"]?.stringValue?.contains("issued") == true)
                let invoices = try await finance.documents(of: c.companyA, kind: "income")
                #expect(invoices.count == 1)
                #expect(invoices.first?.total == 400_000)
                let state = try await c.a.post("/api/integrations-finance/events/\(event)/sync").json
                #expect(state["lines"]?[0]?["status"] == "queued", "a failed line is queued again by the next sync")

                // Approved after the first sync: the next sync pushes it as a bill.
                try await c.harness.database.query("""
                    UPDATE event_expense_actuals SET status = 'approved', decided_by = \(UUID()), decided_at = now() WHERE id = \(pending)
                    """)
                let later = try await c.a.post("/api/integrations-finance/events/\(event)/sync").json
                #expect(later["lines"]?.arrayValue?.contains { $0["lineId"] == .uuid(pending) && $0["queuedNow"] == true } == true)
                try await Support.deliver(c)
                #expect(try await finance.documents(of: c.companyA, kind: "bill").map(\.sourceRef) == [pending.uuidString.lowercased()])
            }
        }
    }
}

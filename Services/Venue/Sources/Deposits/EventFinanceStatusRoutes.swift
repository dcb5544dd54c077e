import Foundation
import Hummingbird
import KisumKernel
import Logging

/// `GET /api/v1/events/{id}/finance-status`: an event's money as Finance sees it (its deposits' invoices:
/// invoiced, paid, outstanding per currency), next to Venue's own deposit figures. When Finance cannot
/// be asked the answer still comes, with `financeLinked: false` and a `financeMessage`.
struct EventFinanceStatusRoutes: Sendable {
    typealias Context = VenueService.Context
    let repository: DepositsRepository
    let ledger: (any FinanceLedger)?

    func addRoutes(to tenant: RouterGroup<Context>) {
        let events = tenant.group("/api/v1/events")
        events.get("{id}/finance-status", use: financeStatus)
    }

    @Sendable func financeStatus(_ request: Request, context: Context) async throws -> EventFinanceStatus {
        let scope = try context.tenant(permission: VenuePermission.depositsRead)
        let id = try context.parameters.uuid("id", what: "event")
        guard try await repository.eventExists(companyID: scope.companyID, eventID: id) else { throw APIError.notFound("event") }
        let deposits = try await repository.forEvent(companyID: scope.companyID, eventID: id)
        var status = EventFinanceStatus(eventId: id, deposits: deposits)
        guard let ledger else {
            status.financeMessage = "Finance is not configured; the figures are Venue's deposits only."
            return status
        }
        let linked = deposits.filter { $0.financeRecordId != nil }.map(\.id)
        do {
            status.apply(try await ledger.depositTotals(depositIDs: linked, companyID: scope.companyID))
        } catch {
            context.logger.warning("finance status read failed", metadata: ["error": "\(error)"])
            status.financeMessage = "Finance could not be reached; the figures are Venue's deposits only."
        }
        return status
    }
}

struct EventFinanceStatus: Sendable, ResponseEncodable, Encodable {
    struct Row: Sendable, Encodable {
        var currency: String
        var depositCount: Int
        var depositMinor: Int64
        var invoicedMinor: Int64?
        var paidMinor: Int64?
        var outstandingMinor: Int64?

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(currency, forKey: .currency)
            try c.encode(depositCount, forKey: .depositCount)
            try c.encode(depositMinor, forKey: .depositMinor)
            try c.encode(invoicedMinor, forKey: .invoicedMinor)
            try c.encode(paidMinor, forKey: .paidMinor)
            try c.encode(outstandingMinor, forKey: .outstandingMinor)
        }

        enum CodingKeys: String, CodingKey { case currency, depositCount, depositMinor, invoicedMinor, paidMinor, outstandingMinor }
    }

    var eventId: UUID
    var financeLinked = false
    var financeMessage: String?
    /// Deposits Finance has not confirmed yet (still syncing or refused).
    var unsyncedDeposits: Int
    var rows: [Row]

    /// Venue's side: the event's live (not cancelled) deposits per currency.
    init(eventId: UUID, deposits: [Deposit]) {
        self.eventId = eventId
        let live = deposits.filter { $0.status != "cancelled" }
        unsyncedDeposits = live.filter { $0.financeSyncStatus != "synced" }.count
        rows = Dictionary(grouping: live, by: \.currency).map { currency, group in
            Row(currency: currency, depositCount: group.count, depositMinor: group.reduce(0) { $0 + $1.amountMinor })
        }.sorted { $0.currency < $1.currency }
    }

    /// Finance's side, per currency (a currency only Finance knows still gets its row).
    mutating func apply(_ totals: [LedgerTotals]) {
        financeLinked = true
        for total in totals {
            if let index = rows.firstIndex(where: { $0.currency == total.currency }) {
                rows[index].invoicedMinor = total.totalMinor
                rows[index].paidMinor = total.paidMinor
                rows[index].outstandingMinor = total.outstandingMinor
            } else {
                rows.append(Row(currency: total.currency, depositCount: 0, depositMinor: 0, invoicedMinor: total.totalMinor,
                                paidMinor: total.paidMinor, outstandingMinor: total.outstandingMinor))
            }
        }
        for index in rows.indices where rows[index].invoicedMinor == nil {
            rows[index].invoicedMinor = 0
            rows[index].paidMinor = 0
            rows[index].outstandingMinor = 0
        }
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(eventId, forKey: .eventId)
        try c.encode(financeLinked, forKey: .financeLinked)
        try c.encode(financeMessage, forKey: .financeMessage)
        try c.encode(unsyncedDeposits, forKey: .unsyncedDeposits)
        try c.encode(rows, forKey: .rows)
    }

    enum CodingKeys: String, CodingKey { case eventId, financeLinked, financeMessage, unsyncedDeposits, rows }
}

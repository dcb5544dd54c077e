import Foundation
import Hummingbird
import KisumDeals
import KisumKernel

/// One artist's deal on the event, evaluated by the deal engine over the event's ticket sales.
public struct SettlementLine: Codable, Sendable, Equatable {
    public var offerId: UUID
    public var artistId: UUID
    public var artistName: String
    /// The offer's terms with the actual expenses applied (a settlement) or as offered (financials).
    public var deal: DealTerms
    public var outcome: DealOutcome
}

/// The event-level figures: the box office once, every artist's payout and costs against it.
public struct SettlementTotals: Codable, Sendable, Equatable {
    public var ticketsSold: Int
    public var comps: Int
    public var grossMinor: Int64
    public var netBoxOfficeMinor: Int64
    public var artistPayoutMinor: Int64
    /// The first line's promoter result less every other line's show and promoter expenses and earnings: the box
    /// office counted once (lines are in billing order, so the headliner's fee and tax terms state it).
    public var promoterResultMinor: Int64
    /// What the event's expense lines cost beyond what the deals' figures carry (`ExpenseBasis.beyondDeals`);
    /// null for a settlement stored before expense lines were recorded with it.
    public var expensesBeyondDealsMinor: Int64?
    /// promoterResultMinor less expensesBeyondDealsMinor: the event's result with every expense line counted once.
    public var eventResultMinor: Int64?

    static func of(_ lines: [SettlementLine], tiers: [TicketTier], expenses: EventExpenses?) throws(DealEngineError) -> SettlementTotals {
        var payout: Int64 = 0
        var result: Int64 = 0
        for (index, line) in lines.enumerated() {
            let o = line.outcome
            payout = try add(payout, o.artistPayoutMinor)
            if index == 0 {
                result = o.promoterResultMinor
            } else {
                let earned = try add(o.artistPayoutMinor, o.artistExpensesMinor)
                let costs = try add(try add(o.showExpensesMinor, o.promoterExpensesMinor), earned)
                let (next, overflow) = result.subtractingReportingOverflow(costs)
                if overflow { throw DealEngineError.overflow("promoter result") }
                result = next
            }
        }
        let first = lines.first?.outcome
        var beyond: Int64?
        var eventResult: Int64?
        if let expenses {
            let amount = try ExpenseBasis.beyondDeals(expenses, lines: lines)
            let (net, overflow) = result.subtractingReportingOverflow(amount)
            if overflow { throw DealEngineError.overflow("event result") }
            beyond = amount
            eventResult = net
        }
        return SettlementTotals(ticketsSold: first?.ticketsSold ?? tiers.reduce(0) { $0 + $1.quantity },
                                comps: first?.comps ?? tiers.reduce(0) { $0 + $1.comps },
                                grossMinor: first?.grossMinor ?? 0, netBoxOfficeMinor: first?.netBoxOfficeMinor ?? 0,
                                artistPayoutMinor: payout, promoterResultMinor: result, expensesBeyondDealsMinor: beyond,
                                eventResultMinor: eventResult)
    }

    private static func add(_ a: Int64, _ b: Int64) throws(DealEngineError) -> Int64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        if overflow { throw DealEngineError.overflow("settlement totals") }
        return sum
    }
}

/// `GET/POST /api/events/{id}/settlement`. `open` is computed now and stored nowhere; `pending_approval` and
/// `signed` are the stored record.
public struct EventSettlement: ResponseEncodable, Sendable, Equatable {
    public var eventId: UUID
    public var status: String
    public var currency: String
    /// The actual sales the figures come from.
    public var tiers: [TicketTier]
    public var lines: [SettlementLine]
    public var totals: SettlementTotals
    /// The event's expense lines the deals were computed with (approved actual or estimate, with the rates);
    /// null for a settlement stored before they were recorded with it.
    public var expenses: EventExpenses?
    public var notes: String?
    public var settledBy: UUID?
    public var settledAt: Date?
    public var signedAt: Date?
    /// The approval item a settlement above the company's threshold waits on.
    public var approvalId: UUID?
    public var version: Int?
}

/// `GET /api/events/{id}/financials`: each deal's potential as offered beside what the sales so far make of it.
public struct EventFinancials: ResponseEncodable, Sendable, Equatable {
    public struct Line: Codable, Sendable, Equatable {
        public var offerId: UUID
        public var artistId: UUID
        public var artistName: String
        public var offerStatus: String
        /// The offer's potential as computed at its last save (its ticket scenario).
        public var projected: DealOutcome?
        /// The deal over the event's ticket sales so far (or the settlement's figures once settled).
        public var actual: DealOutcome
    }

    public var eventId: UUID
    public var eventStatus: String
    public var currency: String
    public var capacity: Int?
    /// `settlement` once the event is settled (the stored figures), `sales` while they come from live sales.
    public var source: String
    public var tiers: [TicketTier]
    public var lines: [Line]
    public var totals: SettlementTotals
    /// The event's expenses (live, or as the stored settlement recorded them: null for one stored before that).
    public var expenses: EventExpenses?
}

/// `POST /api/events/{id}/settlement`: notes only. The actual expenses come from the stored lines (Event Expense -
/// Approval); the retired `expenses` list is refused when it carries anything, so nobody believes it still counts.
struct SettleEvent: ValidatableBody, Sendable {
    var expenses: [JSONValue]?
    var notes: String?

    func validate(_ v: inout Validator) {
        if let expenses, !expenses.isEmpty {
            v.add("expenses", "actual_expenses_from_approval",
                  "Actual expenses are submitted and approved in Event Expense - Approval (/api/event-expense-approval); the settlement reads them.")
        }
        v.text(notes, "notes", required: false, maxLength: 5000)
    }
}

enum SettlementRules {
    /// Event states a settlement may be made in: a booked show, before or after the night.
    static let settleable = ["confirmed", "announced", "on_sale", "completed"]
}

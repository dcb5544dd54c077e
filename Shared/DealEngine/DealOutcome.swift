/// A problem with deal terms or a ticket scenario: the JSON path of the field (`deal.expenses[2].capMinor`),
/// a stable code and a sentence. Offers answer them as 422 field errors as they are.
public struct DealIssue: Codable, Sendable, Equatable, Hashable {
    public var path: String
    public var code: String
    public var message: String

    public init(path: String, code: String, message: String) {
        self.path = path
        self.code = code
        self.message = message
    }
}

/// Why `DealEngine.evaluate` gave no outcome.
public enum DealEngineError: Error, Sendable, Equatable {
    /// The terms or the tiers break a rule of `DealEngine.validate`; the issues say which.
    case invalid([DealIssue])
    /// An intermediate amount left Int64 (named: "gross", "tax", …). Only absurd inputs get here: every
    /// validated amount is at most 10^14 minor units, but prices times quantities can still exceed 2^63.
    case overflow(String)
}

/// One expense of the terms with what it came to.
public struct ExpenseAmount: Codable, Sendable, Equatable {
    public var name: String
    public var kind: DealTerms.Expense.Kind
    public var borneBy: DealTerms.Expense.BorneBy
    public var amountMinor: Int64

    public init(name: String, kind: DealTerms.Expense.Kind, borneBy: DealTerms.Expense.BorneBy, amountMinor: Int64) {
        self.name = name
        self.kind = kind
        self.borneBy = borneBy
        self.amountMinor = amountMinor
    }
}

/// What the terms are worth for one set of ticket sales; every amount in minor units of `currency`.
/// The waterfall: gross − tax − ticket fees = net box office; − show expenses = net receipts; the artist's
/// share follows the deal kind; payout = share + bonuses − artist-borne expenses; the promoter keeps
/// net receipts − share − bonuses − promoter expenses (artist-borne expenses are paid by the promoter and
/// recovered from the payout, so they cancel out of the promoter's result).
public struct DealOutcome: Codable, Sendable, Equatable {
    /// Which side of a versus deal paid.
    public enum VersusSide: String, Codable, Sendable {
        case guarantee
        case percentage
    }

    public var currency: String
    /// Paid tickets (the tiers' quantities) and comps (given away: capacity only, never money or bonuses).
    public var ticketsSold: Int
    public var comps: Int
    public var grossMinor: Int64
    public var taxMinor: Int64
    public var ticketFeesMinor: Int64
    public var netBoxOfficeMinor: Int64
    public var showExpensesMinor: Int64
    /// Net box office less show expenses; may be negative.
    public var netReceiptsMinor: Int64
    public var promoterExpensesMinor: Int64
    public var artistExpensesMinor: Int64
    /// Every expense of the terms, in their order, with its computed amount.
    public var expenses: [ExpenseAmount]
    /// The percentage part of the deal as computed (door: of the net box office; versus: of the net
    /// receipts; guarantee_plus: of the net receipts above the split point; flat: 0).
    public var percentageAmountMinor: Int64
    /// The artist's share by deal kind, before bonuses and charge-backs.
    public var artistShareMinor: Int64
    /// Versus deals only: `percentage` when the percentage exceeded the guarantee, else `guarantee`.
    public var versusWinner: VersusSide?
    /// The bonuses whose threshold the paid tickets reached, and their total.
    public var bonusesEarned: [DealTerms.Bonus]
    public var bonusesMinor: Int64
    /// Share + bonuses − artist-borne expenses. Negative when the charge-backs exceed what the artist earned
    /// (the artist owes the difference).
    public var artistPayoutMinor: Int64
    /// Net receipts − share − bonuses − promoter expenses; negative is a loss.
    public var promoterResultMinor: Int64
    /// The smallest number of paid tickets, sold at the scenario's average price, for which the promoter's
    /// result is at least zero; nil when no count up to `maxPaidTickets` gets there.
    public var breakEvenTickets: Int?
    /// The artist's payout if `maxPaidTickets` paid tickets sell at the scenario's average price.
    public var walkoutPotentialMinor: Int64
    /// The paid tickets the venue can hold: capacity less comps when a capacity was given, else the tiers'
    /// quantities.
    public var maxPaidTickets: Int
    /// Gross / paid tickets, rounded with the terms' rounding (0 with no paid tickets).
    public var averageTicketPriceMinor: Int64

    public init(currency: String, ticketsSold: Int, comps: Int, grossMinor: Int64, taxMinor: Int64, ticketFeesMinor: Int64,
                netBoxOfficeMinor: Int64, showExpensesMinor: Int64, netReceiptsMinor: Int64, promoterExpensesMinor: Int64,
                artistExpensesMinor: Int64, expenses: [ExpenseAmount], percentageAmountMinor: Int64, artistShareMinor: Int64,
                versusWinner: VersusSide?, bonusesEarned: [DealTerms.Bonus], bonusesMinor: Int64, artistPayoutMinor: Int64,
                promoterResultMinor: Int64, breakEvenTickets: Int?, walkoutPotentialMinor: Int64, maxPaidTickets: Int,
                averageTicketPriceMinor: Int64) {
        self.currency = currency
        self.ticketsSold = ticketsSold
        self.comps = comps
        self.grossMinor = grossMinor
        self.taxMinor = taxMinor
        self.ticketFeesMinor = ticketFeesMinor
        self.netBoxOfficeMinor = netBoxOfficeMinor
        self.showExpensesMinor = showExpensesMinor
        self.netReceiptsMinor = netReceiptsMinor
        self.promoterExpensesMinor = promoterExpensesMinor
        self.artistExpensesMinor = artistExpensesMinor
        self.expenses = expenses
        self.percentageAmountMinor = percentageAmountMinor
        self.artistShareMinor = artistShareMinor
        self.versusWinner = versusWinner
        self.bonusesEarned = bonusesEarned
        self.bonusesMinor = bonusesMinor
        self.artistPayoutMinor = artistPayoutMinor
        self.promoterResultMinor = promoterResultMinor
        self.breakEvenTickets = breakEvenTickets
        self.walkoutPotentialMinor = walkoutPotentialMinor
        self.maxPaidTickets = maxPaidTickets
        self.averageTicketPriceMinor = averageTicketPriceMinor
    }
}

/// The deal of an offer or an event's settlement: what the artist is paid, out of which money.
/// Pure data shared by offers (stored as the `deal` JSON), settlements and documents; `DealEngine` computes
/// what the terms are worth for given ticket sales. Every amount is an integer of the currency's minor unit,
/// every percentage an integer in basis points (1 % = 100), so no float ever touches money.
public struct DealTerms: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// The guarantee and nothing else.
        case flat
        /// `percentageBasisPoints` of the net box office (gross less taxes and ticket fees); no guarantee.
        case door
        /// The greater of the guarantee and `percentageBasisPoints` of the net receipts (net box office less show expenses).
        case versus
        /// The guarantee plus `percentageBasisPoints` of whatever the net receipts make above `splitPointMinor`.
        case guaranteePlus = "guarantee_plus"
    }

    /// How a percentage of an amount becomes a whole number of minor units.
    public enum Rounding: String, Codable, Sendable, CaseIterable {
        case halfUp = "half_up"
        case halfEven = "half_even"
        case down
    }

    /// A bonus paid once tickets sold reach `ticketsSold` (every threshold reached pays; they add up).
    public struct Bonus: Codable, Sendable, Equatable {
        public var ticketsSold: Int
        public var amountMinor: Int64
        public init(ticketsSold: Int, amountMinor: Int64) {
            self.ticketsSold = ticketsSold
            self.amountMinor = amountMinor
        }
    }

    /// A cost of the show and who bears it.
    public struct Expense: Codable, Sendable, Equatable {
        public enum Kind: String, Codable, Sendable, CaseIterable {
            /// `amountMinor` as it is.
            case fixed
            /// `amountMinor` (the estimate, or the actual at settlement) but never more than `capMinor`.
            case capped
            /// `basisPoints` of the gross.
            case percentOfGross = "percent_of_gross"
        }

        public enum BorneBy: String, Codable, Sendable, CaseIterable {
            /// A show expense: comes off the net box office before any percentage is taken.
            case show
            /// The promoter's own cost: reduces the promoter's result only.
            case promoter
            /// Charged back to the artist: comes off the artist's payout.
            case artist
        }

        public var name: String
        public var kind: Kind
        public var amountMinor: Int64?
        public var capMinor: Int64?
        public var basisPoints: Int?
        public var borneBy: BorneBy

        public init(name: String, kind: Kind, amountMinor: Int64? = nil, capMinor: Int64? = nil, basisPoints: Int? = nil,
                    borneBy: BorneBy) {
            self.name = name
            self.kind = kind
            self.amountMinor = amountMinor
            self.capMinor = capMinor
            self.basisPoints = basisPoints
            self.borneBy = borneBy
        }
    }

    public var kind: Kind
    /// ISO 4217 code every amount here is in.
    public var currency: String
    /// Zero for a door deal.
    public var guaranteeMinor: Int64
    /// The artist's percentage (door, versus, guarantee_plus); zero for a flat deal.
    public var percentageBasisPoints: Int
    /// guarantee_plus only: the net receipts above which the percentage is paid.
    public var splitPointMinor: Int64?
    public var bonuses: [Bonus]
    public var expenses: [Expense]
    /// Ticket fees kept off the gross: a fixed fee per ticket sold and a percentage of the gross.
    public var ticketFeeMinor: Int64
    public var ticketFeeBasisPoints: Int
    /// Sales tax (VAT) included in ticket prices, taken off the gross: tax = gross × rate / (1 + rate).
    public var taxBasisPoints: Int
    public var rounding: Rounding

    public init(kind: Kind, currency: String, guaranteeMinor: Int64 = 0, percentageBasisPoints: Int = 0,
                splitPointMinor: Int64? = nil, bonuses: [Bonus] = [], expenses: [Expense] = [], ticketFeeMinor: Int64 = 0,
                ticketFeeBasisPoints: Int = 0, taxBasisPoints: Int = 0, rounding: Rounding = .halfUp) {
        self.kind = kind
        self.currency = currency
        self.guaranteeMinor = guaranteeMinor
        self.percentageBasisPoints = percentageBasisPoints
        self.splitPointMinor = splitPointMinor
        self.bonuses = bonuses
        self.expenses = expenses
        self.ticketFeeMinor = ticketFeeMinor
        self.ticketFeeBasisPoints = ticketFeeBasisPoints
        self.taxBasisPoints = taxBasisPoints
        self.rounding = rounding
    }
}

/// Tickets of one price, planned (an offer's scenario: `quantity` is what is for sale) or actual (a settlement:
/// `quantity` is what was sold, comps excluded). Comps are given away: they count toward capacity, never toward
/// money or bonuses.
public struct TicketTier: Codable, Sendable, Equatable {
    public var name: String
    public var priceMinor: Int64
    public var quantity: Int
    public var comps: Int

    public init(name: String, priceMinor: Int64, quantity: Int, comps: Int = 0) {
        self.name = name
        self.priceMinor = priceMinor
        self.quantity = quantity
        self.comps = comps
    }
}

import KisumDeals
import Testing

/// Issue 9 (bounds on every input) and the deal kinds' own requirements: each rule of `DealEngine.validate`
/// answers its field path and code.
@Suite("Deal engine: validation")
struct DealValidationTests {
    static func issues(_ terms: DealTerms) -> [String] {
        DealEngine.validate(terms).map { "\($0.path) \($0.code)" }
    }

    static let fixed = DealTerms.Expense(name: "Rent", kind: .fixed, amountMinor: 1_000, borneBy: .show)

    @Test func validTermsOfEveryKindHaveNoIssues() {
        #expect(Self.issues(DealTerms(kind: .flat, currency: "EUR", guaranteeMinor: 1)).isEmpty)
        #expect(Self.issues(DealTerms(kind: .door, currency: "EUR", percentageBasisPoints: 10_000)).isEmpty)
        #expect(Self.issues(DealTerms(kind: .versus, currency: "EUR", guaranteeMinor: 5, percentageBasisPoints: 1)).isEmpty)
        #expect(Self.issues(DealTerms(kind: .guaranteePlus, currency: "EUR", percentageBasisPoints: 1, splitPointMinor: 0,
                                      expenses: [Self.fixed], taxBasisPoints: 10_000)).isEmpty)
    }

    @Test func kindSpecificRequirements() {
        #expect(Self.issues(DealTerms(kind: .door, currency: "EUR", guaranteeMinor: 100, percentageBasisPoints: 5_000))
                == ["deal.guaranteeMinor not_allowed"])
        #expect(Self.issues(DealTerms(kind: .door, currency: "EUR")) == ["deal.percentageBasisPoints required"])
        #expect(Self.issues(DealTerms(kind: .versus, currency: "EUR", guaranteeMinor: 100)) == ["deal.percentageBasisPoints required"])
        #expect(Self.issues(DealTerms(kind: .guaranteePlus, currency: "EUR", guaranteeMinor: 100, percentageBasisPoints: 100))
                == ["deal.splitPointMinor required"])
        #expect(Self.issues(DealTerms(kind: .flat, currency: "EUR")) == ["deal.guaranteeMinor required"])
        #expect(Self.issues(DealTerms(kind: .flat, currency: "EUR", guaranteeMinor: 1, percentageBasisPoints: 10, splitPointMinor: 5))
                == ["deal.percentageBasisPoints not_allowed", "deal.splitPointMinor not_allowed"])
    }

    @Test func expenseKindsNeedTheirOwnFields() {
        let expenses = [
            Self.fixed,
            DealTerms.Expense(name: "Sound", kind: .fixed, borneBy: .show),
            DealTerms.Expense(name: "Security", kind: .capped, amountMinor: 5, borneBy: .promoter),
            DealTerms.Expense(name: "Cards", kind: .percentOfGross, amountMinor: 5, borneBy: .show),
            DealTerms.Expense(name: "Rider", kind: .fixed, amountMinor: 5, capMinor: 6, basisPoints: 7, borneBy: .artist),
        ]
        #expect(Self.issues(DealTerms(kind: .flat, currency: "EUR", guaranteeMinor: 1, expenses: expenses)) == [
            "deal.expenses[1].amountMinor required",
            "deal.expenses[2].capMinor required",
            "deal.expenses[3].basisPoints required", "deal.expenses[3].amountMinor not_allowed",
            "deal.expenses[4].basisPoints not_allowed", "deal.expenses[4].capMinor not_allowed",
        ])
    }

    @Test func boundsOnAmountsPercentagesCountsNamesAndCurrency() {
        let long = String(repeating: "é", count: 101)
        let terms = DealTerms(kind: .versus, currency: "usd", guaranteeMinor: DealEngine.maxAmountMinor + 1, percentageBasisPoints: 10_001,
                              bonuses: [DealTerms.Bonus(ticketsSold: 0, amountMinor: -1)],
                              expenses: [DealTerms.Expense(name: " ", kind: .percentOfGross, basisPoints: -1, borneBy: .show),
                                         DealTerms.Expense(name: long, kind: .capped, amountMinor: 1, capMinor: -5, borneBy: .show)],
                              ticketFeeMinor: -1, ticketFeeBasisPoints: 10_001, taxBasisPoints: -1)
        #expect(Self.issues(terms) == [
            "deal.currency invalid_currency", "deal.guaranteeMinor out_of_range", "deal.percentageBasisPoints out_of_range",
            "deal.bonuses[0].ticketsSold out_of_range", "deal.bonuses[0].amountMinor out_of_range",
            "deal.expenses[0].name required", "deal.expenses[0].basisPoints out_of_range",
            "deal.expenses[1].name too_long", "deal.expenses[1].capMinor out_of_range",
            "deal.ticketFeeMinor out_of_range", "deal.ticketFeeBasisPoints out_of_range", "deal.taxBasisPoints out_of_range",
        ])
        // 100 code points is the most; a name of 100 é passes.
        let ok = DealTerms.Expense(name: String(repeating: "é", count: 100), kind: .fixed, amountMinor: 1, borneBy: .show)
        #expect(Self.issues(DealTerms(kind: .flat, currency: "EUR", guaranteeMinor: 1, expenses: [ok])).isEmpty)
        for code in ["EU", "EURO", "E1R", "ÉUR", ""] {
            #expect(Self.issues(DealTerms(kind: .flat, currency: code, guaranteeMinor: 1)) == ["deal.currency invalid_currency"])
        }
    }

    @Test func atMostFiftyBonusesAndExpenses() {
        let bonuses = (1...51).map { DealTerms.Bonus(ticketsSold: $0, amountMinor: 1) }
        let expenses = Array(repeating: Self.fixed, count: 51)
        #expect(Self.issues(DealTerms(kind: .flat, currency: "EUR", guaranteeMinor: 1, bonuses: bonuses, expenses: expenses))
                == ["deal.bonuses too_many", "deal.expenses too_many"])
        #expect(Self.issues(DealTerms(kind: .flat, currency: "EUR", guaranteeMinor: 1, bonuses: Array(bonuses.prefix(50)),
                                      expenses: Array(expenses.prefix(50)))).isEmpty)
    }

    @Test func scenarioRules() {
        func issues(_ tiers: [TicketTier], _ capacity: Int?) -> [String] {
            DealEngine.validate(tiers: tiers, capacity: capacity).map { "\($0.path) \($0.code)" }
        }
        #expect(issues([TicketTier(name: "GA", priceMinor: 100, quantity: 90, comps: 10)], 100).isEmpty)
        // 90 + 11 seats in a room of 100.
        #expect(issues([TicketTier(name: "GA", priceMinor: 100, quantity: 90, comps: 11)], 100) == ["scenario.capacity over_capacity"])
        #expect(issues([TicketTier(name: "", priceMinor: -1, quantity: -1, comps: 1_000_001)], nil) == [
            "scenario.tiers[0].name required", "scenario.tiers[0].priceMinor out_of_range", "scenario.tiers[0].quantity out_of_range",
            "scenario.tiers[0].comps out_of_range",
        ])
        #expect(issues([], -1) == ["scenario.capacity out_of_range"])
        #expect(issues(Array(repeating: TicketTier(name: "A", priceMinor: 1, quantity: 1), count: 51), nil) == ["scenario.tiers too_many"])
        #expect(DealEngine.validate(tiers: [TicketTier(name: "", priceMinor: 1, quantity: 1)], capacity: nil, prefix: "sales")
                    .map(\.path) == ["sales.tiers[0].name"])
    }
}

import KisumDeals
import Testing

/// Issue 9: "One deal engine … flat guarantee; door deal (% of net box office); versus deal (greater of guarantee
/// or % of net); guarantee plus % after a split point; bonuses at ticket-count thresholds; expenses (fixed,
/// capped, % of gross) and who bears them; ticket fees and taxes off the gross; break-even and walkout potential
/// … Fixed-answer tests cover each deal type with figures worked by hand in the test."
///
/// Scenario A used throughout (USD, cents): GA 400 × 20.00 with 20 comps, VIP 100 × 50.00; capacity 600.
///   gross = 400 × 2,000 + 100 × 5,000 = 800,000 + 500,000 = 1,300,000; paid 500, comps 20
///   max paid tickets = 600 − 20 = 580; average price = 1,300,000 / 500 = 2,600
///   at the average price, gross(n) = 1,300,000 × n / 500 = 2,600 n (so gross(580) = 1,508,000)
@Suite("Deal engine: deal kinds, bonuses, expenses")
struct DealEngineTests {
    static let tiersA = [TicketTier(name: "GA", priceMinor: 2_000, quantity: 400, comps: 20),
                         TicketTier(name: "VIP", priceMinor: 5_000, quantity: 100)]

    @Test func flatGuaranteePaysTheGuaranteeWhateverSells() throws {
        let terms = DealTerms(kind: .flat, currency: "USD", guaranteeMinor: 500_000)
        let o = try DealEngine.evaluate(terms: terms, tiers: Self.tiersA, capacity: 600)
        #expect(o.ticketsSold == 500)
        #expect(o.comps == 20)
        #expect(o.grossMinor == 1_300_000)
        #expect(o.taxMinor == 0 && o.ticketFeesMinor == 0)
        #expect(o.netBoxOfficeMinor == 1_300_000)
        #expect(o.netReceiptsMinor == 1_300_000)
        #expect(o.artistShareMinor == 500_000)
        #expect(o.percentageAmountMinor == 0)
        #expect(o.versusWinner == nil)
        #expect(o.artistPayoutMinor == 500_000)
        // 1,300,000 − 500,000
        #expect(o.promoterResultMinor == 800_000)
        #expect(o.averageTicketPriceMinor == 2_600)
        #expect(o.maxPaidTickets == 580)
        // 2,600 n ≥ 500,000 ⇒ n ≥ 192.3: 192 tickets make 499,200 (−800), 193 make 501,800 (+1,800).
        #expect(o.breakEvenTickets == 193)
        #expect(o.walkoutPotentialMinor == 500_000)
    }

    @Test func doorDealIsAPercentageOfTheNetBoxOfficeAfterTaxAndFees() throws {
        // 80 % of the net box office; prices include 20 % VAT; fees 1.00 per ticket + 2.5 % of the gross.
        let terms = DealTerms(kind: .door, currency: "USD", percentageBasisPoints: 8_000, ticketFeeMinor: 100,
                              ticketFeeBasisPoints: 250, taxBasisPoints: 2_000)
        let o = try DealEngine.evaluate(terms: terms, tiers: Self.tiersA, capacity: 600)
        // tax = 1,300,000 × 2,000 / 12,000 = 216,666.67 → 216,667 (half up)
        #expect(o.taxMinor == 216_667)
        // fees = 100 × 500 + 1,300,000 × 2.5 % = 50,000 + 32,500
        #expect(o.ticketFeesMinor == 82_500)
        // 1,300,000 − 216,667 − 82,500
        #expect(o.netBoxOfficeMinor == 1_000_833)
        // 80 % of 1,000,833 = 800,666.4 → 800,666
        #expect(o.percentageAmountMinor == 800_666)
        #expect(o.artistShareMinor == 800_666)
        #expect(o.artistPayoutMinor == 800_666)
        #expect(o.promoterResultMinor == 200_167)
        // With nothing sold everything is 0, and 0 ≥ 0.
        #expect(o.breakEvenTickets == 0)
        // 580 tickets: gross 1,508,000; tax 251,333.33 → 251,333; fees 58,000 + 37,700 = 95,700;
        // net 1,160,967; 80 % = 928,773.6 → 928,774.
        #expect(o.walkoutPotentialMinor == 928_774)
    }

    /// Shared by the versus tests: three show expenses (one capped above its cap, one % of gross), a promoter
    /// expense and an artist charge-back (capped, under its cap).
    static let versusExpenses = [
        DealTerms.Expense(name: "Production", kind: .fixed, amountMinor: 150_000, borneBy: .show),
        DealTerms.Expense(name: "Security", kind: .capped, amountMinor: 80_000, capMinor: 60_000, borneBy: .show),
        DealTerms.Expense(name: "Card fees", kind: .percentOfGross, basisPoints: 300, borneBy: .show),
        DealTerms.Expense(name: "Marketing", kind: .fixed, amountMinor: 50_000, borneBy: .promoter),
        DealTerms.Expense(name: "Hospitality", kind: .capped, amountMinor: 20_000, capMinor: 25_000, borneBy: .artist),
    ]

    @Test func versusDealPaysThePercentageWhenItBeatsTheGuarantee() throws {
        let terms = DealTerms(kind: .versus, currency: "USD", guaranteeMinor: 600_000, percentageBasisPoints: 8_500,
                              expenses: Self.versusExpenses)
        let o = try DealEngine.evaluate(terms: terms, tiers: Self.tiersA, capacity: 600)
        // Security is capped at 60,000; card fees 3 % of 1,300,000 = 39,000; hospitality stays 20,000 (< cap).
        #expect(o.expenses.map(\.amountMinor) == [150_000, 60_000, 39_000, 50_000, 20_000])
        #expect(o.expenses.map(\.borneBy) == [.show, .show, .show, .promoter, .artist])
        // 150,000 + 60,000 + 39,000
        #expect(o.showExpensesMinor == 249_000)
        #expect(o.promoterExpensesMinor == 50_000)
        #expect(o.artistExpensesMinor == 20_000)
        // 1,300,000 − 249,000
        #expect(o.netReceiptsMinor == 1_051_000)
        // 85 % of 1,051,000 = 893,350 > 600,000
        #expect(o.percentageAmountMinor == 893_350)
        #expect(o.versusWinner == .percentage)
        #expect(o.artistShareMinor == 893_350)
        // 893,350 − 20,000 charged back
        #expect(o.artistPayoutMinor == 873_350)
        // 1,051,000 − 893,350 − 50,000 (the charge-back is paid out and recovered: it cancels)
        #expect(o.promoterResultMinor == 107_650)
        // net receipts at n = 2,600 n − 210,000 − 78 n = 2,522 n − 210,000; while the guarantee wins the promoter
        // keeps NR − 600,000 − 50,000 ≥ 0 ⇒ 2,522 n ≥ 860,000 ⇒ n ≥ 340.999: n = 341 gives NR 650,002 (+2),
        // n = 340 gives 647,480 (−2,520).
        #expect(o.breakEvenTickets == 341)
        // n = 580: NR = 1,462,760 − 210,000 = 1,252,760; 85 % = 1,064,846; less 20,000.
        #expect(o.walkoutPotentialMinor == 1_044_846)
    }

    @Test func versusDealPaysTheGuaranteeWhenThePercentageFallsShort() throws {
        let terms = DealTerms(kind: .versus, currency: "USD", guaranteeMinor: 600_000, percentageBasisPoints: 8_500,
                              expenses: Self.versusExpenses)
        let o = try DealEngine.evaluate(terms: terms, tiers: [TicketTier(name: "GA", priceMinor: 2_000, quantity: 300)], capacity: 600)
        // gross 600,000; show expenses 150,000 + 60,000 + 18,000 = 228,000; NR 372,000; 85 % = 316,200 < 600,000
        #expect(o.grossMinor == 600_000)
        #expect(o.netReceiptsMinor == 372_000)
        #expect(o.percentageAmountMinor == 316_200)
        #expect(o.versusWinner == .guarantee)
        #expect(o.artistShareMinor == 600_000)
        #expect(o.artistPayoutMinor == 580_000)
        // 372,000 − 600,000 − 50,000
        #expect(o.promoterResultMinor == -278_000)
    }

    @Test func guaranteePlusPaysThePercentageAboveTheSplitPointOnly() throws {
        let terms = DealTerms(kind: .guaranteePlus, currency: "USD", guaranteeMinor: 400_000, percentageBasisPoints: 7_000,
                              splitPointMinor: 700_000,
                              expenses: [DealTerms.Expense(name: "Production", kind: .fixed, amountMinor: 200_000, borneBy: .show)])
        let above = try DealEngine.evaluate(terms: terms, tiers: Self.tiersA, capacity: 600)
        // NR = 1,300,000 − 200,000 = 1,100,000; above the split 400,000; 70 % = 280,000; + 400,000
        #expect(above.netReceiptsMinor == 1_100_000)
        #expect(above.percentageAmountMinor == 280_000)
        #expect(above.artistShareMinor == 680_000)
        #expect(above.promoterResultMinor == 420_000)
        // NR = 2,600 n − 200,000; below the split the promoter keeps NR − 400,000 ≥ 0 ⇒ n ≥ 230.77 → 231.
        #expect(above.breakEvenTickets == 231)
        // n = 580: NR 1,308,000; above 608,000; 70 % = 425,600; + 400,000
        #expect(above.walkoutPotentialMinor == 825_600)

        let below = try DealEngine.evaluate(terms: terms, tiers: [TicketTier(name: "GA", priceMinor: 2_000, quantity: 400)], capacity: nil)
        // NR = 800,000 − 200,000 = 600,000 < 700,000: the guarantee alone
        #expect(below.percentageAmountMinor == 0)
        #expect(below.artistShareMinor == 400_000)
        // No capacity: the tiers' 400 tickets are the most that sell, so walkout = payout.
        #expect(below.maxPaidTickets == 400)
        #expect(below.walkoutPotentialMinor == 400_000)
    }

    @Test func bonusesPayAtAndAboveTheirThresholdsAndAddUp() throws {
        let bonuses = [DealTerms.Bonus(ticketsSold: 400, amountMinor: 50_000), DealTerms.Bonus(ticketsSold: 500, amountMinor: 25_000),
                       DealTerms.Bonus(ticketsSold: 600, amountMinor: 10_000)]
        let terms = DealTerms(kind: .flat, currency: "USD", guaranteeMinor: 500_000, bonuses: bonuses)
        // 500 sold: the 400 bonus (above) and the 500 bonus (exactly at) pay, the 600 one does not.
        let o = try DealEngine.evaluate(terms: terms, tiers: Self.tiersA, capacity: 600)
        #expect(o.bonusesEarned.map(\.ticketsSold) == [400, 500])
        #expect(o.bonusesMinor == 75_000)
        #expect(o.artistPayoutMinor == 575_000)
        #expect(o.promoterResultMinor == 725_000)
        // Walkout at 580 paid tickets: still below 600 (comps never count).
        #expect(o.walkoutPotentialMinor == 575_000)
        // 399 sold: just below the first threshold.
        let below = try DealEngine.evaluate(terms: terms, tiers: [TicketTier(name: "GA", priceMinor: 2_000, quantity: 399)], capacity: 600)
        #expect(below.bonusesEarned.isEmpty)
        #expect(below.bonusesMinor == 0)
        #expect(below.artistPayoutMinor == 500_000)
        // Exactly 400 with 200 comps: comps never reach a threshold, the 400 paid do.
        let at = try DealEngine.evaluate(terms: terms, tiers: [TicketTier(name: "GA", priceMinor: 2_000, quantity: 400, comps: 200)],
                                         capacity: 600)
        #expect(at.bonusesMinor == 50_000)
    }

    @Test func breakEvenLooksPastABonusThatPushesTheResultBackBelowZero() throws {
        // Flat 500,000 with 2,000 tickets; a 300,000 bonus at 260 tickets. gross(n) = 2,000 n.
        // [0, 259]: 2,000 n − 500,000 ≥ 0 needs n ≥ 250 → 250 (the first segment already breaks even).
        let early = DealTerms(kind: .flat, currency: "USD", guaranteeMinor: 500_000,
                              bonuses: [DealTerms.Bonus(ticketsSold: 260, amountMinor: 300_000)])
        let tiers = [TicketTier(name: "GA", priceMinor: 2_000, quantity: 500)]
        #expect(try DealEngine.evaluate(terms: early, tiers: tiers, capacity: 500).breakEvenTickets == 250)
        // Bonus at 240 instead: [0, 239] never gets there (239 → −22,000); from 240 the promoter needs
        // 2,000 n ≥ 800,000 ⇒ n = 400.
        let late = DealTerms(kind: .flat, currency: "USD", guaranteeMinor: 500_000,
                             bonuses: [DealTerms.Bonus(ticketsSold: 240, amountMinor: 300_000)])
        #expect(try DealEngine.evaluate(terms: late, tiers: tiers, capacity: 500).breakEvenTickets == 400)
    }

    @Test func breakEvenIsNilWhenEvenASellOutLosesMoney() throws {
        // Flat 2,000,000; the most the room grosses is gross(580) = 1,508,000.
        let terms = DealTerms(kind: .flat, currency: "USD", guaranteeMinor: 2_000_000)
        let o = try DealEngine.evaluate(terms: terms, tiers: Self.tiersA, capacity: 600)
        #expect(o.breakEvenTickets == nil)
        #expect(o.promoterResultMinor == -700_000)
    }
}

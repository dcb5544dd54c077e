import KisumDeals
import Testing

/// Issue 9: "currencies in minor units with explicit rounding" — each rounding mode at .5 boundaries, 0- and
/// 3-decimal currencies, zero sales, a sell-out, and arithmetic that would overflow refused with an error.
@Suite("Deal engine: rounding, currencies, edges")
struct DealEngineRoundingTests {
    static func door(_ rounding: DealTerms.Rounding, price: Int64) throws -> DealOutcome {
        let terms = DealTerms(kind: .door, currency: "USD", percentageBasisPoints: 5_000, rounding: rounding)
        return try DealEngine.evaluate(terms: terms, tiers: [TicketTier(name: "One", priceMinor: price, quantity: 1)], capacity: nil)
    }

    @Test func eachRoundingModeAtHalves() throws {
        // 50 % of 1,001 = 500.5: half_up → 501 (away from zero), half_even → 500 (even), down → 500.
        #expect(try Self.door(.halfUp, price: 1_001).artistShareMinor == 501)
        #expect(try Self.door(.halfEven, price: 1_001).artistShareMinor == 500)
        #expect(try Self.door(.down, price: 1_001).artistShareMinor == 500)
        // 50 % of 1,003 = 501.5: half_up → 502, half_even → 502 (even), down → 501.
        #expect(try Self.door(.halfUp, price: 1_003).artistShareMinor == 502)
        #expect(try Self.door(.halfEven, price: 1_003).artistShareMinor == 502)
        #expect(try Self.door(.down, price: 1_003).artistShareMinor == 501)
        // Not a half: 50 % of 1,000 = 500 exactly in every mode.
        for mode in DealTerms.Rounding.allCases { #expect(try Self.door(mode, price: 1_000).artistShareMinor == 500) }
    }

    @Test func taxIsRoundedWithTheSameMode() throws {
        // A 100 % tax is half the tax-inclusive gross: 1,001 × 10,000 / 20,000 = 500.5.
        func tax(_ mode: DealTerms.Rounding) throws -> Int64 {
            let terms = DealTerms(kind: .flat, currency: "USD", guaranteeMinor: 1, taxBasisPoints: 10_000, rounding: mode)
            return try DealEngine.evaluate(terms: terms, tiers: [TicketTier(name: "One", priceMinor: 1_001, quantity: 1)], capacity: nil).taxMinor
        }
        #expect(try tax(.halfUp) == 501)
        #expect(try tax(.halfEven) == 500)
        #expect(try tax(.down) == 500)
    }

    @Test func yenHasNoDecimals() throws {
        // ¥1,000,000 versus 80 %; 300 tickets at ¥5,000 with 10 % consumption tax included.
        let terms = DealTerms(kind: .versus, currency: "JPY", guaranteeMinor: 1_000_000, percentageBasisPoints: 8_000, taxBasisPoints: 1_000)
        let o = try DealEngine.evaluate(terms: terms, tiers: [TicketTier(name: "指定席", priceMinor: 5_000, quantity: 300)], capacity: 300)
        #expect(o.grossMinor == 1_500_000)
        // 1,500,000 × 1,000 / 11,000 = 136,363.64 → 136,364
        #expect(o.taxMinor == 136_364)
        #expect(o.netBoxOfficeMinor == 1_363_636)
        // 80 % = 1,090,908.8 → 1,090,909 > 1,000,000
        #expect(o.artistShareMinor == 1_090_909)
        #expect(o.versusWinner == .percentage)
        #expect(CurrencyUnits.format(o.artistPayoutMinor, "JPY") == "JPY 1,090,909")
    }

    @Test func kuwaitiDinarHasThreeDecimals() throws {
        // 70 % door; 200 tickets at KWD 12.500 (12,500 fils); a 0.250 fee per ticket.
        let terms = DealTerms(kind: .door, currency: "KWD", percentageBasisPoints: 7_000, ticketFeeMinor: 250)
        let o = try DealEngine.evaluate(terms: terms, tiers: [TicketTier(name: "GA", priceMinor: 12_500, quantity: 200)], capacity: 250)
        #expect(o.grossMinor == 2_500_000)
        #expect(o.ticketFeesMinor == 50_000)
        // (2,500,000 − 50,000) × 70 %
        #expect(o.artistShareMinor == 1_715_000)
        #expect(CurrencyUnits.format(o.artistShareMinor, "KWD") == "KWD 1,715.000")
        // Walkout at 250 tickets: gross 3,125,000, fees 62,500, 70 % of 3,062,500 = 2,143,750.
        #expect(o.walkoutPotentialMinor == 2_143_750)
    }

    @Test func zeroSalesPayTheGuaranteeAndNeverBreakEven() throws {
        let terms = DealTerms(kind: .versus, currency: "USD", guaranteeMinor: 300_000, percentageBasisPoints: 8_500,
                              expenses: [DealTerms.Expense(name: "Rent", kind: .fixed, amountMinor: 100_000, borneBy: .show)])
        let o = try DealEngine.evaluate(terms: terms, tiers: [TicketTier(name: "GA", priceMinor: 2_000, quantity: 0)], capacity: 500)
        #expect(o.ticketsSold == 0)
        #expect(o.grossMinor == 0)
        // 0 − 100,000; the percentage of a negative net is 0, so the guarantee wins.
        #expect(o.netReceiptsMinor == -100_000)
        #expect(o.percentageAmountMinor == 0)
        #expect(o.versusWinner == .guarantee)
        #expect(o.artistPayoutMinor == 300_000)
        #expect(o.promoterResultMinor == -400_000)
        // No sales, no average price: more tickets at 0 never cover anything.
        #expect(o.averageTicketPriceMinor == 0)
        #expect(o.breakEvenTickets == nil)
        #expect(o.walkoutPotentialMinor == 300_000)
        // With no tiers at all the same holds.
        #expect(try DealEngine.evaluate(terms: terms, tiers: [], capacity: nil).artistPayoutMinor == 300_000)
    }

    @Test func aSellOutsWalkoutIsItsPayout() throws {
        // 480 paid + 20 comps fill 500 seats; 60 % door of 960,000.
        let terms = DealTerms(kind: .door, currency: "EUR", percentageBasisPoints: 6_000)
        let o = try DealEngine.evaluate(terms: terms, tiers: [TicketTier(name: "GA", priceMinor: 2_000, quantity: 480, comps: 20)], capacity: 500)
        #expect(o.maxPaidTickets == 480)
        #expect(o.artistPayoutMinor == 576_000)
        #expect(o.walkoutPotentialMinor == 576_000)
    }

    @Test func artistChargeBacksCanExceedTheShare() throws {
        // Flat 100,000 with 150,000 charged back: the artist owes 50,000; the promoter's result ignores it.
        let terms = DealTerms(kind: .flat, currency: "USD", guaranteeMinor: 100_000,
                              expenses: [DealTerms.Expense(name: "Backline", kind: .fixed, amountMinor: 150_000, borneBy: .artist)])
        let o = try DealEngine.evaluate(terms: terms, tiers: [TicketTier(name: "GA", priceMinor: 1_000, quantity: 300)], capacity: nil)
        #expect(o.artistPayoutMinor == -50_000)
        // 300,000 − 100,000
        #expect(o.promoterResultMinor == 200_000)
    }

    @Test func amountsAtTheBoundsComputeExactly() throws {
        // The largest guarantee against one ticket at the largest price: the promoter breaks even at 1 ticket.
        let terms = DealTerms(kind: .flat, currency: "USD", guaranteeMinor: DealEngine.maxAmountMinor)
        let o = try DealEngine.evaluate(terms: terms, tiers: [TicketTier(name: "One", priceMinor: DealEngine.maxAmountMinor, quantity: 1)],
                                        capacity: nil)
        #expect(o.promoterResultMinor == 0)
        #expect(o.breakEvenTickets == 1)
        // 100 % door of 10^14 × 10,000 bp: the product 10^18 still fits.
        let door = DealTerms(kind: .door, currency: "USD", percentageBasisPoints: 10_000)
        #expect(try DealEngine.evaluate(terms: door, tiers: [TicketTier(name: "One", priceMinor: DealEngine.maxAmountMinor, quantity: 1)],
                                        capacity: nil).artistShareMinor == DealEngine.maxAmountMinor)
    }

    @Test func overflowingInputsAreRefusedNotTrapped() {
        // 10^14 × 1,000,000 = 10^20 > 2^63.
        let terms = DealTerms(kind: .door, currency: "USD", percentageBasisPoints: 5_000)
        let huge = [TicketTier(name: "Gold", priceMinor: DealEngine.maxAmountMinor, quantity: 1_000_000)]
        #expect(throws: DealEngineError.overflow("gross")) {
            try DealEngine.evaluate(terms: terms, tiers: huge, capacity: nil)
        }
        // A per-ticket fee at the bound times a million tickets overflows the fees.
        let fees = DealTerms(kind: .door, currency: "USD", percentageBasisPoints: 5_000, ticketFeeMinor: DealEngine.maxAmountMinor)
        #expect(throws: DealEngineError.overflow("ticket fees")) {
            try DealEngine.evaluate(terms: fees, tiers: [TicketTier(name: "GA", priceMinor: 1, quantity: 1_000_000)], capacity: nil)
        }
        // Out-of-bounds values never reach the arithmetic: evaluate refuses them with the validation issues.
        let negative = DealTerms(kind: .flat, currency: "USD", guaranteeMinor: -1)
        #expect(throws: DealEngineError.invalid([DealIssue(path: "deal.guaranteeMinor", code: "out_of_range",
                                                           message: "Must be between 0 and 100000000000000 minor units.")])) {
            try DealEngine.evaluate(terms: negative, tiers: [], capacity: nil)
        }
    }

    @Test func termsRoundTripWithTheirWireNames() throws {
        #expect(DealTerms.Kind.guaranteePlus.rawValue == "guarantee_plus")
        #expect(DealTerms.Expense.Kind.percentOfGross.rawValue == "percent_of_gross")
        #expect(DealTerms.Rounding.halfEven.rawValue == "half_even")
    }
}

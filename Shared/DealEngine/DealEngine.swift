/// The deal engine: what deal terms pay the artist and leave the promoter for given ticket sales. Pure and
/// deterministic (no I/O, no clock, no floats): offers compute their potential with it at every save, event
/// settlements their payout from actual sales. Every percentage is rounded explicitly with `terms.rounding`
/// and every operation is overflow-checked, so any input answers an outcome or a thrown error, never a trap.
public enum DealEngine {
    /// The outcome of `terms` for `tiers` (each tier's `quantity` paid tickets at `priceMinor`, plus comps).
    /// `capacity` bounds break-even and walkout; without it the tiers' quantities are the most that can sell.
    /// Throws `.invalid` when `validate` finds issues in the terms (paths `deal.…`) or tiers (`scenario.…`),
    /// `.overflow` when an amount leaves Int64.
    public static func evaluate(terms: DealTerms, tiers: [TicketTier], capacity: Int?) throws(DealEngineError) -> DealOutcome {
        let issues = validate(terms) + validate(tiers: tiers, capacity: capacity)
        if !issues.isEmpty { throw .invalid(issues) }
        var gross: Int64 = 0
        var paid = 0
        var comps = 0
        for tier in tiers {
            gross = try Checked.add(gross, try Checked.multiply(tier.priceMinor, Int64(tier.quantity), "gross"), "gross")
            paid += tier.quantity
            comps += tier.comps
        }
        let actual = try waterfall(terms, paid: paid, gross: gross)
        let maxPaid = capacity.map { max(0, $0 - comps) } ?? paid
        let average = paid == 0 ? 0 : try Checked.scale(gross, by: 1, over: Int64(paid), rounding: terms.rounding, "average price")
        // Other ticket counts sell at the scenario's average price: gross scaled from the actual, so the full
        // scenario reproduces its own gross exactly.
        func grossAt(_ tickets: Int) throws(DealEngineError) -> Int64 {
            if paid == 0 { return 0 }
            if tickets == paid { return gross }
            return try Checked.scale(gross, by: Int64(tickets), over: Int64(paid), rounding: terms.rounding, "gross")
        }
        let walkout = try waterfall(terms, paid: maxPaid, gross: try grossAt(maxPaid))
        let breakEven = try breakEvenTickets(terms, maxPaid: maxPaid, grossAt: grossAt)
        return DealOutcome(
            currency: terms.currency, ticketsSold: paid, comps: comps, grossMinor: actual.gross, taxMinor: actual.tax,
            ticketFeesMinor: actual.fees, netBoxOfficeMinor: actual.netBoxOffice, showExpensesMinor: actual.showExpenses,
            netReceiptsMinor: actual.netReceipts, promoterExpensesMinor: actual.promoterExpenses,
            artistExpensesMinor: actual.artistExpenses, expenses: actual.expenses, percentageAmountMinor: actual.percentage,
            artistShareMinor: actual.share, versusWinner: actual.versusWinner, bonusesEarned: actual.bonusesEarned,
            bonusesMinor: actual.bonuses, artistPayoutMinor: actual.payout, promoterResultMinor: actual.promoterResult,
            breakEvenTickets: breakEven, walkoutPotentialMinor: walkout.payout, maxPaidTickets: maxPaid,
            averageTicketPriceMinor: average)
    }

    /// One pass down the waterfall for `paid` tickets grossing `gross`.
    struct Waterfall {
        var gross: Int64 = 0
        var tax: Int64 = 0
        var fees: Int64 = 0
        var netBoxOffice: Int64 = 0
        var showExpenses: Int64 = 0
        var netReceipts: Int64 = 0
        var promoterExpenses: Int64 = 0
        var artistExpenses: Int64 = 0
        var expenses: [ExpenseAmount] = []
        var percentage: Int64 = 0
        var share: Int64 = 0
        var versusWinner: DealOutcome.VersusSide?
        var bonusesEarned: [DealTerms.Bonus] = []
        var bonuses: Int64 = 0
        var payout: Int64 = 0
        var promoterResult: Int64 = 0
    }

    static func waterfall(_ terms: DealTerms, paid: Int, gross: Int64) throws(DealEngineError) -> Waterfall {
        let rounding = terms.rounding
        var w = Waterfall()
        w.gross = gross
        // Prices include the tax: the tax is rate / (1 + rate) of the gross.
        w.tax = try Checked.scale(gross, by: Int64(terms.taxBasisPoints), over: 10_000 + Int64(terms.taxBasisPoints),
                                  rounding: rounding, "tax")
        let perTicket = try Checked.multiply(terms.ticketFeeMinor, Int64(paid), "ticket fees")
        w.fees = try Checked.add(perTicket, try Checked.percent(gross, basisPoints: terms.ticketFeeBasisPoints, rounding: rounding, "ticket fees"),
                                 "ticket fees")
        w.netBoxOffice = try Checked.subtract(try Checked.subtract(gross, w.tax, "net box office"), w.fees, "net box office")
        for expense in terms.expenses {
            let amount: Int64 = switch expense.kind {
            case .fixed: expense.amountMinor ?? 0
            case .capped: min(expense.amountMinor ?? 0, expense.capMinor ?? 0)
            case .percentOfGross: try Checked.percent(gross, basisPoints: expense.basisPoints ?? 0, rounding: rounding, "expense \(expense.name)")
            }
            w.expenses.append(ExpenseAmount(name: expense.name, kind: expense.kind, borneBy: expense.borneBy, amountMinor: amount))
            switch expense.borneBy {
            case .show: w.showExpenses = try Checked.add(w.showExpenses, amount, "show expenses")
            case .promoter: w.promoterExpenses = try Checked.add(w.promoterExpenses, amount, "promoter expenses")
            case .artist: w.artistExpenses = try Checked.add(w.artistExpenses, amount, "artist expenses")
            }
        }
        w.netReceipts = try Checked.subtract(w.netBoxOffice, w.showExpenses, "net receipts")
        let percent = terms.percentageBasisPoints
        switch terms.kind {
        case .flat:
            w.share = terms.guaranteeMinor
        case .door:
            w.percentage = try Checked.percent(max(0, w.netBoxOffice), basisPoints: percent, rounding: rounding, "artist share")
            w.share = w.percentage
        case .versus:
            w.percentage = try Checked.percent(max(0, w.netReceipts), basisPoints: percent, rounding: rounding, "artist share")
            w.versusWinner = w.percentage > terms.guaranteeMinor ? .percentage : .guarantee
            w.share = max(terms.guaranteeMinor, w.percentage)
        case .guaranteePlus:
            let above = max(0, try Checked.subtract(w.netReceipts, terms.splitPointMinor ?? 0, "net receipts above the split"))
            w.percentage = try Checked.percent(above, basisPoints: percent, rounding: rounding, "artist share")
            w.share = try Checked.add(terms.guaranteeMinor, w.percentage, "artist share")
        }
        w.bonusesEarned = terms.bonuses.filter { paid >= $0.ticketsSold }
        w.bonuses = try Checked.sum(w.bonusesEarned.map(\.amountMinor), "bonuses")
        let earned = try Checked.add(w.share, w.bonuses, "artist payout")
        w.payout = try Checked.subtract(earned, w.artistExpenses, "artist payout")
        w.promoterResult = try Checked.subtract(try Checked.subtract(w.netReceipts, earned, "promoter result"),
                                                w.promoterExpenses, "promoter result")
        return w
    }

    /// The smallest paid-ticket count in 0…maxPaid whose promoter result is ≥ 0. Bonus thresholds cut the
    /// range into segments inside which the result does not fall as tickets rise (every percentage is at most
    /// 100 %; terms whose per-ticket fee exceeds the average price, or whose tax and fee percentages pass 100 %
    /// of the gross, lose money on every ticket and get the search's answer), so each segment is binary-searched: at most ~51 × 20 waterfalls, never a scan of a stadium.
    /// A bonus can push the result back below zero after a threshold, which is why segments are searched
    /// in order rather than the whole range at once.
    static func breakEvenTickets(_ terms: DealTerms, maxPaid: Int,
                                 grossAt: (Int) throws(DealEngineError) -> Int64) throws(DealEngineError) -> Int? {
        func result(_ tickets: Int) throws(DealEngineError) -> Int64 {
            try waterfall(terms, paid: tickets, gross: try grossAt(tickets)).promoterResult
        }
        var starts = [0]
        for threshold in Set(terms.bonuses.map(\.ticketsSold)).sorted() where threshold > 0 && threshold <= maxPaid {
            starts.append(threshold)
        }
        for (index, start) in starts.enumerated() {
            let end = index + 1 < starts.count ? starts[index + 1] - 1 : maxPaid
            guard try result(end) >= 0 else { continue }
            var low = start
            var high = end
            while low < high {
                let middle = low + (high - low) / 2
                if try result(middle) >= 0 { high = middle } else { low = middle + 1 }
            }
            return low
        }
        return nil
    }
}

/// Minor units of ISO 4217 currencies, for writing amounts people read (documents, summaries). Computation
/// never needs them: every amount is already an integer of minor units.
public enum CurrencyUnits {
    /// ISO 4217's exceptions to two decimals (list of 2024); every other code has two.
    static let exponents: [String: Int] = [
        "BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0, "PYG": 0, "RWF": 0,
        "UGX": 0, "UYI": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
        "BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
        "CLF": 4, "UYW": 4,
    ]

    public static func exponent(of currency: String) -> Int {
        exponents[currency] ?? 2
    }

    /// `1234567, "EUR"` → `"EUR 12,345.67"`; `-500, "JPY"` → `"JPY -500"`. Plain and locale-free on purpose:
    /// contracts are read in many countries and a code is never ambiguous the way a symbol is.
    public static func format(_ minor: Int64, _ currency: String) -> String {
        let exponent = exponent(of: currency)
        // magnitude avoids the one Int64 whose negation traps.
        let magnitude = minor.magnitude
        var divisor: UInt64 = 1
        for _ in 0..<exponent { divisor *= 10 }
        let whole = magnitude / divisor
        let fraction = magnitude % divisor
        var digits = Array(String(whole))
        var grouped = ""
        while digits.count > 3 {
            grouped = "," + String(digits.suffix(3)) + grouped
            digits.removeLast(3)
        }
        grouped = String(digits) + grouped
        var text = (minor < 0 ? "-" : "") + grouped
        if exponent > 0 {
            let padded = String(fraction)
            text += "." + String(repeating: "0", count: exponent - padded.count) + padded
        }
        return currency + " " + text
    }

    /// `1250` basis points → `"12.5%"`.
    public static func percent(basisPoints: Int) -> String {
        let magnitude = basisPoints.magnitude
        let whole = magnitude / 100
        let fraction = magnitude % 100
        var text = (basisPoints < 0 ? "-" : "") + String(whole)
        if fraction != 0 {
            text += fraction % 10 == 0 ? "." + String(fraction / 10) : (fraction < 10 ? ".0" : ".") + String(fraction)
        }
        return text + "%"
    }
}

extension DealTerms {
    /// The terms in sentences, in the order a contract states them: used by offer and agreement PDFs.
    public func summaryLines() -> [String] {
        let money = { (amount: Int64) in CurrencyUnits.format(amount, currency) }
        let pct = CurrencyUnits.percent(basisPoints: percentageBasisPoints)
        var lines: [String]
        switch kind {
        case .flat:
            lines = ["Flat guarantee of \(money(guaranteeMinor))."]
        case .door:
            lines = ["Door deal: \(pct) of the net box office (gross less taxes and ticket fees)."]
        case .versus:
            lines = ["Versus deal: \(money(guaranteeMinor)) guaranteed versus \(pct) of the net receipts, whichever is greater."]
        case .guaranteePlus:
            lines = ["\(money(guaranteeMinor)) guaranteed plus \(pct) of the net receipts above \(money(splitPointMinor ?? 0))."]
        }
        for bonus in bonuses {
            lines.append("Bonus of \(money(bonus.amountMinor)) at \(bonus.ticketsSold) tickets sold.")
        }
        for expense in expenses {
            let amount: String
            switch expense.kind {
            case .fixed: amount = money(expense.amountMinor ?? 0)
            case .capped: amount = "\(money(expense.amountMinor ?? 0)), capped at \(money(expense.capMinor ?? 0))"
            case .percentOfGross: amount = "\(CurrencyUnits.percent(basisPoints: expense.basisPoints ?? 0)) of the gross"
            }
            let bearer = switch expense.borneBy {
            case .show: "show expense"
            case .promoter: "borne by the promoter"
            case .artist: "charged to the artist"
            }
            lines.append("Expense \(expense.name): \(amount) (\(bearer)).")
        }
        if ticketFeeMinor != 0 || ticketFeeBasisPoints != 0 {
            lines.append("Ticket fees off the gross: \(money(ticketFeeMinor)) per ticket and \(CurrencyUnits.percent(basisPoints: ticketFeeBasisPoints)) of the gross.")
        }
        if taxBasisPoints != 0 {
            lines.append("Ticket prices include \(CurrencyUnits.percent(basisPoints: taxBasisPoints)) sales tax, taken off the gross.")
        }
        return lines
    }
}

extension DealEngine {
    /// The largest amount any field may hold: 10^14 minor units (a trillion dollars in cents), so that a
    /// basis-point product of two bounded values always fits Int64.
    public static let maxAmountMinor: Int64 = 100_000_000_000_000
    public static let maxBasisPoints = 10_000
    public static let maxBonuses = 50
    public static let maxExpenses = 50
    public static let maxTiers = 50
    public static let maxNameLength = 100
    /// The most tickets of a tier, comps of a tier, a capacity or a bonus threshold (a stadium is 10^5).
    public static let maxTickets = 1_000_000

    /// Every rule the terms break, each with its field path under `prefix` (`deal.expenses[2].capMinor`).
    /// Empty means `evaluate` accepts the terms.
    public static func validate(_ terms: DealTerms, prefix: String = "deal") -> [DealIssue] {
        var issues = Issues(prefix: prefix)
        if !isCurrencyCode(terms.currency) {
            issues.add("currency", "invalid_currency", "An ISO 4217 code: three capital letters.")
        }
        issues.amount(terms.guaranteeMinor, "guaranteeMinor")
        issues.basisPoints(terms.percentageBasisPoints, "percentageBasisPoints")
        switch terms.kind {
        case .flat:
            if terms.guaranteeMinor == 0 { issues.add("guaranteeMinor", "required", "A flat deal needs a guarantee above zero.") }
            if terms.percentageBasisPoints != 0 {
                issues.add("percentageBasisPoints", "not_allowed", "A flat deal has no percentage: send 0.")
            }
        case .door:
            if terms.guaranteeMinor != 0 { issues.add("guaranteeMinor", "not_allowed", "A door deal has no guarantee: send 0.") }
            if terms.percentageBasisPoints == 0 { issues.add("percentageBasisPoints", "required", "A door deal needs a percentage above zero.") }
        case .versus, .guaranteePlus:
            if terms.percentageBasisPoints == 0 {
                issues.add("percentageBasisPoints", "required", "A \(terms.kind.rawValue) deal needs a percentage above zero.")
            }
        }
        if terms.kind == .guaranteePlus {
            if let split = terms.splitPointMinor {
                issues.amount(split, "splitPointMinor")
            } else {
                issues.add("splitPointMinor", "required", "A guarantee_plus deal needs the split point.")
            }
        } else if terms.splitPointMinor != nil {
            issues.add("splitPointMinor", "not_allowed", "Only a guarantee_plus deal has a split point: send null.")
        }
        if terms.bonuses.count > maxBonuses {
            issues.add("bonuses", "too_many", "At most \(maxBonuses) bonuses.")
        }
        for (index, bonus) in terms.bonuses.prefix(maxBonuses).enumerated() {
            let path = "bonuses[\(index)]"
            if bonus.ticketsSold < 1 || bonus.ticketsSold > maxTickets {
                issues.add("\(path).ticketsSold", "out_of_range", "Must be between 1 and \(maxTickets).")
            }
            issues.amount(bonus.amountMinor, "\(path).amountMinor")
        }
        if terms.expenses.count > maxExpenses {
            issues.add("expenses", "too_many", "At most \(maxExpenses) expenses.")
        }
        for (index, expense) in terms.expenses.prefix(maxExpenses).enumerated() {
            validate(expense, path: "expenses[\(index)]", into: &issues)
        }
        issues.amount(terms.ticketFeeMinor, "ticketFeeMinor")
        issues.basisPoints(terms.ticketFeeBasisPoints, "ticketFeeBasisPoints")
        issues.basisPoints(terms.taxBasisPoints, "taxBasisPoints")
        return issues.list
    }

    private static func validate(_ expense: DealTerms.Expense, path: String, into issues: inout Issues) {
        issues.name(expense.name, "\(path).name")
        switch expense.kind {
        case .fixed, .capped:
            if let amount = expense.amountMinor {
                issues.amount(amount, "\(path).amountMinor")
            } else {
                issues.add("\(path).amountMinor", "required", "A \(expense.kind.rawValue) expense needs its amount.")
            }
            if expense.basisPoints != nil {
                issues.add("\(path).basisPoints", "not_allowed", "Only a percent_of_gross expense has basis points: send null.")
            }
        case .percentOfGross:
            if let basisPoints = expense.basisPoints {
                issues.basisPoints(basisPoints, "\(path).basisPoints")
            } else {
                issues.add("\(path).basisPoints", "required", "A percent_of_gross expense needs its basis points.")
            }
            if expense.amountMinor != nil {
                issues.add("\(path).amountMinor", "not_allowed", "A percent_of_gross expense has no amount: send null.")
            }
        }
        if expense.kind == .capped {
            if let cap = expense.capMinor {
                issues.amount(cap, "\(path).capMinor")
            } else {
                issues.add("\(path).capMinor", "required", "A capped expense needs its cap.")
            }
        } else if expense.capMinor != nil {
            issues.add("\(path).capMinor", "not_allowed", "Only a capped expense has a cap: send null.")
        }
    }

    /// Every rule a ticket scenario breaks, paths under `prefix` (`scenario.tiers[0].priceMinor`,
    /// `scenario.capacity`): names, bounds, and the tiers with their comps fitting the capacity.
    public static func validate(tiers: [TicketTier], capacity: Int?, prefix: String = "scenario") -> [DealIssue] {
        var issues = Issues(prefix: prefix)
        if let capacity, capacity < 0 || capacity > maxTickets {
            issues.add("capacity", "out_of_range", "Must be between 0 and \(maxTickets).")
        }
        if tiers.count > maxTiers {
            issues.add("tiers", "too_many", "At most \(maxTiers) tiers.")
        }
        var seats = 0
        for (index, tier) in tiers.prefix(maxTiers).enumerated() {
            let path = "tiers[\(index)]"
            issues.name(tier.name, "\(path).name")
            issues.amount(tier.priceMinor, "\(path).priceMinor")
            if tier.quantity < 0 || tier.quantity > maxTickets {
                issues.add("\(path).quantity", "out_of_range", "Must be between 0 and \(maxTickets).")
            } else {
                seats += tier.quantity
            }
            if tier.comps < 0 || tier.comps > maxTickets {
                issues.add("\(path).comps", "out_of_range", "Must be between 0 and \(maxTickets).")
            } else {
                seats += tier.comps
            }
        }
        if let capacity, capacity >= 0, capacity <= maxTickets, seats > capacity {
            issues.add("capacity", "over_capacity", "The tiers hold \(seats) tickets with comps, more than the capacity of \(capacity).")
        }
        return issues.list
    }

    /// Three ASCII capital letters: the shape of an ISO 4217 code.
    public static func isCurrencyCode(_ code: String) -> Bool {
        let scalars = Array(code.unicodeScalars)
        return scalars.count == 3 && scalars.allSatisfy { $0.value >= 65 && $0.value <= 90 }
    }
}

/// Collects issues under a path prefix.
private struct Issues {
    let prefix: String
    var list: [DealIssue] = []

    mutating func add(_ path: String, _ code: String, _ message: String) {
        list.append(DealIssue(path: prefix.isEmpty ? path : "\(prefix).\(path)", code: code, message: message))
    }

    mutating func amount(_ value: Int64, _ path: String) {
        if value < 0 || value > DealEngine.maxAmountMinor {
            add(path, "out_of_range", "Must be between 0 and \(DealEngine.maxAmountMinor) minor units.")
        }
    }

    mutating func basisPoints(_ value: Int, _ path: String) {
        if value < 0 || value > DealEngine.maxBasisPoints {
            add(path, "out_of_range", "Must be between 0 and \(DealEngine.maxBasisPoints) basis points.")
        }
    }

    /// 1…100 code points (JSON Schema's count), not blank.
    mutating func name(_ value: String, _ path: String) {
        let scalars = value.unicodeScalars
        if scalars.allSatisfy({ $0.properties.isWhitespace }) {
            add(path, "required", "A name is required.")
        } else if scalars.count > DealEngine.maxNameLength {
            add(path, "too_long", "At most \(DealEngine.maxNameLength) characters.")
        }
    }
}

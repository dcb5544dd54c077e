import Foundation
import HTTPTypes
import KisumDeals
import KisumKernel

/// The rate a converted amount used (0017's `exchange_rate_on`): units of `to` per one unit of `from`.
public struct ConversionRate: Codable, Sendable, Equatable, Hashable {
    public var from: String
    public var to: String
    /// A decimal string, exactly as stored or derived (never a float).
    public var rate: String
    public var rateDate: String
    /// `identity` (same currency), `manual` (the company's own rate) or `ecb`.
    public var source: String
}

/// One expense of the event in its financials (issue 10: "the event's financials and settlement use approved
/// actuals where they exist and estimates elsewhere, and say which"): an estimated line (Event Expense) or the
/// approved actual (Event Expense - Approval) that realises it, or an approved actual with no estimate.
public struct EventExpenseLine: Codable, Sendable, Equatable {
    /// `actual` (an approved actual) or `estimated` (an estimated line no approved actual realises yet).
    public var basis: String
    public var estimateId: UUID?
    public var actualId: UUID?
    public var category: String
    public var description: String
    public var vendorName: String?
    /// `YYYY-MM-DD`: the actual's incurredOn or the estimate's dueDate — the day the rate is taken from.
    public var date: String
    /// The line's own amount and currency.
    public var amountMinor: Int64
    public var currency: String
    /// The amount in the event's reporting currency, at `rate`.
    public var reportingAmountMinor: Int64
    public var rate: ConversionRate
}

public struct EventExpenseTotals: Codable, Sendable, Equatable {
    /// Every line, in the reporting currency: actualMinor + estimatedMinor.
    public var totalMinor: Int64
    public var actualMinor: Int64
    public var estimatedMinor: Int64
    public var actualLines: Int
    public var estimatedLines: Int
    /// Submissions still waiting for approval: not counted (the estimate they realise, if any, is).
    public var pendingActuals: Int
}

/// The event's expenses in its reporting currency, with the rates used (identity left out).
public struct EventExpenses: Codable, Sendable, Equatable {
    public var currency: String
    public var lines: [EventExpenseLine]
    public var totals: EventExpenseTotals
    public var rates: [ConversionRate]
}

/// How the stored expense lines meet the deals (the deal engine's `DealTerms.expenses`). A deal's fixed or
/// capped expense is realised by the event's lines whose category is the expense's name as a code (lower case,
/// every run of other characters one `_`: "Card fees" → `card_fees`): its amount becomes their sum in the
/// reporting currency, and a cap still applies. Expenses no line realises keep the amount offered;
/// percent-of-gross ones are always the deal's percentage.
enum ExpenseBasis {
    static func code(_ name: String) -> String {
        var code = String.UnicodeScalarView()
        var gap = false
        for scalar in name.lowercased().unicodeScalars {
            if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) {
                if gap && !code.isEmpty { code.append("_") }
                gap = false
                code.append(scalar)
            } else {
                gap = true
            }
        }
        return String(code)
    }

    static func sums(_ expenses: EventExpenses) throws(DealEngineError) -> [String: Int64] {
        var sums: [String: Int64] = [:]
        for line in expenses.lines {
            let (sum, overflow) = (sums[line.category] ?? 0).addingReportingOverflow(line.reportingAmountMinor)
            if overflow { throw DealEngineError.overflow("expenses of \(line.category)") }
            sums[line.category] = sum
        }
        return sums
    }

    /// The deal with the event's expense lines applied to its fixed and capped expenses.
    static func applying(_ expenses: EventExpenses, to deal: DealTerms) throws(DealEngineError) -> DealTerms {
        let byCategory = try Self.sums(expenses)
        var terms = deal
        for index in terms.expenses.indices where terms.expenses[index].kind != .percentOfGross {
            if let sum = byCategory[code(terms.expenses[index].name)] { terms.expenses[index].amountMinor = sum }
        }
        return terms
    }

    /// What the event's lines cost beyond what the deals' figures carry: every line's amount less what the deals
    /// counted for the expenses that name a category with lines (caps, percentages, and a category two deals
    /// both name make the difference; a category no deal names counts whole). Negative when the deals count more.
    static func beyondDeals(_ expenses: EventExpenses, lines: [SettlementLine]) throws(DealEngineError) -> Int64 {
        let categories = Set(expenses.lines.map(\.category))
        var counted: Int64 = 0
        for line in lines {
            for expense in line.outcome.expenses where categories.contains(code(expense.name)) {
                let (sum, overflow) = counted.addingReportingOverflow(expense.amountMinor)
                if overflow { throw DealEngineError.overflow("expenses the deals count") }
                counted = sum
            }
        }
        let (beyond, overflow) = expenses.totals.totalMinor.subtractingReportingOverflow(counted)
        if overflow { throw DealEngineError.overflow("expenses beyond the deals") }
        return beyond
    }
}

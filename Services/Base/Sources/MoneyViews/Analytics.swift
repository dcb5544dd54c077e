import Foundation
import Hummingbird
import KisumKernel

/// `GET /api/analytics/financials`: the events dated in the window, their money grouped by event, artist, month
/// (of the event's day) or currency (of each line), in one reporting currency.
///
/// Income is the income lines (what is expected; `receivedMinor` is what was paid). Expenses follow the issue's
/// rule: an approved actual where one exists, else the estimate (an estimate an approved actual realises through
/// its `estimate_id` is replaced by it; approved actuals with no estimate add to it). `basis` says which:
/// `actual`, `estimated`, `mixed` or `none`. Net = income − expenses; margin = net / income in basis points
/// (rounded half away from zero; null without income).
public struct FinancialAnalytics: ResponseEncodable, Sendable, Equatable {
    public var currency: String
    public var from: String
    public var to: String
    public var groupBy: String
    public var groups: [FinancialGroup]
    /// The window's events once each (an event with two billed artists is in two artist groups, once here).
    public var totals: FinancialFigures
    public var ratesUsed: [MoneyViewRateUsed]
}

public struct FinancialGroup: Codable, Sendable, Equatable {
    /// The event's or artist's id, `YYYY-MM`, or the currency code; null for the events with no artist billed.
    public var key: String?
    /// The event's or artist's name, the month, or the currency.
    public var label: String
    public var figures: FinancialFigures
}

public struct FinancialFigures: Codable, Sendable, Equatable {
    public var eventCount: Int
    public var incomeMinor: ExactMinor
    public var receivedMinor: ExactMinor
    public var expensesMinor: ExactMinor
    /// Approved actual expenses (part of `expensesMinor`).
    public var actualExpensesMinor: ExactMinor
    /// Estimates no approved actual has replaced (the rest of `expensesMinor`).
    public var estimatedExpensesMinor: ExactMinor
    public var basis: String
    public var netMinor: ExactMinor
    public var marginBasisPoints: ExactMinor?
}

enum AnalyticsGrouping: String, CaseIterable, Sendable {
    case event, artist, month, currency
}

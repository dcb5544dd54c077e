import Foundation
import Hummingbird
import KisumKernel

/// A movement of money (0021's `money_movements`): a payment received against an income line (`in`,
/// `income_payment`) or an approved actual expense (`out`, `expense_actual`). Plans (income not yet paid,
/// estimates) and pending or rejected actuals are not movements. The id is the payment's or the actual's.
public struct MoneyTransaction: ResponseEncodable, Sendable, Equatable {
    public var id: UUID
    public var type: String
    public var kind: String
    public var eventId: UUID
    public var eventName: String
    public var eventDate: String
    /// The income line a payment is for.
    public var incomeId: UUID?
    /// The estimated expense line an actual realises, if any.
    public var estimateId: UUID?
    public var category: String
    public var description: String
    /// The payer of an income line or the vendor of an expense.
    public var counterparty: String?
    public var amountMinor: Int64
    public var currency: String
    /// The day the money moved (`paidOn` / `incurredOn`).
    public var date: String
    public var method: String?
    public var reference: String?
    public var recordedAt: Date
    /// The amount in `reportingCurrency`, when one was asked for.
    public var converted: ConvertedAmount?
}

/// An amount converted at a stated rate.
public struct ConvertedAmount: Codable, Sendable, Equatable {
    public var amountMinor: Int64
    public var currency: String
    public var rate: String
    public var rateDate: String
    public var source: String
}

struct TransactionFilter: Sendable {
    var type: String?
    var eventID: UUID?
    var artistID: UUID?
    /// The movements' own currency.
    var currency: String?
    var from: String?
    var to: String?
    /// Converts each movement into it (on the movement's day) when given.
    var reportingCurrency: String?
}

import Foundation
import HTTPTypes
import Hummingbird
import KisumKernel

/// The rate one conversion used (0017's `exchange_rate_on`): `rate` is the exact decimal (units of the target
/// currency per unit of the source), `rateDate` the day it was published for, `source` identity, manual or ecb.
public struct RateUsed: Codable, Sendable, Equatable, Hashable {
    public var rate: String
    public var rateDate: String
    public var source: String
}

/// `GET /api/event-income/event/{eventId}/summary`: the event's income per category and currency in the lines'
/// own currencies, each also in the event's reporting currency (`events.currency`), and the totals in it. Every
/// line converts at the rate of its expected date (its paid part at the same rate, so outstanding = amount − paid
/// holds in both currencies); a group's converted figures are the sums of its lines' and list the rates used.
public struct IncomeSummary: ResponseEncodable, Sendable, Equatable {
    public struct Figures: Codable, Sendable, Equatable {
        public var currency: String
        public var amountMinor: Int64
        public var paidMinor: Int64
        public var outstandingMinor: Int64
    }

    public struct ConvertedLine: Codable, Sendable, Equatable {
        public var currency: String
        public var amountMinor: Int64
        public var paidMinor: Int64
        public var outstandingMinor: Int64
        public var rate: String
        public var rateDate: String
        public var source: String
    }

    public struct Line: Codable, Sendable, Equatable {
        public var incomeId: UUID
        public var category: String
        public var description: String
        public var currency: String
        public var expectedDate: String
        public var amountMinor: Int64
        public var paidMinor: Int64
        public var outstandingMinor: Int64
        public var converted: ConvertedLine
    }

    public struct ConvertedGroup: Codable, Sendable, Equatable {
        public var currency: String
        public var amountMinor: Int64
        public var paidMinor: Int64
        public var outstandingMinor: Int64
        /// The distinct rates the group's lines used, by rate date.
        public var rates: [RateUsed]
    }

    public struct Group: Codable, Sendable, Equatable {
        public var category: String
        public var categoryName: String
        public var currency: String
        public var lines: Int
        public var amountMinor: Int64
        public var paidMinor: Int64
        public var outstandingMinor: Int64
        public var converted: ConvertedGroup
    }

    public var eventId: UUID
    public var reportingCurrency: String
    /// By category, then currency.
    public var groups: [Group]
    /// By category, currency, expected date.
    public var lines: [Line]
    /// In the reporting currency.
    public var totals: Figures
}

/// An exact sum or conversion the database computed as numeric, read back as minor units. One past the bounds a
/// `bigint` holds (only reachable through stored rates far from any real one) is 422 `amount_out_of_range`, not a 500.
enum MinorText {
    static func value(_ text: String?, _ what: String) throws -> Int64 {
        guard let text, let value = Int64(text) else {
            throw APIError(.unprocessableContent, code: "amount_out_of_range", message: "The \(what) is too large to state in minor units.")
        }
        return value
    }
}

import Foundation
import KisumKernel

/// An integer the database computed in `numeric` (a sum of converted minor units, a margin): SQL sends it as
/// text inside the view's JSON, so no digit is lost on the way, and it goes out as a JSON integer. A value
/// beyond `Int64` (only reachable through an absurd manual rate) is not truncated: decoding fails with
/// `OutOfRange` and the view answers 422 `amount_out_of_range`.
public struct ExactMinor: Codable, Sendable, Equatable, ExpressibleByIntegerLiteral {
    public var value: Int64

    public init(_ value: Int64) { self.value = value }
    public init(integerLiteral value: Int64) { self.value = value }

    struct OutOfRange: Error {}

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int64.self) {
            value = number
            return
        }
        let text = try container.decode(String.self)
        // numeric text: digits, maybe a sign, maybe a fraction of zeros (`round()` keeps none, sums keep none).
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, let parsed = Int64(whole), parts.count == 1 || parts[1].allSatisfy({ $0 == "0" }) else {
            throw OutOfRange()
        }
        value = parsed
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}

/// An expected figure beside the actual one.
public struct ExpectedActual: Codable, Sendable, Equatable {
    public var expectedMinor: ExactMinor
    public var actualMinor: ExactMinor
}

/// A rate a view converted lines with: lines in `from` dated `day` became `to` at `rate` (published or stated
/// on `rateDate`; for a day after today with no stored rate, today's — see `exchange_rate_for_line`).
public struct MoneyViewRateUsed: Codable, Sendable, Equatable {
    public var from: String
    public var to: String
    public var day: String
    public var rate: String
    public var rateDate: String
    public var source: String
}

/// Decoding a view's JSON document (built by its one SQL statement).
enum ViewJSON {
    static func decode<T: Decodable>(_ type: T.Type, from text: String) throws -> T {
        do {
            return try JSONCoding.decoder.decode(T.self, from: Data(text.utf8))
        } catch is ExactMinor.OutOfRange {
            throw ExchangeErrors.amountOutOfRange()
        }
    }

    /// The first (currency, day) the statement found no rate for, as 422 `exchange_rate_missing`.
    static func checkRates(missingFrom: String?, missingDay: String?, to currency: String) throws {
        if let missingFrom, let missingDay { throw APIError.exchangeRateMissing(from: missingFrom, to: currency, day: missingDay, field: "currency") }
    }
}

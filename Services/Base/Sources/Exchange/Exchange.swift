import Foundation
import Hummingbird
import KisumKernel

/// A stored exchange rate: `rate` units of `quote` for one unit of `base`, dated. `ecb` rows are the ECB's
/// published reference rates (base EUR, shared by every company); `manual` rows are the company's own.
public struct ExchangeRate: ResponseEncodable, Sendable, Equatable {
    public var id: UUID
    public var base: String
    public var quote: String
    /// A decimal string (never a float), as stored: up to 10 decimals.
    public var rate: String
    /// `YYYY-MM-DD`.
    public var date: String
    public var source: String
    public var createdBy: UUID?
    public var createdAt: Date
}

/// `GET /api/exchange/convert`: the amount, what it converts to, and the rate that did it.
public struct CurrencyConversion: ResponseEncodable, Sendable, Equatable {
    public var amountMinor: Int64
    public var from: String
    public var to: String
    public var convertedMinor: Int64
    /// Units of `to` per unit of `from`, the exact decimal used.
    public var rate: String
    /// The day the rate was published or stated for (on or up to 14 days before the requested day).
    public var rateDate: String
    /// `identity` (same currency), `manual` (the company's rate, which wins) or `ecb` (crossed through EUR when
    /// neither side is EUR).
    public var source: String
}

/// `POST /api/exchange/rates`: a company's own rate for a pair and day.
struct ManualRateInput: Decodable, Sendable, ValidatableBody {
    var base: String?
    var quote: String?
    var rate: String?
    var date: String?

    func validate(_ v: inout Validator) {
        v.currency(base, "base", required: true)
        v.currency(quote, "quote", required: true)
        if let base, let quote, base == quote { v.add("quote", "same_currency", "A rate names two different currencies.") }
        if let rate {
            if !DecimalRate.isValid(rate) {
                v.add("rate", "invalid_rate", "A decimal such as 0.8567: up to 8 digits, a point and up to 10 decimals.")
            } else if !DecimalRate.isPositive(rate) {
                v.add("rate", "out_of_range", "A rate is above zero.")
            }
        } else {
            v.add("rate", "required", "This field is required.")
        }
        v.storedDay(date, "date", required: true)
    }
}

/// Rates travel as decimal strings with bounded precision (what `numeric(24, 10)` below 10^8 holds), so
/// no binary float ever rounds one.
enum DecimalRate {
    /// `^[0-9]{1,8}(\.[0-9]{1,10})?$`.
    static func isValid(_ text: String) -> Bool {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, (1...8).contains(whole.utf8.count), whole.utf8.allSatisfy(isDigit) else { return false }
        guard parts.count == 2 else { return true }
        let fraction = parts[1]
        return (1...10).contains(fraction.utf8.count) && fraction.utf8.allSatisfy(isDigit)
    }

    static func isPositive(_ text: String) -> Bool {
        text.utf8.contains { $0 != UInt8(ascii: "0") && $0 != UInt8(ascii: ".") }
    }

    private static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
}

extension Validator {
    /// A `YYYY-MM-DD` day the money tables can store (1900-01-01 … 2199-12-31).
    mutating func storedDay(_ value: String?, _ field: String, required: Bool = false) {
        guard let value else {
            if required { add(field, "required", "This field is required.") }
            return
        }
        if !CalendarDate.isValid(value) {
            add(field, "invalid_date", "Must be a calendar date, YYYY-MM-DD.")
        } else if !("1900-01-01"..."2199-12-31").contains(value) {
            add(field, "out_of_range", "A day from 1900-01-01 to 2199-12-31.")
        }
    }
}

/// Answers of the money views beside `APIError.exchangeRateMissing`.
public enum ExchangeErrors {
    /// A converted figure or a sum of them beyond what 64-bit minor units hold (an absurd manual rate).
    public static func amountOutOfRange() -> APIError {
        APIError(.unprocessableContent, code: "amount_out_of_range",
                 message: "A converted amount is beyond 64-bit minor units; check the rates used.",
                 details: [FieldIssue(field: "currency", code: "amount_out_of_range", message: "A converted amount is too large.")])
    }

    /// The first currency (of ISO 4217) among query parameters, answered as 422 when not a real currency.
    static func checkKnown(_ codes: [(field: String, code: String?)]) throws {
        var v = Validator()
        for (field, code) in codes { v.currency(code, field) }
        try v.validate()
    }
}

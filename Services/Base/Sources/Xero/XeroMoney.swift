import Foundation

/// Amounts between Kisum's integer minor units and Xero's decimals, exactly: text and `Decimal` (base-10, 38
/// digits), never a binary float. The exponent is the currency's (`Currency.exponent`, the same list as the
/// database's `currency_exponent`).
enum XeroMoney {
    /// 12345 at exponent 2 → "123.45"; −5 → "-0.05"; 12345 at exponent 0 → "12345".
    static func decimalText(minor: Int64, exponent: Int) -> String {
        let digits = String(minor.magnitude)
        let sign = minor < 0 ? "-" : ""
        guard exponent > 0 else { return sign + digits }
        let padded = String(repeating: "0", count: max(0, exponent + 1 - digits.count)) + digits
        let split = padded.index(padded.endIndex, offsetBy: -exponent)
        return sign + padded[..<split] + "." + padded[split...]
    }

    /// A decimal amount in minor units, rounded half away from zero when it has more digits than the exponent
    /// (a unit price kept to four places); nil beyond `Int64`.
    static func minor(_ value: Decimal, exponent: Int) -> Int64? {
        var scaled = value
        var power = Decimal(1)
        for _ in 0..<max(0, exponent) { power *= 10 }
        scaled *= power
        var rounded = Decimal()
        NSDecimalRound(&rounded, &scaled, 0, .plain)
        return Int64(rounded.description)
    }

    /// `Decimal` of decimal text, exactly (nil for anything but `-?digits(.digits)?`).
    static func decimal(_ text: String) -> Decimal? {
        guard text.wholeMatch(of: /-?[0-9]{1,20}(\.[0-9]{1,10})?/) != nil else { return nil }
        return Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))
    }

    /// A quantity as the body sends it (`^[0-9]{1,9}(\.[0-9]{1,4})?$`), greater than zero.
    static func isQuantity(_ text: String) -> Bool {
        guard text.wholeMatch(of: /[0-9]{1,9}(\.[0-9]{1,4})?/) != nil else { return false }
        return text.contains { $0 != "0" && $0 != "." }
    }
}

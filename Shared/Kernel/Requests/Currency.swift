import Foundation

/// ISO 4217 currencies with their minor-unit exponent. Amounts travel as integers in minor units, so
/// the exponent is what turns `150000` into `1,500.00 EUR` (or `150,000 JPY`) on a contract. The
/// database only checks the three-letter shape; this list rejects codes that name no currency.
public enum Currency {
    /// Currencies whose minor unit is not 1/100.
    private static let exponents: [String: Int] = [
        "BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0, "PYG": 0, "RWF": 0,
        "UGX": 0, "UYI": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
        "BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
        "CLF": 4, "UYW": 4,
    ]

    /// Active ISO 4217 codes (funds and precious metals left out: nobody books a venue in XAU).
    public static let codes: Set<String> = [
        "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT", "BGN", "BHD", "BIF",
        "BMD", "BND", "BOB", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF", "CHF", "CLF", "CLP", "CNY", "COP",
        "CRC", "CUP", "CVE", "CZK", "DJF", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL",
        "GHS", "GIP", "GMD", "GNF", "GTQ", "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR", "IQD", "IRR", "ISK",
        "JMD", "JOD", "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT", "LAK", "LBP", "LKR", "LRD",
        "LSL", "LYD", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR", "MWK", "MXN", "MYR", "MZN",
        "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "PYG", "QAR", "RON",
        "RSD", "RUB", "RWF", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP", "SLE", "SOS", "SRD", "SSP", "STN", "SVC",
        "SYP", "SZL", "THB", "TJS", "TMT", "TND", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "UGX", "USD", "UYI", "UYU",
        "UYW", "UZS", "VED", "VES", "VND", "VUV", "WST", "XAF", "XCD", "XCG", "XOF", "XPF", "YER", "ZAR", "ZMW", "ZWG",
    ]

    public static func isValid(_ code: String) -> Bool { codes.contains(code) }

    public static func exponent(_ code: String) -> Int { exponents[code] ?? 2 }

    /// `1,500.00 EUR`: grouped major units, the currency's minor digits, then the code (the code
    /// after the number reads the same in every language a contract may be written in).
    public static func format(minor: Int64, currency: String) -> String {
        let exponent = exponent(currency)
        let negative = minor < 0
        let magnitude = minor.magnitude
        var divisor: UInt64 = 1
        for _ in 0..<exponent { divisor *= 10 }
        let major = magnitude / divisor
        let fraction = magnitude % divisor
        var digits = Array(String(major))
        var grouped = ""
        while digits.count > 3 {
            grouped = "," + String(digits.suffix(3)) + grouped
            digits.removeLast(3)
        }
        grouped = String(digits) + grouped
        var text = (negative ? "-" : "") + grouped
        if exponent > 0 {
            let padded = String(fraction)
            text += "." + String(repeating: "0", count: exponent - padded.count) + padded
        }
        return "\(text) \(currency)"
    }
}

extension Validator {
    /// An ISO 4217 code in upper case that names a currency (`EUR`); `nil` passes unless `required`.
    public mutating func currency(_ value: String?, _ field: String, required: Bool = false) {
        guard let value else {
            if required { add(field, "required", "This field is required.") }
            return
        }
        if value.utf8.count != 3 || !value.utf8.allSatisfy({ (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) }) {
            add(field, "invalid_format", "An ISO 4217 code in upper case, e.g. EUR.")
        } else if !Currency.isValid(value) {
            add(field, "unknown_currency", "\(value) is not an ISO 4217 currency.")
        }
    }
}

import HTTPTypes
import KisumKernel

/// A conversion the rates table cannot answer, and the one 422 every money view gives for it: never a silent 1.0.
struct MissingRate: Hashable, Sendable {
    var from: String
    var to: String
    var day: String
}

extension APIError {
    /// 422 `exchange_rate_missing`: no stored rate (ECB import or the company's manual one) for a pair on a day or in
    /// the 14 days before it. `info` names the first pair and day (`from`, `to`, `date`) and lists every one in
    /// `missing`; `field`, when the caller can change the currency it asked for, is named in the details.
    static func exchangeRateMissing(_ pairs: [MissingRate], field: String? = nil) -> APIError {
        var unique: [MissingRate] = []
        for pair in pairs where !unique.contains(pair) { unique.append(pair) }
        let first = unique.first ?? MissingRate(from: "", to: "", day: "")
        let list = unique.map { JSONValue.object(["from": .string($0.from), "to": .string($0.to), "date": .string($0.day)]) }
        let message = "No \(first.from)→\(first.to) exchange rate on \(first.day) or in the 14 days before it: "
            + "import the ECB rates or add a manual rate (Exchange)."
        return APIError(.unprocessableContent, code: "exchange_rate_missing", message: message,
                        details: field.map { [FieldIssue(field: $0, code: "exchange_rate_missing", message: "No \(first.from)→\(first.to) rate for \(first.day).")] } ?? [],
                        info: ["from": .string(first.from), "to": .string(first.to), "date": .string(first.day), "missing": .array(list)])
    }

    static func exchangeRateMissing(from: String, to: String, day: String, field: String? = nil) -> APIError {
        exchangeRateMissing([MissingRate(from: from, to: to, day: day)], field: field)
    }
}

import Foundation
import KisumKernel

/// The money of a document, computed from its lines with checked arithmetic: a line or a total past
/// `MinorUnits.max` is a 422, never an overflow.
struct DocumentAmounts: Sendable, Equatable {
    static let maxLines = 200

    var lines: [DocumentLine]
    var subtotal: Int64
    var tax: Int64
    var total: Int64

    /// Lines that passed `LineInput.validate` (every field present and in range).
    init(_ inputs: [LineInput]) throws {
        var v = Validator()
        var lines: [DocumentLine] = []
        var subtotal: Int64 = 0
        var tax: Int64 = 0
        for (index, input) in inputs.enumerated() {
            let quantity = input.quantity ?? 1
            let unit = input.unitMinor ?? 0
            let rate = input.taxRateBp ?? 0
            let (net, overflow) = Int64(quantity).multipliedReportingOverflow(by: unit)
            guard !overflow, net <= MinorUnits.max else {
                v.add("lines[\(index)].unitMinor", "amount_too_large", "quantity × unitMinor is more than \(MinorUnits.max).")
                continue
            }
            // Half up, without forming net × rate (up to 10^19): split net into ten-thousands and the rest.
            let lineTax = net / 10_000 * Int64(rate) + (net % 10_000 * Int64(rate) + 5_000) / 10_000
            lines.append(DocumentLine(description: input.description ?? "", quantity: quantity, unitMinor: unit, taxRateBp: rate,
                                      netMinor: net, taxMinor: lineTax))
            // At most 200 lines of at most 2 × 10^15 each: far from Int64's limit.
            subtotal += net
            tax += lineTax
        }
        if v.isValid, subtotal + tax > MinorUnits.max {
            v.add("lines", "total_too_large", "The document's total is more than \(MinorUnits.max).")
        }
        try v.validate()
        self.lines = lines
        self.subtotal = subtotal
        self.tax = tax
        self.total = subtotal + tax
    }
}

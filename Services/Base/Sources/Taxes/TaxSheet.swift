import Foundation
import HTTPTypes
import KisumKernel

/// Puts the tax sheet together from what SQL computed (each line's base and tax) and the rule of `EventTaxSheet`
/// for gross and net. Every sum here is overflow-checked: an impossible figure is 422 `amount_out_of_range`.
enum TaxSheet {
    static func assemble(eventID: UUID, currency: String, taxes: [(EventTax, String?, String?)],
                         conversions: [EventTaxSheet.Conversion], incomeTotal: Int64, feesTotal: Int64) throws -> EventTaxSheet {
        var lines: [EventTaxSheet.Line] = []
        var income = Tally(base: incomeTotal)
        var fees = Tally(base: feesTotal)
        for (tax, baseText, taxText) in taxes {
            let base = try MinorText.value(baseText, "tax base")
            let amount = try MinorText.value(taxText, "tax")
            // Withholding is kept back from the fee; any other tax that is not included comes on top.
            let onTop = !tax.inclusive && tax.kind != "withholding"
            let gross = try onTop ? add(base, amount) : base
            let net = try onTop ? base : subtract(base, amount)
            lines.append(.init(taxId: tax.id, name: tax.name, kind: tax.kind, rateBp: tax.rateBp, inclusive: tax.inclusive,
                               appliesTo: tax.appliesTo, incomeCategory: tax.incomeCategory, baseMinor: base, taxMinor: amount,
                               grossMinor: gross, netMinor: net))
            if tax.appliesTo == "artist_fees" {
                try fees.add(tax: amount, onTop: onTop)
            } else {
                try income.add(tax: amount, onTop: onTop)
            }
        }
        let summary = EventTaxSheet.Summary(currency: currency, lines: lines, totals: try income.totals(), artistFees: try fees.totals(),
                                            conversions: conversions)
        return EventTaxSheet(eventId: eventID, currency: currency, items: taxes.map(\.0), summary: summary)
    }

    /// One side (income or fees): its whole base, the taxes levied on it and the part of them that comes on top.
    private struct Tally {
        var base: Int64
        var tax: Int64 = 0
        var onTop: Int64 = 0

        mutating func add(tax amount: Int64, onTop isOnTop: Bool) throws {
            tax = try TaxSheet.add(tax, amount)
            if isOnTop { onTop = try TaxSheet.add(onTop, amount) }
        }

        func totals() throws -> EventTaxSheet.Totals {
            let gross = try TaxSheet.add(base, onTop)
            return .init(baseMinor: base, grossMinor: gross, taxMinor: tax, netMinor: try TaxSheet.subtract(gross, tax))
        }
    }

    static func add(_ a: Int64, _ b: Int64) throws -> Int64 {
        let (value, overflow) = a.addingReportingOverflow(b)
        if overflow { throw tooLarge }
        return value
    }

    static func subtract(_ a: Int64, _ b: Int64) throws -> Int64 {
        let (value, overflow) = a.subtractingReportingOverflow(b)
        if overflow { throw tooLarge }
        return value
    }

    static let tooLarge = APIError(.unprocessableContent, code: "amount_out_of_range", message: "A tax figure is too large to state in minor units.")
}

import Foundation
import Hummingbird
import KisumKernel

/// `POST /api/v1/deals`. Amounts decode as `Int64` (a fraction or a number past 2^63 is a 400, never a
/// conversion) and are then bounded by `MinorUnits.range`.
struct CreateDeal: Decodable, Sendable, ValidatableBody {
    var bookingId: UUID?
    var name: String?
    var dealType: String?
    var status: String?
    var currency: String?
    var guaranteeMinor: Int64?
    var rentalFeeMinor: Int64?
    var depositMinor: Int64?
    var expensesMinor: Int64?
    var percentage: Double?
    var terms: JSONValue?
    var notes: String?

    func validate(_ v: inout Validator) {
        v.oneOf(dealType, "dealType", DealRules.types, required: true)
        v.oneOf(status, "status", DealStatus.initial)
        v.currency(currency, "currency", required: true)
        v.text(name, "name", required: false, maxLength: 200)
        v.text(notes, "notes", required: false, maxLength: 5000)
        for (field, value) in [("guaranteeMinor", guaranteeMinor), ("rentalFeeMinor", rentalFeeMinor),
                               ("depositMinor", depositMinor), ("expensesMinor", expensesMinor)] {
            v.minorAmount(value, field)
        }
        DealRules.percentage(percentage, "percentage", into: &v)
        DealRules.terms(terms, "terms", into: &v)
        if let dealType, DealRules.types.contains(dealType) {
            DealRules.typeTerms(dealType: dealType, guarantee: guaranteeMinor, rentalFee: rentalFeeMinor, percentage: percentage, into: &v)
        }
    }
}

/// `PATCH /api/v1/deals/{id}`: absent keys stay, `null` clears an optional term. The deal-type rules
/// are checked again on the merged deal in the repository, under the row lock.
struct DealPatch: Decodable, Sendable, ValidatableBody {
    var bookingId: Patch<UUID> = .absent
    var name: Patch<String> = .absent
    var dealType: Patch<String> = .absent
    var status: Patch<String> = .absent
    var currency: Patch<String> = .absent
    var guaranteeMinor: Patch<Int64> = .absent
    var rentalFeeMinor: Patch<Int64> = .absent
    var depositMinor: Patch<Int64> = .absent
    var expensesMinor: Patch<Int64> = .absent
    var percentage: Patch<Double> = .absent
    var terms: Patch<JSONValue> = .absent
    var notes: Patch<String> = .absent

    func validate(_ v: inout Validator) {
        for (field, clears) in [("dealType", dealType.clears), ("status", status.clears), ("currency", currency.clears)] where clears {
            v.add(field, "not_nullable", "\(field) cannot be null.")
        }
        v.oneOf(dealType.value, "dealType", DealRules.types)
        v.oneOf(status.value, "status", DealStatus.all)
        v.currency(currency.value, "currency")
        v.text(name.value, "name", required: false, maxLength: 200)
        v.text(notes.value, "notes", required: false, maxLength: 5000)
        for (field, value) in [("guaranteeMinor", guaranteeMinor.value), ("rentalFeeMinor", rentalFeeMinor.value),
                               ("depositMinor", depositMinor.value), ("expensesMinor", expensesMinor.value)] {
            v.minorAmount(value, field)
        }
        DealRules.percentage(percentage.value, "percentage", into: &v)
        DealRules.terms(terms.value, "terms", into: &v)
    }

    /// Fields that make up the commercial terms (locked once a deal is accepted, rejected or cancelled).
    var changedTerms: [String] {
        [("bookingId", bookingId.isAbsent), ("dealType", dealType.isAbsent), ("currency", currency.isAbsent),
         ("guaranteeMinor", guaranteeMinor.isAbsent), ("rentalFeeMinor", rentalFeeMinor.isAbsent),
         ("depositMinor", depositMinor.isAbsent), ("expensesMinor", expensesMinor.isAbsent),
         ("percentage", percentage.isAbsent), ("terms", terms.isAbsent)]
            .filter { !$0.1 }.map(\.0)
    }

    /// The deal as it will be after this patch: the stored values overlaid with the patch's.
    func merged(over deal: Deal) -> (dealType: String, guarantee: Int64?, rentalFee: Int64?, percentage: Double?) {
        func overlay<T>(_ patch: Patch<T>, _ current: T?) -> T? {
            switch patch {
            case .absent: return current
            case .null: return nil
            case .value(let value): return value
            }
        }
        return (dealType.value ?? deal.dealType,
                overlay(guaranteeMinor, deal.guaranteeMinor),
                overlay(rentalFeeMinor, deal.rentalFeeMinor),
                overlay(percentage, deal.percentage))
    }

    /// A JSON terms object set to null is stored as `{}` (the column is never null).
    var termsValue: JSONValue? { terms.clears ? .object([:]) : terms.value }
}

struct DealFilter: Sendable {
    var bookingID: UUID?
    var status: String?
    var dealType: String?
    var q: String?
}

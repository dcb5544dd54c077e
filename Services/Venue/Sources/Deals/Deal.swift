import Foundation
import Hummingbird
import KisumKernel

/// Commercial terms of a booking: how the act and the venue share the money. Amounts are integers in
/// the currency's minor units.
public struct Deal: Codable, Sendable, ResponseEncodable {
    public var id: UUID
    public var companyId: UUID
    public var bookingId: UUID?
    public var name: String?
    public var dealType: String
    public var status: String
    public var currency: String
    public var guaranteeMinor: Int64?
    public var rentalFeeMinor: Int64?
    public var depositMinor: Int64?
    public var expensesMinor: Int64?
    /// Percentage (0–100, two decimals) of the door or net to the act.
    public var percentage: Double?
    public var terms: JSONValue
    public var notes: String?
    public var createdBy: UUID?
    public var statusChangedAt: Date
    public var createdAt: Date
    public var updatedAt: Date
}

enum DealRules {
    static let types = ["flat_guarantee", "door_split", "versus", "guarantee_plus", "rental", "other"]
    static let maxTermsBytes = 16 * 1024

    static func percentage(_ value: Double?, _ field: String, into v: inout Validator) {
        guard let value else { return }
        if !(0...100).contains(value) {
            v.add(field, "out_of_range", "Must be between 0 and 100.")
        } else if ((value * 100).rounded() - value * 100).magnitude > 1e-6 {
            v.add(field, "too_precise", "At most two decimals.")
        }
    }

    static func currency(_ value: String?, _ field: String, into v: inout Validator) {
        guard let value else { return }
        if value.range(of: "^[A-Z]{3}$", options: .regularExpression) == nil {
            v.add(field, "invalid_format", "An ISO 4217 code in upper case, e.g. EUR.")
        } else if !Currency.isValid(value) {
            v.add(field, "unknown_currency", "\(value) is not an ISO 4217 currency.")
        }
    }

    static func terms(_ value: JSONValue?, _ field: String, into v: inout Validator) {
        guard let value, !value.isNull else { return }
        if value.objectValue == nil { v.add(field, "invalid_type", "Must be an object.") }
        if let size = try? JSONCoding.encoder.encode(value).count, size > maxTermsBytes {
            v.add(field, "too_large", "At most 16 KiB.")
        }
    }

    /// What each deal type needs (and what contradicts it), checked on the deal as it will be stored:
    /// the request on create, the stored row merged with the patch on update.
    static func typeTerms(dealType: String, guarantee: Int64?, rentalFee: Int64?, percentage: Double?, into v: inout Validator) {
        func require(_ present: Bool, _ field: String, _ what: String) {
            if !present { v.add(field, "required_for_deal_type", "A \(dealType) deal needs \(what).") }
        }
        func refuse(_ present: Bool, _ field: String, _ why: String) {
            if present { v.add(field, "not_applicable", why) }
        }
        switch dealType {
        case "flat_guarantee":
            require(guarantee != nil, "guaranteeMinor", "a guarantee")
            refuse(percentage != nil, "percentage", "A flat guarantee has no percentage; use versus or guarantee_plus.")
        case "door_split":
            require(percentage != nil, "percentage", "the act's percentage of the door")
            refuse(guarantee != nil, "guaranteeMinor", "A door split has no guarantee; use versus or guarantee_plus.")
        case "versus", "guarantee_plus":
            require(guarantee != nil, "guaranteeMinor", "a guarantee")
            require(percentage != nil, "percentage", "a percentage")
        case "rental":
            require(rentalFee != nil, "rentalFeeMinor", "a rental fee")
        default:
            break
        }
    }
}

/// The deal status machine.
enum DealStatus {
    static let all = ["draft", "proposed", "accepted", "rejected", "cancelled"]
    /// A deal starts as a draft or goes straight out as a proposal.
    static let initial = ["draft", "proposed"]
    /// A proposal can be withdrawn to draft for revision; a rejected deal can be reopened as a draft to
    /// renegotiate; an accepted deal can only be cancelled; cancelled is final.
    static let transitions: [String: [String]] = [
        "draft": ["proposed", "cancelled"],
        "proposed": ["draft", "accepted", "rejected", "cancelled"],
        "accepted": ["cancelled"],
        "rejected": ["draft", "cancelled"],
        "cancelled": [],
    ]
    /// Statuses in which the commercial terms may be (re)written: what was accepted or rejected stays
    /// as it was decided.
    static let termsEditable: Set<String> = ["draft", "proposed"]

    /// Nil when `from → to` is allowed (or a no-op), else the 409 explaining why not.
    static func check(from: String, to: String) -> APIError? {
        if from == to { return nil }
        let allowed = transitions[from] ?? []
        guard allowed.contains(to) else {
            let reason = allowed.isEmpty
                ? "A \(from) deal is final and cannot change status."
                : "A \(from) deal cannot become \(to); allowed: \(allowed.joined(separator: ", "))."
            return APIError.conflict("invalid_transition", reason, info: [
                "from": .string(from), "to": .string(to), "allowed": .array(allowed.map(JSONValue.string)),
            ])
        }
        return nil
    }
}

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
        if currency == nil { v.add("currency", "required", "This field is required.") }
        DealRules.currency(currency, "currency", into: &v)
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
        DealRules.currency(currency.value, "currency", into: &v)
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

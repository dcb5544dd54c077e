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

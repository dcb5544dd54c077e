import Foundation
import Hummingbird
import KisumKernel

/// Money received against an income invoice or paid on a bill; a refund is a negative amount.
public struct Payment: Codable, Sendable, ResponseEncodable {
    public var id: UUID
    public var documentId: UUID
    public var amountMinor: Int64
    public var currency: String
    public var paidAt: Date
    public var method: String
    public var reference: String?
    public var note: String?
    public var createdBy: UUID?
    public var createdAt: Date

    /// Every key written, `null` when empty.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(documentId, forKey: .documentId)
        try c.encode(amountMinor, forKey: .amountMinor)
        try c.encode(currency, forKey: .currency)
        try c.encode(paidAt, forKey: .paidAt)
        try c.encode(method, forKey: .method)
        try c.encode(reference, forKey: .reference)
        try c.encode(note, forKey: .note)
        try c.encode(createdBy, forKey: .createdBy)
        try c.encode(createdAt, forKey: .createdAt)
    }
}

/// `POST /api/income/{id}/payments`, `POST /api/bills/{id}/payments`: a payment (positive) or a refund
/// (negative). The document's paid total may never pass its total nor fall below zero.
struct CreatePayment: Codable, Sendable, ValidatableBody {
    var amountMinor: Int64?
    var currency: String?
    var paidAt: Date?
    var method: String?
    var reference: String?
    var note: String?

    func validate(_ v: inout Validator) {
        if let amountMinor {
            if amountMinor == 0 {
                v.add("amountMinor", "zero", "A payment moves money: use a positive amount, or a negative one for a refund.")
            } else if amountMinor.magnitude > UInt64(MinorUnits.max) {
                v.add("amountMinor", "out_of_range", "At most \(MinorUnits.max) either way.")
            }
        } else {
            v.add("amountMinor", "required", "This field is required.")
        }
        v.currency(currency, "currency")
        v.oneOf(method, "method", PaymentMethod.all)
        v.text(reference, "reference", required: false, maxLength: 100)
        v.text(note, "note", required: false, maxLength: 2000)
    }
}

/// What a payment answers: the payment and the document as it now stands (its new status and totals).
struct PaymentReceipt: Encodable, Sendable, ResponseEncodable {
    var payment: Payment
    var document: FinanceDocument
}

/// A payment as `GET /api/payments` lists it: the payment, its document's kind and counterparty.
struct PaymentListItem: Encodable, Sendable {
    var payment: Payment
    var documentKind: String
    var partyName: String

    func encode(to encoder: any Encoder) throws {
        try payment.encode(to: encoder)
        var c = encoder.container(keyedBy: WireKey.self)
        try c.encode(documentKind, forKey: "documentKind")
        try c.encode(partyName, forKey: "partyName")
    }
}

/// Filters of `GET /api/payments`; days are UTC calendar days, inclusive.
struct PaymentFilter: Sendable {
    var kind: String?
    var documentId: UUID?
    var currency: String?
    var method: String?
    var paidFrom: String?
    var paidTo: String?
}

import Foundation
import HTTPTypes
import Hummingbird
import KisumKernel

/// Money received against an income line, always in the line's currency (a payment in another currency is
/// converted by whoever records it).
public struct IncomePayment: ResponseEncodable, Sendable, Equatable {
    public var id: UUID
    public var incomeId: UUID
    public var amountMinor: Int64
    public var currency: String
    public var paidOn: String
    public var method: String?
    public var reference: String?
    public var idempotencyKey: String?
    public var createdBy: UUID?
    public var createdAt: Date
}

/// `POST /api/event-income/{id}/payments`' answer: the payment and the line as it now stands.
public struct IncomePaymentReceipt: ResponseEncodable, Sendable, Equatable {
    public var payment: IncomePayment
    public var income: EventIncome
}

enum IncomePaymentValues {
    static let methods = ["bank_transfer", "card", "cash", "cheque", "direct_debit", "online", "other"]
}

/// `POST /api/event-income/{id}/payments`. `currency`, when sent, must be the line's (there is no conversion here).
struct PaymentInput: Decodable, Sendable, ValidatableBody {
    var amountMinor: Int64?
    var currency: String?
    var paidOn: String?
    var method: String?
    var reference: String?

    func validate(_ v: inout Validator) {
        if amountMinor == nil { v.add("amountMinor", "required", "This field is required.") }
        v.range(amountMinor, "amountMinor", 1...MinorUnits.max)
        v.currency(currency, "currency")
        ArtistShowRules.dateInRange(paidOn, "paidOn", required: true, &v)
        v.oneOf(method, "method", IncomePaymentValues.methods)
        v.text(reference, "reference", required: false, maxLength: 200)
    }

    var trimmedReference: String? { reference?.trimmingCharacters(in: .whitespacesAndNewlines) }

    /// Whether a stored payment is what this body would record: the test for an idempotent replay.
    func isSame(as payment: IncomePayment) -> Bool {
        payment.amountMinor == amountMinor && payment.paidOn == paidOn && payment.method == method
            && payment.reference == trimmedReference && (currency == nil || currency == payment.currency)
    }
}

/// The `Idempotency-Key` header of a payment (Finance's rule: 1 to 100 printable ASCII characters, no space at
/// either end, what every HTTP client sends unchanged); anything else is 400 `invalid_idempotency_key`.
enum IdempotencyKey {
    static let header = HTTPField.Name("Idempotency-Key")
    static let replayed = HTTPField.Name("Idempotent-Replayed")

    static func read(_ request: Request) throws -> String? {
        guard let header, let key = request.headers[header] else { return nil }
        let bytes = Array(key.utf8)
        guard (1...100).contains(bytes.count), bytes.allSatisfy({ (0x20...0x7E).contains($0) }),
              bytes.first != 0x20, bytes.last != 0x20 else {
            throw APIError.badRequest("invalid_idempotency_key", "Idempotency-Key must be 1 to 100 printable ASCII characters.")
        }
        return key
    }
}

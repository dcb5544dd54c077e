import Foundation
import Hummingbird
import KisumKernel

/// One income line of an event (issue 10, "Income lines with payments against them"): what it earns, from whom,
/// in which currency, when it is due, and how much of it has been paid (`paidMinor`, the sum of its payments).
public struct EventIncome: ResponseEncodable, Sendable, Equatable {
    public var id: UUID
    public var eventId: UUID
    public var category: String
    public var categoryName: String
    public var description: String
    public var payerName: String?
    public var payerEmail: String?
    public var amountMinor: Int64
    public var currency: String
    public var expectedDate: String
    public var paidMinor: Int64
    public var outstandingMinor: Int64
    /// Derived from the money: `IncomeStatus`.
    public var status: String
    /// The Finance income invoice made for this line, once Finance answered.
    public var financeInvoiceId: UUID?
    public var notes: String?
    public var version: Int
    public var createdBy: UUID?
    public var createdAt: Date
    public var updatedAt: Date
}

/// A line's payment status is derived, never stored, so it cannot disagree with the money. A zero-amount line
/// owes nothing and counts as paid. The SQL filter in `EventIncomeRepository.statusCondition` says the same.
enum IncomeStatus {
    static let all = ["unpaid", "partially_paid", "paid"]

    static func of(amount: Int64, paid: Int64) -> String {
        if paid >= amount { return "paid" }
        return paid > 0 ? "partially_paid" : "unpaid"
    }
}

/// The income categories every company has: a fixed list (a line's category must be one of them), so reports
/// group the same way across companies. Codes are stable; names are for display.
public struct IncomeCategory: ResponseEncodable, Sendable, Equatable {
    public var code: String
    public var name: String
}

enum IncomeCategories {
    static let all: [IncomeCategory] = [
        .init(code: "ticketing", name: "Ticketing"),
        .init(code: "guarantee", name: "Guarantee"),
        .init(code: "sponsorship", name: "Sponsorship"),
        .init(code: "merchandise", name: "Merchandise"),
        .init(code: "bar", name: "Bar and catering"),
        .init(code: "hospitality", name: "Hospitality"),
        .init(code: "grant", name: "Grants and subsidies"),
        .init(code: "streaming", name: "Streaming"),
        .init(code: "broadcast", name: "Broadcast and recording"),
        .init(code: "rental", name: "Rental"),
        .init(code: "advertising", name: "Advertising"),
        .init(code: "other", name: "Other"),
    ]
    static let codes = all.map(\.code)

    /// The display name of a stored code (a code no longer listed shows as itself).
    static func name(_ code: String) -> String {
        all.first { $0.code == code }?.name ?? code
    }

    static func check(_ value: String?, _ field: String, required: Bool, _ v: inout Validator) {
        guard let value else {
            if required { v.add(field, "required", "This field is required.") }
            return
        }
        if !codes.contains(value) {
            v.add(field, "unknown_category", "One of GET /api/event-income/categories: \(codes.joined(separator: ", ")).")
        }
    }
}

/// `POST /api/event-income`, each item of `POST /api/event-income/bulk`, and `PUT /api/event-income/{id}` (a full
/// replacement of the editable fields: nullable ones left out are cleared; `eventId` may be left out on PUT, and
/// naming another event there is 422 `immutable`).
struct IncomeInput: Decodable, Sendable, ValidatableBody {
    var eventId: UUID?
    var category: String?
    var description: String?
    var payerName: String?
    var payerEmail: String?
    var amountMinor: Int64?
    var currency: String?
    var expectedDate: String?
    var notes: String?
    var version: Int?

    func validate(_ v: inout Validator) { validate(&v, prefix: "", eventRequired: true) }

    /// `prefix` names the item in a bulk body (`items[3].`), so every issue points at its line.
    func validate(_ v: inout Validator, prefix p: String, eventRequired: Bool) {
        if eventRequired, eventId == nil { v.add(p + "eventId", "required", "This field is required.") }
        IncomeCategories.check(category, p + "category", required: true, &v)
        v.text(description, p + "description", maxLength: 500)
        v.text(payerName, p + "payerName", required: false, maxLength: 200)
        if let payerEmail, !Validator.looksLikeEmail(payerEmail) { v.add(p + "payerEmail", "invalid_email", "Must be an e-mail address.") }
        if amountMinor == nil { v.add(p + "amountMinor", "required", "This field is required.") }
        v.minorAmount(amountMinor, p + "amountMinor")
        v.currency(currency, p + "currency", required: true)
        ArtistShowRules.dateInRange(expectedDate, p + "expectedDate", required: true, &v)
        v.text(notes, p + "notes", required: false, maxLength: 5000)
    }

    static func trimmed(_ text: String?) -> String? { text?.trimmingCharacters(in: .whitespacesAndNewlines) }
}

/// `POST /api/event-income/bulk`: up to 100 lines, all or none.
struct IncomeBulkInput: Decodable, Sendable, ValidatableBody {
    static let maxItems = 100
    var items: [IncomeInput]?

    func validate(_ v: inout Validator) {
        guard let items else { return v.add("items", "required", "This field is required.") }
        if items.isEmpty || items.count > Self.maxItems {
            v.add("items", "out_of_range", "Between 1 and \(Self.maxItems) lines.")
            return
        }
        for (index, item) in items.enumerated() { item.validate(&v, prefix: "items[\(index)].", eventRequired: true) }
    }
}

/// `POST /api/event-income/bulk`'s answer: the created lines in the order sent.
public struct IncomeBulkResult: ResponseEncodable, Sendable {
    public var items: [EventIncome]
}

/// Filters of `GET /api/event-income` and `GET /api/event-income/event/{eventId}`.
struct IncomeFilter: Sendable {
    var eventID: UUID?
    var category: String?
    var currency: String?
    var status: String?
    var from: String?
    var to: String?
    var q: String?
    var sort: (key: String, descending: Bool) = ("expectedDate", false)

    static let sorts = ["expectedDate", "createdAt", "amountMinor"]
}

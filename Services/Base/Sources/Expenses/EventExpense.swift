import Foundation
import Hummingbird
import KisumKernel

/// An estimated expense line of an event: the budget (issue 10, "Event Expense accepts estimated lines only").
/// `type` is always `estimated`; an actual cost exists only as an approved submission of Event Expense -
/// Approval, which `actualId`/`actualStatus` name when one (pending or approved) realises this line.
public struct EventExpense: ResponseEncodable, Sendable, Equatable {
    public var id: UUID
    public var eventId: UUID
    public var eventName: String
    public var type: String
    public var category: String
    public var description: String
    public var vendorName: String?
    public var amountMinor: Int64
    public var currency: String
    public var dueDate: String
    public var notes: String?
    public var attachmentCount: Int
    public var actualId: UUID?
    public var actualStatus: String?
    public var version: Int
    public var createdBy: UUID?
    public var createdAt: Date
    public var updatedAt: Date
}

/// The answer of the bulk and from-template writes: the lines created, in order.
public struct EventExpenseBatch: ResponseEncodable, Sendable, Equatable {
    public var items: [EventExpense]
}

enum ExpenseRules {
    static let maxBulkItems = 100
    static let sorts = ["dueDate", "createdAt", "amountMinor", "category"]

    /// The ORDER BY of a `sort` key (from `sorts` only: never request text).
    static func orderBy(_ sort: (key: String, descending: Bool)) -> String {
        let direction = sort.descending ? "DESC" : "ASC"
        switch sort.key {
        case "createdAt": return "ORDER BY x.created_at \(direction), x.id"
        case "amountMinor": return "ORDER BY x.amount_minor \(direction), x.id"
        case "category": return "ORDER BY x.category \(direction), x.due_date, x.id"
        default: return "ORDER BY x.due_date \(direction), x.created_at, x.id"
        }
    }

    /// A `YYYY-MM-DD` day within what the table stores (1900–2199).
    static func day(_ value: String?, _ field: String, _ v: inout Validator) {
        guard let value else { return }
        if !CalendarDate.isValid(value) {
            v.add(field, "invalid_date", "Must be a calendar date, YYYY-MM-DD.")
        } else if value < "1900-01-01" || value > "2199-12-31" {
            v.add(field, "out_of_range", "Between 1900-01-01 and 2199-12-31.")
        }
    }
}

/// The guard of the group: a body that describes an actual expense is refused with 422
/// `actual_expense_not_allowed`, pointing at Event Expense - Approval, the only way an actual cost is recorded
/// (submitted, then approved by someone other than the submitter).
enum ActualExpenseGuard {
    static let approvalPath = "/api/event-expense-approval"
    static let code = "actual_expense_not_allowed"
    static let message = "Event Expense holds estimated expenses only. Submit an actual expense to POST \(approvalPath) "
        + "(Event Expense - Approval), where someone other than the submitter approves it."

    /// Fields only an actual expense (or its approval) carries: any non-null value marks the body as one.
    static let actualOnlyKeys = ["actualAmountMinor", "actualAmount", "actualMinor", "actualCurrency", "incurredOn", "estimateId",
                                 "submittedBy", "approvedBy", "approvedAt", "decidedBy", "decidedAt"]

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// The body's keys that make it an actual expense: `type` "actual", `kind` "actual", `isActual`/`actual`
    /// true, any `status` but "estimated" (estimated lines have no approval status), or an actual-only field.
    /// Read as any JSON, so no value of these keys is ever a 400.
    static func markers(in decoder: any Decoder) throws -> [String] {
        let container = try decoder.container(keyedBy: Key.self)
        func value(_ name: String) -> JSONValue? {
            try? container.decodeIfPresent(JSONValue.self, forKey: Key(stringValue: name))
        }
        var found: [String] = []
        for name in ["type", "kind"] {
            if let text = value(name)?.stringValue, text.lowercased() == "actual" { found.append(name) }
        }
        for name in ["isActual", "actual"] where value(name) == .bool(true) { found.append(name) }
        if let status = value("status"), status != .null, status.stringValue?.lowercased() != "estimated" { found.append("status") }
        for name in actualOnlyKeys {
            if let field = value(name), field != .null { found.append(name) }
        }
        return found
    }

    static func refusal(_ fields: [String]) -> APIError {
        APIError(.unprocessableContent, code: code, message: message,
                 details: fields.map { FieldIssue(field: $0, code: code, message: "Actual expenses go to \(approvalPath).") },
                 info: ["approvalPath": .string(approvalPath)])
    }
}

/// The fields of an estimated line a POST sets and a PUT replaces. `currency` and `dueDate` left out are the
/// event's currency and day.
struct ExpenseFields: Decodable, Sendable {
    var type: String?
    var category: String?
    var description: String?
    var vendorName: String?
    var amountMinor: Int64?
    var currency: String?
    var dueDate: String?
    var notes: String?
    /// Keys of the body that describe an actual expense (not decoded as fields).
    var actualMarkers: [String] = []

    enum CodingKeys: String, CodingKey { case type, category, description, vendorName, amountMinor, currency, dueDate, notes }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        actualMarkers = try ActualExpenseGuard.markers(in: decoder)
        // `type: "actual"` is the guard's; any other text is checked by validate, so only non-text is a 400.
        type = try c.decodeIfPresent(String.self, forKey: .type)
        category = try c.decodeIfPresent(String.self, forKey: .category)
        description = try c.decodeIfPresent(String.self, forKey: .description)
        vendorName = try c.decodeIfPresent(String.self, forKey: .vendorName)
        amountMinor = try c.decodeIfPresent(Int64.self, forKey: .amountMinor)
        currency = try c.decodeIfPresent(String.self, forKey: .currency)
        dueDate = try c.decodeIfPresent(String.self, forKey: .dueDate)
        notes = try c.decodeIfPresent(String.self, forKey: .notes)
    }

    func validate(_ v: inout Validator, prefix: String = "") {
        if let type, type != "estimated", type.lowercased() != "actual" {
            v.add(prefix + "type", "invalid_choice", "Must be estimated (actual expenses go to \(ActualExpenseGuard.approvalPath)).")
        }
        if let category {
            if !ExpenseCategories.validCode(category) {
                v.add(prefix + "category", "invalid_format", "A category code: lower-case letters, digits and _, at most 40 characters.")
            }
        } else {
            v.add(prefix + "category", "required", "This field is required.")
        }
        v.text(description, prefix + "description", maxLength: 500)
        v.text(vendorName, prefix + "vendorName", required: false, maxLength: 200)
        if amountMinor == nil { v.add(prefix + "amountMinor", "required", "This field is required.") }
        v.minorAmount(amountMinor, prefix + "amountMinor")
        v.currency(currency, prefix + "currency")
        ExpenseRules.day(dueDate, prefix + "dueDate", &v)
        v.text(notes, prefix + "notes", required: false, maxLength: 5000)
    }

    var trimmedDescription: String { description?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "" }
    var trimmedVendor: String? { vendorName?.trimmingCharacters(in: .whitespacesAndNewlines) }
}

/// `POST /api/event-expense` and one item of `POST /api/event-expense/bulk`.
struct CreateExpense: Decodable, Sendable, ValidatableBody {
    var eventId: UUID?
    var fields: ExpenseFields

    enum CodingKeys: String, CodingKey { case eventId }

    init(from decoder: any Decoder) throws {
        eventId = try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(UUID.self, forKey: .eventId)
        fields = try ExpenseFields(from: decoder)
    }

    func validate(_ v: inout Validator) { validate(&v, prefix: "") }

    func validate(_ v: inout Validator, prefix: String) {
        if eventId == nil { v.add(prefix + "eventId", "required", "This field is required.") }
        fields.validate(&v, prefix: prefix)
    }
}

/// `PUT /api/event-expense/{id}`: a full replacement (vendorName and notes left out are cleared, currency and
/// dueDate left out become the event's). The event never changes: an `eventId` naming another is 422 `immutable`.
struct ReplaceExpense: Decodable, Sendable {
    var eventId: UUID?
    var version: Int?
    var fields: ExpenseFields

    enum CodingKeys: String, CodingKey { case eventId, version }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        eventId = try c.decodeIfPresent(UUID.self, forKey: .eventId)
        version = try c.decodeIfPresent(Int.self, forKey: .version)
        fields = try ExpenseFields(from: decoder)
    }
}

/// `POST /api/event-expense/bulk`: a JSON array of 1–100 lines, created all or nothing.
struct BulkCreateExpenses: Decodable, Sendable {
    var items: [CreateExpense]

    init(from decoder: any Decoder) throws { items = try decoder.singleValueContainer().decode([CreateExpense].self) }

    /// Actual expenses first (the group's rule), then every field of every line, each addressed by its index.
    func check() throws {
        let markers = items.enumerated().flatMap { index, item in item.fields.actualMarkers.map { "[\(index)].\($0)" } }
        if !markers.isEmpty { throw ActualExpenseGuard.refusal(markers) }
        var v = Validator()
        if items.isEmpty { v.add("[]", "required", "Send at least one line.") }
        if items.count > ExpenseRules.maxBulkItems { v.add("[]", "too_many", "At most \(ExpenseRules.maxBulkItems) lines.") }
        if v.isValid { for (index, item) in items.enumerated() { item.validate(&v, prefix: "[\(index)].") } }
        try v.validate()
    }
}

/// Filters of the line lists; combined with AND.
struct ExpenseFilter: Sendable {
    var eventID: UUID?
    var category: String?
    var currency: String?
    var dueFrom: String?
    var dueTo: String?
    var q: String?
    var sort: (key: String, descending: Bool) = ("dueDate", false)
}

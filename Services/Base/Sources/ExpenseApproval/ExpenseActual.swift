import Foundation
import Hummingbird
import KisumKernel

/// An actual expense of an event, as submitted to Event Expense - Approval (issue 10: "an actual expense exists
/// only once approved in Event Expense - Approval; approve/reject by someone other than the submitter, with a
/// company-configurable threshold"). A row is a submission; it is a cost of the event only while `approved`.
public struct ExpenseActual: ResponseEncodable, Sendable, Equatable {
    public var id: UUID
    public var eventId: UUID
    public var eventName: String
    /// The estimated line (Event Expense) this actual realises: where it is approved it replaces the estimate.
    public var estimateId: UUID?
    public var category: String
    public var description: String
    public var vendorName: String?
    public var amountMinor: Int64
    public var currency: String
    /// `YYYY-MM-DD`: the day the cost was incurred, and the day its conversion rate is taken from.
    public var incurredOn: String
    public var status: String
    /// Approved on submission because the amount was below the company's expense threshold (no decider).
    public var autoApproved: Bool
    public var notes: String?
    public var submittedBy: UUID
    public var submittedAt: Date
    /// Who last replaced its figures (PUT), when that was not the submitter; they may not decide it either.
    public var editedBy: UUID?
    public var decidedBy: UUID?
    public var decidedAt: Date?
    /// The approver's note, or the rejection's reason.
    public var decisionNote: String?
    /// The approval queue's item for it (`/api/approval/{id}`); null when it never needed approval.
    public var approvalId: UUID?
    public var version: Int
    public var updatedAt: Date
}

enum ExpenseActualValues {
    static let statuses = ["pending", "approved", "rejected"]
    static let sorts = ["submittedAt", "incurredOn", "amountMinor"]
    static let firstDay = "1900-01-01"
    static let lastDay = "2199-12-31"

    /// The shape of an expense category code (0017's CHECK). Which codes exist — the built-in ones and the
    /// company's `expense_categories` — is Event Expense's list; after the merge this should check against it.
    static func isCategoryCode(_ value: String) -> Bool {
        let bytes = Array(value.utf8)
        guard (1...40).contains(bytes.count), let first = bytes.first, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first) else {
            return false
        }
        return bytes.allSatisfy {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: "_")
        }
    }

    static func day(_ value: String?, _ field: String, _ v: inout Validator) {
        guard let value else {
            v.add(field, "required", "This field is required.")
            return
        }
        if !CalendarDate.isValid(value) {
            v.add(field, "invalid_date", "Must be a calendar date, YYYY-MM-DD.")
        } else if value < firstDay || value > lastDay {
            v.add(field, "out_of_range", "Must be between \(firstDay) and \(lastDay).")
        }
    }
}

/// `POST /api/event-expense-approval` and `PUT /api/event-expense-approval/{id}` (a full replacement of a pending
/// submission's figures; PUT needs `version` or `If-Match`, and `eventId`, when sent, must be the stored one).
/// `description` may be left out when `estimateId` names the estimated line it realises (its description is taken).
struct ExpenseActualInput: Decodable, Sendable, ValidatableBody {
    var eventId: UUID?
    var estimateId: UUID?
    var category: String?
    var description: String?
    var vendorName: String?
    var amountMinor: Int64?
    var currency: String?
    var incurredOn: String?
    var notes: String?
    var version: Int?

    /// The rules of both operations; POST also needs `eventId` (checked by `validateCreate`).
    func validate(_ v: inout Validator) {
        if let category {
            if !ExpenseActualValues.isCategoryCode(category) {
                v.add("category", "invalid_category", "An expense category code: a lower-case letter, then letters, digits or _, at most 40.")
            }
        } else {
            v.add("category", "required", "This field is required.")
        }
        if description != nil || estimateId == nil {
            v.text(description, "description", maxLength: 500)
        }
        v.text(vendorName, "vendorName", required: false, maxLength: 200)
        if amountMinor == nil { v.add("amountMinor", "required", "This field is required.") }
        v.minorAmount(amountMinor, "amountMinor")
        v.currency(currency, "currency", required: true)
        ExpenseActualValues.day(incurredOn, "incurredOn", &v)
        v.text(notes, "notes", required: false, maxLength: 5000)
    }

    func validateCreate(_ v: inout Validator) {
        if eventId == nil { v.add("eventId", "required", "This field is required.") }
        validate(&v)
    }

    var trimmedDescription: String? { description?.trimmingCharacters(in: .whitespacesAndNewlines) }
    var trimmedVendor: String? { vendorName?.trimmingCharacters(in: .whitespacesAndNewlines) }
}

/// `POST …/{id}/approve`: an optional note (the body may be left out).
struct ExpenseApproveInput: Decodable, Sendable {
    var note: String?

    func validate(_ v: inout Validator) {
        v.text(note, "note", required: false, maxLength: 2000)
    }
}

/// `POST …/{id}/reject`: the reason is required — the submitter is told why.
struct ExpenseRejectInput: Decodable, Sendable, ValidatableBody {
    var reason: String?

    func validate(_ v: inout Validator) {
        v.text(reason, "reason", maxLength: 2000)
    }
}

struct ExpenseActualFilter: Sendable {
    var eventID: UUID?
    var status: String?
    var submittedBy: UUID?
    var from: String?
    var to: String?
    var currency: String?
    var estimateID: UUID?
    var sort: (key: String, descending: Bool) = ("submittedAt", true)
}

import Foundation
import Hummingbird
import KisumKernel

/// Money a venue expects up front for a booking or event. Venue keeps the workflow (`status`); Finance
/// keeps the money: once `financeRecordId` is set, `financeStatus`, `paidMinor` and `outstandingMinor`
/// are Finance's (asked again on every read when Finance answers; `financeLive` says whether they were).
public struct Deposit: Sendable, ResponseEncodable, Encodable {
    public var id: UUID
    public var companyId: UUID
    public var bookingId: UUID?
    public var eventId: UUID?
    public var dealId: UUID?
    public var payerName: String
    public var payerRef: String?
    public var payerEmail: String?
    public var amountMinor: Int64
    public var currency: String
    public var dueDate: String?
    public var status: String
    public var description: String?
    public var notes: String?
    public var financeRecordId: UUID?
    public var financeSyncStatus: String
    public var financeLastError: String?
    public var financeSyncedAt: Date?
    public var financeStatus: String?
    public var paidMinor: Int64?
    public var financeLive: Bool
    public var createdBy: UUID?
    public var createdAt: Date
    public var updatedAt: Date
    /// Changes made, and the last change Finance has (not on the wire: `financeSyncStatus` says it).
    var version: Int
    var syncedVersion: Int

    /// What is still owed, by Finance's figures once linked.
    public var outstandingMinor: Int64? {
        guard let paidMinor, let financeStatus else { return nil }
        return financeStatus == "void" || financeStatus == "draft" ? 0 : amountMinor - paidMinor
    }

    enum CodingKeys: String, CodingKey {
        case id, companyId, bookingId, eventId, dealId, payerName, payerRef, payerEmail, amountMinor, currency, dueDate, status,
             description, notes, financeRecordId, financeSyncStatus, financeLastError, financeSyncedAt, financeStatus, paidMinor,
             outstandingMinor, financeLive, createdBy, createdAt, updatedAt
    }

    /// Every key written, `null` when empty: one fixed shape for clients and the contract.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(companyId, forKey: .companyId)
        try c.encode(bookingId, forKey: .bookingId)
        try c.encode(eventId, forKey: .eventId)
        try c.encode(dealId, forKey: .dealId)
        try c.encode(payerName, forKey: .payerName)
        try c.encode(payerRef, forKey: .payerRef)
        try c.encode(payerEmail, forKey: .payerEmail)
        try c.encode(amountMinor, forKey: .amountMinor)
        try c.encode(currency, forKey: .currency)
        try c.encode(dueDate, forKey: .dueDate)
        try c.encode(status, forKey: .status)
        try c.encode(description, forKey: .description)
        try c.encode(notes, forKey: .notes)
        try c.encode(financeRecordId, forKey: .financeRecordId)
        try c.encode(financeSyncStatus, forKey: .financeSyncStatus)
        try c.encode(financeLastError, forKey: .financeLastError)
        try c.encode(financeSyncedAt, forKey: .financeSyncedAt)
        try c.encode(financeStatus, forKey: .financeStatus)
        try c.encode(paidMinor, forKey: .paidMinor)
        try c.encode(outstandingMinor, forKey: .outstandingMinor)
        try c.encode(financeLive, forKey: .financeLive)
        try c.encode(createdBy, forKey: .createdBy)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(updatedAt, forKey: .updatedAt)
    }
}

/// pending (Finance: a draft invoice) → requested (issued: the payer is asked) → cancelled (void).
/// Amount, currency and payer change only while pending, because Finance edits a draft's lines only.
enum DepositStatus {
    static let all = ["pending", "requested", "cancelled"]
    static let initial = ["pending", "requested"]

    static func check(from: String, to: String) throws {
        if from == to { return }
        let allowed: [String] = switch from {
        case "pending": ["requested", "cancelled"]
        case "requested": ["cancelled"]
        default: []
        }
        guard !allowed.contains(to) else { return }
        throw APIError.conflict("invalid_transition", "A \(from) deposit cannot become \(to).",
                                info: ["from": .string(from), "to": .string(to), "allowed": .array(allowed.map(JSONValue.string))])
    }
}

/// `POST /api/v1/deposits`.
struct CreateDeposit: Decodable, Sendable, ValidatableBody {
    var bookingId: UUID?
    var eventId: UUID?
    var dealId: UUID?
    var payerName: String?
    var payerRef: String?
    var payerEmail: String?
    var amountMinor: Int64?
    var currency: String?
    var dueDate: String?
    var status: String?
    var description: String?
    var notes: String?

    func validate(_ v: inout Validator) {
        v.text(payerName, "payerName", maxLength: 200)
        v.text(payerRef, "payerRef", required: false, maxLength: 100)
        v.email(payerEmail, "payerEmail", required: false)
        if amountMinor == nil { v.add("amountMinor", "required", "This field is required.") }
        v.minorAmount(amountMinor, "amountMinor")
        if amountMinor == 0 { v.add("amountMinor", "zero", "A deposit is more than nothing.") }
        v.currency(currency, "currency", required: true)
        v.calendarDate(dueDate, "dueDate")
        v.oneOf(status, "status", DepositStatus.initial)
        v.text(description, "description", required: false, maxLength: 500)
        v.text(notes, "notes", required: false, maxLength: 5000)
    }
}

/// `PATCH /api/v1/deposits/{id}`: absent keys stay, `null` clears an optional field.
struct DepositPatch: Decodable, Sendable, ValidatableBody {
    var payerName: Patch<String> = .absent
    var payerRef: Patch<String> = .absent
    var payerEmail: Patch<String> = .absent
    var amountMinor: Patch<Int64> = .absent
    var currency: Patch<String> = .absent
    var dueDate: Patch<String> = .absent
    var status: Patch<String> = .absent
    var description: Patch<String> = .absent
    var notes: Patch<String> = .absent

    func validate(_ v: inout Validator) {
        for (field, clears) in [("payerName", payerName.clears), ("amountMinor", amountMinor.clears), ("currency", currency.clears),
                                ("status", status.clears)] where clears {
            v.add(field, "not_nullable", "\(field) cannot be null.")
        }
        v.text(payerName.value, "payerName", required: false, maxLength: 200)
        v.text(payerRef.value, "payerRef", required: false, maxLength: 100)
        v.email(payerEmail.value, "payerEmail", required: false)
        v.minorAmount(amountMinor.value, "amountMinor")
        if amountMinor.value == 0 { v.add("amountMinor", "zero", "A deposit is more than nothing.") }
        v.currency(currency.value, "currency")
        v.calendarDate(dueDate.value, "dueDate")
        v.oneOf(status.value, "status", DepositStatus.all)
        v.text(description.value, "description", required: false, maxLength: 500)
        v.text(notes.value, "notes", required: false, maxLength: 5000)
    }

    /// What Finance can change only on a draft invoice, so only a pending deposit may.
    var lockedFields: [String] {
        [("payerName", payerName.isAbsent), ("payerRef", payerRef.isAbsent), ("payerEmail", payerEmail.isAbsent),
         ("amountMinor", amountMinor.isAbsent), ("currency", currency.isAbsent), ("description", description.isAbsent)]
            .filter { !$0.1 }.map(\.0)
    }
}

/// Filters of `GET /api/v1/deposits`.
struct DepositFilter: Sendable {
    var eventID: UUID?
    var bookingID: UUID?
    var status: String?
    var syncStatus: String?
}

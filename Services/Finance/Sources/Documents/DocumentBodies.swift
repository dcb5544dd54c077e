import Foundation
import KisumKernel

/// A line as sent: description, a whole quantity, a unit price in minor units and the tax rate in basis
/// points. Net and tax are computed here, never taken from the caller.
struct LineInput: Codable, Sendable, Equatable {
    var description: String?
    var quantity: Int?
    var unitMinor: Int64?
    var taxRateBp: Int?

    func validate(_ v: inout Validator, at index: Int) {
        let field = "lines[\(index)]"
        v.text(description, "\(field).description", maxLength: 500)
        if quantity == nil { v.add("\(field).quantity", "required", "This field is required.") }
        v.range(quantity, "\(field).quantity", 1...1_000_000)
        if unitMinor == nil { v.add("\(field).unitMinor", "required", "This field is required.") }
        v.minorAmount(unitMinor, "\(field).unitMinor")
        v.range(taxRateBp, "\(field).taxRateBp", 0...10_000)
    }

    static func validate(_ lines: [LineInput]?, _ v: inout Validator, required: Bool) {
        guard let lines else {
            if required { v.add("lines", "required", "At least one line is required.") }
            return
        }
        if lines.isEmpty || lines.count > DocumentAmounts.maxLines {
            v.add("lines", "out_of_range", "Between 1 and \(DocumentAmounts.maxLines) lines.")
        }
        for (index, line) in lines.prefix(DocumentAmounts.maxLines).enumerated() { line.validate(&v, at: index) }
    }
}

/// `POST /api/income` and `POST /api/bills`. The counterparty's keys are `customer…` on income and
/// `supplier…` on bills; the other kind's keys are refused rather than ignored.
struct CreateDocument: Codable, Sendable {
    var number: String?
    var customerName: String?
    var customerRef: String?
    var customerEmail: String?
    var supplierName: String?
    var supplierRef: String?
    var supplierEmail: String?
    var currency: String?
    var issueDate: String?
    var dueDate: String?
    var status: String?
    var lines: [LineInput]?
    var notes: String?
    var source: String?
    var sourceRef: String?
    /// The chart-of-accounts account the document is booked to (`/api/accounts`).
    var accountId: UUID?

    func party(_ kind: DocumentKind) -> (name: String?, ref: String?, email: String?) {
        kind == .income ? (customerName, customerRef, customerEmail) : (supplierName, supplierRef, supplierEmail)
    }

    /// `machine`: the caller holds an internal key; only machines name a source other than `manual`.
    func validate(_ v: inout Validator, kind: DocumentKind, machine: Bool) {
        let party = party(kind)
        let prefix = kind.party
        v.text(party.name, "\(prefix)Name", maxLength: 200)
        v.text(party.ref, "\(prefix)Ref", required: false, maxLength: 100)
        v.email(party.email, "\(prefix)Email", required: false)
        let foreign = kind.other.party
        let other = kind == .income ? (supplierName, supplierRef, supplierEmail) : (customerName, customerRef, customerEmail)
        for (suffix, value) in [("Name", other.0), ("Ref", other.1), ("Email", other.2)] where value != nil {
            v.add("\(foreign)\(suffix)", "not_allowed", "An \(kind.what) names a \(prefix), not a \(foreign).")
        }
        v.text(number, "number", required: false, maxLength: 64)
        v.currency(currency, "currency", required: true)
        v.calendarDate(issueDate, "issueDate")
        v.calendarDate(dueDate, "dueDate")
        if let issueDate, let dueDate, CalendarDate.isValid(issueDate), CalendarDate.isValid(dueDate), dueDate < issueDate {
            v.add("dueDate", "before_issue", "dueDate cannot be before issueDate.")
        }
        v.oneOf(status, "status", DocumentStatus.initial)
        LineInput.validate(lines, &v, required: true)
        v.text(notes, "notes", required: false, maxLength: 5000)
        DocumentSource.validate(source: source, ref: sourceRef, machine: machine, into: &v)
    }
}

/// Where a document came from: `manual` for people, a service's name (`venue_deposit`) for machines,
/// with that service's id as `sourceRef`, the idempotency key of the create.
enum DocumentSource {
    static let manual = "manual"

    static func validate(source: String?, ref: String?, machine: Bool, into v: inout Validator) {
        if let source {
            let bytes = Array(source.utf8)
            let shaped = (1...40).contains(bytes.count) && (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(bytes[0])
                && bytes.allSatisfy { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: "_") }
            if !shaped {
                v.add("source", "invalid_format", "Lower-case letters, digits and _, starting with a letter (at most 40).")
            } else if !machine && source != manual {
                v.add("source", "reserved", "Only services name a source other than manual.")
            }
        }
        v.text(ref, "sourceRef", required: false, maxLength: 100)
    }
}

/// `PATCH /api/income/{id}`, `PATCH /api/bills/{id}`: absent keys stay, `null` clears an optional field.
/// Lines, currency, counterparty and issue date change only while the document is a draft.
struct DocumentPatch: Decodable, Sendable {
    var number: Patch<String> = .absent
    var customerName: Patch<String> = .absent
    var customerRef: Patch<String> = .absent
    var customerEmail: Patch<String> = .absent
    var supplierName: Patch<String> = .absent
    var supplierRef: Patch<String> = .absent
    var supplierEmail: Patch<String> = .absent
    var currency: Patch<String> = .absent
    var issueDate: Patch<String> = .absent
    var dueDate: Patch<String> = .absent
    var status: Patch<String> = .absent
    var lines: Patch<[LineInput]> = .absent
    var notes: Patch<String> = .absent
    var accountId: Patch<UUID> = .absent

    func party(_ kind: DocumentKind) -> (name: Patch<String>, ref: Patch<String>, email: Patch<String>) {
        kind == .income ? (customerName, customerRef, customerEmail) : (supplierName, supplierRef, supplierEmail)
    }

    func validate(_ v: inout Validator, kind: DocumentKind) {
        let party = party(kind)
        let prefix = kind.party
        for (field, clears) in [("\(prefix)Name", party.name.clears), ("currency", currency.clears), ("status", status.clears),
                                ("lines", lines.clears)] where clears {
            v.add(field, "not_nullable", "\(field) cannot be null.")
        }
        v.text(party.name.value, "\(prefix)Name", required: false, maxLength: 200)
        v.text(party.ref.value, "\(prefix)Ref", required: false, maxLength: 100)
        v.email(party.email.value, "\(prefix)Email", required: false)
        let foreign = kind.other.party
        let other = kind == .income ? (supplierName, supplierRef, supplierEmail) : (customerName, customerRef, customerEmail)
        for (suffix, value) in [("Name", other.0), ("Ref", other.1), ("Email", other.2)] where !value.isAbsent {
            v.add("\(foreign)\(suffix)", "not_allowed", "An \(kind.what) names a \(prefix), not a \(foreign).")
        }
        v.text(number.value, "number", required: false, maxLength: 64)
        v.currency(currency.value, "currency")
        v.calendarDate(issueDate.value, "issueDate")
        v.calendarDate(dueDate.value, "dueDate")
        v.oneOf(status.value, "status", DocumentStatus.settable)
        LineInput.validate(lines.value, &v, required: false)
        v.text(notes.value, "notes", required: false, maxLength: 5000)
    }

    /// Fields that only a draft may change.
    func draftOnlyFields(_ kind: DocumentKind) -> [String] {
        let party = party(kind)
        return [("\(kind.party)Name", party.name.isAbsent), ("\(kind.party)Ref", party.ref.isAbsent),
                ("\(kind.party)Email", party.email.isAbsent), ("currency", currency.isAbsent), ("issueDate", issueDate.isAbsent),
                ("lines", lines.isAbsent)].filter { !$0.1 }.map(\.0)
    }
}

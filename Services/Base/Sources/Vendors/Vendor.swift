import Foundation
import Hummingbird
import KisumKernel

/// A supplier the company works with (sound, lights, catering, security …), its own record: the company edits it
/// freely, also when it was linked from the system catalog (`systemVendorId` then names the entry it came from).
public struct Vendor: ResponseEncodable, Sendable, Equatable {
    public var id: UUID
    public var name: String
    public var category: String?
    public var email: String?
    public var phone: String?
    public var website: String?
    public var notes: String?
    /// The catalog entry this vendor was linked from; null for the company's own vendors and after staff removed
    /// the entry from the catalog.
    public var systemVendorId: UUID?
    public var contactCount: Int
    public var eventCount: Int
    public var createdBy: UUID
    public var createdAt: Date
    public var updatedAt: Date
}

/// `POST /api/vendors` and `PUT /api/vendors/{id}` (a full replace: a nullable field left out is cleared). The link
/// to the catalog is not a body field: it is made by `POST /api/vendors-system/{id}/link` and kept by PUT.
struct VendorInput: ValidatableBody, Sendable {
    var name: String?
    var category: String?
    var email: String?
    var phone: String?
    var website: String?
    var notes: String?

    func validate(_ v: inout Validator) {
        v.text(name, "name", maxLength: 200)
        v.text(category, "category", required: false, maxLength: 100)
        ContactRules.validate(email: email, phone: phone, website: website, into: &v)
        v.text(notes, "notes", required: false, maxLength: 5000)
    }

    var trimmedName: String { VendorText.trimmed(name) ?? "" }
    var trimmedCategory: String? { VendorText.trimmed(category) }
}

enum VendorText {
    /// Outer white space removed; nil stays nil. The validators refused blank text before this runs.
    static func trimmed(_ text: String?) -> String? {
        text.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
    }
}

struct VendorFilter: Sendable {
    var q: String?
    /// The category, any case, as a whole.
    var category: String?
    /// true: vendors linked from the catalog; false: the company's own.
    var linked: Bool?
}

enum VendorSort: String, CaseIterable {
    case name, nameDescending = "-name", createdAt, createdAtDescending = "-createdAt"

    /// Every order ends with the id, so pages never repeat or skip rows that tie.
    var orderBy: String {
        switch self {
        case .name: return "ORDER BY lower(v.name), v.id"
        case .nameDescending: return "ORDER BY lower(v.name) DESC, v.id"
        case .createdAt: return "ORDER BY v.created_at, v.id"
        case .createdAtDescending: return "ORDER BY v.created_at DESC, v.id"
        }
    }
}

/// The company's person at a vendor (account manager, production contact …).
public struct VendorContact: ResponseEncodable, Sendable, Equatable {
    public var id: UUID
    public var vendorId: UUID
    public var name: String
    public var role: String?
    public var email: String?
    public var phone: String?
    public var notes: String?
    /// At most one primary contact per vendor.
    public var isPrimary: Bool
    public var createdBy: UUID
    public var createdAt: Date
    public var updatedAt: Date
}

/// `POST /api/vendors/{id}/contacts` and `PUT …/contacts/{contactId}` (a full replace: left out = cleared).
struct VendorContactInput: ValidatableBody, Sendable {
    var name: String?
    var role: String?
    var email: String?
    var phone: String?
    var notes: String?
    var isPrimary: Bool?

    func validate(_ v: inout Validator) {
        v.text(name, "name", maxLength: 200)
        v.text(role, "role", required: false, maxLength: 100)
        ContactRules.validate(email: email, phone: phone, website: nil, into: &v)
        v.text(notes, "notes", required: false, maxLength: 2000)
    }

    var trimmedName: String { VendorText.trimmed(name) ?? "" }
}

/// An event the vendor serves: the event's headline and what the vendor does there.
public struct VendorEvent: ResponseEncodable, Sendable, Equatable {
    public var vendorId: UUID
    public var eventId: UUID
    public var eventName: String
    /// The event's day, `YYYY-MM-DD`.
    public var eventDate: String
    public var eventStatus: String
    public var venueName: String?
    public var city: String?
    /// What the vendor does at the event (PA hire, catering …).
    public var service: String?
    /// The agreed fee in minor units of `currency`; both null when no fee was recorded.
    public var feeMinor: Int64?
    public var currency: String?
    public var notes: String?
    public var createdBy: UUID
    public var createdAt: Date
}

/// `POST /api/vendors/{id}/events`: attach the vendor to one of the company's events. A fee needs its currency
/// and a currency needs a fee (422 on the missing one).
struct VendorEventInput: ValidatableBody, Sendable {
    var eventId: UUID?
    var service: String?
    var feeMinor: Int64?
    var currency: String?
    var notes: String?

    func validate(_ v: inout Validator) {
        if eventId == nil { v.add("eventId", "required", "This field is required.") }
        v.text(service, "service", required: false, maxLength: 100)
        v.minorAmount(feeMinor, "feeMinor")
        v.currency(currency, "currency")
        if feeMinor != nil, currency == nil { v.add("currency", "required", "A fee needs its currency.") }
        if feeMinor == nil, currency != nil { v.add("feeMinor", "required", "A currency needs a fee.") }
        v.text(notes, "notes", required: false, maxLength: 2000)
    }
}

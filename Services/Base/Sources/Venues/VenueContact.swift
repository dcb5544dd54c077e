import Foundation
import HTTPTypes
import Hummingbird
import KisumKernel

/// The company's person at a linked venue (booker, production manager …).
public struct VenueContact: ResponseEncodable, Sendable, Equatable {
    public var id: UUID
    public var venueId: UUID
    public var name: String
    public var role: String?
    public var email: String?
    public var phone: String?
    public var notes: String?
    /// At most one primary contact per venue and company.
    public var isPrimary: Bool
    public var createdBy: UUID
    public var createdAt: Date
    public var updatedAt: Date
}

/// `POST /api/venues/{id}/contacts` and `PUT …/contacts/{contactId}` (a full replace: left out = cleared).
struct VenueContactInput: ValidatableBody, Sendable {
    var name: String?
    var role: String?
    var email: String?
    var phone: String?
    var notes: String?
    var isPrimary: Bool?

    func validate(_ v: inout Validator) {
        v.text(name, "name", maxLength: 200)
        v.text(role, "role", required: false, maxLength: 100)
        if let email { v.email(email, "email") }
        if let phone, phone.unicodeScalars.count > 50 || phone.range(of: "^[0-9+() .\\-]{3,}$", options: .regularExpression) == nil {
            v.add("phone", "invalid_phone", "Must be a phone number of digits, spaces and + ( ) - .")
        }
        if let notes, notes.unicodeScalars.count > 2000 { v.add("notes", "too_long", "At most 2000 characters.") }
    }

    var trimmedName: String { (name ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
}

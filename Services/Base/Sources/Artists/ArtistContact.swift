import Foundation
import Hummingbird
import KisumKernel

/// Someone around an artist: manager, agent, tour manager … with how to reach them.
public struct ArtistContact: ResponseEncodable, Sendable, Equatable {
    public var id: UUID
    public var artistId: UUID
    public var name: String
    public var role: String
    public var email: String?
    public var phone: String?
    /// The contact's own company (a management firm, a label …), as text.
    public var company: String?
    public var notes: String?
    /// At most one contact of an artist is primary.
    public var isPrimary: Bool
    public var createdAt: Date
    public var updatedAt: Date
}

enum ContactRole {
    static let all = ["manager", "agent", "tour_manager", "publicist", "promoter", "label", "lawyer", "accountant", "other"]
}

/// `POST /api/artists/{id}/contacts` and `PUT …/contacts/{contactId}`. The PUT replaces the contact: a field
/// left out or null is cleared, `role` falls back to other and `isPrimary` to false.
struct ContactInput: ValidatableBody, Sendable {
    var name: String?
    var role: String?
    var email: String?
    var phone: String?
    var company: String?
    var notes: String?
    var isPrimary: Bool?

    func validate(_ v: inout Validator) {
        v.text(name, "name", maxLength: 200)
        v.oneOf(role, "role", ContactRole.all)
        if let email { v.email(email, "email") }
        ArtistRules.phone(phone, "phone", into: &v)
        v.text(company, "company", required: false, maxLength: 200)
        if let notes, notes.unicodeScalars.count > 5000 { v.add("notes", "too_long", "At most 5000 characters.") }
    }
}

import Foundation
import Hummingbird
import KisumKernel

/// A booking agency or management company in the company's registry, with the sizes of its roster and team
/// (every list and read carries them: one statement, counted by index).
public struct Agency: ResponseEncodable, Sendable, Equatable {
    public var id: UUID
    public var name: String
    public var kind: String
    public var status: String
    public var email: String?
    public var phone: String?
    public var website: String?
    public var countryId: UUID?
    public var city: String?
    public var address: String?
    public var notes: String?
    /// Every roster entry the agency holds, past and future included: the entries that keep it from being deleted.
    public var rosterCount: Int
    public var teamCount: Int
    public var createdAt: Date
    public var updatedAt: Date
}

public enum AgencyKind {
    public static let all = ["booking", "management", "both", "other"]
}

/// The lifecycle states agencies, artists and companies share (0002's check constraints).
public enum PartyStatus {
    public static let all = ["active", "inactive", "archived"]
}

/// `POST /api/agencies` (name required; kind and status take their defaults) and `PUT /api/agencies/{id}`
/// (a full replacement: name, kind and status required, a nullable field left out is cleared).
struct AgencyInput: Decodable, Sendable {
    var name: String?
    var kind: String?
    var status: String?
    var email: String?
    var phone: String?
    var website: String?
    var countryId: UUID?
    var city: String?
    var address: String?
    var notes: String?

    func validate(_ v: inout Validator, replacing: Bool) {
        v.text(name, "name", maxLength: 200)
        v.oneOf(kind, "kind", AgencyKind.all, required: replacing)
        v.oneOf(status, "status", PartyStatus.all, required: replacing)
        ContactRules.validate(email: email, phone: phone, website: website, into: &v)
        v.text(city, "city", required: false, maxLength: 100)
        v.text(address, "address", required: false, maxLength: 500)
        v.text(notes, "notes", required: false, maxLength: 5000)
    }
}

/// E-mail, phone and website as agencies and their team members carry them.
enum ContactRules {
    static func validate(email: String?, phone: String?, website: String?, into v: inout Validator) {
        if let email { v.email(email, "email") }
        if let phone, phone.unicodeScalars.count > 50
            || phone.range(of: "^[0-9+() .\\-]{3,}$", options: .regularExpression) == nil {
            v.add("phone", "invalid_phone", "Must be a phone number of digits, spaces and + ( ) - .")
        }
        if let website {
            let url = URL(string: website)
            if website.unicodeScalars.count > 500 || url?.host == nil || !["http", "https"].contains(url?.scheme?.lowercased() ?? "") {
                v.add("website", "invalid_url", "Must be an http(s) URL.")
            }
        }
    }
}

enum AgencySort: String, CaseIterable {
    case name, nameDescending = "-name", createdAt, createdAtDescending = "-createdAt"

    /// Every order ends with the id, so pages never repeat or skip rows that tie.
    var orderBy: String {
        switch self {
        case .name: return "ORDER BY lower(a.name), a.id"
        case .nameDescending: return "ORDER BY lower(a.name) DESC, a.id"
        case .createdAt: return "ORDER BY a.created_at, a.id"
        case .createdAtDescending: return "ORDER BY a.created_at DESC, a.id"
        }
    }
}

struct AgencyFilter: Sendable {
    var q: String?
    var kind: String?
    var status: String?
    var countryID: UUID?
    var city: String?
}

import Foundation
import Hummingbird
import KisumKernel

/// Business metadata of an organisation the company deals with (a promoter, a label, a sponsor …), or,
/// with `isCurrent`, the company's own business profile. Never membership or access: that is Platform Core's.
public struct Company: ResponseEncodable, Sendable, Equatable {
    public var id: UUID
    public var name: String
    public var kind: String
    public var status: String
    /// The tenant's own business profile (`/api/companies/current`); at most one per company.
    public var isCurrent: Bool
    public var legalName: String?
    public var registrationNumber: String?
    public var taxId: String?
    public var email: String?
    public var phone: String?
    public var website: String?
    public var countryId: UUID?
    /// The country's ISO alpha-2 code, so lists need no second call to show a flag.
    public var countryCode: String?
    public var city: String?
    public var address: String?
    public var postalCode: String?
    public var currency: String?
    public var notes: String?
    /// `/api/companies/{id}/logo` once a logo was uploaded (a path of this API: it takes the same token and x-org).
    public var logoUrl: String?
    public var createdAt: Date
    public var updatedAt: Date
}

enum CompanyRules {
    static let kinds = ["promoter", "venue_operator", "label", "publisher", "sponsor", "supplier", "agency", "management", "festival", "other"]
    static let statuses = ["active", "inactive", "archived"]
    /// `sort` values; a leading `-` sorts descending.
    static let sorts = ["name", "-name", "createdAt", "-createdAt", "updatedAt", "-updatedAt"]

    static func logoPath(_ id: UUID) -> String { "/api/companies/\(id.uuidString.lowercased())/logo" }

    /// The entity tags of an RFC 9110 `If-None-Match` header, unquoted (weak ones too: the comparison is weak
    /// for GET), at most 16 of them; `any` for `*`.
    static func entityTags(_ header: String?) -> (any: Bool, tags: [String]) {
        guard let header else { return (false, []) }
        var tags: [String] = []
        for candidate in header.split(separator: ",").prefix(16) {
            var tag = candidate.trimmingCharacters(in: .whitespaces)
            if tag == "*" { return (true, []) }
            if tag.hasPrefix("W/") { tag.removeFirst(2) }
            if tag.count >= 2, tag.hasPrefix("\""), tag.hasSuffix("\"") { tags.append(String(tag.dropFirst().dropLast())) }
        }
        return (false, tags)
    }
}

/// The body of `POST /api/companies`, `PUT /api/companies/{id}` and `PUT /api/companies/current`: the whole
/// record (a PUT replaces every field; one left out is cleared or takes its default).
struct CompanyInput: ValidatableBody, Sendable {
    var name: String?
    var kind: String?
    var status: String?
    var legalName: String?
    var registrationNumber: String?
    var taxId: String?
    var email: String?
    var phone: String?
    var website: String?
    var countryId: UUID?
    var city: String?
    var address: String?
    var postalCode: String?
    var currency: String?
    var notes: String?

    func validate(_ v: inout Validator) {
        v.text(name, "name", maxLength: 200)
        v.oneOf(kind, "kind", CompanyRules.kinds)
        v.oneOf(status, "status", CompanyRules.statuses)
        v.text(legalName, "legalName", required: false, maxLength: 200)
        v.text(registrationNumber, "registrationNumber", required: false, maxLength: 100)
        v.text(taxId, "taxId", required: false, maxLength: 100)
        if let email { v.email(email, "email") }
        if let phone, phone.unicodeScalars.count > 50 || !phone.fullyMatches("^[0-9+() .\\-]{3,}$") {
            v.add("phone", "invalid_phone", "Must be a phone number of digits, spaces and + ( ) - .")
        }
        if let website, !Self.isWebURL(website) { v.add("website", "invalid_url", "Must be an http(s) URL.") }
        v.text(city, "city", required: false, maxLength: 100)
        v.text(address, "address", required: false, maxLength: 500)
        v.text(postalCode, "postalCode", required: false, maxLength: 20)
        v.currency(currency, "currency")
        v.text(notes, "notes", required: false, maxLength: 5000)
    }

    static func isWebURL(_ text: String) -> Bool {
        guard text.unicodeScalars.count <= 500, let url = URL(string: text), url.host?.isEmpty == false else { return false }
        return ["http", "https"].contains(url.scheme?.lowercased() ?? "")
    }
}

struct CompanyFilter: Sendable {
    var q: String?
    var kind: String?
    var status: String?
    var countryID: UUID?
    var city: String?
    var sort: String = "name"

    /// The ORDER BY of a `sort` value (from `CompanyRules.sorts` only: never request text).
    var orderBy: String {
        switch sort {
        case "-name": return "ORDER BY lower(c.name) DESC, c.id DESC"
        case "createdAt": return "ORDER BY c.created_at, c.id"
        case "-createdAt": return "ORDER BY c.created_at DESC, c.id DESC"
        case "updatedAt": return "ORDER BY c.updated_at, c.id"
        case "-updatedAt": return "ORDER BY c.updated_at DESC, c.id DESC"
        default: return "ORDER BY lower(c.name), c.id"
        }
    }
}

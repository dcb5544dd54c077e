import Foundation
import Hummingbird
import KisumKernel

/// A venue as the API returns it (tenant, internal and Admin routes share the shape).
public struct Venue: Codable, Sendable, ResponseEncodable {
    public var id: UUID
    public var companyId: UUID
    /// Numeric identity kept from the legacy system (Admin's stable id); native venues get one too.
    public var venueId: Int
    public var sourceMongoObjectId: String?
    public var uniqueId: String?
    public var name: String
    public var description: String?
    public var status: String
    public var claimable: Bool
    public var venueTypeId: Int?
    public var venueTypeName: String?
    public var country: String?
    /// May be null: nothing assumes a venue has a city.
    public var city: String?
    public var countryIso2: String?
    public var countryId: UUID?
    public var cityId: UUID?
    public var addressLine1: String?
    public var addressLine2: String?
    public var postalCode: String?
    public var region: String?
    public var latitude: Double?
    public var longitude: Double?
    public var timezone: String?
    public var capacity: Int?
    public var contactName: String?
    public var contactEmail: String?
    public var contactPhone: String?
    public var website: String?
    public var operatingHours: JSONValue
    public var restrictions: JSONValue
    public var technicalSpecs: JSONValue
    public var createdAt: Date
    public var updatedAt: Date
    public var deletedAt: Date?
}

public enum VenueStatus {
    public static let all = ["active", "inactive", "sleeping", "archived"]
    /// What a tenant may set; sleeping/archived belong to import, takeover and deletion.
    public static let tenantSettable = ["active", "inactive"]
}

/// Who is writing: tenants edit their own venue's master data, Admin may also set ownership-adjacent
/// fields (`companyId` on create, `status`, `claimable`, `uniqueId`).
enum VenueWriter {
    case tenant, admin
}

/// Field rules shared by create and patch.
enum VenueRules {
    static func common(
        description: String?, country: String?, city: String?, countryIso2: String?,
        addressLine1: String?, addressLine2: String?, postalCode: String?, region: String?,
        latitude: Double?, longitude: Double?, timezone: String?, capacity: Int?,
        contactName: String?, contactEmail: String?, contactPhone: String?, website: String?,
        venueTypeId: Int?, into v: inout Validator
    ) {
        v.text(description, "description", required: false, maxLength: 5000)
        v.text(country, "country", required: false, maxLength: 100)
        v.text(city, "city", required: false, maxLength: 100)
        if let countryIso2, countryIso2.range(of: "^[A-Z]{2}$", options: .regularExpression) == nil {
            v.add("countryIso2", "invalid_format", "Must be an ISO 3166-1 alpha-2 code in upper case, e.g. NL.")
        }
        v.text(addressLine1, "addressLine1", required: false, maxLength: 200)
        v.text(addressLine2, "addressLine2", required: false, maxLength: 200)
        v.text(postalCode, "postalCode", required: false, maxLength: 20)
        v.text(region, "region", required: false, maxLength: 100)
        v.range(latitude, "latitude", -90.0...90.0)
        v.range(longitude, "longitude", -180.0...180.0)
        if let timezone, TimeZone(identifier: timezone) == nil {
            v.add("timezone", "invalid_timezone", "Must be an IANA time zone such as Europe/Amsterdam.")
        }
        v.range(capacity, "capacity", 0...1_000_000)
        v.text(contactName, "contactName", required: false, maxLength: 200)
        if let contactEmail { v.email(contactEmail, "contactEmail") }
        if let contactPhone, contactPhone.unicodeScalars.count > 50
            || contactPhone.range(of: "^[0-9+() .\\-]{3,}$", options: .regularExpression) == nil {
            v.add("contactPhone", "invalid_phone", "Must be a phone number of digits, spaces and + ( ) - .")
        }
        if let website {
            let url = URL(string: website)
            if website.unicodeScalars.count > 500 || url?.host == nil || !["http", "https"].contains(url?.scheme?.lowercased() ?? "") {
                v.add("website", "invalid_url", "Must be an http(s) URL.")
            }
        }
        v.range(venueTypeId, "venueTypeId", 1...Int(Int32.max))
    }

    static func adminOnly(_ present: Bool, _ field: String, into v: inout Validator) {
        if present { v.add(field, "not_allowed", "\(field) is managed by Kisum Admin and cannot be set here.") }
    }
}

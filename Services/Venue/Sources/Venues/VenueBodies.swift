import Foundation
import Hummingbird
import KisumKernel

/// `POST /api/v1/venues` and `POST /internal/admin/venues`.
struct CreateVenue: Decodable, Sendable {
    var name: String?
    var description: String?
    var status: String?
    var venueTypeId: Int?
    var country: String?
    var city: String?
    var countryIso2: String?
    var countryId: UUID?
    var cityId: UUID?
    var addressLine1: String?
    var addressLine2: String?
    var postalCode: String?
    var region: String?
    var latitude: Double?
    var longitude: Double?
    var timezone: String?
    var capacity: Int?
    var contactName: String?
    var contactEmail: String?
    var contactPhone: String?
    var website: String?
    var operatingHours: JSONValue?
    var restrictions: JSONValue?
    var technicalSpecs: JSONValue?
    // Admin only.
    var companyId: UUID?
    var claimable: Bool?
    var uniqueId: String?

    func validate(_ v: inout Validator, writer: VenueWriter) {
        v.text(name, "name", maxLength: 200)
        VenueRules.common(description: description, country: country, city: city, countryIso2: countryIso2,
                          addressLine1: addressLine1, addressLine2: addressLine2, postalCode: postalCode, region: region,
                          latitude: latitude, longitude: longitude, timezone: timezone, capacity: capacity,
                          contactName: contactName, contactEmail: contactEmail, contactPhone: contactPhone, website: website,
                          venueTypeId: venueTypeId, into: &v)
        OperatingMetadata.validateOperatingHours(operatingHours, field: "operatingHours", into: &v)
        OperatingMetadata.validateRestrictions(restrictions, field: "restrictions", into: &v)
        OperatingMetadata.validateTechnicalSpecs(technicalSpecs, field: "technicalSpecs", into: &v)
        switch writer {
        case .tenant:
            v.oneOf(status, "status", VenueStatus.tenantSettable)
            VenueRules.adminOnly(companyId != nil, "companyId", into: &v)
            VenueRules.adminOnly(claimable != nil, "claimable", into: &v)
            VenueRules.adminOnly(uniqueId != nil, "uniqueId", into: &v)
        case .admin:
            v.oneOf(status, "status", ["active", "inactive", "sleeping"])
            v.text(uniqueId, "uniqueId", required: false, maxLength: 100)
            // Which statuses (and so claimability) are allowed depends on the company: `VenueLifecycle.create`.
        }
    }
}

/// `PATCH /api/v1/venues/{id}` and `PATCH /internal/admin/venues/{venueId}`: absent keys stay,
/// `null` clears a nullable field.
struct VenuePatch: Decodable, Sendable {
    var name: Patch<String> = .absent
    var description: Patch<String> = .absent
    var status: Patch<String> = .absent
    var venueTypeId: Patch<Int> = .absent
    var country: Patch<String> = .absent
    var city: Patch<String> = .absent
    var countryIso2: Patch<String> = .absent
    var countryId: Patch<UUID> = .absent
    var cityId: Patch<UUID> = .absent
    var addressLine1: Patch<String> = .absent
    var addressLine2: Patch<String> = .absent
    var postalCode: Patch<String> = .absent
    var region: Patch<String> = .absent
    var latitude: Patch<Double> = .absent
    var longitude: Patch<Double> = .absent
    var timezone: Patch<String> = .absent
    var capacity: Patch<Int> = .absent
    var contactName: Patch<String> = .absent
    var contactEmail: Patch<String> = .absent
    var contactPhone: Patch<String> = .absent
    var website: Patch<String> = .absent
    var operatingHours: Patch<JSONValue> = .absent
    var restrictions: Patch<JSONValue> = .absent
    var technicalSpecs: Patch<JSONValue> = .absent
    // Admin only.
    var claimable: Patch<Bool> = .absent
    var uniqueId: Patch<String> = .absent

    func validate(_ v: inout Validator, writer: VenueWriter) {
        for (field, clears) in [("name", name.clears), ("status", status.clears), ("claimable", claimable.clears)] where clears {
            v.add(field, "not_nullable", "\(field) cannot be null.")
        }
        if let name = name.value { v.text(name, "name", maxLength: 200) }
        VenueRules.common(description: description.value, country: country.value, city: city.value, countryIso2: countryIso2.value,
                          addressLine1: addressLine1.value, addressLine2: addressLine2.value, postalCode: postalCode.value,
                          region: region.value, latitude: latitude.value, longitude: longitude.value, timezone: timezone.value,
                          capacity: capacity.value, contactName: contactName.value, contactEmail: contactEmail.value,
                          contactPhone: contactPhone.value, website: website.value, venueTypeId: venueTypeId.value, into: &v)
        OperatingMetadata.validateOperatingHours(operatingHours.value, field: "operatingHours", into: &v)
        OperatingMetadata.validateRestrictions(restrictions.value, field: "restrictions", into: &v)
        OperatingMetadata.validateTechnicalSpecs(technicalSpecs.value, field: "technicalSpecs", into: &v)
        switch writer {
        case .tenant:
            v.oneOf(status.value, "status", VenueStatus.tenantSettable)
            VenueRules.adminOnly(!claimable.isAbsent, "claimable", into: &v)
            VenueRules.adminOnly(!uniqueId.isAbsent, "uniqueId", into: &v)
        case .admin:
            v.oneOf(status.value, "status", ["active", "inactive", "sleeping"])
            v.text(uniqueId.value, "uniqueId", required: false, maxLength: 100)
        }
    }

    /// A JSON metadata field set to null is stored as `{}` (the columns are never null).
    var operatingHoursValue: JSONValue? { operatingHours.clears ? .object([:]) : operatingHours.value }
    var restrictionsValue: JSONValue? { restrictions.clears ? .object([:]) : restrictions.value }
    var technicalSpecsValue: JSONValue? { technicalSpecs.clears ? .object([:]) : technicalSpecs.value }
}

/// List filters shared by the tenant, internal and Admin venue lists.
struct VenueFilter: Sendable {
    var q: String?
    var status: String?
    var city: String?
    /// Only these companies (tenant: always the caller's company).
    var companyID: UUID?
    /// Admin's managed list leaves sleeping venues out; the sleeping list asks for them only.
    var excludeStatus: String?
    var claimable: Bool?
}

import Foundation
import Hummingbird
import KisumKernel

/// An entry of the system-wide vendor catalog: global (no company owns it), read by every company with Base,
/// edited by platform staff only. `linkedVendorId` is the caller's company's vendor made from it, if any.
public struct SystemVendor: ResponseEncodable, Sendable, Equatable {
    public var id: UUID
    public var name: String
    public var categoryId: UUID?
    public var categoryName: String?
    public var email: String?
    public var phone: String?
    public var website: String?
    public var city: String?
    public var countryId: UUID?
    public var description: String?
    /// What the vendor offers, by name.
    public var services: [SystemVendorServiceName]
    /// The calling company's vendor linked from this entry (`POST /api/vendors-system/{id}/link`), or null.
    public var linkedVendorId: UUID?
    public var createdAt: Date
    public var updatedAt: Date
}

public struct SystemVendorServiceName: Codable, Sendable, Equatable {
    public var id: UUID
    public var name: String
}

/// `POST /api/vendors-system` and `PUT /api/vendors-system/{id}` (a full replace: a nullable field left out is
/// cleared; the services are edited on their own routes).
struct SystemVendorInput: ValidatableBody, Sendable {
    var name: String?
    var categoryId: UUID?
    var email: String?
    var phone: String?
    var website: String?
    var city: String?
    var countryId: UUID?
    var description: String?

    func validate(_ v: inout Validator) {
        v.text(name, "name", maxLength: 200)
        ContactRules.validate(email: email, phone: phone, website: website, into: &v)
        v.text(city, "city", required: false, maxLength: 100)
        v.text(description, "description", required: false, maxLength: 5000)
    }

    var trimmedName: String { VendorText.trimmed(name) ?? "" }
    var trimmedCity: String? { VendorText.trimmed(city) }
}

struct SystemVendorFilter: Sendable {
    var q: String?
    var categoryID: UUID?
}

/// A catalog category (Sound, Lighting, Catering …); names are unique in any case.
public struct VendorCategory: ResponseEncodable, Sendable, Equatable {
    public var id: UUID
    public var name: String
    public var description: String?
    /// Catalog vendors in the category: a category with any is not deleted.
    public var vendorCount: Int
    public var createdAt: Date
    public var updatedAt: Date
}

/// `POST /api/vendors-system/categories` and `PUT …/categories/{id}` (full replace).
struct VendorCategoryInput: ValidatableBody, Sendable {
    var name: String?
    var description: String?

    func validate(_ v: inout Validator) {
        v.text(name, "name", maxLength: 100)
        v.text(description, "description", required: false, maxLength: 1000)
    }

    var trimmedName: String { VendorText.trimmed(name) ?? "" }
}

/// A service a catalog vendor offers (PA hire, backline, stage build …).
public struct SystemVendorService: ResponseEncodable, Sendable, Equatable {
    public var id: UUID
    public var systemVendorId: UUID
    public var name: String
    public var description: String?
    public var createdAt: Date
}

/// `POST /api/vendors-system/{id}/services`; names are unique per vendor in any case.
struct SystemVendorServiceInput: ValidatableBody, Sendable {
    var name: String?
    var description: String?

    func validate(_ v: inout Validator) {
        v.text(name, "name", maxLength: 100)
        v.text(description, "description", required: false, maxLength: 1000)
    }

    var trimmedName: String { VendorText.trimmed(name) ?? "" }
}

/// What an import wrote.
public struct SystemVendorImportResult: ResponseEncodable, Sendable, Equatable {
    /// Data rows in the file.
    public var rows: Int
    /// Catalog vendors created (every row: the import is all or nothing).
    public var imported: Int
    /// Services created with them.
    public var services: Int
}

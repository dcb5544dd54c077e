import Foundation
import Hummingbird
import KisumKernel

/// The body of `POST /api/countries` and `PUT /api/countries/{id}` (platform staff only). A country's id
/// derives from its alpha-2 code (`md5('kisum-country-' || iso2)`, as migration 0001 made them), so the code
/// is fixed once the country exists: PUT may repeat it, not change it.
struct CountryInput: Decodable, Sendable {
    var iso2: String?
    var iso3: String?
    var isoNumeric: String?
    var name: String?
    var officialName: String?
    var currency: String?
    var regionId: UUID?

    func validate(_ v: inout Validator, creating: Bool) {
        if let iso2 {
            if !Self.matches(iso2, "^[A-Z]{2}$") { v.add("iso2", "invalid_format", "Two upper-case letters (ISO 3166-1 alpha-2).") }
        } else if creating {
            v.add("iso2", "required", "This field is required.")
        }
        if let iso3 {
            if !Self.matches(iso3, "^[A-Z]{3}$") { v.add("iso3", "invalid_format", "Three upper-case letters (ISO 3166-1 alpha-3).") }
        } else {
            v.add("iso3", "required", "This field is required.")
        }
        if let isoNumeric {
            if !Self.matches(isoNumeric, "^[0-9]{3}$") { v.add("isoNumeric", "invalid_format", "Three digits (ISO 3166-1 numeric).") }
        } else {
            v.add("isoNumeric", "required", "This field is required.")
        }
        v.text(name, "name", maxLength: 100)
        v.text(officialName, "officialName", required: false, maxLength: 200)
        v.currency(currency, "currency")
        if regionId == nil { v.add("regionId", "required", "This field is required.") }
    }

    static func matches(_ text: String, _ pattern: String) -> Bool {
        text.utf8.count <= 3 && text.fullyMatches(pattern)
    }
}

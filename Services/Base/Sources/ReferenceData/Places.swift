import Foundation
import Hummingbird
import KisumKernel

/// An ISO 3166-2 subdivision of a country ("state": a state, province, region, county … whatever level ISO
/// lists; `parentId` links a lower level to the one above it). Shipped by migration 0007 from pycountry.
public struct CountryState: ResponseEncodable, Sendable, Equatable {
    public var id: UUID
    public var countryId: UUID
    /// `US-CA`, `GB-ENG`, `FR-75C`.
    public var code: String
    public var name: String
    /// ISO's word for the level (`State`, `Province`, `Canton` …).
    public var type: String
    public var parentId: UUID?
}

/// A city of a country (GeoNames, population >= 15,000, plus the capitals GeoNames lists with fewer).
public struct City: ResponseEncodable, Sendable, Equatable {
    public var id: UUID
    public var geonameId: Int
    public var countryId: UUID
    /// Set where the source's first-level division is an ISO 3166-2 code (see migration 0007); else null.
    public var stateId: UUID?
    public var name: String
    /// The name without diacritics (`Zurich` for `Zürich`).
    public var asciiName: String
    public var population: Int
    public var latitude: Double
    public var longitude: Double
    /// IANA time zone of the city.
    public var timezone: String
}

enum CitySort: String, CaseIterable {
    case population, name
}

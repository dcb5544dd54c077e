import Foundation
import Hummingbird
import KisumKernel

/// An ISO 3166-1 country, with the ISO 4217 currency in use there (nil where there is none, Antarctica).
public struct Country: ResponseEncodable, Sendable, Equatable {
    public var id: UUID
    public var name: String
    public var officialName: String?
    public var iso2: String
    public var iso3: String
    public var isoNumeric: String
    public var currency: String?
    public var regionId: UUID
    public var regionCode: String
}

/// A continent, the grouping countries are listed and filtered by.
public struct Region: ResponseEncodable, Sendable, Equatable {
    public var id: UUID
    public var code: String
    public var name: String
    public var countryCount: Int
}

/// One genre of the taxonomy: top-level genres have no parent.
public struct Genre: ResponseEncodable, Sendable, Equatable {
    public var id: UUID
    public var slug: String
    public var name: String
    public var parentId: UUID?
    public var position: Int
}

struct CountryFilter: Sendable {
    var q: String?
    var regionID: UUID?
    var currency: String?
}

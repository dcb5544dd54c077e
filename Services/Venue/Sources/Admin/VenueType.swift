import Foundation
import Hummingbird
import KisumKernel

/// An entry of the venue type catalog (imported from the legacy `venues_type` collection).
public struct VenueType: Codable, Sendable, ResponseEncodable {
    public var venueTypeId: Int
    public var sourceMongoObjectId: String?
    public var name: String
    public var slug: String?
    public var description: String?
    public var createdAt: Date
    public var updatedAt: Date
}

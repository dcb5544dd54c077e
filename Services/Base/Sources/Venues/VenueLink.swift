import Foundation
import HTTPTypes
import Hummingbird
import KisumKernel
import KisumServiceClient

/// What a company says about a venue of Venue's inventory: the link that puts it on the company's list, with
/// Base-side notes, tags and a rating (issue 9: "Venue stays the truth; Base keeps only its own links and notes").
public struct VenueLink: Codable, Sendable, Equatable {
    public var venueId: UUID
    /// Venue's name when the link was made or last edited (the company's list sorts and searches on it).
    public var venueName: String
    public var notes: String?
    public var tags: [String]
    /// 1–5, the company's own rating.
    public var rating: Int?
    public var createdBy: UUID
    public var createdAt: Date
    public var updatedAt: Date
}

/// A linked venue with Venue's current data (`venue` null when Venue no longer has it, or — on a PUT only —
/// when Venue could not be asked).
public struct LinkedVenue: ResponseEncodable, Sendable {
    public var link: VenueLink
    public var venue: VenueRecord?
}

/// `GET /api/venues/{id}`: Venue's venue and the company's link to it, if any.
public struct VenueDetail: ResponseEncodable, Sendable {
    public var venue: VenueRecord
    public var link: VenueLink?
}

/// A search or nearby hit: Venue's venue, whether the company has linked it, and (nearby) how far it is.
public struct VenueHit: ResponseEncodable, Sendable {
    public var venue: VenueRecord
    public var linked: Bool
    public var distanceKm: Double?
}

enum VenueLinkRules {
    /// Trimmed and cut to at most `count` code points (what the database's length checks count).
    static func clip(_ text: String, _ count: Int) -> String {
        String(String.UnicodeScalarView(text.trimmingCharacters(in: .whitespacesAndNewlines).unicodeScalars.prefix(count)))
    }

    static func fields(notes: String?, tags: [String]?, rating: Int?, into v: inout Validator) {
        if let notes, notes.unicodeScalars.count > 5000 { v.add("notes", "too_long", "At most 5000 characters.") }
        if let tags {
            if tags.count > 20 { v.add("tags", "too_many", "At most 20 tags.") }
            if tags.contains(where: { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty || $0.unicodeScalars.count > 50 }) {
                v.add("tags", "invalid_tag", "Each tag is 1 to 50 characters.")
            }
        }
        v.range(rating, "rating", 1...5)
    }

    /// Trimmed, case-insensitively unique, in the order given.
    static func normalized(_ tags: [String]?) -> [String] {
        var seen = Set<String>()
        return (tags ?? []).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { seen.insert($0.lowercased()).inserted }
    }
}

/// `POST /api/venues`: link a Venue venue into the company's list.
struct CreateVenueLink: ValidatableBody, Sendable {
    var venueId: UUID?
    var notes: String?
    var tags: [String]?
    var rating: Int?

    func validate(_ v: inout Validator) {
        if venueId == nil { v.add("venueId", "required", "This field is required.") }
        VenueLinkRules.fields(notes: notes, tags: tags, rating: rating, into: &v)
    }
}

/// `PUT /api/venues/{id}`: replaces the company's notes, tags and rating (left out = cleared). Venue's record is
/// never written from Base.
struct ReplaceVenueLink: ValidatableBody, Sendable {
    var notes: String?
    var tags: [String]?
    var rating: Int?

    func validate(_ v: inout Validator) {
        VenueLinkRules.fields(notes: notes, tags: tags, rating: rating, into: &v)
    }
}

/// Filters and order of the company's list.
struct VenueLinkFilter: Sendable {
    var q: String?
    var tag: String?
    var minRating: Int?
    /// `name`, `created` (newest first, the default) or `rating` (best first).
    var sort: String = "created"

    static let sorts = ["name", "created", "rating"]
}

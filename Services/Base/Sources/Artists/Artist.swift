import Foundation
import Hummingbird
import KisumKernel

/// An artist of the company's registry (a person-level party other services reference by id).
public struct Artist: ResponseEncodable, Sendable, Equatable {
    public var id: UUID
    public var name: String
    public var kind: String
    public var status: String
    public var email: String?
    public var phone: String?
    public var website: String?
    public var imageUrl: String?
    public var countryId: UUID?
    public var city: String?
    /// What the artist plays, by genre name.
    public var genres: [ArtistGenre]
    /// Bumped by every `PUT`; a `PUT` names the version it read (optimistic concurrency).
    public var version: Int
    public var createdAt: Date
    public var updatedAt: Date
}

/// A genre of the taxonomy as an artist carries it.
public struct ArtistGenre: Codable, Sendable, Equatable {
    public var id: UUID
    public var slug: String
    public var name: String
}

/// The choices the `artists` table allows (its check constraints).
enum ArtistKind {
    static let all = ["solo", "band", "dj", "ensemble", "orchestra", "other"]
}

enum ArtistStatus {
    static let all = ["active", "inactive", "archived"]
}

/// `GET /api/artists/{id}/similar`: another artist of the company with the genres it shares with this one.
public struct SimilarArtist: ResponseEncodable, Sendable, Equatable {
    public var artist: Artist
    public var sharedGenreIds: [UUID]
    public var sharedGenreCount: Int
    /// Shared genres over the genres either artist has (|A ∩ B| / |A ∪ B|), rounded to 4 decimals.
    public var jaccard: Double
}

public struct SimilarArtists: ResponseEncodable, Sendable, Equatable {
    public var artistId: UUID
    public var items: [SimilarArtist]
}

/// `GET/POST /api/artists/{id}/bio`: the bio text and the bio editor's document (`resJson`).
public struct ArtistBio: ResponseEncodable, Sendable, Equatable {
    public var artistId: UUID
    public var text: String?
    public var resJson: JSONValue?
    /// When the bio was last saved (null until the first save).
    public var updatedAt: Date?
}

/// Which artists a list, search or discovery page asks for. Everything is optional; the company is not a
/// filter but the scope every statement carries.
struct ArtistFilter: Sendable {
    var q: String?
    var genreID: UUID?
    var countryID: UUID?
    var city: String?
    var agencyID: UUID?
    var status: String?
    var kind: String?
    /// Leave out artists on the company's own roster (discovery).
    var notOnRoster = false

    /// True when nothing but status and kind (and the company's own roster) narrows the list, so the total can
    /// come from `artist_counts`.
    var countsByStatusAndKind: Bool {
        q == nil && genreID == nil && countryID == nil && city == nil && agencyID == nil
    }
}

/// The orders a list can come in. Every order ends on the id, so pages never overlap or skip.
enum ArtistSort: String, Sendable {
    case relevance, name
    case nameDescending = "-name"
    case createdAt
    case createdAtDescending = "-createdAt"

    static let listChoices = ["relevance", "name", "-name", "createdAt", "-createdAt"]
    /// Discovery's names for the same orders.
    static let discoverChoices = ["recent", "name"]

    static func discover(_ choice: String?) -> ArtistSort {
        choice == "name" ? .name : .createdAtDescending
    }
}

/// How search text is matched. pg_trgm indexes names by their three-character pieces, so text holding a word
/// of three letters or digits can be looked up anywhere in a name; shorter text cannot.
enum ArtistTextMatch: Int, Sendable, Equatable {
    /// Names containing the text anywhere (`ILIKE '%text%'`, answered from the trigram GIN index), and when
    /// none does, names similar to it (word similarity, from the same index).
    case contains = 1
    /// Names starting with the text (`lower(name) LIKE 'text%'`, a range of the C-collated name index).
    case prefix = 2

    init(_ text: String) {
        var run = 0
        var longest = 0
        for character in text {
            run = character.isLetter || character.isNumber ? run + 1 : 0
            longest = max(longest, run)
        }
        self = longest >= 3 ? .contains : .prefix
    }
}

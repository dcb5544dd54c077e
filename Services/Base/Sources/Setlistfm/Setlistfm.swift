import Foundation
import Hummingbird
import KisumKernel

// Base's own shapes for what setlist.fm answers (camelCase, dates as YYYY-MM-DD / RFC 3339, absent values null),
// so a change in setlist.fm's JSON stops at the mapping in `SetlistfmUpstream.swift` instead of reaching clients.

/// An artist as setlist.fm knows it, by MusicBrainz id.
public struct SetlistfmArtist: Codable, Sendable, Equatable, ResponseEncodable {
    public var mbid: String
    public var name: String
    public var sortName: String?
    public var disambiguation: String?
    public var url: String?
}

public struct SetlistfmCity: Codable, Sendable, Equatable {
    public var id: String?
    public var name: String
    public var state: String?
    public var stateCode: String?
    /// ISO 3166-1 alpha-2, as setlist.fm sends it.
    public var countryCode: String?
    public var countryName: String?
    public var latitude: Double?
    public var longitude: Double?
}

public struct SetlistfmVenue: Codable, Sendable, Equatable, ResponseEncodable {
    public var id: String
    public var name: String
    public var city: SetlistfmCity?
    public var url: String?
}

public struct SetlistfmSong: Codable, Sendable, Equatable {
    public var name: String
    public var info: String?
    /// Played from tape, not live.
    public var tape: Bool
    /// The artist whose song it is, when a cover.
    public var coverOf: SetlistfmArtist?
    /// A guest who performed it with the artist (setlist.fm's `with`).
    public var guest: SetlistfmArtist?
}

public struct SetlistfmSet: Codable, Sendable, Equatable {
    public var name: String?
    /// 1 for the first encore, 2 for the second…; null for a main set.
    public var encore: Int?
    public var songs: [SetlistfmSong]
}

public struct SetlistfmSetlist: Codable, Sendable, Equatable, ResponseEncodable {
    public var id: String
    public var versionId: String?
    /// `YYYY-MM-DD` (setlist.fm sends dd-MM-yyyy); null when setlist.fm's date cannot be read.
    public var eventDate: String?
    public var lastUpdated: Date?
    public var artist: SetlistfmArtist?
    public var venue: SetlistfmVenue?
    public var tourName: String?
    public var info: String?
    public var url: String?
    public var songCount: Int
    public var sets: [SetlistfmSet]
}

/// One page of setlist.fm's answer in Base's paging shape: `limit` is setlist.fm's fixed page size (`itemsPerPage`).
public struct SetlistfmPage<Item: Codable & Sendable>: Codable, Sendable, ResponseEncodable {
    public var items: [Item]
    public var total: Int
    public var page: Int
    public var limit: Int

    static func empty(page: Int) -> SetlistfmPage { SetlistfmPage(items: [], total: 0, page: page, limit: SetlistfmRules.pageSize) }
}

/// What an import did: setlists read from setlist.fm, shows added to the artist's history, and the rest (already
/// imported, or without a readable date).
public struct SetlistfmImportResult: Codable, Sendable, ResponseEncodable {
    public var artistId: UUID
    public var mbid: String
    public var fetched: Int
    public var imported: Int
    public var skipped: Int
    public var pages: Int
    /// setlist.fm holds more setlists than one import reads (`SetlistfmRules.maxImportPages` pages).
    public var truncated: Bool
}

/// `POST /api/setlistfm/artists/{mbid}/import`.
struct SetlistfmImportBody: ValidatableBody {
    var artistId: UUID?

    func validate(_ v: inout Validator) {
        v.check(artistId != nil, "artistId", "required", "This field is required.")
    }
}

/// Bounds and formats of what Base passes to setlist.fm.
enum SetlistfmRules {
    static let pageSize = 20
    static let maxPage = 1000
    static let maxTextLength = 100
    /// An import reads at most this many pages (400 setlists at 20 a page), spaced by the client's rate limit.
    static let maxImportPages = 20

    /// A MusicBrainz id: a UUID, sent lower-cased as MusicBrainz writes it.
    static func mbid(_ text: String) -> String? {
        UUID(uuidString: text).map { $0.uuidString.lowercased() }
    }

    /// setlist.fm's setlist, version and venue ids are short hex strings ("63de4613").
    static func shortID(_ text: String) -> String? {
        let bytes = text.utf8
        guard (4...12).contains(bytes.count), bytes.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || (($0 | 0x20) >= 0x61 && ($0 | 0x20) <= 0x66) })
        else { return nil }
        return text.lowercased()
    }

    /// `YYYY-MM-DD` → setlist.fm's `dd-MM-yyyy`.
    static func upstreamDate(_ day: String) -> String {
        let parts = day.split(separator: "-")
        guard parts.count == 3 else { return day }
        return "\(parts[2])-\(parts[1])-\(parts[0])"
    }

    /// setlist.fm's `dd-MM-yyyy` → `YYYY-MM-DD`, or nil when it is not a real day.
    static func calendarDate(_ upstream: String?) -> String? {
        guard let upstream else { return nil }
        let parts = upstream.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 2, parts[1].count == 2, parts[2].count == 4 else { return nil }
        let day = "\(parts[2])-\(parts[1])-\(parts[0])"
        return CalendarDate.isValid(day) ? day : nil
    }
}

/// The validated route inputs: a path id that is not of its format is 422 (the caller named something setlist.fm
/// could never know), with the parameter as the field.
extension SetlistfmRules {
    static func mbidParameter(_ context: BaseService.Context) throws -> String {
        let text = context.parameters.get("mbid") ?? ""
        guard let mbid = mbid(text) else {
            throw APIError.validation(field: "mbid", code: "invalid_mbid", message: "A MusicBrainz id (UUID).")
        }
        return mbid
    }

    static func shortIDParameter(_ context: BaseService.Context, _ name: String) throws -> String {
        let text = context.parameters.get(name) ?? ""
        guard let id = shortID(text) else {
            throw APIError.validation(field: name, code: "invalid_id", message: "A setlist.fm id: 4 to 12 hexadecimal digits.")
        }
        return id
    }
}

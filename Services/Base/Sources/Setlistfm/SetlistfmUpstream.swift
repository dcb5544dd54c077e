import Foundation
import KisumKernel

// setlist.fm's JSON (API 1.0, `Accept: application/json`), decoded leniently: every field optional, so a field
// setlist.fm drops or adds never fails a whole page; an item without what Base needs (an id, a name) is left out.

struct UpstreamArtist: Decodable {
    var mbid: String?
    var name: String?
    var sortName: String?
    var disambiguation: String?
    var url: String?

    var mapped: SetlistfmArtist? {
        guard let mbid, let name else { return nil }
        return SetlistfmArtist(mbid: mbid, name: name, sortName: sortName.nonEmpty, disambiguation: disambiguation.nonEmpty, url: url.nonEmpty)
    }
}

struct UpstreamCountry: Decodable {
    var code: String?
    var name: String?
}

struct UpstreamCoords: Decodable {
    var lat: Double?
    var long: Double?
}

struct UpstreamCity: Decodable {
    var id: String?
    var name: String?
    var state: String?
    var stateCode: String?
    var coords: UpstreamCoords?
    var country: UpstreamCountry?

    var mapped: SetlistfmCity? {
        guard let name else { return nil }
        // Only coordinates that are coordinates: a NaN or 1e308 would not survive JSON on the way out.
        let latitude = coords?.lat.flatMap { (-90...90).contains($0) ? $0 : nil }
        let longitude = coords?.long.flatMap { (-180...180).contains($0) ? $0 : nil }
        return SetlistfmCity(id: id.nonEmpty, name: name, state: state.nonEmpty, stateCode: stateCode.nonEmpty,
                             countryCode: country?.code.nonEmpty, countryName: country?.name.nonEmpty, latitude: latitude, longitude: longitude)
    }
}

struct UpstreamVenue: Decodable {
    var id: String?
    var name: String?
    var city: UpstreamCity?
    var url: String?

    var mapped: SetlistfmVenue? {
        guard let id, let name else { return nil }
        return SetlistfmVenue(id: id, name: name, city: city?.mapped, url: url.nonEmpty)
    }
}

struct UpstreamSong: Decodable {
    var name: String?
    var info: String?
    var tape: Bool?
    var cover: UpstreamArtist?
    var with: UpstreamArtist?
}

struct UpstreamSet: Decodable {
    var name: String?
    var encore: Int?
    var song: [UpstreamSong]?
}

struct UpstreamSets: Decodable {
    var set: [UpstreamSet]?
}

struct UpstreamTour: Decodable {
    var name: String?
}

struct UpstreamSetlist: Decodable {
    var id: String?
    var versionId: String?
    var eventDate: String?
    var lastUpdated: String?
    var artist: UpstreamArtist?
    var venue: UpstreamVenue?
    var tour: UpstreamTour?
    var sets: UpstreamSets?
    var info: String?
    var url: String?

    var mapped: SetlistfmSetlist? {
        guard let id else { return nil }
        let sets = (sets?.set ?? []).map { set in
            SetlistfmSet(name: set.name.nonEmpty, encore: set.encore, songs: (set.song ?? []).map { song in
                SetlistfmSong(name: song.name ?? "", info: song.info.nonEmpty, tape: song.tape ?? false, coverOf: song.cover?.mapped,
                              guest: song.with?.mapped)
            })
        }
        let songCount = sets.reduce(0) { $0 + $1.songs.count }
        return SetlistfmSetlist(id: id, versionId: versionId.nonEmpty, eventDate: SetlistfmRules.calendarDate(eventDate),
                                lastUpdated: lastUpdated.flatMap(RFC3339.date(from:)), artist: artist?.mapped, venue: venue?.mapped,
                                tourName: tour?.name.nonEmpty, info: info.nonEmpty, url: url.nonEmpty, songCount: songCount, sets: sets)
    }
}

/// A page of any of setlist.fm's lists: the items sit under `artist`, `setlist` or `venue`.
struct UpstreamPage<Item: Decodable>: Decodable {
    var itemsPerPage: Int?
    var page: Int?
    var total: Int?
    var items: [Item]

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        itemsPerPage = try container.decodeIfPresent(Int.self, forKey: Key(stringValue: "itemsPerPage"))
        page = try container.decodeIfPresent(Int.self, forKey: Key(stringValue: "page"))
        total = try container.decodeIfPresent(Int.self, forKey: Key(stringValue: "total"))
        items = []
        for name in ["artist", "setlist", "venue"] where container.contains(Key(stringValue: name)) {
            items = try container.decode([Item].self, forKey: Key(stringValue: name))
            break
        }
    }

    /// Base's page: numbers bounded (setlist.fm's own, clamped), items that could not be mapped left out.
    func mapped<Out: Codable & Sendable>(requested: Int, _ transform: (Item) -> Out?) -> SetlistfmPage<Out> {
        let items = self.items.compactMap(transform)
        let limit = min(max(itemsPerPage ?? SetlistfmRules.pageSize, 1), 1000)
        let total = min(max(total ?? 0, items.count), 100_000_000)
        let page = min(max(page ?? requested, 1), SetlistfmRules.maxPage)
        return SetlistfmPage(items: items, total: total, page: page, limit: limit)
    }
}

fileprivate extension Optional where Wrapped == String {
    /// The text, or nil when absent or only blanks (setlist.fm sends "" for unknown values).
    var nonEmpty: String? {
        guard let self, !self.allSatisfy(\.isWhitespace) else { return nil }
        return self
    }
}

import Base
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KisumKernel
import KisumTesting
import Logging
import NIOCore
import Synchronization

/// A stand-in for the public setlist.fm REST API (1.0) on a loopback port, under `/rest` like the real one: artist
/// search, artist, an artist's setlists, setlist search, one setlist, venue search and a venue's setlists, in
/// setlist.fm's own JSON (dd-MM-yyyy dates, `sets.set[].song[]`, pages of 20 with itemsPerPage/page/total, 404 for a
/// search that finds nothing). It refuses calls without the right `x-api-key` (403) and can be told to answer the
/// next calls 429 (with a `Retry-After`) or 5xx, which the real one cannot be made to do on demand. It records every
/// call it got.
final class FakeSetlistfm: Sendable {
    static let apiKey = "fake-setlistfm-key-0123456789"
    static let keyHeader = HTTPField.Name("x-api-key")

    struct Artist: Sendable {
        var mbid: String
        var name: String
    }

    struct Venue: Sendable {
        var id: String
        var name: String
        var city: String
        var countryCode: String
    }

    struct Setlist: Sendable {
        var id: String
        var artist: Artist
        /// dd-MM-yyyy, as setlist.fm writes it.
        var eventDate: String
        var venue: Venue
        var tour: String?
        var songs: [String]
    }

    struct Seen: Sendable {
        var path: String
        var query: [String: String]
        var key: String?
        var accept: String?
        var at: ContinuousClock.Instant
    }

    private struct Scripted: Sendable {
        var status: HTTPResponse.Status
        var retryAfter: String?
        var body: String?

        init(_ status: HTTPResponse.Status, _ retryAfter: String?, _ body: String?) {
            self.status = status
            self.retryAfter = retryAfter
            self.body = body
        }
    }

    private struct State: Sendable {
        var artists: [Artist] = []
        var setlists: [Setlist] = []
        /// Answers for the next calls, in order, before the data is consulted.
        var scripted: [Scripted] = []
        var seen: [Seen] = []
    }

    private let state = Mutex(State())

    var seen: [Seen] { state.withLock { $0.seen } }

    func add(_ artist: Artist) { state.withLock { $0.artists.append(artist) } }
    func add(_ setlist: Setlist) { state.withLock { $0.setlists.append(setlist) } }

    /// The next `times` calls answer `status` (429 with `retryAfter` when given).
    func fail(_ status: HTTPResponse.Status, times: Int, retryAfter: String? = nil) {
        state.withLock { $0.scripted.append(contentsOf: Array(repeating: Scripted(status, retryAfter, nil), count: times)) }
    }

    /// The next `times` calls are answered from the data as usual (so a failure scripted after them comes later).
    func pass(times: Int) {
        state.withLock { $0.scripted.append(contentsOf: Array(repeating: Scripted(.ok, nil, nil), count: times)) }
    }

    /// The next call answers 200 with `body` as it is.
    func answerRaw(_ body: String) {
        state.withLock { $0.scripted.append(Scripted(.ok, nil, body)) }
    }

    /// `count` setlists of `artist`, one a week back from 2020-01-06 (so all in the past), at venues in Berlin and Paris.
    func addHistory(of artist: Artist, count: Int, idPrefix: String = "a") {
        for index in 0..<count {
            let day = Date(timeIntervalSince1970: 1_578_268_800 - Double(index) * 7 * 86_400)
            let parts = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC") ?? .current, from: day)
            let date = String(format: "%02d-%02d-%04d", parts.day ?? 1, parts.month ?? 1, parts.year ?? 2000)
            let venue = index % 2 == 0 ? Venue(id: "3bd6cd44", name: "Columbiahalle", city: "Berlin", countryCode: "DE")
                                       : Venue(id: "6bd6ca6e", name: "Olympia", city: "Paris", countryCode: "FR")
            add(Setlist(id: idPrefix + String(format: "%07x", index), artist: artist, eventDate: date, venue: venue, tour: "World Tour",
                        songs: ["Intro", "Song \(index)"]))
        }
    }

    // MARK: Serving

    func handle(_ request: Request, _ path: String) -> Response {
        var query: [String: String] = [:]
        for (key, value) in request.uri.queryParameters { query[String(key)] = String(value) }
        let seen = Seen(path: path, query: query, key: Self.keyHeader.flatMap { request.headers[$0] },
                        accept: request.headers[.accept], at: .now)
        let (scripted, data) = state.withLock { state in
            state.seen.append(seen)
            return (state.scripted.isEmpty ? nil : state.scripted.removeFirst(), (state.artists, state.setlists))
        }
        guard seen.key == Self.apiKey else { return Self.error(.forbidden) }
        if let scripted, scripted.status != .ok || scripted.body != nil {
            if let body = scripted.body {
                return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
            }
            var headers = HTTPFields()
            if let retryAfter = scripted.retryAfter { headers[.retryAfter] = retryAfter }
            return Self.error(scripted.status, headers: headers)
        }
        let page = Int(query["p"] ?? "1") ?? 1
        let parts = path.split(separator: "/").map(String.init)
        let (artists, setlists) = data
        switch parts {
        case ["search", "artists"]:
            let name = (query["artistName"] ?? "").lowercased()
            return Self.page(artists.filter { $0.name.lowercased().contains(name) }.map(Self.json), key: "artist", page: page, size: 30)
        case let p where p.count == 2 && p[0] == "artist":
            guard let artist = artists.first(where: { $0.mbid == p[1] }) else { return Self.error(.notFound) }
            return Self.answer(Self.json(artist))
        case let p where p.count == 3 && p[0] == "artist" && p[2] == "setlists":
            return Self.page(setlists.filter { $0.artist.mbid == p[1] }.map(Self.json), key: "setlist", page: page)
        case ["search", "setlists"]:
            let found = setlists.filter { s in
                (query["artistName"].map { s.artist.name.lowercased().contains($0.lowercased()) } ?? true)
                    && (query["artistMbid"].map { s.artist.mbid == $0 } ?? true)
                    && (query["cityName"].map { s.venue.city == $0 } ?? true)
                    && (query["countryCode"].map { s.venue.countryCode == $0 } ?? true)
                    && (query["venueId"].map { s.venue.id == $0 } ?? true)
                    && (query["date"].map { s.eventDate == $0 } ?? true)
                    && (query["year"].map { s.eventDate.hasSuffix($0) } ?? true)
            }
            return Self.page(found.map(Self.json), key: "setlist", page: page)
        case let p where p.count == 2 && p[0] == "setlist":
            guard let setlist = setlists.first(where: { $0.id == p[1] }) else { return Self.error(.notFound) }
            return Self.answer(Self.json(setlist))
        case ["search", "venues"]:
            var venues: [String: Venue] = [:]
            for setlist in setlists { venues[setlist.venue.id] = setlist.venue }
            let found = venues.values.sorted { $0.id < $1.id }.filter { v in
                (query["name"].map { v.name.lowercased().contains($0.lowercased()) } ?? true)
                    && (query["cityName"].map { v.city == $0 } ?? true) && (query["country"].map { v.countryCode == $0 } ?? true)
            }
            return Self.page(found.map(Self.json), key: "venue", page: page)
        case let p where p.count == 3 && p[0] == "venue" && p[2] == "setlists":
            return Self.page(setlists.filter { $0.venue.id == p[1] }.map(Self.json), key: "setlist", page: page)
        default:
            return Self.error(.notFound)
        }
    }

    static func json(_ artist: Artist) -> JSONValue {
        ["mbid": .string(artist.mbid), "name": .string(artist.name), "sortName": .string(artist.name), "disambiguation": "",
         "url": .string("https://www.setlist.fm/setlists/\(artist.mbid).html")]
    }

    static func json(_ venue: Venue) -> JSONValue {
        let country: JSONValue = ["code": .string(venue.countryCode), "name": .string(venue.countryCode == "DE" ? "Germany" : "France")]
        let city: JSONValue = ["id": "2950159", "name": .string(venue.city), "state": "", "stateCode": "16", "coords": ["lat": 52.52, "long": 13.41],
                               "country": country]
        return ["id": .string(venue.id), "name": .string(venue.name), "url": .string("https://www.setlist.fm/venue/\(venue.id).html"), "city": city]
    }

    static func json(_ setlist: Setlist) -> JSONValue {
        let songs: [JSONValue] = setlist.songs.map { JSONValue.object(["name": .string($0)]) }
        let beatles = json(Artist(mbid: "b10bbbfc-cf9e-42e0-be17-e2c3e1d2600d", name: "The Beatles"))
        let encore: JSONValue = ["name": "Encore", "tape": true, "cover": beatles]
        let sets: [JSONValue] = [["name": "", "song": .array(songs)], ["encore": 1, "song": [encore]]]
        var body: [String: JSONValue] = [
            "id": .string(setlist.id), "versionId": "7be1aaa0", "eventDate": .string(setlist.eventDate),
            "lastUpdated": "2013-10-20T05:18:08.000+0000", "artist": json(setlist.artist), "venue": json(setlist.venue),
            "sets": .object(["set": .array(sets)]), "info": "", "url": .string("https://www.setlist.fm/setlist/\(setlist.id).html"),
        ]
        if let tour = setlist.tour { body["tour"] = .object(["name": .string(tour)]) }
        return .object(body)
    }

    /// setlist.fm's list page; past the last page (or nothing found) it answers 404, as setlist.fm does.
    static func page(_ items: [JSONValue], key: String, page: Int, size: Int = 20) -> Response {
        let start = (page - 1) * size
        guard page >= 1, start < items.count else { return error(.notFound) }
        let slice = Array(items[start..<min(start + size, items.count)])
        var body: [String: JSONValue] = ["type": .string(key + "s"), "itemsPerPage": .number(Double(size)), "page": .number(Double(page)),
                                         "total": .number(Double(items.count))]
        body[key] = .array(slice)
        return answer(.object(body))
    }

    static func answer(_ json: JSONValue, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentType] = "application/json"
        let bytes = (try? JSONCoding.encoder.encode(json)) ?? Data()
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func error(_ status: HTTPResponse.Status, headers: HTTPFields = [:]) -> Response {
        answer(["code": .number(Double(status.code)), "status": .string(status.reasonPhrase), "message": "fake",
                "timestamp": "2026-12-06T10:00:00.000+0000"], status: status, headers: headers)
    }
}

extension FakeSetlistfm.Artist {
    static let radiohead = FakeSetlistfm.Artist(mbid: "a74b1b7f-71a5-4011-9441-d0b5e4122711", name: "Radiohead")
    static let portishead = FakeSetlistfm.Artist(mbid: "8f6bd1e4-fbe1-4f50-aa9b-94c450ec0f11", name: "Portishead")
}

/// Runs a `FakeSetlistfm` on a loopback port for `body`, with the settings that reach it (no pacing, short backoff,
/// at most 2 s of `Retry-After` waited, 3 attempts).
func withFakeSetlistfm<Value: Sendable>(_ body: @escaping @Sendable (FakeSetlistfm, SetlistfmSettings) async throws -> Value) async throws -> Value {
    let fake = FakeSetlistfm()
    let router = Router()
    router.get("/rest/1.0/**") { request, _ in
        fake.handle(request, String(request.uri.path.dropFirst("/rest/1.0/".count)))
    }
    var logger = Logger(label: "fake-setlistfm")
    logger.logLevel = .warning
    let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: logger)
    return try await app.test(.live) { client in
        guard let port = client.port else { throw TestFailure("the fake setlist.fm has no port") }
        let settings = SetlistfmSettings(baseURL: "http://127.0.0.1:\(port)/rest/", apiKey: FakeSetlistfm.apiKey, timeout: .seconds(10),
                                         maxAttempts: 3, maxRetryWait: .seconds(2), backoff: .milliseconds(20), minInterval: .zero)
        return try await body(fake, settings)
    }
}

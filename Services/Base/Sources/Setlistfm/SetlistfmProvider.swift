import Foundation
import HTTPTypes
import KisumKernel
import Logging

/// setlist.fm as Base uses it. `SetlistfmHTTPClient` is the implementation over the public REST API; the
/// routes and the import only see this protocol and Base's own shapes.
protocol SetlistfmProvider: Sendable {
    func searchArtists(_ query: SetlistfmArtistQuery) async throws(SetlistfmError) -> SetlistfmPage<SetlistfmArtist>
    func artist(mbid: String) async throws(SetlistfmError) -> SetlistfmArtist
    func artistSetlists(mbid: String, page: Int) async throws(SetlistfmError) -> SetlistfmPage<SetlistfmSetlist>
    func searchSetlists(_ query: SetlistfmSetlistQuery) async throws(SetlistfmError) -> SetlistfmPage<SetlistfmSetlist>
    func setlist(id: String) async throws(SetlistfmError) -> SetlistfmSetlist
    func searchVenues(_ query: SetlistfmVenueQuery) async throws(SetlistfmError) -> SetlistfmPage<SetlistfmVenue>
    func venueSetlists(venueID: String, page: Int) async throws(SetlistfmError) -> SetlistfmPage<SetlistfmSetlist>
}

struct SetlistfmArtistQuery: Sendable, Equatable {
    var artistName: String
    var page: Int
}

/// At least one filter is set (the routes check it: setlist.fm refuses a search without one).
struct SetlistfmSetlistQuery: Sendable, Equatable {
    var artistMbid: String?
    var artistName: String?
    var cityName: String?
    var countryCode: String?
    /// `YYYY-MM-DD`.
    var date: String?
    var year: Int?
    var tourName: String?
    var venueId: String?
    var venueName: String?
    var page: Int

    var hasFilter: Bool {
        artistMbid != nil || artistName != nil || cityName != nil || countryCode != nil || date != nil || year != nil || tourName != nil
            || venueId != nil || venueName != nil
    }

    /// setlist.fm's parameter names and formats.
    var upstream: [(String, String)] {
        var items: [(String, String)] = []
        func add(_ name: String, _ value: String?) { if let value { items.append((name, value)) } }
        add("artistMbid", artistMbid)
        add("artistName", artistName)
        add("cityName", cityName)
        add("countryCode", countryCode)
        add("date", date.map(SetlistfmRules.upstreamDate))
        add("year", year.map(String.init))
        add("tourName", tourName)
        add("venueId", venueId)
        add("venueName", venueName)
        items.append(("p", String(page)))
        return items
    }
}

struct SetlistfmVenueQuery: Sendable, Equatable {
    var name: String?
    var cityName: String?
    var countryCode: String?
    var page: Int

    var hasFilter: Bool { name != nil || cityName != nil || countryCode != nil }

    var upstream: [(String, String)] {
        var items: [(String, String)] = []
        if let name { items.append(("name", name)) }
        if let cityName { items.append(("cityName", cityName)) }
        if let countryCode { items.append(("country", countryCode)) }
        items.append(("p", String(page)))
        return items
    }
}

/// Why setlist.fm gave no answer. Each maps to one stable error of Base's (`apiError`); the reason goes to logs only.
enum SetlistfmError: Error, Sendable, Equatable, CustomStringConvertible {
    /// setlist.fm has nothing at that id (or no setlists for it).
    case notFound
    /// Still 429 after the bounded retries, or asked to wait longer than Base waits.
    case rateLimited
    /// Unreachable, too slow, a 5xx, a refused key, or an answer Base cannot read.
    case unavailable(String)

    var description: String {
        switch self {
        case .notFound: "setlist.fm: not found"
        case .rateLimited: "setlist.fm: rate limited"
        case .unavailable(let reason): "setlist.fm unavailable: \(reason)"
        }
    }

    /// 404 `setlistfm_not_found` for an id setlist.fm does not know (not `not_found`, which names Kisum's own records);
    /// 503 otherwise (the caller did nothing wrong, retrying later may help).
    func apiError(_ what: String) -> APIError {
        switch self {
        case .notFound: APIError(.notFound, code: "setlistfm_not_found", message: "setlist.fm has no \(what) with this id.")
        case .rateLimited:
            APIError.unavailable("setlistfm_rate_limited", "setlist.fm is limiting Base's requests; try again in a minute.")
        case .unavailable:
            APIError.unavailable("setlistfm_unavailable", "setlist.fm did not answer; try again shortly.")
        }
    }
}

/// setlist.fm as the handlers use it: not configured is 503 `provider_not_configured`, and a provider failure
/// becomes its `APIError` (logged with the reason, which never holds the key).
struct SetlistfmGateway: Sendable {
    let provider: (any SetlistfmProvider)?

    init(provider: (any SetlistfmProvider)?) {
        self.provider = provider
    }

    init(settings: SetlistfmSettings?) {
        provider = settings.map { SetlistfmHTTPClient(settings: $0) }
    }

    func required() throws -> any SetlistfmProvider {
        guard let provider else { throw APIError.providerNotConfigured("setlist.fm") }
        return provider
    }

    /// One call: `what` names the thing a 404 did not find.
    func call<Value>(_ what: String, _ body: (any SetlistfmProvider) async throws(SetlistfmError) -> Value) async throws -> Value {
        let provider = try required()
        do throws(SetlistfmError) {
            return try await body(provider)
        } catch {
            if error != .notFound {
                Logger(label: "base.setlistfm").warning("setlist.fm call failed", metadata: ["error": "\(error)"])
            }
            throw error.apiError(what)
        }
    }
}

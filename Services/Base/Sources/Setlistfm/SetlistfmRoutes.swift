import Foundation
import Hummingbird
import KisumKernel

/// Base's Setlistfm group: setlist.fm's artists, setlists and venues read through `SetlistfmProvider` (a typed,
/// bounded subset of its parameters, answered in Base's shapes), and the import of an artist's setlists into a
/// Kisum artist's history. Reads need basic.artists.read, the import basic.artists.write. No SETLISTFM_API_KEY →
/// 503 `provider_not_configured` (after the caller's input is checked).
struct SetlistfmRoutes: Sendable {
    typealias Context = BaseService.Context
    let repository: SetlistfmRepository
    let gateway: SetlistfmGateway

    func addRoutes(to tenant: RouterGroup<Context>) {
        let setlistfm = tenant.group("/api/setlistfm")
        setlistfm.get("search/artists", use: searchArtists)
        setlistfm.get("artists/{mbid}", use: artist)
        setlistfm.get("artists/{mbid}/setlists", use: artistSetlists)
        setlistfm.post("artists/{mbid}/import", use: importHistory)
        setlistfm.get("search/setlists", use: searchSetlists)
        setlistfm.get("setlists/{setlistId}", use: setlist)
        setlistfm.get("search/venues", use: searchVenues)
        setlistfm.get("venues/{venueId}/setlists", use: venueSetlists)
    }

    /// `artistName` (required, not blank, ≤ 100: the contract's `\S` pattern, so blank is 400 like a missing one), `page`.
    @Sendable func searchArtists(_ request: Request, context: Context) async throws -> SetlistfmPage<SetlistfmArtist> {
        _ = try context.tenant(permission: BasePermission.artistsRead)
        var q = QueryReader(request)
        let sent = request.uri.queryParameters.get("artistName") != nil
        let name = q.search("artistName", maxLength: SetlistfmRules.maxTextLength)
        if name == nil, q.issues.isEmpty { q.add("artistName", "required", sent ? "Must not be blank." : "This parameter is required.") }
        let page = Self.page(&q)
        try q.validate()
        guard let name else { throw APIError.badRequest("invalid_query", "artistName is required.") }
        return try await gateway.call("artist") { provider throws(SetlistfmError) in
            try await provider.searchArtists(SetlistfmArtistQuery(artistName: name, page: page))
        }
    }

    @Sendable func artist(_ request: Request, context: Context) async throws -> SetlistfmArtist {
        _ = try context.tenant(permission: BasePermission.artistsRead)
        let mbid = try SetlistfmRules.mbidParameter(context)
        return try await gateway.call("artist") { provider throws(SetlistfmError) in try await provider.artist(mbid: mbid) }
    }

    /// Newest first, as setlist.fm orders them; `page`.
    @Sendable func artistSetlists(_ request: Request, context: Context) async throws -> SetlistfmPage<SetlistfmSetlist> {
        _ = try context.tenant(permission: BasePermission.artistsRead)
        let mbid = try SetlistfmRules.mbidParameter(context)
        var q = QueryReader(request)
        let page = Self.page(&q)
        try q.validate()
        return try await gateway.call("artist setlists") { provider throws(SetlistfmError) in
            try await provider.artistSetlists(mbid: mbid, page: page)
        }
    }

    /// Filters (at least one, else 422 `filter_required`): artistMbid, artistName, cityName, countryCode, date, year,
    /// tourName, venueId, venueName; `page`.
    @Sendable func searchSetlists(_ request: Request, context: Context) async throws -> SetlistfmPage<SetlistfmSetlist> {
        _ = try context.tenant(permission: BasePermission.artistsRead)
        var q = QueryReader(request)
        let text = { (q: inout QueryReader, name: String) in q.search(name, maxLength: SetlistfmRules.maxTextLength) }
        let query = SetlistfmSetlistQuery(
            artistMbid: q.uuid("artistMbid")?.uuidString.lowercased(), artistName: text(&q, "artistName"), cityName: text(&q, "cityName"),
            countryCode: Self.countryCode(request, &q), date: q.calendarDate("date"), year: q.int("year", range: 1900...2199),
            tourName: text(&q, "tourName"), venueId: Self.shortID(request, &q, "venueId"), venueName: text(&q, "venueName"),
            page: Self.page(&q))
        try q.validate()
        guard query.hasFilter else { throw Self.filterRequired }
        return try await gateway.call("setlist") { provider throws(SetlistfmError) in try await provider.searchSetlists(query) }
    }

    @Sendable func setlist(_ request: Request, context: Context) async throws -> SetlistfmSetlist {
        _ = try context.tenant(permission: BasePermission.artistsRead)
        let id = try SetlistfmRules.shortIDParameter(context, "setlistId")
        return try await gateway.call("setlist") { provider throws(SetlistfmError) in try await provider.setlist(id: id) }
    }

    /// Filters (at least one, else 422 `filter_required`): name, cityName, countryCode; `page`.
    @Sendable func searchVenues(_ request: Request, context: Context) async throws -> SetlistfmPage<SetlistfmVenue> {
        _ = try context.tenant(permission: BasePermission.artistsRead)
        var q = QueryReader(request)
        let query = SetlistfmVenueQuery(name: q.search("name", maxLength: SetlistfmRules.maxTextLength),
                                        cityName: q.search("cityName", maxLength: SetlistfmRules.maxTextLength),
                                        countryCode: Self.countryCode(request, &q), page: Self.page(&q))
        try q.validate()
        guard query.hasFilter else { throw Self.filterRequired }
        return try await gateway.call("venue") { provider throws(SetlistfmError) in try await provider.searchVenues(query) }
    }

    @Sendable func venueSetlists(_ request: Request, context: Context) async throws -> SetlistfmPage<SetlistfmSetlist> {
        _ = try context.tenant(permission: BasePermission.artistsRead)
        let venueID = try SetlistfmRules.shortIDParameter(context, "venueId")
        var q = QueryReader(request)
        let page = Self.page(&q)
        try q.validate()
        return try await gateway.call("venue") { provider throws(SetlistfmError) in
            try await provider.venueSetlists(venueID: venueID, page: page)
        }
    }

    /// Reads every page first (bounded), then writes in one transaction; shows already imported are skipped, so a
    /// second import answers `imported: 0` and changes nothing.
    @Sendable func importHistory(_ request: Request, context: Context) async throws -> SetlistfmImportResult {
        let scope = try context.tenant(permission: BasePermission.artistsWrite)
        let mbid = try SetlistfmRules.mbidParameter(context)
        let body = try await request.decodeValid(as: SetlistfmImportBody.self, context: context)
        guard let artistID = body.artistId else { throw APIError.validation(field: "artistId", code: "required", message: "Required.") }
        let provider = try gateway.required()
        guard try await repository.artistExists(companyID: scope.companyID, artistID: artistID) else { throw APIError.notFound("artist") }
        let fetch = try await gateway.call("artist") { _ throws(SetlistfmError) in try await SetlistfmHistoryFetch.run(provider, mbid: mbid) }
        let shows = fetch.shows(today: CalendarDate.today())
        guard let imported = try await repository.importShows(companyID: scope.companyID, userID: scope.userID, artistID: artistID, shows)
        else { throw APIError.notFound("artist") }
        return SetlistfmImportResult(artistId: artistID, mbid: mbid, fetched: fetch.setlists.count, imported: imported,
                                     skipped: fetch.setlists.count - imported, pages: fetch.pages, truncated: fetch.truncated)
    }

    // MARK: Query parameters

    static let filterRequired = APIError.validation(field: "query", code: "filter_required",
                                                    message: "Give at least one filter; setlist.fm does not list everything.")

    static func page(_ q: inout QueryReader) -> Int {
        q.int("page", range: 1...SetlistfmRules.maxPage) ?? 1
    }

    /// ISO 3166-1 alpha-2, any case, as sent (an empty or padded value is refused like the contract's pattern).
    static func countryCode(_ request: Request, _ q: inout QueryReader) -> String? {
        guard let text = request.uri.queryParameters.get("countryCode") else { return nil }
        guard let code = LetterCode.uppercased(text, lengths: 2...2) else {
            q.add("countryCode", "invalid_country", "An ISO 3166-1 alpha-2 code such as DE.")
            return nil
        }
        return code
    }

    static func shortID(_ request: Request, _ q: inout QueryReader, _ name: String) -> String? {
        guard let text = request.uri.queryParameters.get(name) else { return nil }
        guard let id = SetlistfmRules.shortID(text) else {
            q.add(name, "invalid_id", "A setlist.fm id: 4 to 12 hexadecimal digits.")
            return nil
        }
        return id
    }
}

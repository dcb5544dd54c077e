import Foundation
import KisumServiceClient

/// The public setlist.fm REST API (1.0) over the shared libcurl transport: `x-api-key` and `Accept: application/json`
/// on every call. Calls from this process are spaced by `minInterval` (setlist.fm allows 2 a second per key); a 429 is
/// retried after its `Retry-After` (or a doubling backoff) up to `maxAttempts`, never waiting longer than `maxRetryWait`
/// at once, and delays every other call of the process too. No request id or trace header goes out: setlist.fm is
/// not one of our services.
struct SetlistfmHTTPClient: SetlistfmProvider {
    let settings: SetlistfmSettings
    let pacer: SetlistfmPacer

    init(settings: SetlistfmSettings) {
        self.settings = settings
        pacer = SetlistfmPacer(interval: settings.minInterval)
    }

    func searchArtists(_ query: SetlistfmArtistQuery) async throws(SetlistfmError) -> SetlistfmPage<SetlistfmArtist> {
        try await searchPage("/1.0/search/artists", [("artistName", query.artistName), ("p", String(query.page)), ("sort", "relevance")],
                             page: query.page, as: UpstreamArtist.self) { $0.mapped }
    }

    func artist(mbid: String) async throws(SetlistfmError) -> SetlistfmArtist {
        guard let artist = try await get("/1.0/artist/\(mbid)", [], as: UpstreamArtist.self).mapped else {
            throw .unavailable("an artist without mbid or name")
        }
        return artist
    }

    func artistSetlists(mbid: String, page: Int) async throws(SetlistfmError) -> SetlistfmPage<SetlistfmSetlist> {
        try await get("/1.0/artist/\(mbid)/setlists", [("p", String(page))], as: UpstreamPage<UpstreamSetlist>.self)
            .mapped(requested: page) { $0.mapped }
    }

    func searchSetlists(_ query: SetlistfmSetlistQuery) async throws(SetlistfmError) -> SetlistfmPage<SetlistfmSetlist> {
        try await searchPage("/1.0/search/setlists", query.upstream, page: query.page, as: UpstreamSetlist.self) { $0.mapped }
    }

    func setlist(id: String) async throws(SetlistfmError) -> SetlistfmSetlist {
        guard let setlist = try await get("/1.0/setlist/\(id)", [], as: UpstreamSetlist.self).mapped else {
            throw .unavailable("a setlist without id")
        }
        return setlist
    }

    func searchVenues(_ query: SetlistfmVenueQuery) async throws(SetlistfmError) -> SetlistfmPage<SetlistfmVenue> {
        try await searchPage("/1.0/search/venues", query.upstream, page: query.page, as: UpstreamVenue.self) { $0.mapped }
    }

    func venueSetlists(venueID: String, page: Int) async throws(SetlistfmError) -> SetlistfmPage<SetlistfmSetlist> {
        try await get("/1.0/venue/\(venueID)/setlists", [("p", String(page))], as: UpstreamPage<UpstreamSetlist>.self)
            .mapped(requested: page) { $0.mapped }
    }

    /// setlist.fm answers a search that finds nothing (or a page past the last) with 404: an empty page here.
    private func searchPage<Item: Decodable, Out: Codable & Sendable>(_ path: String, _ query: [(String, String)], page: Int, as item: Item.Type,
                                                  _ transform: (Item) -> Out?) async throws(SetlistfmError) -> SetlistfmPage<Out> {
        do throws(SetlistfmError) {
            return try await get(path, query, as: UpstreamPage<Item>.self).mapped(requested: page, transform)
        } catch .notFound {
            return .empty(page: page)
        }
    }

    /// One GET, with the 429 handling above; 404 is `notFound`, anything else but 200 `unavailable`.
    func get<Value: Decodable>(_ path: String, _ query: [(String, String)], as type: Value.Type) async throws(SetlistfmError) -> Value {
        let request = OutboundRequest(method: "GET", url: settings.baseURL + path + Self.queryString(query),
                                      headers: [("x-api-key", settings.apiKey), ("Accept", "application/json")],
                                      timeout: settings.timeout)
        var attempt = 1
        while true {
            try await pace(maxWait: settings.maxRetryWait)
            let response: OutboundResponse
            do {
                response = try await settings.transport.send(request)
            } catch let error as ServiceClientError {
                switch error {
                case .timeout: throw .unavailable("GET \(path) timed out")
                default: throw .unavailable("GET \(path): \(error)")
                }
            } catch {
                throw .unavailable("GET \(path): \(error)")
            }
            switch response.status {
            case 200:
                do {
                    return try JSONDecoder().decode(Value.self, from: Data(response.body))
                } catch {
                    throw .unavailable("GET \(path) answered JSON Base cannot read: \(error)")
                }
            case 404:
                throw .notFound
            case 429:
                let wait = Self.retryAfter(response.header("Retry-After")) ?? backoff(afterAttempt: attempt)
                // Every call of the process waits it out (a long one makes them give up at once instead of asking again).
                await pacer.hold(for: min(wait, .seconds(3600)))
                guard attempt < settings.maxAttempts, wait <= settings.maxRetryWait else { throw .rateLimited }
                attempt += 1
            default:
                // 401/403: a key setlist.fm refuses (configuration); 5xx: its outage. Neither is the caller's fault.
                throw .unavailable("GET \(path) answered \(response.status)")
            }
        }
    }

    private func pace(maxWait: Duration) async throws(SetlistfmError) {
        guard let delay = await pacer.reserve(maxWait: maxWait) else { throw .rateLimited }
        guard delay > .zero else { return }
        do {
            try await Task.sleep(for: delay)
        } catch {
            throw .unavailable("cancelled")
        }
    }

    private func backoff(afterAttempt attempt: Int) -> Duration {
        settings.backoff * (1 << min(max(attempt - 1, 0), 8))
    }

    /// `Retry-After` in seconds (RFC 9110 delay-seconds); an HTTP-date or anything else is nil (the backoff applies).
    /// Bounded before it becomes a Duration, so a huge value only means "longer than Base waits".
    static func retryAfter(_ value: String?) -> Duration? {
        guard let text = value?.trimmingCharacters(in: .whitespaces), !text.isEmpty, text.utf8.count <= 9,
              text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let seconds = Int(text) else { return nil }
        return .seconds(seconds)
    }

    /// RFC 3986 unreserved characters stay, everything else is percent-encoded (so `&`, `=`, `+` in a name stay data).
    static func queryString(_ items: [(String, String)]) -> String {
        guard !items.isEmpty else { return "" }
        var allowed = CharacterSet(charactersIn: "-._~")
        allowed.formUnion(CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"))
        func encode(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: allowed) ?? "" }
        return "?" + items.map { "\(encode($0.0))=\(encode($0.1))" }.joined(separator: "&")
    }
}

/// Spaces this process's calls to setlist.fm: each call takes the next free slot (`interval` after the previous one),
/// and a 429 pushes the next slot past its wait, so calls running beside the one that was refused wait too.
actor SetlistfmPacer {
    private let interval: Duration
    private var next = ContinuousClock.now

    init(interval: Duration) {
        self.interval = interval
    }

    /// How long to wait before sending; nil when the queue is longer than `maxWait` (the caller gives up).
    func reserve(maxWait: Duration) -> Duration? {
        let now = ContinuousClock.now
        let slot = max(now, next)
        let delay = slot - now
        guard delay <= maxWait else { return nil }
        next = slot + interval
        return delay
    }

    /// No call leaves before `wait` from now (the retry included: it reserves the slot after).
    func hold(for wait: Duration) {
        next = max(next, ContinuousClock.now + wait)
    }
}

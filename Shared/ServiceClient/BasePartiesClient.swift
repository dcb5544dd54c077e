import Foundation

/// Base's internal party search ("Market"), defined once: the path, the query, the answer and the client the
/// other services use. Base answers with these types and `BasePartiesClient` reads them, so the two sides
/// cannot drift (the same arrangement as `PlatformCoreAPI` for Platform Core).
public enum BaseInternal {
    /// `GET ?q=&email=&countryId=&kind=&page=&limit=` with `X-Internal-API-Key` and `x-org` → `PartySearchPage`.
    public static let partySearchPath = "/internal/parties/search"
}

/// Company-level parties (Base's companies and agencies) or person-level ones (artists): the two kinds of
/// Market reference a Venue booking carries (`marketCompanyId`, `marketPersonId`).
public enum PartyKind: String, Codable, Sendable, CaseIterable {
    case company, person
}

/// The registry table a party comes from.
public enum PartySource: String, Codable, Sendable, CaseIterable {
    case company, agency, artist
}

/// One party as the search answers it: identity and the few master-data fields a picker shows.
public struct PartySearchItem: Codable, Sendable, Equatable {
    public var id: UUID
    public var kind: PartyKind
    public var source: PartySource
    public var name: String
    public var email: String?
    public var countryId: UUID?
    public var city: String?
    /// 0…1: 1 for an exact name (and for every party when no `q` was given), above 0.5 for a name starting
    /// with `q`, otherwise half the trigram similarity.
    public var score: Double

    public init(id: UUID, kind: PartyKind, source: PartySource, name: String, email: String?, countryId: UUID?, city: String?,
                score: Double) {
        self.id = id
        self.kind = kind
        self.source = source
        self.name = name
        self.email = email
        self.countryId = countryId
        self.city = city
        self.score = score
    }
}

/// `{items, total, page, limit}`, Base's paging.
public struct PartySearchPage: Codable, Sendable, Equatable {
    public var items: [PartySearchItem]
    public var total: Int
    public var page: Int
    public var limit: Int

    public init(items: [PartySearchItem], total: Int, page: Int, limit: Int) {
        self.items = items
        self.total = total
        self.page = page
        self.limit = limit
    }
}

/// What to search for; nil filters are left out of the request.
public struct PartySearchQuery: Sendable, Equatable {
    /// Base's bounds (`q` length, `limit`), so a caller cannot build a request Base refuses.
    public static let maxQueryLength = 200
    public static let maxLimit = 100

    public var q: String?
    public var email: String?
    public var countryID: UUID?
    public var kind: PartyKind?
    public var page: Int
    public var limit: Int

    public init(q: String? = nil, email: String? = nil, countryID: UUID? = nil, kind: PartyKind? = nil, page: Int = 1, limit: Int = 20) {
        self.q = q
        self.email = email
        self.countryID = countryID
        self.kind = kind
        self.page = max(1, page)
        self.limit = min(max(1, limit), Self.maxLimit)
    }

    var queryItems: [(String, String)] {
        var items: [(String, String)] = []
        if let q { items.append(("q", String(q.unicodeScalars.prefix(Self.maxQueryLength)))) }
        if let email { items.append(("email", email)) }
        if let countryID { items.append(("countryId", countryID.uuidString.lowercased())) }
        if let kind { items.append(("kind", kind.rawValue)) }
        items.append(("page", String(page)))
        items.append(("limit", String(limit)))
        return items
    }
}

/// Base's party search over the shared libcurl `ServiceClient`: the internal key Base accepts, the company in
/// `x-org`, the current request id and `traceparent` forwarded (`OutboundContext`).
///
/// One attempt per search: the caller's request waits for it, so the timeout is the whole wait, and a caller
/// that can do without Base (Venue's customer search) answers without it rather than wait for a retry.
public struct BasePartiesClient: Sendable {
    private let client: ServiceClient

    public init(baseURL: String, apiKey: String, timeout: Duration = .seconds(3), transport: any HTTPTransport = CurlTransport.shared) {
        client = ServiceClient(name: "base", baseURL: baseURL, internalAPIKey: apiKey, transport: transport, timeout: timeout, retry: .none)
    }

    /// Throws `ServiceClientError`: `timeout` / `unreachable` when Base does not answer, `unexpectedStatus` for any
    /// answer but 200 (401 is a wrong key, 400 a query Base refuses), `invalidResponse` for a body it cannot read.
    public func search(_ query: PartySearchQuery, companyID: UUID) async throws -> PartySearchPage {
        try await client.json("GET", BaseInternal.partySearchPath, query: query.queryItems, orgID: companyID.uuidString.lowercased())
    }
}

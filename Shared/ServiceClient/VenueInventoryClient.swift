import Foundation

/// Venue's internal inventory reads, defined once for the caller (Base's Venues group): the paths, the answers as
/// Base reads them and the client. Venue stays the truth for venues; Base keeps only its own links and notes.
/// Times travel as the RFC 3339 text Venue sends, so no date strategy can disagree between the two sides.
public enum VenueInternal {
    /// `GET ?q=&status=&city=&companyId=&page=&limit=` → `VenueRecordPage`.
    public static let venuesPath = "/internal/venues"
    /// `GET ?ids=a,b,…` (at most `maxBatch`) → `VenueRecordBatch`: the live ones of those ids.
    public static let batchPath = "/internal/venues/batch"
    /// `GET ?lat=&lng=&radiusKm=&q=&page=&limit=` → `NearbyVenuePage`, nearest first.
    public static let nearbyPath = "/internal/venues/nearby"
    /// `GET ?q=&page=&limit=` → `VenueTypePage`.
    public static let typesPath = "/internal/venues/types"
    public static let maxBatch = 100
    public static let maxLimit = 100

    static func venuePath(_ id: UUID, _ suffix: String = "") -> String {
        "\(venuesPath)/\(id.uuidString.lowercased())\(suffix)"
    }
}

/// A venue as Venue's internal routes answer it (the fields Base shows; Venue sends more, which are ignored).
public struct VenueRecord: Codable, Sendable, Equatable {
    public var id: UUID
    /// The company that owns the venue in Venue (the Kisum holding company for sleeping inventory).
    public var companyId: UUID
    /// Venue's numeric id (legacy and Admin identity).
    public var venueId: Int
    public var name: String
    public var description: String?
    /// active | inactive | sleeping | archived.
    public var status: String
    public var venueTypeId: Int?
    public var venueTypeName: String?
    public var country: String?
    public var city: String?
    public var countryIso2: String?
    public var countryId: UUID?
    public var cityId: UUID?
    public var addressLine1: String?
    public var addressLine2: String?
    public var postalCode: String?
    public var region: String?
    public var latitude: Double?
    public var longitude: Double?
    public var timezone: String?
    public var capacity: Int?
    public var contactName: String?
    public var contactEmail: String?
    public var contactPhone: String?
    public var website: String?
}

public struct VenueRecordPage: Codable, Sendable, Equatable {
    public var items: [VenueRecord]
    public var total: Int
    public var page: Int
    public var limit: Int
}

public struct VenueRecordBatch: Codable, Sendable, Equatable {
    public var items: [VenueRecord]
}

public struct NearbyVenueRecord: Codable, Sendable, Equatable {
    public var venue: VenueRecord
    /// Great-circle distance from the asked point, kilometres.
    public var distanceKm: Double
}

public struct NearbyVenuePage: Codable, Sendable, Equatable {
    public var items: [NearbyVenueRecord]
    public var total: Int
    public var page: Int
    public var limit: Int
}

/// A bookable space of a venue.
public struct VenueSpaceRecord: Codable, Sendable, Equatable {
    public var id: UUID
    public var name: String
    public var kind: String
    public var status: String
    public var capacity: Int?
}

/// What an inquiry about a venue needs (Venue's `/internal/venues/{id}/inquiry`).
public struct VenueInquiryInfo: Codable, Sendable, Equatable {
    public struct Contact: Codable, Sendable, Equatable {
        public var name: String?
        public var email: String?
        public var phone: String?
        public var website: String?
    }

    public var venue: VenueRecord
    /// Active spaces only: what an inquiry can name.
    public var spaces: [VenueSpaceRecord]
    public var managed: Bool
    public var acceptsInquiries: Bool
    /// `venue` or `kisum` (sleeping inventory).
    public var inquiryRecipient: String
    public var contact: Contact
    public var capacity: Int?
    public var largestSpaceCapacity: Int?
}

public struct VenueTypeRecord: Codable, Sendable, Equatable {
    public var venueTypeId: Int
    public var name: String
    public var slug: String?
    public var description: String?
}

public struct VenueTypePage: Codable, Sendable, Equatable {
    public var items: [VenueTypeRecord]
    public var total: Int
    public var page: Int
    public var limit: Int
}

/// One stretch of time a space is taken in Venue: a booking in an occupying status or an availability block.
public struct VenueBusySpan: Codable, Sendable, Equatable {
    public var spaceId: UUID
    /// `booking` or `block`.
    public var source: String
    /// The booking's status (tentative, hold, pending, confirmed) or the block's kind (hold, maintenance, blackout, manual).
    public var kind: String
    public var startsAt: String
    public var endsAt: String
    /// Set for expiring holds.
    public var expiresAt: String?
}

/// Venue's availability of one venue over `from...to` (days, inclusive, UTC): its spaces and what occupies them.
public struct VenueAvailabilityInfo: Codable, Sendable, Equatable {
    public var venueId: UUID
    public var from: String
    public var to: String
    public var spaces: [VenueSpaceRecord]
    public var busy: [VenueBusySpan]
}

/// Venue's inventory over the shared libcurl `ServiceClient` (internal key, request id and `traceparent`
/// forwarded). One attempt per call, bounded by the timeout: a Base request waits for it, and Base answers 503
/// rather than make its caller wait through retries.
public struct VenueInventoryClient: Sendable {
    private let client: ServiceClient

    public init(baseURL: String, apiKey: String, timeout: Duration = .seconds(3), transport: any HTTPTransport = CurlTransport.shared) {
        client = ServiceClient(name: "venue", baseURL: baseURL, internalAPIKey: apiKey, transport: transport, timeout: timeout, retry: .none)
    }

    /// Throws `ServiceClientError` for anything but 200 (and 404 where the answer is optional).
    public func list(q: String? = nil, status: String? = nil, city: String? = nil, page: Int = 1, limit: Int = 20) async throws -> VenueRecordPage {
        var query: [(String, String)] = []
        if let q { query.append(("q", q)) }
        if let status { query.append(("status", status)) }
        if let city { query.append(("city", city)) }
        query.append(("page", String(max(1, page))))
        query.append(("limit", String(min(max(1, limit), VenueInternal.maxLimit))))
        return try await client.json("GET", VenueInternal.venuesPath, query: query)
    }

    /// The live venues among `ids` (unknown and deleted ones are simply absent), in one call.
    public func venues(ids: [UUID]) async throws -> [VenueRecord] {
        guard !ids.isEmpty else { return [] }
        var found: [VenueRecord] = []
        // Chunks keep each URL bounded; a Base page is at most one chunk.
        var start = 0
        while start < ids.count {
            let chunk = ids[start..<min(start + VenueInternal.maxBatch, ids.count)]
            let text = chunk.map { $0.uuidString.lowercased() }.joined(separator: ",")
            let batch: VenueRecordBatch = try await client.json("GET", VenueInternal.batchPath, query: [("ids", text)])
            found.append(contentsOf: batch.items)
            start += VenueInternal.maxBatch
        }
        return found
    }

    /// One live venue, or nil when Venue has none with this id.
    public func venue(id: UUID) async throws -> VenueRecord? {
        try await optional(VenueInternal.venuePath(id))
    }

    public func inquiry(id: UUID) async throws -> VenueInquiryInfo? {
        try await optional(VenueInternal.venuePath(id, "/inquiry"))
    }

    /// Nil when Venue has no such venue. `from`/`to` are `YYYY-MM-DD`.
    public func availability(id: UUID, from: String, to: String) async throws -> VenueAvailabilityInfo? {
        try await optional(VenueInternal.venuePath(id, "/availability"), query: [("from", from), ("to", to)])
    }

    public func nearby(latitude: Double, longitude: Double, radiusKm: Double, q: String? = nil, page: Int = 1,
                       limit: Int = 20) async throws -> NearbyVenuePage {
        var query: [(String, String)] = [("lat", Self.decimal(latitude)), ("lng", Self.decimal(longitude)),
                                         ("radiusKm", Self.decimal(radiusKm))]
        if let q { query.append(("q", q)) }
        query.append(("page", String(max(1, page))))
        query.append(("limit", String(min(max(1, limit), VenueInternal.maxLimit))))
        return try await client.json("GET", VenueInternal.nearbyPath, query: query)
    }

    /// Seven decimals, never the exponent form `String(Double)` writes for tiny values (`7.3e-184`), which Venue's
    /// query reader does not take. Callers pass validated coordinates and radii, so the product fits an Int64.
    static func decimal(_ value: Double) -> String {
        guard value.isFinite, abs(value) < 1e11 else { return "0" }
        let scaled = Int64((value * 10_000_000).rounded())
        let magnitude = scaled.magnitude
        let fraction = String(magnitude % 10_000_000)
        return (scaled < 0 ? "-" : "") + String(magnitude / 10_000_000) + "." + String(repeating: "0", count: 7 - fraction.count) + fraction
    }

    public func types(q: String? = nil, page: Int = 1, limit: Int = 100) async throws -> VenueTypePage {
        var query: [(String, String)] = []
        if let q { query.append(("q", q)) }
        query.append(("page", String(max(1, page))))
        query.append(("limit", String(min(max(1, limit), VenueInternal.maxLimit))))
        return try await client.json("GET", VenueInternal.typesPath, query: query)
    }

    private func optional<T: Decodable>(_ path: String, query: [(String, String)] = []) async throws -> T? {
        let response = try await client.send("GET", path, query: query)
        if response.status == 404 { return nil }
        guard response.status == 200 else {
            throw ServiceClientError.unexpectedStatus(service: client.name, status: response.status, body: String(response.bodyText.prefix(512)))
        }
        do {
            return try client.decoder.decode(T.self, from: Data(response.body))
        } catch {
            throw ServiceClientError.invalidResponse(service: client.name, reason: "\(error)")
        }
    }
}

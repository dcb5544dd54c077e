import Foundation
import Hummingbird
import KisumKernel

/// `GET /api/artists/{id}/stats`: what the artist's stored history adds up to. Counts and totals cover played
/// shows only (cancelled and scheduled shows are counted, nothing more).
public struct ArtistStats: Codable, Sendable, ResponseEncodable {
    public var artistId: UUID
    /// Played shows.
    public var showCount: Int
    public var cancelledCount: Int
    public var scheduledCount: Int
    /// Tickets sold over played shows where the number is known.
    public var ticketsSold: Int64
    /// Played shows whose tickets sold are known (the basis of `averageTickets`).
    public var showsWithTickets: Int
    /// Mean tickets per played show with a known number, rounded half away from zero; null without any.
    public var averageTickets: Int64?
    /// Mean fill rate in basis points (8125 = 81.25 %): the mean of tickets × 10000 / capacity over played shows
    /// with tickets known and capacity above zero, rounded half away from zero; null without any.
    public var averageFillRate: Int?
    /// Sums of gross and fee per currency (no conversion between currencies), by currency code.
    public var grossTotals: [CurrencyAmount]
    public var feeTotals: [CurrencyAmount]
    public var firstShowOn: String?
    public var lastShowOn: String?
    /// At most five each, by tickets sold (then shows, then name).
    public var topCountries: [CountryTickets]
    public var topCities: [CityTickets]
    public var computedAt: Date
    /// True when this is the snapshot stored by the latest `POST …/stats/refresh`.
    public var snapshot: Bool
}

public struct CurrencyAmount: Codable, Sendable, Equatable {
    public var currency: String
    public var amountMinor: Int64
}

public struct CountryTickets: Codable, Sendable {
    public var countryId: UUID
    public var iso2: String
    public var name: String
    public var tickets: Int64
    public var shows: Int
}

public struct CityTickets: Codable, Sendable {
    /// As first written (cities group case-insensitively within a country).
    public var city: String
    public var countryId: UUID?
    public var tickets: Int64
    public var shows: Int
}

/// `GET /api/artists/{id}/demographics`: where the audience was, by region (continent), country and city, over
/// played shows with tickets sold known. Shows without a country (or city) form a bucket with null ids, so each
/// distribution covers every ticket and its shares sum to exactly 10,000 (none when no ticket was sold).
public struct ArtistDemographics: Codable, Sendable, ResponseEncodable {
    public var artistId: UUID
    public var from: String?
    public var to: String?
    public var showCount: Int
    public var ticketsSold: Int64
    public var regions: [AudienceShare]
    public var countries: [AudienceShare]
    /// The 50 cities with most tickets; the rest are summed in `otherCities`.
    public var cities: [AudienceShare]
    public var otherCities: AudienceShare?
}

/// One bucket of a distribution. `id`/`code`/`name` name the region or country (null for the "unknown" bucket);
/// for cities `name` is the city and `countryId` its country.
public struct AudienceShare: Codable, Sendable {
    public var id: UUID?
    public var code: String?
    public var name: String?
    public var countryId: UUID?
    public var tickets: Int64
    public var shows: Int
    /// Basis points of all tickets (2500 = 25 %), rounded by largest remainder (`Shares.basisPoints`).
    public var share: Int
}

/// Shares that add up exactly, by the largest-remainder method: every bucket gets
/// floor(10000 × tickets / total); the points still missing to 10,000 go one each to the buckets with the
/// largest remainders (10000 × tickets mod total), ties to the bucket with more tickets, then to the one listed
/// first. A total of zero gives every bucket 0.
enum Shares {
    static let whole = 10_000

    static func basisPoints(_ counts: [Int64]) -> [Int] {
        let values = counts.map { Int128(max($0, 0)) }
        let total = values.reduce(Int128(0), +)
        guard total > 0 else { return counts.map { _ in 0 } }
        let scaled = values.map { $0 * Int128(whole) }
        var shares = scaled.map { Int($0 / total) }
        let missing = whole - shares.reduce(0, +)
        let byRemainder = values.indices.sorted { a, b in
            let (ra, rb) = (scaled[a] % total, scaled[b] % total)
            if ra != rb { return ra > rb }
            if values[a] != values[b] { return values[a] > values[b] }
            return a < b
        }
        for index in byRemainder.prefix(max(missing, 0)) { shares[index] += 1 }
        return shares
    }
}

/// A bucket as read from the database, before its share is known.
struct AudienceCount: Sendable {
    var id: UUID?
    var code: String?
    var name: String?
    var countryId: UUID?
    var tickets: Int64
    var shows: Int
}

extension ArtistDemographics {
    static let cityLimit = 50

    /// Buckets in display order (most tickets first) become shares; cities past the first 50 are summed.
    init(artistId: UUID, from: String?, to: String?, regions: [AudienceCount], countries: [AudienceCount], cities: [AudienceCount]) {
        func shares(_ buckets: [AudienceCount]) -> [AudienceShare] {
            zip(buckets, Shares.basisPoints(buckets.map(\.tickets))).map { bucket, share in
                AudienceShare(id: bucket.id, code: bucket.code, name: bucket.name, countryId: bucket.countryId,
                              tickets: bucket.tickets, shows: bucket.shows, share: share)
            }
        }
        let allCities = shares(cities)
        let rest = allCities.dropFirst(Self.cityLimit)
        self.init(
            artistId: artistId, from: from, to: to, showCount: regions.reduce(0) { $0 + $1.shows },
            ticketsSold: regions.reduce(Int64(0)) { $0 + $1.tickets },
            regions: shares(regions), countries: shares(countries), cities: Array(allCities.prefix(Self.cityLimit)),
            otherCities: rest.isEmpty ? nil : AudienceShare(
                id: nil, code: nil, name: nil, countryId: nil, tickets: rest.reduce(Int64(0)) { $0 + $1.tickets },
                shows: rest.reduce(0) { $0 + $1.shows }, share: rest.reduce(0) { $0 + $1.share }))
    }
}

import Foundation
import Hummingbird
import KisumKernel

/// One place in a ranking: the ranked artist, venue, festival or agency (`id`, `name`) with the figures it is ranked by,
/// over the company's events dated in the period (cancelled ones left out). Money in the ranking's currency.
public struct RankingEntry: Codable, Sendable, Equatable {
    public var rank: Int
    public var id: UUID
    public var name: String
    /// Events (for an agency: shows of its roster) in the period.
    public var events: Int
    /// Tickets sold at those events (comps not counted).
    public var ticketsSold: Int64
    /// Their recorded ticket gross, converted into `currency` per tier at the event day's rate.
    public var grossMinor: ExactMinor
}

/// A ranking's page: `{items,total,page,limit}` plus the period and the currency it was computed in.
public struct RankingPage: ResponseEncodable, Sendable {
    public var items: [RankingEntry]
    public var total: Int
    public var page: Int
    public var limit: Int
    public var from: String
    public var to: String
    public var currency: String
}

/// `GET /api/rankings`: the top `limit` of each ranking over one period and currency.
public struct RankingsOverview: ResponseEncodable, Sendable {
    public var from: String
    public var to: String
    public var currency: String
    public var limit: Int
    public var artists: [RankingEntry]
    public var venues: [RankingEntry]
    public var festivals: [RankingEntry]
    public var agencies: [RankingEntry]
}

/// The rankings and their formulas (the contract states the same): each groups `event_ticket_figures` (0025) its own
/// way and orders by its figures, then by name and id so the order is total.
public enum RankingKind: String, CaseIterable, Sendable {
    /// Every artist on the bill of an event (an event counts for each billed artist), by gross, tickets, events.
    case artists
    /// Venue's venues the events took place at (`events.venue_id`; events without one are left out), by events held,
    /// tickets, gross. The name is the company's link's, else the latest event's snapshot.
    case venues
    /// Festivals through their events (`events.festival_id`), by tickets, gross, events.
    case festivals
    /// Agencies by the shows their roster played: events billing an artist on the agency's roster on the event's day
    /// (entry dates inclusive, open ends open), each event once per agency; by shows, tickets, gross.
    case agencies
}

/// What every ranking and the trend read from the query: the period and the currency.
struct RankingQuery: Sendable {
    var window: ViewWindow
    var currency: String?

    /// Default period: this calendar year (UTC); at most ten years. The currency defaults to the company's reporting
    /// currency (`reporting_currency`, 0021).
    static func read(_ q: inout QueryReader) throws -> RankingQuery {
        let year = String(CalendarDate.today().prefix(4))
        let (window, issues) = ViewWindow.read(&q, defaultFrom: "\(year)-01-01", defaultTo: "\(year)-12-31", maxDays: 3653)
        let currency = q.currency("currency")
        try q.validate()
        if !issues.isEmpty { throw APIError.validation(issues) }
        try ExchangeErrors.checkKnown([("currency", currency)])
        return RankingQuery(window: window, currency: currency)
    }
}

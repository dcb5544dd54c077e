import Foundation
import Hummingbird
import KisumKernel

/// A tour, a series or a residency: events grouped for planning and a financial roll-up (issue 9, "Event Group").
public struct EventGroup: ResponseEncodable, Sendable, Equatable {
    public var id: UUID
    public var name: String
    public var kind: String
    public var status: String
    public var artistId: UUID?
    public var artistName: String?
    public var startsOn: String?
    public var endsOn: String?
    public var currency: String
    public var notes: String?
    public var eventCount: Int
    public var version: Int
    public var createdBy: UUID
    public var createdAt: Date
    public var updatedAt: Date
}

enum EventGroupValues {
    static let kinds = ["tour", "series", "residency", "other"]
    static let statuses = ["planning", "confirmed", "on_sale", "completed", "cancelled"]
    static let sorts = ["name", "startsOn", "createdAt"]
}

/// `POST /api/event-group` and `PUT /api/event-group/{id}` (a full replacement: nullable fields left out are
/// cleared, kind and status left out keep the current value or the default).
struct EventGroupInput: Decodable, Sendable, ValidatableBody {
    var name: String?
    var kind: String?
    var status: String?
    var artistId: UUID?
    var startsOn: String?
    var endsOn: String?
    var currency: String?
    var notes: String?
    var version: Int?

    func validate(_ v: inout Validator) {
        v.text(name, "name", maxLength: 200)
        v.oneOf(kind, "kind", EventGroupValues.kinds)
        v.oneOf(status, "status", EventGroupValues.statuses)
        ArtistShowRules.dateInRange(startsOn, "startsOn", required: false, &v)
        ArtistShowRules.dateInRange(endsOn, "endsOn", required: false, &v)
        if let startsOn, let endsOn, CalendarDate.isValid(startsOn), CalendarDate.isValid(endsOn), endsOn < startsOn {
            v.add("endsOn", "before_start", "endsOn must be on or after startsOn.")
        }
        v.currency(currency, "currency", required: true)
        v.text(notes, "notes", required: false, maxLength: 5000)
    }

    var trimmedName: String { name?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "" }
}

/// `POST /api/event-group/{id}/events`.
struct EventGroupEventLink: Decodable, Sendable, ValidatableBody {
    var eventId: UUID?

    func validate(_ v: inout Validator) {
        if eventId == nil { v.add("eventId", "required", "This field is required.") }
    }
}

struct EventGroupFilter: Sendable {
    var kind: String?
    var status: String?
    var artistID: UUID?
    var from: String?
    var to: String?
    var q: String?
    var sort: (key: String, descending: Bool) = ("startsOn", false)
}

/// An event as a group or festival lists it: the night, its place and its size.
public struct GroupedEvent: ResponseEncodable, Sendable, Equatable {
    public var id: UUID
    public var name: String
    public var status: String
    public var eventDate: String
    public var venueId: UUID?
    public var venueName: String?
    public var city: String?
    public var capacity: Int?
    public var currency: String
}

/// `GET /api/event-group/{id}/summary`: the roll-up of a tour, computed in one query. Money comes from the
/// accepted and converted offers of the group's events: the group's currency in `money`, any other currency
/// in `otherCurrencies`, one entry each, never summed across currencies.
public struct EventGroupSummary: ResponseEncodable, Decodable, Sendable, Equatable {
    public struct StatusCount: Codable, Sendable, Equatable {
        public var status: String
        public var count: Int
    }

    public struct Money: Codable, Sendable, Equatable {
        public var currency: String
        public var offerCount: Int
        public var guaranteeMinor: Int64
        /// Each integer field of the offers' `potential` (the deal engine's figures at their last save), summed.
        public var potential: [String: Int64]
    }

    public var groupId: UUID
    public var currency: String
    public var eventCount: Int
    public var eventsByStatus: [StatusCount]
    public var firstDate: String?
    public var lastDate: String?
    public var cities: [String]
    public var totalCapacity: Int64
    public var money: Money
    public var otherCurrencies: [Money]
    /// The recorded ticket sales of the group's events, one entry per event currency (never summed across).
    public var ticketSales: [TicketSalesTotal]

    public struct TicketSalesTotal: Codable, Sendable, Equatable {
        public var currency: String
        public var ticketsSold: Int64
        public var comps: Int64
        public var grossMinor: Int64
    }
}

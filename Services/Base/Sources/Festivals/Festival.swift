import Foundation
import Hummingbird
import KisumKernel

/// One edition of a festival (issue 9, "Festivals (6, lineup)"): its days and site, and the events (days, stages)
/// on it (`events.festival_id`, migration 0015).
public struct Festival: ResponseEncodable, Sendable, Equatable {
    public var id: UUID
    public var name: String
    public var edition: String?
    public var year: Int?
    public var startsOn: String
    public var endsOn: String
    public var venueId: UUID?
    public var venueName: String?
    public var city: String?
    public var countryId: UUID?
    public var status: String
    public var currency: String
    public var notes: String?
    /// The festival's events by date.
    public var eventIds: [UUID]
    public var version: Int
    public var createdBy: UUID
    public var createdAt: Date
    public var updatedAt: Date
}

enum FestivalValues {
    static let statuses = ["planning", "announced", "on_sale", "completed", "cancelled"]
    static let sorts = ["startsOn", "name", "createdAt"]
    static let maxEvents = 200
}

/// `POST /api/festivals` and `PUT /api/festivals/{id}` (a full replacement: nullable fields left out are cleared,
/// status left out keeps its value; `eventIds`, when sent, is the festival's whole set of events, left out it
/// keeps them).
struct FestivalInput: Decodable, Sendable, ValidatableBody {
    var name: String?
    var edition: String?
    var year: Int?
    var startsOn: String?
    var endsOn: String?
    var venueId: UUID?
    var venueName: String?
    var city: String?
    var countryId: UUID?
    var status: String?
    var currency: String?
    var notes: String?
    var eventIds: [UUID]?
    var version: Int?

    func validate(_ v: inout Validator) {
        v.text(name, "name", maxLength: 200)
        v.text(edition, "edition", required: false, maxLength: 100)
        v.range(year, "year", 1900...2199)
        ArtistShowRules.dateInRange(startsOn, "startsOn", required: true, &v)
        ArtistShowRules.dateInRange(endsOn, "endsOn", required: true, &v)
        if let startsOn, let endsOn, CalendarDate.isValid(startsOn), CalendarDate.isValid(endsOn), endsOn < startsOn {
            v.add("endsOn", "before_start", "endsOn must be on or after startsOn.")
        }
        v.text(venueName, "venueName", required: false, maxLength: 200)
        v.text(city, "city", required: false, maxLength: 100)
        v.oneOf(status, "status", FestivalValues.statuses)
        v.currency(currency, "currency", required: true)
        v.text(notes, "notes", required: false, maxLength: 5000)
        if let eventIds, eventIds.count > FestivalValues.maxEvents {
            v.add("eventIds", "too_many", "At most \(FestivalValues.maxEvents) events.")
        }
    }

    func trimmed(_ text: String?) -> String? { text?.trimmingCharacters(in: .whitespacesAndNewlines) }
    /// Duplicates collapse: the set of events is what counts.
    var uniqueEventIDs: [UUID]? { eventIds.map { Array(Set($0)) } }
}

struct FestivalFilter: Sendable {
    var status: String?
    var year: Int?
    var from: String?
    var to: String?
    var countryID: UUID?
    var city: String?
    var q: String?
    var sort: (key: String, descending: Bool) = ("startsOn", false)
}

/// `GET /api/festivals/{id}/lineup`: the artists of the festival's events (cancelled events left out), by day,
/// then billing order.
public struct FestivalLineup: ResponseEncodable, Decodable, Sendable, Equatable {
    public struct Slot: Codable, Sendable, Equatable {
        public var artistId: UUID
        public var artistName: String
        public var role: String
        public var billingOrder: Int
        /// `HH:MM`, local to the event.
        public var setTime: String?
        public var setMinutes: Int?
        public var eventId: UUID
        public var eventName: String
        public var venueName: String?
    }

    public struct Day: Codable, Sendable, Equatable {
        public var date: String
        public var artists: [Slot]
    }

    public var festivalId: UUID
    public var festivalName: String
    public var days: [Day]
}

import Foundation
import Hummingbird
import KisumKernel

/// One event (a night or day of live music) with its bill, as every Events route answers it. Named `LiveEvent`
/// because `Event` collides with swift-testing's type in the tests that import Base.
public struct LiveEvent: ResponseEncodable, Sendable, Equatable {
    public var id: UUID
    public var name: String
    public var status: String
    /// `YYYY-MM-DD`.
    public var date: String
    /// Local wall-clock `HH:MM` in `timezone`.
    public var doorsTime: String?
    public var showTime: String?
    public var curfewTime: String?
    public var timezone: String
    public var venueId: UUID?
    public var venueName: String?
    public var city: String?
    public var countryId: UUID?
    public var capacity: Int?
    public var currency: String
    public var eventGroupId: UUID?
    public var description: String?
    /// The bill in billing order.
    public var artists: [EventArtist]
    public var confirmedAt: Date?
    public var cancelledAt: Date?
    public var cancellationReason: String?
    public var version: Int
    public var createdBy: UUID
    public var createdAt: Date
    public var updatedAt: Date
}

/// An artist on an event's bill.
public struct EventArtist: ResponseEncodable, Sendable, Equatable, Decodable {
    public var artistId: UUID
    public var artistName: String
    public var role: String
    public var billingOrder: Int
    /// Local `HH:MM`.
    public var setTime: String?
    public var setMinutes: Int?
    public var addedAt: Date
}

/// The event lifecycle, in one place. `hold` is a pencilled date, `confirmed` agreed, `announced` public,
/// `on_sale` selling, `completed` played, `settled` paid out (final, set by the settlement); `cancelled` can be reinstated as a draft.
public enum EventStatus {
    public static let all = ["draft", "hold", "confirmed", "announced", "on_sale", "completed", "settled", "cancelled"]
    /// What a new event may start as.
    public static let initial = ["draft", "hold", "confirmed"]

    public static func next(from status: String) -> [String] {
        switch status {
        case "draft": return ["hold", "confirmed", "cancelled"]
        case "hold": return ["draft", "confirmed", "cancelled"]
        case "confirmed": return ["hold", "announced", "on_sale", "cancelled"]
        case "announced": return ["on_sale", "cancelled"]
        case "on_sale": return ["completed", "cancelled"]
        // `settled` is reached only by storing a settlement (POST /api/events/{id}/settlement), which computes and
        // records what was paid; a status change alone would claim a payout nobody computed.
        case "completed": return []
        case "cancelled": return ["draft"]
        default: return []
        }
    }

    /// 409 `invalid_transition` naming the allowed next statuses, unless `from` may become `to`.
    public static func check(from: String, to: String) throws {
        guard !next(from: from).contains(to) else { return }
        let allowed = next(from: from)
        throw APIError.conflict("invalid_transition", "A \(from) event cannot become \(to).",
                                info: ["status": .string(from), "allowed": .array(allowed.map { .string($0) })])
    }
}

/// The list's `type`: a named slice of the calendar (`all`, `upcoming`: today on and not cancelled, `past`: before
/// today, `draft`: draft or hold, `confirmed`: confirmed through settled, `cancelled`).
enum EventListType {
    static let all = ["all", "upcoming", "past", "draft", "confirmed", "cancelled"]
}

/// Sort keys of the list; `-` for descending.
enum EventSort {
    static let choices = ["date", "-date", "name", "-name", "createdAt", "-createdAt", "status"]

    static func orderBy(_ key: String?) -> String {
        switch key {
        case "-date": return "ORDER BY e.event_date DESC, e.id"
        case "name": return "ORDER BY lower(e.name), e.event_date, e.id"
        case "-name": return "ORDER BY lower(e.name) DESC, e.event_date, e.id"
        case "createdAt": return "ORDER BY e.created_at, e.id"
        case "-createdAt": return "ORDER BY e.created_at DESC, e.id"
        case "status": return "ORDER BY e.status, e.event_date, e.id"
        default: return "ORDER BY e.event_date, e.show_time NULLS LAST, e.id"
        }
    }
}

/// Filters of `GET /api/events`, `/search` and `/export` (all combine with AND).
struct EventFilter: Sendable {
    var type: String?
    var status: String?
    var from: String?
    var to: String?
    var artistID: UUID?
    var venueID: UUID?
    var eventGroupID: UUID?
    var query: String?

    /// Reads the filter parameters (bad ones are reported by `q.validate()`).
    static func read(_ q: inout QueryReader) -> EventFilter {
        EventFilter(type: q.oneOf("type", EventListType.all), status: q.oneOf("status", EventStatus.all), from: q.calendarDate("from"),
                    to: q.calendarDate("to"), artistID: q.uuid("artistId"), venueID: q.uuid("venueId"),
                    eventGroupID: q.uuid("eventGroupId"), query: q.search("q", maxLength: 200))
    }
}

/// Shared field rules of events.
enum EventRules {
    /// `HH:MM`, 00:00 through 23:59.
    static func time(_ value: String?, _ field: String, _ v: inout Validator) {
        guard let value else { return }
        if !isTime(value) { v.add(field, "invalid_time", "Must be a time of day, HH:MM.") }
    }

    static func isTime(_ value: String) -> Bool {
        let bytes = Array(value.utf8)
        guard bytes.count == 5, bytes[2] == UInt8(ascii: ":") else { return false }
        let digits = [bytes[0], bytes[1], bytes[3], bytes[4]]
        guard digits.allSatisfy({ (48...57).contains($0) }) else { return false }
        let hours = Int(digits[0] - 48) * 10 + Int(digits[1] - 48)
        let minutes = Int(digits[2] - 48) * 10 + Int(digits[3] - 48)
        return hours < 24 && minutes < 60
    }

    /// An IANA zone the system knows (`Europe/Amsterdam`, `UTC`).
    static func timezone(_ value: String?, _ field: String, _ v: inout Validator) {
        guard let value else { return }
        if value.utf8.count > 64 || TimeZone(identifier: value) == nil {
            v.add(field, "invalid_timezone", "Must be an IANA time zone such as Europe/Amsterdam.")
        }
    }
}

/// A bill entry in `POST /api/events` (and the body of `POST /api/events/{id}/artists`).
struct EventArtistInput: Decodable, Sendable, ValidatableBody {
    static let roles = ["headliner", "co_headliner", "support", "special_guest", "dj", "other"]
    var artistId: UUID?
    var role: String?
    var billingOrder: Int?
    var setTime: String?
    var setMinutes: Int?

    func validate(_ v: inout Validator) { validate(&v, prefix: "") }

    func validate(_ v: inout Validator, prefix: String) {
        if artistId == nil { v.add(prefix + "artistId", "required", "This field is required.") }
        v.oneOf(role, prefix + "role", Self.roles)
        v.range(billingOrder, prefix + "billingOrder", 1...1000)
        EventRules.time(setTime, prefix + "setTime", &v)
        v.range(setMinutes, prefix + "setMinutes", 1...1440)
    }
}

/// `POST /api/events` and `PUT /api/events/{id}` (a full replacement: optional fields left out are cleared).
/// The status is set on create only (`draft`, `hold` or `confirmed`); afterwards it moves through the status
/// routes. `artists` is the initial bill on create; PUT leaves the bill to `/artists`.
struct EventInput: Decodable, Sendable, ValidatableBody {
    var name: String?
    var status: String?
    var date: String?
    var doorsTime: String?
    var showTime: String?
    var curfewTime: String?
    var timezone: String?
    var venueId: UUID?
    var venueName: String?
    var city: String?
    var countryId: UUID?
    var capacity: Int?
    var currency: String?
    var eventGroupId: UUID?
    var description: String?
    var artists: [EventArtistInput]?
    var version: Int?

    func validate(_ v: inout Validator) {
        v.text(name, "name", maxLength: 200)
        v.oneOf(status, "status", EventStatus.initial)
        ArtistShowRules.dateInRange(date, "date", required: true, &v)
        EventRules.time(doorsTime, "doorsTime", &v)
        EventRules.time(showTime, "showTime", &v)
        EventRules.time(curfewTime, "curfewTime", &v)
        EventRules.timezone(timezone, "timezone", &v)
        v.text(venueName, "venueName", required: false, maxLength: 200)
        v.text(city, "city", required: false, maxLength: 100)
        v.range(capacity, "capacity", 0...1_000_000)
        // Any case on the wire (the contract says ^[A-Za-z]{3}$); stored upper-cased.
        v.currency(currency?.uppercased(), "currency", required: true)
        v.text(description, "description", required: false, maxLength: 10000)
        if let artists {
            if artists.count > 50 { v.add("artists", "too_many", "At most 50 artists.") }
            for (index, artist) in artists.prefix(50).enumerated() { artist.validate(&v, prefix: "artists[\(index)].") }
            if Set(artists.compactMap(\.artistId)).count != artists.compactMap(\.artistId).count {
                v.add("artists", "duplicate", "An artist appears on the bill once.")
            }
        }
    }

    var trimmedName: String { (name ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
    var trimmedVenueName: String? { venueName?.trimmingCharacters(in: .whitespacesAndNewlines) }
    var trimmedCity: String? { city?.trimmingCharacters(in: .whitespacesAndNewlines) }
    var upperCurrency: String { (currency ?? "").uppercased() }
}

/// `PATCH /api/events/{id}/status`.
struct EventStatusChange: Decodable, Sendable, ValidatableBody {
    var status: String?
    var reason: String?

    func validate(_ v: inout Validator) {
        v.oneOf(status, "status", EventStatus.all, required: true)
        v.text(reason, "reason", required: false, maxLength: 2000)
    }
}

/// `POST /api/events/{id}/cancel`.
struct EventCancel: Decodable, Sendable, ValidatableBody {
    var reason: String?

    func validate(_ v: inout Validator) { v.text(reason, "reason", required: false, maxLength: 2000) }
}

/// `POST /api/events/{id}/duplicate`: the copy's day (required) and, optionally, its name.
struct EventDuplicate: Decodable, Sendable, ValidatableBody {
    var date: String?
    var name: String?

    func validate(_ v: inout Validator) {
        ArtistShowRules.dateInRange(date, "date", required: true, &v)
        v.text(name, "name", required: false, maxLength: 200)
    }
}

/// `GET /api/events/{id}/summary`: the event with its bill and what hangs off it, counted.
public struct EventSummary: ResponseEncodable, Sendable {
    public var event: LiveEvent
    public var artistCount: Int
    public var documentCount: Int
    public var offerCount: Int
    public var activityCount: Int
}

/// One entry of `GET /api/events/{id}/activity`.
public struct EventActivity: ResponseEncodable, Sendable {
    public var id: UUID
    public var action: String
    public var actorId: UUID
    public var at: Date
    /// `{"field": {"from": …, "to": …}}` (snake_case column names for whole-row edits).
    public var changes: JSONValue
}

/// One dated milestone of `GET /api/events/{id}/timeline`.
public struct EventMilestone: ResponseEncodable, Sendable {
    /// `created`, a status reached (`confirmed`, `on_sale`, `cancelled` …), `doors`, `show`, `curfew` or `event_day`.
    public var kind: String
    public var at: Date
    public var actorId: UUID?
}

public struct EventTimeline: ResponseEncodable, Sendable {
    public var eventId: UUID
    public var items: [EventMilestone]
}

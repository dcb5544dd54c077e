import Foundation
import HTTPTypes
import Hummingbird
import KisumKernel
import KisumServiceClient

/// One of the company's events at a venue (Base's `events`, 0009).
public struct VenueEvent: ResponseEncodable, Sendable, Equatable {
    public var id: UUID
    public var name: String
    public var status: String
    public var date: String
    public var venueName: String?
    public var city: String?
    public var capacity: Int?
    public var currency: String
}

/// `GET /api/venues/{id}/stats`: the company's events at the venue and Venue's capacities.
public struct VenueStats: ResponseEncodable, Sendable, Equatable {
    public var venueId: UUID
    /// Every event of the company at the venue, cancelled ones included.
    public var totalEvents: Int
    /// Count per event status (every status present, zero included).
    public var byStatus: [String: Int]
    /// Not cancelled, on or after today (UTC).
    public var upcoming: Int
    /// Not cancelled, before today (UTC).
    public var past: Int
    /// The latest not-cancelled event before today.
    public var lastPlayedOn: String?
    /// The first not-cancelled event on or after today.
    public var nextEventOn: String?
    /// Venue's capacity of the venue and of its largest active space.
    public var capacity: Int?
    public var largestSpaceCapacity: Int?
}

/// Counts as the repository reads them.
struct VenueEventCounts: Sendable {
    var byStatus: [String: Int]
    var upcoming: Int
    var past: Int
    var lastPlayedOn: String?
    var nextEventOn: String?
}

enum VenueEventStatus {
    /// The statuses of 0009's `events_status_check`.
    static let all = ["draft", "hold", "confirmed", "announced", "on_sale", "completed", "settled", "cancelled"]
}

/// One day of `GET /api/venues/{id}/availability`.
public struct VenueDay: ResponseEncodable, Sendable, Equatable {
    public var date: String
    /// Venue has a booking or block on one of the venue's spaces during the day (UTC).
    public var venueBusy: Bool
    /// The company's not-cancelled events that day, and how many of them are holds.
    public var events: Int
    public var holds: Int
    /// Neither Venue nor the company has anything there that day.
    public var available: Bool
}

/// `GET /api/venues/{id}/availability`: Venue's answer for the range with the company's own events and holds.
public struct VenueAvailability: ResponseEncodable, Sendable {
    public var venueId: UUID
    public var from: String
    public var to: String
    public var spaces: [VenueSpaceRecord]
    public var busy: [VenueBusySpan]
    public var events: [VenueEvent]
    public var days: [VenueDay]
}

/// `GET/PUT /api/events/{id}/venue`.
public struct EventVenue: ResponseEncodable, Sendable {
    public var eventId: UUID
    public var venueId: UUID
    /// The snapshot on the event (what lists and documents show).
    public var venueName: String?
    public var city: String?
    /// Venue's current record.
    public var venue: VenueRecord
}

/// `PUT /api/events/{id}/venue`.
struct SetEventVenue: ValidatableBody, Sendable {
    var venueId: UUID?

    func validate(_ v: inout Validator) {
        if venueId == nil { v.add("venueId", "required", "This field is required.") }
    }
}

/// UTC calendar arithmetic on `YYYY-MM-DD` days.
enum VenueDays {
    static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        return calendar
    }()

    static func date(_ day: String) -> Date? {
        let parts = day.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, CalendarDate.isValid(day) else { return nil }
        return calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2]))
    }

    static func text(_ date: Date) -> String { CalendarDate.today(date) }

    /// Every day from `from` to `to`, inclusive (both valid, `from <= to`, at most `limit` days).
    static func range(_ from: String, _ to: String, limit: Int) -> [String] {
        guard var current = date(from), let end = date(to) else { return [] }
        var days: [String] = []
        while current <= end, days.count < limit {
            days.append(text(current))
            guard let next = calendar.date(byAdding: .day, value: 1, to: current) else { break }
            current = next
        }
        return days
    }

    static func adding(_ days: Int, to day: String) -> String? {
        date(day).flatMap { calendar.date(byAdding: .day, value: days, to: $0) }.map(text)
    }

    /// The UTC days an RFC 3339 span `[start, end)` touches.
    static func touched(start: String, end: String) -> ClosedRange<String>? {
        guard let s = instant(start), let e = instant(end), e > s else { return nil }
        return text(s)...text(e.addingTimeInterval(-0.001))
    }

    static func instant(_ text: String) -> Date? {
        let plain = ISO8601DateFormatter()
        if let date = plain.date(from: text) { return date }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text)
    }
}

import Foundation
import Hummingbird
import KisumKernel

/// `GET /api/events/calendar`: what is on in a range — the company's events, the active holds on its artists'
/// dates (with their rank) and the tours and series overlapping it.
public struct EventCalendar: ResponseEncodable, Sendable {
    public var from: String
    public var to: String
    public var events: [LiveEvent]
    /// Empty for a caller without `basic.avails.read`.
    public var holds: [CalendarHold]
    public var eventGroups: [CalendarEventGroup]
}

/// An active hold in the calendar.
public struct CalendarHold: ResponseEncodable, Sendable, Equatable {
    public var id: UUID
    public var artistId: UUID
    public var artistName: String
    public var date: String
    public var rank: Int
    public var status: String
    /// "1st hold", "2nd hold" …
    public var label: String
    public var venueName: String?
    public var city: String?
    public var updatedAt: Date
}

/// A tour or series in the calendar (`startsOn` may be null when only its end is known).
public struct CalendarEventGroup: ResponseEncodable, Sendable, Equatable {
    public var id: UUID
    public var name: String
    public var kind: String
    public var status: String
    public var startsOn: String?
    public var endsOn: String?
    public var updatedAt: Date
}

enum EventCalendarRules {
    /// The longest range one JSON calendar request covers (a year and a day, so any calendar year fits).
    static let maxDays = 367
    /// The feed spans a year back and three ahead, at most this many items of each kind.
    static let feedLimit = 5000

    /// The span in days from `from` to `to` (both valid `YYYY-MM-DD`), nil when unreadable.
    static func days(from: String, to: String) -> Int? {
        let format = DateFormatter()
        format.calendar = Calendar.utc
        format.timeZone = Calendar.utc.timeZone
        format.locale = Locale(identifier: "en_US_POSIX")
        format.dateFormat = "yyyy-MM-dd"
        guard let start = format.date(from: from), let end = format.date(from: to) else { return nil }
        return Calendar.utc.dateComponents([.day], from: start, to: end).day
    }
}

/// An event as the feed shows it: the instants its wall-clock times in its zone fall on (nil for an undated day).
struct FeedEvent: Sendable {
    var id: UUID
    var name: String
    var status: String
    var date: String
    var startsAt: Date?
    var endsAt: Date?
    var venueName: String?
    var city: String?
    var artists: [String]
    var version: Int
    var updatedAt: Date
}

/// A user's calendar feed, without its token (only its hash is stored).
public struct CalendarFeed: ResponseEncodable, Sendable, Equatable {
    public var id: UUID
    public var name: String
    public var createdAt: Date
    public var lastUsedAt: Date?
}

/// The answer to creating a feed: the only time the token (and so the URL) is shown.
public struct CreatedCalendarFeed: ResponseEncodable, Sendable {
    public var id: UUID
    public var name: String
    public var token: String
    /// The feed's path on the Base service (`/calendar/{token}.ics`).
    public var path: String
    /// The absolute URL as the caller reached Base (gateway prefix included), for pasting into a calendar app.
    public var url: String
    public var createdAt: Date
}

/// `POST /api/events/calendar/feeds`.
struct CreateCalendarFeed: Decodable, Sendable, ValidatableBody {
    var name: String?

    func validate(_ v: inout Validator) { v.text(name, "name", required: false, maxLength: 100) }
}

enum CalendarFeedToken {
    /// 32 random bytes as unpadded base64url: 43 characters, 256 bits from the system's CSPRNG.
    static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Only a well-formed token is looked up; anything else is a 404 without a query.
    static func isWellFormed(_ token: Substring) -> Bool {
        token.utf8.count == 43 && token.utf8.allSatisfy { byte in
            (65...90).contains(byte) || (97...122).contains(byte) || (48...57).contains(byte) || byte == 45 || byte == 95
        }
    }
}

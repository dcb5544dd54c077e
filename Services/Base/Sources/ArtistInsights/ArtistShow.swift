import Foundation
import Hummingbird
import KisumKernel

/// One show in an artist's history: played, cancelled or still scheduled. Stats, demographics, events and the
/// prediction models are all computed from these rows.
public struct ArtistShow: Codable, Sendable, ResponseEncodable {
    public var id: UUID
    public var artistId: UUID
    /// `YYYY-MM-DD`.
    public var performedOn: String
    public var venueName: String?
    public var city: String?
    public var countryId: UUID?
    public var capacity: Int?
    public var ticketsSold: Int?
    public var grossMinor: Int64?
    public var grossCurrency: String?
    public var feeMinor: Int64?
    public var feeCurrency: String?
    public var status: String
    public var source: String
    public var externalRef: String?
    public var notes: String?
    public var createdBy: UUID?
    public var createdAt: Date
}

/// The rules every show keeps, whichever route or import writes it.
enum ArtistShowRules {
    static let statuses = ["played", "cancelled", "scheduled"]
    static let sources = ["manual", "setlistfm", "event"]
    /// A bound on seats and tickets: larger than any stadium, small enough that no sum or product of them in
    /// the stats and the models comes near overflow.
    static let maxCount = 10_000_000
    /// Shows and prediction dates lie in 1900–2199 (also a database check): the models' weights
    /// (0.5^(age/365)) then stay far from underflowing to zero.
    static let firstDay = "1900-01-01"
    static let lastDay = "2199-12-31"

    /// A `YYYY-MM-DD` within the range above (text of that shape compares like the dates it names).
    static func dateInRange(_ value: String?, _ field: String, required: Bool, _ v: inout Validator) {
        guard let value else {
            if required { v.add(field, "required", "This field is required.") }
            return
        }
        if !CalendarDate.isValid(value) {
            v.add(field, "invalid_date", "Must be a calendar date, YYYY-MM-DD.")
        } else if value < firstDay || value > lastDay {
            v.add(field, "out_of_range", "Must be between \(firstDay) and \(lastDay).")
        }
    }

    /// Optional free text: not blank, at most `maxLength` code points.
    static func optionalText(_ value: String?, _ field: String, maxLength: Int, _ v: inout Validator) {
        v.text(value, field, required: false, maxLength: maxLength)
    }
}

/// `POST /api/artists/{id}/historical`: one show typed in by hand (`source` is `manual`; imports write their
/// own sources). Without `status`, a show on or before today (UTC) is `played` and a later one `scheduled`.
struct CreateArtistShow: Decodable, Sendable, ValidatableBody {
    var performedOn: String?
    var venueName: String?
    var city: String?
    var countryId: UUID?
    var capacity: Int?
    var ticketsSold: Int?
    var grossMinor: Int64?
    var grossCurrency: String?
    var feeMinor: Int64?
    var feeCurrency: String?
    var status: String?
    var externalRef: String?
    var notes: String?

    func validate(_ v: inout Validator) {
        validate(&v, today: CalendarDate.today())
    }

    /// `today` is a parameter so the played-in-the-future rule is testable on any day.
    func validate(_ v: inout Validator, today: String) {
        ArtistShowRules.dateInRange(performedOn, "performedOn", required: true, &v)
        ArtistShowRules.optionalText(venueName, "venueName", maxLength: 200, &v)
        ArtistShowRules.optionalText(city, "city", maxLength: 100, &v)
        ArtistShowRules.optionalText(externalRef, "externalRef", maxLength: 200, &v)
        ArtistShowRules.optionalText(notes, "notes", maxLength: 2000, &v)
        v.range(capacity, "capacity", 0...ArtistShowRules.maxCount)
        v.range(ticketsSold, "ticketsSold", 0...ArtistShowRules.maxCount)
        if let ticketsSold, let capacity, ticketsSold > capacity {
            v.add("ticketsSold", "exceeds_capacity", "ticketsSold cannot be more than capacity.")
        }
        Self.money(grossMinor, grossCurrency, amountField: "grossMinor", currencyField: "grossCurrency", &v)
        Self.money(feeMinor, feeCurrency, amountField: "feeMinor", currencyField: "feeCurrency", &v)
        v.oneOf(status, "status", ArtistShowRules.statuses)
        if let performedOn, CalendarDate.isValid(performedOn), performedOn > today, resolvedStatus(today: today) == "played" {
            v.add("status", "in_future", "A show after today cannot be played yet; use scheduled.")
        }
    }

    /// An amount and its currency come together.
    private static func money(_ amount: Int64?, _ currency: String?, amountField: String, currencyField: String, _ v: inout Validator) {
        v.minorAmount(amount, amountField)
        v.currency(currency, currencyField)
        if amount != nil, currency == nil { v.add(currencyField, "required", "\(currencyField) is required with \(amountField).") }
        if amount == nil, currency != nil { v.add(amountField, "required", "\(amountField) is required with \(currencyField).") }
    }

    func resolvedStatus(today: String) -> String {
        if let status { return status }
        guard let performedOn else { return "played" }
        return performedOn > today ? "scheduled" : "played"
    }

    var trimmedCity: String? { city?.trimmingCharacters(in: .whitespacesAndNewlines) }
    var trimmedVenueName: String? { venueName?.trimmingCharacters(in: .whitespacesAndNewlines) }
}

/// Filters of `GET /api/artists/{id}/historical`.
struct ArtistShowFilter: Sendable {
    var from: String?
    var to: String?
    var countryID: UUID?
    var city: String?
    var status: String?
}

/// `GET /api/artists/{id}/events`: the artist's shows seen as events. Base events (issue 9) join this list
/// with `type: event` once they exist; until then every item is a show from the history.
public struct ArtistEvent: Codable, Sendable {
    public var id: UUID
    /// `show` (a row of the history); `event` is reserved for Base events.
    public var type: String
    public var artistId: UUID
    /// `YYYY-MM-DD`.
    public var date: String
    public var title: String
    public var venueName: String?
    public var city: String?
    public var countryId: UUID?
    public var status: String
    public var source: String
    public var capacity: Int?
    public var ticketsSold: Int?
}

/// Which side of the reference day (`date`, else today in UTC) `GET …/events` lists.
enum EventWindow: String, Sendable {
    /// On or after the day, soonest first.
    case upcoming
    /// Before the day, latest first.
    case past
    /// Every show, latest first.
    case all

    static let names = ["upcoming", "past", "all"]
}

import Foundation
import Hummingbird
import KisumKernel

/// An artist's date hold (issue 9, "Avails and holds"). Active avails (`hold`, `confirmed`) queue on their
/// artist's day with `rank` 1..n (1 = first hold); closed ones (`released`, `converted`) have no rank.
public struct Avail: ResponseEncodable, Sendable, Equatable {
    public var id: UUID
    public var artistId: UUID
    public var artistName: String
    /// `YYYY-MM-DD`.
    public var date: String
    public var rank: Int?
    public var status: String
    public var venueName: String?
    public var city: String?
    public var countryId: UUID?
    public var promoterName: String?
    public var notes: String?
    public var expiresOn: String?
    public var createdBy: UUID
    public var createdAt: Date
    public var updatedAt: Date
}

/// The hold lifecycle: a hold may be confirmed (only as first hold), released or converted (into a show);
/// a confirmed hold may be released or converted; released and converted are final.
public enum AvailStatus {
    public static let all = ["hold", "confirmed", "released", "converted"]
    public static let active = ["hold", "confirmed"]

    /// The statuses `from` may move to (staying put is always allowed).
    public static func next(from status: String) -> [String] {
        switch status {
        case "hold": return ["confirmed", "released", "converted"]
        case "confirmed": return ["released", "converted"]
        default: return []
        }
    }

    public static func isActive(_ status: String) -> Bool { active.contains(status) }
}

/// The fields `POST /api/avails` and `PUT /api/avails/{id}` share: the day and the market.
struct AvailFields: Sendable {
    var date: String?
    var venueName: String?
    var city: String?
    var countryId: UUID?
    var promoterName: String?
    var notes: String?
    var expiresOn: String?

    func validate(_ v: inout Validator) {
        ArtistShowRules.dateInRange(date, "date", required: true, &v)
        ArtistShowRules.dateInRange(expiresOn, "expiresOn", required: false, &v)
        // Both are YYYY-MM-DD once valid, so text order is day order.
        if let date, let expiresOn, CalendarDate.isValid(date), CalendarDate.isValid(expiresOn), expiresOn > date {
            v.add("expiresOn", "after_date", "A hold expires on or before its date.")
        }
        v.text(venueName, "venueName", required: false, maxLength: 200)
        v.text(city, "city", required: false, maxLength: 100)
        v.text(promoterName, "promoterName", required: false, maxLength: 200)
        v.text(notes, "notes", required: false, maxLength: 5000)
    }

    var trimmedVenueName: String? { venueName?.trimmingCharacters(in: .whitespacesAndNewlines) }
    var trimmedCity: String? { city?.trimmingCharacters(in: .whitespacesAndNewlines) }
    var trimmedPromoterName: String? { promoterName?.trimmingCharacters(in: .whitespacesAndNewlines) }
}

/// `POST /api/avails`: a new hold, queued behind the artist's active holds on that day.
struct CreateAvail: Decodable, Sendable, ValidatableBody {
    var artistId: UUID?
    var date: String?
    var venueName: String?
    var city: String?
    var countryId: UUID?
    var promoterName: String?
    var notes: String?
    var expiresOn: String?

    var fields: AvailFields {
        AvailFields(date: date, venueName: venueName, city: city, countryId: countryId, promoterName: promoterName, notes: notes,
                    expiresOn: expiresOn)
    }

    func validate(_ v: inout Validator) {
        if artistId == nil { v.add("artistId", "required", "This field is required.") }
        fields.validate(&v)
    }
}

/// `PUT /api/avails/{id}`: a full replacement of the day and market (nullable fields left out are cleared);
/// `status` left out keeps the current one. The artist never changes: a hold for another artist is a new avail.
struct ReplaceAvail: Decodable, Sendable, ValidatableBody {
    var date: String?
    var status: String?
    var venueName: String?
    var city: String?
    var countryId: UUID?
    var promoterName: String?
    var notes: String?
    var expiresOn: String?

    var fields: AvailFields {
        AvailFields(date: date, venueName: venueName, city: city, countryId: countryId, promoterName: promoterName, notes: notes,
                    expiresOn: expiresOn)
    }

    func validate(_ v: inout Validator) {
        fields.validate(&v)
        v.oneOf(status, "status", AvailStatus.all)
    }
}

/// `POST /api/avails/{id}/shows`.
struct LinkAvailShow: Decodable, Sendable, ValidatableBody {
    var showId: UUID?

    func validate(_ v: inout Validator) {
        if showId == nil { v.add("showId", "required", "This field is required.") }
    }
}

/// Filters of `GET /api/avails` (and the fixed artist and period of `GET /api/roster/{id}/avails`).
struct AvailFilter: Sendable {
    var artistID: UUID?
    var status: String?
    var from: String?
    var to: String?
    var countryID: UUID?
    var city: String?
    /// Avails whose artist is on this agency's roster on the avail's day.
    var rosterAgencyID: UUID?
    var createdBy: UUID?
}

/// `GET /api/avails/{id}/shows-summary`: the linked shows counted and summed (amounts per currency, played
/// shows only, like the artist's stats).
public struct AvailShowsSummary: ResponseEncodable, Sendable, Equatable {
    public var availId: UUID
    public var showCount: Int
    public var playedCount: Int
    public var scheduledCount: Int
    public var cancelledCount: Int
    public var ticketsSold: Int64
    public var grossTotals: [CurrencyAmount]
    public var feeTotals: [CurrencyAmount]
}

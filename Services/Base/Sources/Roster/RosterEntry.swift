import Foundation
import Hummingbird
import KisumKernel

/// An artist on a roster: the company's own (`agencyId` null) or one of its agencies', with the role of that
/// representation and the days it holds. `active` is computed for today (UTC): started (or no start) and not
/// ended (or no end).
public struct RosterEntry: ResponseEncodable, Sendable, Equatable {
    public var id: UUID
    public var artistId: UUID
    public var artistName: String
    public var agencyId: UUID?
    public var agencyName: String?
    public var role: String
    public var territory: String?
    /// `YYYY-MM-DD` (`CalendarDate`).
    public var startsOn: String?
    public var endsOn: String?
    public var notes: String?
    public var active: Bool
    public var createdAt: Date
    public var updatedAt: Date
}

public enum RosterRole {
    public static let all = ["booking", "management", "publishing", "label", "other"]
}

/// The fields every roster body carries; `POST`/`PUT` on `/api/agencies/{id}/roster` send exactly these (the
/// agency is the path's), and `/api/roster` adds `agencyId` (`RosterInput`).
struct AgencyRosterInput: ValidatableBody, Sendable {
    var artistId: UUID?
    var role: String?
    var territory: String?
    var startsOn: String?
    var endsOn: String?
    var notes: String?

    func validate(_ v: inout Validator) {
        if artistId == nil { v.add("artistId", "required", "This field is required.") }
        v.oneOf(role, "role", RosterRole.all, required: true)
        v.text(territory, "territory", required: false, maxLength: 200)
        v.calendarDate(startsOn, "startsOn")
        v.calendarDate(endsOn, "endsOn")
        // Both are YYYY-MM-DD once valid, so text order is day order.
        if let startsOn, let endsOn, CalendarDate.isValid(startsOn), CalendarDate.isValid(endsOn), endsOn < startsOn {
            v.add("endsOn", "before_start", "endsOn must be on or after startsOn.")
        }
        v.text(notes, "notes", required: false, maxLength: 5000)
    }
}

/// `POST /api/roster` (agencyId left out or null: the company's own roster) and `PUT /api/roster/{id}` (a full
/// replacement: agencyId must be sent, null moving the entry to the company's own roster, so leaving it out
/// never moves an entry by accident).
struct RosterInput: Decodable, Sendable {
    var artistId: UUID?
    var agencyId: Patch<UUID> = .absent
    var role: String?
    var territory: String?
    var startsOn: String?
    var endsOn: String?
    var notes: String?

    var fields: AgencyRosterInput {
        AgencyRosterInput(artistId: artistId, role: role, territory: territory, startsOn: startsOn, endsOn: endsOn, notes: notes)
    }

    func validate(_ v: inout Validator, replacing: Bool) {
        fields.validate(&v)
        if replacing, agencyId.isAbsent {
            v.add("agencyId", "required", "Send agencyId: an agency's id, or null for the company's own roster.")
        }
    }
}

struct RosterFilter: Sendable {
    var agencyID: UUID?
    /// `agencyId=none`: the company's own roster only.
    var ownOnly = false
    /// true: the company's own roster only (agency_id NULL); false: agencies' entries only.
    var own: Bool?
    var artistID: UUID?
    var role: String?
    var active: Bool?
    /// Text in the artist's name.
    var q: String?
}

import Foundation
import KisumKernel

/// Rules shared by create and PATCH, so both bodies refuse the same values with the same codes.
enum EventRules {
    static let maxTitle = 200
    static let maxVenueName = 200
    static let maxTimezone = 100

    /// An IANA zone name the zone database knows (`Europe/Amsterdam`, `UTC`). The length is checked first
    /// so no unbounded text reaches the lookup.
    static func timezone(_ value: String?, into v: inout Validator, required: Bool) {
        guard let value else {
            if required { v.add("timezone", "required", "This field is required.") }
            return
        }
        if value.isEmpty || value.unicodeScalars.count > maxTimezone {
            v.add("timezone", "invalid_timezone", "Must be an IANA time zone name of at most \(maxTimezone) characters.")
        } else if TimeZone(identifier: value) == nil {
            v.add("timezone", "invalid_timezone", "Not a known IANA time zone name (e.g. Europe/Amsterdam).")
        }
    }

    static func legacyID(_ value: String?, into v: inout Validator) {
        if let value, !LegacyEventID.isValid(value) {
            v.add("legacyId", "invalid_format", "Must be a 24-character hexadecimal (Mongo ObjectId) id.")
        }
    }
}

/// `POST /api/v1/events`. Optional fields decode as optionals, so `null` means "left out".
struct CreateEvent: Decodable, Sendable, ValidatableBody {
    var title: String?
    var startAt: Date?
    var endAt: Date?
    var timezone: String?
    var venueId: UUID?
    var venueName: String?
    var status: String?
    var legacyId: String?

    func validate(_ v: inout Validator) {
        v.text(title, "title", required: true, maxLength: EventRules.maxTitle)
        if startAt == nil { v.add("startAt", "required", "This field is required.") }
        v.interval(startAt, endAt, startField: "startAt", endField: "endAt")
        EventRules.timezone(timezone, into: &v, required: true)
        v.text(venueName, "venueName", required: false, maxLength: EventRules.maxVenueName)
        // Any status, final ones included: events carried over from the legacy store arrive as they are
        // (a past show completed). The transition rules govern changes, not the first record.
        v.oneOf(status, "status", EventStatus.all)
        EventRules.legacyID(legacyId, into: &v)
    }

    /// The stored spelling of `legacyId` (lower case); only called after validation.
    var normalizedLegacyID: String? { legacyId.flatMap(LegacyEventID.normalized) }
}

/// `PATCH /api/v1/events/{id}`: absent fields stay; `null` clears endAt, venueId and venueName. A status
/// change goes through `EventStatus`.
struct EventPatch: Decodable, Sendable, ValidatableBody {
    var title: Patch<String> = .absent
    var startAt: Patch<Date> = .absent
    var endAt: Patch<Date> = .absent
    var timezone: Patch<String> = .absent
    var venueId: Patch<UUID> = .absent
    var venueName: Patch<String> = .absent
    var status: Patch<String> = .absent
    // Decoded only to be refused: the legacy id is an identity other systems resolve, fixed at creation.
    var legacyId: Patch<JSONValue> = .absent

    func validate(_ v: inout Validator) {
        for (field, clears) in [("title", title.clears), ("startAt", startAt.clears), ("timezone", timezone.clears), ("status", status.clears)]
        where clears {
            v.add(field, "not_nullable", "\(field) cannot be null.")
        }
        if !legacyId.isAbsent { v.add("legacyId", "immutable", "legacyId is fixed when the event is created.") }
        v.text(title.value, "title", required: false, maxLength: EventRules.maxTitle)
        // Against the stored value the database's CHECK decides (mapped to the same 422 on endAt).
        v.interval(startAt.value, endAt.value, startField: "startAt", endField: "endAt")
        EventRules.timezone(timezone.value, into: &v, required: false)
        v.text(venueName.value, "venueName", required: false, maxLength: EventRules.maxVenueName)
        v.oneOf(status.value, "status", EventStatus.all)
    }
}

import Foundation
import Hummingbird
import KisumKernel

/// `POST /api/v1/events`: exactly one of `promoterEventId` or `placeholder: true` with
/// `placeholderPromoterName`.
struct CreateEvent: Decodable, Sendable, ValidatableBody {
    /// Checked through Promoter by the handler (`PromoterEventResolver`), which also refuses a malformed id.
    var promoterEventId: String?
    var placeholder: Bool?
    var placeholderPromoterName: String?
    var placeholderPromoterEmail: String?
    var placeholderNotes: String?
    var title: String?
    var description: String?
    var eventType: String?
    var status: String?
    var startAt: Date?
    var endAt: Date?
    var spaceIds: [UUID]?
    var payload: JSONValue?
    var businessUnitId: UUID?
    var bookingId: UUID?

    var isPlaceholder: Bool { placeholder == true }

    func validate(_ v: inout Validator) {
        switch (promoterEventId != nil, isPlaceholder) {
        case (true, true):
            v.add("promoterEventId", "exclusive", "Give either promoterEventId or placeholder=true, not both.")
        case (false, false):
            v.add("promoterEventId", "required", "Give promoterEventId, or placeholder=true with placeholderPromoterName.")
        case (false, true):
            if placeholderPromoterName == nil {
                v.add("placeholderPromoterName", "required", "A placeholder event needs the off-platform promoter's name.")
            }
        case (true, false):
            for (field, value) in [("placeholderPromoterName", placeholderPromoterName), ("placeholderPromoterEmail", placeholderPromoterEmail),
                                   ("placeholderNotes", placeholderNotes)] where value != nil {
                v.add(field, "only_for_placeholders", "\(field) applies to placeholder events only.")
            }
        }
        EventRules.placeholder(name: placeholderPromoterName, email: placeholderPromoterEmail, notes: placeholderNotes, into: &v)
        EventRules.common(title: title, description: description, eventType: eventType, status: status, startAt: startAt,
                          endAt: endAt, spaceIds: spaceIds, payload: payload, into: &v)
        if endAt != nil, startAt == nil { v.add("startAt", "required", "An event with an end needs a start.") }
    }
}

/// `PATCH /api/v1/events/{id}`: only the listed operational fields; placeholder fields only on
/// placeholder rows; never the promoter linkage (that is `link-promoter`).
struct EventPatch: Decodable, Sendable, ValidatableBody {
    var title: Patch<String> = .absent
    var description: Patch<String> = .absent
    var eventType: Patch<String> = .absent
    var status: Patch<String> = .absent
    var startAt: Patch<Date> = .absent
    var endAt: Patch<Date> = .absent
    var spaceIds: Patch<[UUID]> = .absent
    var payload: Patch<JSONValue> = .absent
    var businessUnitId: Patch<UUID> = .absent
    var bookingId: Patch<UUID> = .absent
    var placeholderPromoterName: Patch<String> = .absent
    var placeholderPromoterEmail: Patch<String> = .absent
    var placeholderNotes: Patch<String> = .absent
    // Present only to be refused.
    var promoterEventId: Patch<JSONValue> = .absent
    var isPlaceholder: Patch<JSONValue> = .absent
    var placeholder: Patch<JSONValue> = .absent

    var touchesPlaceholderFields: Bool {
        !placeholderPromoterName.isAbsent || !placeholderPromoterEmail.isAbsent || !placeholderNotes.isAbsent
    }

    func validate(_ v: inout Validator) {
        for (field, present) in [("promoterEventId", !promoterEventId.isAbsent), ("isPlaceholder", !isPlaceholder.isAbsent),
                                 ("placeholder", !placeholder.isAbsent)] where present {
            v.add(field, "not_allowed", "The promoter linkage cannot be patched; use POST /api/v1/events/{id}/link-promoter.")
        }
        for (field, clears) in [("status", status.clears), ("spaceIds", spaceIds.clears), ("placeholderPromoterName", placeholderPromoterName.clears)]
        where clears {
            v.add(field, "not_nullable", "\(field) cannot be null.")
        }
        EventRules.common(title: title.value, description: description.value, eventType: eventType.value, status: status.value,
                          startAt: startAt.value, endAt: endAt.value, spaceIds: spaceIds.value, payload: payload.value, into: &v)
        EventRules.placeholder(name: placeholderPromoterName.value, email: placeholderPromoterEmail.value,
                               notes: placeholderNotes.value, into: &v)
    }

    var payloadValue: JSONValue? { payload.clears ? .object([:]) : payload.value }
}

/// `POST /api/v1/events/{id}/link-promoter`.
struct LinkPromoter: Decodable, Sendable, ValidatableBody {
    var promoterEventId: String?

    func validate(_ v: inout Validator) {
        if promoterEventId == nil { v.add("promoterEventId", "required", "This field is required.") }
    }
}

struct EventFilter: Sendable {
    var status: String?
    var venueID: UUID?
    var bookingID: UUID?
    var promoterEventID: String?
    /// `only` placeholders, `exclude` them, or nil for both.
    var placeholder: String?
    var fromAt: Date?
    var toAt: Date?
}

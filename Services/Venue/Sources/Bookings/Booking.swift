import Foundation
import Hummingbird
import KisumKernel

/// A booking of one or more spaces for a Market party.
public struct Booking: Codable, Sendable, ResponseEncodable {
    public var id: UUID
    public var companyId: UUID
    public var status: String
    public var marketCompanyId: UUID?
    public var marketPersonId: UUID?
    /// The linked venue event; set on confirmation by SyncBookingEvent when not given.
    public var eventId: UUID?
    public var promoterEventId: String?
    public var title: String?
    public var notes: String?
    public var statusReason: String?
    public var startAt: Date
    public var endAt: Date
    public var spaceIds: [UUID]
    public var createdBy: UUID?
    public var confirmedAt: Date?
    public var cancelledAt: Date?
    public var createdAt: Date
    public var updatedAt: Date
}

/// `POST /api/v1/bookings`.
struct CreateBooking: Decodable, Sendable, ValidatableBody {
    var spaceIds: [UUID]?
    var marketCompanyId: UUID?
    var marketPersonId: UUID?
    var eventId: UUID?
    /// Checked through Promoter by the handler (`PromoterEventResolver`), not here: whether it names an
    /// event is Promoter's answer, and its form is checked there too so both failures answer alike.
    var promoterEventId: String?
    var title: String?
    var notes: String?
    var startAt: Date?
    var endAt: Date?
    var status: String?

    func validate(_ v: inout Validator) {
        if let spaceIds {
            if spaceIds.isEmpty { v.add("spaceIds", "required", "At least one space is required.") }
            if spaceIds.count > 20 { v.add("spaceIds", "too_many", "At most 20 spaces per booking.") }
            if Set(spaceIds).count != spaceIds.count { v.add("spaceIds", "duplicate", "Each space may be listed once.") }
        } else {
            v.add("spaceIds", "required", "At least one space is required.")
        }
        if marketCompanyId == nil, marketPersonId == nil {
            v.add("marketCompanyId", "market_party_required", "Give marketCompanyId, marketPersonId or both.")
        }
        if startAt == nil { v.add("startAt", "required", "This field is required.") }
        if endAt == nil { v.add("endAt", "required", "This field is required.") }
        v.interval(startAt, endAt, startField: "startAt", endField: "endAt")
        if let startAt, let endAt, endAt.timeIntervalSince(startAt) > BookingStatus.maxDuration {
            v.add("endAt", "too_long", "A booking may last at most 60 days.")
        }
        v.oneOf(status, "status", BookingStatus.initial)
        v.text(title, "title", required: false, maxLength: 300)
        v.text(notes, "notes", required: false, maxLength: 5000)
    }
}

/// `PATCH /api/v1/bookings/{id}`: a status change through the transition table, plus the reason and
/// descriptive fields. Spaces, times and the party are fixed once booked.
struct BookingPatch: Decodable, Sendable, ValidatableBody {
    var status: Patch<String> = .absent
    var statusReason: Patch<String> = .absent
    var title: Patch<String> = .absent
    var notes: Patch<String> = .absent
    // Present only to be refused with a clear message.
    var spaceIds: Patch<JSONValue> = .absent
    var startAt: Patch<JSONValue> = .absent
    var endAt: Patch<JSONValue> = .absent

    func validate(_ v: inout Validator) {
        if status.clears { v.add("status", "not_nullable", "status cannot be null.") }
        v.oneOf(status.value, "status", BookingStatus.all)
        v.text(statusReason.value, "statusReason", required: false, maxLength: 1000)
        v.text(title.value, "title", required: false, maxLength: 300)
        v.text(notes.value, "notes", required: false, maxLength: 5000)
        for (field, present) in [("spaceIds", !spaceIds.isAbsent), ("startAt", !startAt.isAbsent), ("endAt", !endAt.isAbsent)] where present {
            v.add(field, "immutable", "\(field) cannot change; cancel and book again.")
        }
    }
}

/// A booking's stored promoterEventId and the canonical id Promoter answered for it.
struct ResolvedPromoterEvent: Sendable, Equatable {
    var stored: String
    var canonical: String
}

struct BookingFilter: Sendable {
    var status: String?
    var spaceID: UUID?
    var venueID: UUID?
    var eventID: UUID?
    var promoterEventID: String?
    var marketCompanyID: UUID?
    var marketPersonID: UUID?
    var fromAt: Date?
    var toAt: Date?
}

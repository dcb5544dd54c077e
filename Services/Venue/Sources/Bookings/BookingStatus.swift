import Foundation
import KisumKernel

/// The booking status machine. Occupying statuses (tentative, hold, pending, confirmed) hold their
/// spaces; the database function `venue_booking_occupies` uses the same list.
enum BookingStatus {
    static let all = ["tentative", "hold", "pending", "confirmed", "cancelled", "declined", "completed"]
    /// What a new booking may start as; confirmation is a transition (it runs SyncBookingEvent).
    static let initial = ["tentative", "hold", "pending"]
    static let occupying: Set<String> = ["tentative", "hold", "pending", "confirmed"]
    static let maxDuration: TimeInterval = 60 * 24 * 3600

    /// Allowed transitions. Cancelled, declined and completed are final: their spaces are released and
    /// re-opening could collide with whoever booked the time since.
    static let transitions: [String: [String]] = [
        "tentative": ["hold", "pending", "confirmed", "cancelled", "declined"],
        "hold": ["tentative", "pending", "confirmed", "cancelled", "declined"],
        "pending": ["hold", "confirmed", "cancelled", "declined"],
        "confirmed": ["cancelled", "completed"],
        "cancelled": [],
        "declined": [],
        "completed": [],
    ]

    /// Nil when `from → to` is allowed (or a no-op), else the 409 explaining why not.
    static func check(from: String, to: String, endsAt: Date, now: Date = Date()) -> APIError? {
        if from == to { return nil }
        let allowed = transitions[from] ?? []
        let info: [String: JSONValue] = ["from": .string(from), "to": .string(to), "allowed": .array(allowed.map(JSONValue.string))]
        guard allowed.contains(to) else {
            let reason = allowed.isEmpty
                ? "A \(from) booking is final and cannot change status."
                : "A \(from) booking cannot become \(to); allowed: \(allowed.joined(separator: ", "))."
            return APIError.conflict("invalid_transition", reason, info: info)
        }
        if to == "completed", endsAt > now {
            return APIError.conflict("invalid_transition", "A booking can be completed only after it has ended.", info: info)
        }
        return nil
    }
}

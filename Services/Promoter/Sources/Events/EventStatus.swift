import Foundation
import KisumKernel

/// The event status machine: draft → announced → on_sale → completed, and any status that is not
/// final → cancelled. cancelled and completed are final: tickets have been refunded or the show has
/// happened, and Venue's references rely on that not changing back.
enum EventStatus {
    static let all = ["draft", "announced", "on_sale", "completed", "cancelled"]
    static let final: Set<String> = ["completed", "cancelled"]

    static let transitions: [String: [String]] = [
        "draft": ["announced", "cancelled"],
        "announced": ["on_sale", "cancelled"],
        "on_sale": ["completed", "cancelled"],
        "completed": [],
        "cancelled": [],
    ]

    /// Nil when `from → to` is allowed or changes nothing; else the 409 naming what is allowed.
    static func check(from: String, to: String) -> APIError? {
        if from == to { return nil }
        let allowed = transitions[from] ?? []
        if allowed.contains(to) { return nil }
        let reason = allowed.isEmpty
            ? "A \(from) event is final and cannot change status."
            : "A \(from) event cannot become \(to); allowed: \(allowed.joined(separator: ", "))."
        return APIError.conflict("invalid_status_transition", reason,
                                 info: ["from": .string(from), "to": .string(to), "allowed": .array(allowed.map(JSONValue.string))])
    }
}

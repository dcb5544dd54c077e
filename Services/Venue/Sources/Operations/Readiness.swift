import Foundation
import Hummingbird
import KisumKernel

/// The readiness state machine. Work starts (`in_progress`) or is stuck from the outset (`blocked`);
/// `blocked` goes back to `in_progress` once unblocked; `ready` means the venue can run the event and may
/// fall back to `in_progress` or `blocked` when something changes; `complete` (after the event, every
/// task done or skipped) is final and closes the checklist.
enum Readiness {
    static let all = ["not_started", "in_progress", "blocked", "ready", "complete"]
    /// What a new checklist may start as.
    static let initial = ["not_started", "in_progress", "blocked"]
    static let transitions: [String: [String]] = [
        "not_started": ["in_progress", "blocked"],
        "in_progress": ["blocked", "ready"],
        "blocked": ["in_progress"],
        "ready": ["in_progress", "blocked", "complete"],
        "complete": [],
    ]

    static func check(from: String, to: String) -> APIError? {
        if from == to { return nil }
        let allowed = transitions[from] ?? []
        guard allowed.contains(to) else {
            let reason = allowed.isEmpty
                ? "A complete checklist is final."
                : "Readiness \(from) cannot become \(to); allowed: \(allowed.joined(separator: ", "))."
            return APIError.conflict("invalid_transition", reason, info: [
                "from": .string(from), "to": .string(to), "allowed": .array(allowed.map(JSONValue.string)),
            ])
        }
        return nil
    }
}

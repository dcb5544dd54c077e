import Foundation
import Hummingbird
import KisumKernel

/// The readiness state machine, in the spec's order: `not_started → in_progress → blocked → ready → complete`.
/// A checklist moves forward along that line (steps may be skipped: a venue can be ready without ever
/// having been blocked), and `blocked ↔ in_progress` both ways, because an unblocked checklist is simply
/// back at work. Nothing moves back from `ready`: the spec's line has no arrow out of it except to
/// `complete`, which is final (every task done or skipped) and closes the checklist.
enum Readiness {
    /// The spec's progression, in order.
    static let all = ["not_started", "in_progress", "blocked", "ready", "complete"]
    /// A new checklist may start anywhere on the line (the spec's create body takes any `readinessState`);
    /// starting `complete` still needs every task closed.
    static let initial = all

    /// The states `from` may become: every later one, plus `in_progress` from `blocked`.
    static func allowed(from: String) -> [String] {
        guard let index = all.firstIndex(of: from) else { return [] }
        let later = Array(all[(index + 1)...])
        return from == "blocked" ? ["in_progress"] + later : later
    }

    static func check(from: String, to: String) -> APIError? {
        if from == to { return nil }
        let allowed = allowed(from: from)
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

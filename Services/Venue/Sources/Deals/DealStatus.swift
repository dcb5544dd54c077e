import Foundation
import Hummingbird
import KisumKernel

/// The deal status machine.
enum DealStatus {
    static let all = ["draft", "proposed", "accepted", "rejected", "cancelled"]
    /// A deal starts as a draft or goes straight out as a proposal.
    static let initial = ["draft", "proposed"]
    /// A proposal can be withdrawn to draft for revision; a rejected deal can be reopened as a draft to
    /// renegotiate; an accepted deal can only be cancelled; cancelled is final.
    static let transitions: [String: [String]] = [
        "draft": ["proposed", "cancelled"],
        "proposed": ["draft", "accepted", "rejected", "cancelled"],
        "accepted": ["cancelled"],
        "rejected": ["draft", "cancelled"],
        "cancelled": [],
    ]
    /// Statuses in which the commercial terms may be (re)written: what was accepted or rejected stays
    /// as it was decided.
    static let termsEditable: Set<String> = ["draft", "proposed"]

    /// Nil when `from → to` is allowed (or a no-op), else the 409 explaining why not.
    static func check(from: String, to: String) -> APIError? {
        if from == to { return nil }
        let allowed = transitions[from] ?? []
        guard allowed.contains(to) else {
            let reason = allowed.isEmpty
                ? "A \(from) deal is final and cannot change status."
                : "A \(from) deal cannot become \(to); allowed: \(allowed.joined(separator: ", "))."
            return APIError.conflict("invalid_transition", reason, info: [
                "from": .string(from), "to": .string(to), "allowed": .array(allowed.map(JSONValue.string)),
            ])
        }
        return nil
    }
}

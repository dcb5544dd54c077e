import Foundation
import KisumKernel

/// The contract lifecycle. Statuses move by action, not by free PATCH:
///
/// - `draft → generated` by `generate` (and `generated → generated` to regenerate);
/// - `generated → draft` when a PATCH changes what the document shows (it must be generated again);
/// - `generated → sent` by `send-for-signature`;
/// - `sent → partially_signed → signed`, `→ declined`, `→ expired` as the signature provider reports;
/// - `→ voided` by PATCH from any status that is not final (a sent agreement is cancelled at the provider).
///
/// `signed`, `declined`, `voided` and `expired` are final.
enum ContractStatus {
    static let all = ["draft", "generated", "sent", "partially_signed", "signed", "declined", "voided", "expired"]
    static let transitions: [String: [String]] = [
        "draft": ["generated", "voided"],
        "generated": ["generated", "draft", "sent", "voided"],
        "sent": ["partially_signed", "signed", "declined", "voided", "expired"],
        "partially_signed": ["signed", "declined", "voided", "expired"],
        "signed": [],
        "declined": [],
        "voided": [],
        "expired": [],
    ]
    /// Metadata, variables and signers may change only before the contract goes out.
    static let editable: Set<String> = ["draft", "generated"]
    /// Out for signature: the provider's state can still move.
    static let awaitingSignatures: Set<String> = ["sent", "partially_signed"]
    static let final: Set<String> = ["signed", "declined", "voided", "expired"]

    /// Nil when `action` may take a `from` contract to `to`, else the 409 explaining why not.
    static func check(from: String, to: String, action: String) -> APIError? {
        let allowed = transitions[from] ?? []
        guard allowed.contains(to) else {
            let reason = allowed.isEmpty
                ? "A \(from) contract is final."
                : "A \(from) contract cannot \(action) (it would become \(to)); allowed next: \(allowed.joined(separator: ", "))."
            return APIError.conflict("invalid_transition", reason, info: [
                "from": .string(from), "to": .string(to), "allowed": .array(allowed.map(JSONValue.string)),
            ])
        }
        return nil
    }
}

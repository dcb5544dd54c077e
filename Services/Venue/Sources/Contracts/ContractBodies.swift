import Foundation
import Hummingbird
import KisumKernel

/// A signer in a request body. Signers sign in `signingOrder` (default: their position in the list);
/// `cc` recipients get a copy and do not sign.
struct SignerInput: Codable, Sendable {
    var name: String?
    var email: String?
    var role: String?
    var signingOrder: Int?

    var normalizedEmail: String? { email.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } }
}

/// `POST /api/v1/contracts`: a draft.
struct CreateContract: Decodable, Sendable, ValidatableBody {
    var title: String?
    var bookingId: UUID?
    var dealId: UUID?
    var templateKey: String?
    var variables: JSONValue?
    var notes: String?
    var expiresAt: Date?
    var signers: [SignerInput]?

    func validate(_ v: inout Validator) {
        v.text(title, "title", maxLength: 300)
        v.oneOf(templateKey, "templateKey", ContractRules.templates)
        ContractRules.variables(variables, into: &v)
        v.text(notes, "notes", required: false, maxLength: 5000)
        if let expiresAt, expiresAt <= Date() { v.add("expiresAt", "in_past", "expiresAt must be in the future.") }
        if let signers { ContractRules.signers(signers, into: &v) }
    }
}

/// `PATCH /api/v1/contracts/{id}`: metadata, variables and the signer list (replaced when present) while
/// the contract is a draft or generated; `status: voided` at any time before it is final; notes always.
struct ContractPatch: Decodable, Sendable, ValidatableBody {
    var title: Patch<String> = .absent
    var bookingId: Patch<UUID> = .absent
    var dealId: Patch<UUID> = .absent
    var templateKey: Patch<String> = .absent
    var variables: Patch<JSONValue> = .absent
    var notes: Patch<String> = .absent
    var expiresAt: Patch<Date> = .absent
    var signers: Patch<[SignerInput]> = .absent
    var status: Patch<String> = .absent

    func validate(_ v: inout Validator) {
        for (field, clears) in [("title", title.clears), ("templateKey", templateKey.clears), ("signers", signers.clears),
                                ("status", status.clears)] where clears {
            v.add(field, "not_nullable", "\(field) cannot be null.")
        }
        if let title = title.value { v.text(title, "title", maxLength: 300) }
        v.oneOf(templateKey.value, "templateKey", ContractRules.templates)
        ContractRules.variables(variables.value, into: &v)
        v.text(notes.value, "notes", required: false, maxLength: 5000)
        if let expiresAt = expiresAt.value, expiresAt <= Date() { v.add("expiresAt", "in_past", "expiresAt must be in the future.") }
        if let signers = signers.value { ContractRules.signers(signers, into: &v) }
        if let status = status.value, status != "voided" {
            v.add("status", "not_settable",
                  "Only voided can be set here; other statuses follow generate, send-for-signature and the signature provider.")
        }
    }

    /// Fields whose change makes a generated document stale (they are printed on it).
    var changesDocument: Bool {
        !title.isAbsent || !bookingId.isAbsent || !dealId.isAbsent || !templateKey.isAbsent || !variables.isAbsent || !signers.isAbsent
    }

    /// Fields that can change only before sending.
    var changedDraftFields: [String] {
        [("title", title.isAbsent), ("bookingId", bookingId.isAbsent), ("dealId", dealId.isAbsent), ("templateKey", templateKey.isAbsent),
         ("variables", variables.isAbsent), ("expiresAt", expiresAt.isAbsent), ("signers", signers.isAbsent)]
            .filter { !$0.1 }.map(\.0)
    }

    var variablesValue: JSONValue? { variables.clears ? .object([:]) : variables.value }
}

/// `POST /api/v1/contracts/{id}/send-for-signature` and `…/resend`: an optional message to the signers.
struct SignatureMessage: Decodable, Sendable, ValidatableBody {
    var message: String?

    func validate(_ v: inout Validator) {
        v.text(message, "message", required: false, maxLength: 2000)
    }
}

struct ContractFilter: Sendable {
    var status: String?
    var bookingID: UUID?
    var dealID: UUID?
    var q: String?
}

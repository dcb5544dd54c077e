import Foundation
import Hummingbird
import KisumKernel

/// A venue contract: its lifecycle, its generated document and its signature state.
public struct Contract: Codable, Sendable, ResponseEncodable {
    public var id: UUID
    public var companyId: UUID
    public var bookingId: UUID?
    public var dealId: UUID?
    public var title: String
    public var status: String
    public var templateKey: String
    public var variables: JSONValue
    public var notes: String?
    public var expiresAt: Date?
    /// The generated document; null until `generate` has run.
    public var document: ContractDocumentInfo?
    /// Signature-provider state; null until the contract has been sent.
    public var signature: ContractSignatureInfo?
    public var signers: [ContractSigner]
    public var sentAt: Date?
    public var signedAt: Date?
    public var declinedAt: Date?
    public var voidedAt: Date?
    public var createdBy: UUID?
    public var createdAt: Date
    public var updatedAt: Date
}

public struct ContractDocumentInfo: Codable, Sendable {
    public var contentType: String
    public var sizeBytes: Int64
    public var sha256: String
    public var generatedAt: Date
    /// Where to download it (the storage key stays inside the service).
    public var downloadUrl: String
}

public struct ContractSignatureInfo: Codable, Sendable {
    public var provider: String
    public var agreementId: String?
    /// The provider's own status word (e.g. Adobe's OUT_FOR_SIGNATURE), for support.
    public var providerStatus: String?
    public var error: String?
    public var syncedAt: Date?
    public var lastSentAt: Date?
    public var resendCount: Int
}

public struct ContractSigner: Codable, Sendable {
    public var id: UUID
    public var name: String
    public var email: String
    public var role: String
    public var signingOrder: Int
    public var status: String
    public var lastSentAt: Date?
    public var signedAt: Date?
    public var declinedAt: Date?
}

enum ContractRules {
    static let templates = ["venue_rental", "performance"]
    static let defaultTemplate = "venue_rental"
    static let signerRoles = ["signer", "approver", "cc"]
    static let maxSigners = 20
    static let maxVariables = 100

    static func signers(_ signers: [SignerInput], into v: inout Validator) {
        if signers.count > maxSigners { v.add("signers", "too_many", "At most \(maxSigners) signers.") }
        var seen = Set<String>()
        for (index, signer) in signers.enumerated() {
            let prefix = "signers[\(index)]"
            v.text(signer.name, "\(prefix).name", maxLength: 200)
            v.email(signer.email, "\(prefix).email")
            if let email = signer.normalizedEmail, !seen.insert(email).inserted {
                v.add("\(prefix).email", "duplicate", "Each signer e-mail may appear once.")
            }
            v.oneOf(signer.role, "\(prefix).role", signerRoles)
            v.range(signer.signingOrder, "\(prefix).signingOrder", 1...maxSigners)
        }
    }

    /// Template variables are printed on the document: a flat object of short scalar values.
    static func variables(_ value: JSONValue?, into v: inout Validator) {
        guard let value, !value.isNull else { return }
        guard let object = value.objectValue else {
            v.add("variables", "invalid_type", "Must be an object.")
            return
        }
        if object.count > maxVariables { v.add("variables", "too_many", "At most \(maxVariables) variables.") }
        for (key, entry) in object.sorted(by: { $0.key < $1.key }) {
            if key.isEmpty || key.unicodeScalars.count > 100 { v.add("variables.\(key)", "invalid_key", "Keys are 1 to 100 characters.") }
            switch entry {
            case .string(let text) where text.unicodeScalars.count > 2000:
                v.add("variables.\(key)", "too_long", "At most 2000 characters.")
            case .string, .number, .bool:
                break
            default:
                v.add("variables.\(key)", "invalid_type", "Values are strings, numbers or booleans.")
            }
        }
    }
}

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

/// `GET /api/v1/contracts/{id}/signature-status`.
public struct SignatureStatusReport: Codable, Sendable, ResponseEncodable {
    public var contractId: UUID
    public var status: String
    public var provider: String?
    public var agreementId: String?
    public var providerStatus: String?
    public var sentAt: Date?
    public var lastSentAt: Date?
    public var signedAt: Date?
    public var declinedAt: Date?
    public var voidedAt: Date?
    public var expiresAt: Date?
    public var signers: [ContractSigner]
    public var sync: SignatureSync
}

/// Where the reported state comes from. `refreshed`: fetched from the provider during this request.
/// `stale`: the provider could not be reached, so this is the last stored state (see `error`).
public struct SignatureSync: Codable, Sendable {
    public var source: String
    public var refreshed: Bool
    public var stale: Bool
    public var syncedAt: Date?
    public var error: String?
}

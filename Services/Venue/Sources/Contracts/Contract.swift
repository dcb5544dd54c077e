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
